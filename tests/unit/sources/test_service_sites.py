"""Service sites (care hubs, clinics, team bases): placed by coordinates or postcode, and every bad row kept in
quarantine with its line, column and rule."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from jsna.errors import SourceError
from jsna.sources import service_sites
from jsna.sources.context import Placement, ReadContext
from tests.unit.sources.test_case_adapters import demo_context


@pytest.fixture(scope="module")
def context(demo_dir: Path) -> ReadContext:
    return demo_context(demo_dir)


def test_the_demo_sites_load_and_sit_in_their_small_areas(demo_dir: Path, context: ReadContext) -> None:
    parsed = service_sites.read(demo_dir / "health" / "service_sites.csv", {}, context)
    raw = pd.read_csv(demo_dir / "health" / "service_sites.csv", encoding="utf-8-sig")
    assert parsed.rows_in == len(raw) == parsed.rows_loaded and parsed.quarantine.empty
    f = parsed.frame
    assert (f["service"] == "Urgent care hub").sum() == 3 and (f["service"] == "Integrated care team").sum() == 1
    assert f["lsoa_code"].isin(context.placement.known).all()
    expected = context.placement.points(raw["Easting"].astype(float), raw["Northing"].astype(float))
    assert f["lsoa_code"].tolist() == expected.tolist()


def test_postcodes_place_sites_and_bad_rows_go_to_quarantine(demo_dir: Path, context: ReadContext,
                                                             tmp_path: Path) -> None:
    pcs = pd.read_csv(demo_dir / "postcodes" / "onspd_demo.csv", dtype=str, keep_default_na=False,
                      encoding="utf-8-sig")
    live = pcs[pcs["doterm"] == ""].iloc[0]
    rows = [
        ("Hub A", "Urgent care hub", "Trust", "01/09/2018", "", live["oseast1m"], live["osnrth1m"], "", ""),
        ("Clinic B", "CAMHS clinic", "", "", "", "", "", live["pcds"], ""),  # by postcode
        ("", "CAMHS clinic", "", "", "", "", "", "", ""),  # no name (and nowhere)
        ("Clinic C", "CAMHS clinic", "", "", "", "", "", "", ""),  # nowhere
        ("Clinic D", "CAMHS clinic", "", "", "", "", "", "ZZ9 9ZZ", ""),  # unknown postcode
        ("Hub E", "Urgent care hub", "", "", "", "1", "1", "", ""),  # outside every LSOA
        ("Hub F", "Urgent care hub", "", "31/02/2019", "", "", "", live["pcds"], ""),  # impossible date
        ("Hub G", "Urgent care hub", "", "01/09/2020", "01/09/2019", "", "", live["pcds"], ""),  # closed first
        ("Hub A", "Urgent care hub", "", "", "", "", "", live["pcds"], ""),  # duplicate
    ]
    frame = pd.DataFrame(rows, columns=["Site name", "Service", "Provider", "Opened", "Closed", "Easting", "Northing",
                                        "Postcode", "extra"])
    path = tmp_path / "sites.csv"
    frame.drop(columns="extra").to_csv(path, index=False)
    parsed = service_sites.read(path, {}, context)
    assert parsed.rows_in == 9 == parsed.rows_loaded + len(parsed.quarantine)
    assert parsed.frame["name"].tolist() == ["Hub A", "Clinic B"]
    assert parsed.frame["lsoa_code"].tolist() == [live["lsoa21"], live["lsoa21"]]
    assert parsed.frame["opened"].iloc[0] == pd.Timestamp("2018-09-01")
    q = parsed.quarantine.set_index("line")
    assert q.loc[4, "rule"] == "site name missing"
    assert q.loc[5, "rule"] == "no easting/northing and no postcode"
    assert (q.loc[6, "column_name"], q.loc[6, "rule"]) == ("postcode", "postcode not in the postcode directory")
    assert q.loc[7, "rule"] == "outside every loaded LSOA"
    assert (q.loc[8, "column_name"], q.loc[8, "rule"]) == ("opened", "not a date")
    assert q.loc[9, "rule"] == "closed before it opened"
    assert q.loc[10, "rule"] == "duplicate site and service"


def test_sites_need_the_small_areas(tmp_path: Path) -> None:
    path = tmp_path / "sites.csv"
    path.write_text("Site name,Service\nHub,Urgent care hub\n")
    with pytest.raises(SourceError, match="declare an LSOA boundaries source first"):
        service_sites.read(path, {}, ReadContext(Placement()))
