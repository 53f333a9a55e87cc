"""The demo's benchmarks: DfE's EHC plan figures for England, the regions and every authority, and DfE's
statistical neighbours, in the publishers' layouts, read by the project's own adapters."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from jsna.demo import benchmarks
from jsna.demo.spec import ENGLAND_CASELOAD
from jsna.sources import ees, neighbours
from tests.conftest import REALDATA
from tests.unit.demo.conftest import to_dates


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def test_england_regions_and_authorities_add_up(county: Path) -> None:
    """Given the county demo, then caseload.csv has England's calibrated caseload every January, nine regions
    and 153 authorities (24 counties, 129 unitaries) adding up to it, and the ees_ehcp adapter reads it whole."""
    c = _read(county / benchmarks.RELEASE / "caseload.csv")
    c["n"] = c["ehcplans"].astype(int)
    for year, total in ENGLAND_CASELOAD.items():
        at = c[c["time_period"] == f"{year - 1}{year % 100:02d}"]
        if at.empty:
            continue
        assert at.loc[at["geographic_level"] == "National", "n"].tolist() == [total]
        assert at.loc[at["geographic_level"] == "Regional", "n"].sum() == total
        assert at.loc[at["geographic_level"] == "Local authority", "n"].sum() == total
    las = c[c["geographic_level"] == "Local authority"].drop_duplicates("new_la_code")
    assert len(las) == 153 and las["new_la_code"].str.startswith("X10").sum() == 24
    assert c.loc[c["geographic_level"] == "Regional", "region_code"].nunique() == 9
    assert set(c.loc[c["new_la_code"] == "X10000001", ["old_la_code", "la_name", "region_name"]].itertuples(
        index=False, name=None)) == {("101", "Demoshire", "Southdowns Demo")}
    for name in ("caseload", "timeliness_20_week", "requests"):
        parsed = ees.read_ees_ehcp(county / benchmarks.RELEASE / f"{name}.csv", {})
        assert parsed.quarantine.empty and parsed.rows_loaded == len(_read(county / benchmarks.RELEASE / f"{name}.csv"))


def test_demoshire_is_published_as_its_cases_count(county: Path) -> None:
    """Demoshire's published 20-week figures are its own case-level file's: new plans (no transfer) issued in
    the calendar year, and of them those issued within 140 days of the request."""
    cases = _read(county / "education" / "ehcp_cases.csv")
    issued = to_dates(cases["Final Issue Date"])
    new = cases["Transfer"].eq("") & cases["Assessment Outcome"].eq("Plan") & issued.notna()
    within = new & ((issued - to_dates(cases["Request Date"])).dt.days <= 140)
    t = _read(county / benchmarks.RELEASE / "timeliness_20_week.csv")
    own = t[t["new_la_code"] == "X10000001"].set_index("time_period")
    for year in (2019, 2024, 2025):
        in_year = issued.dt.year == year
        assert int(own.loc[str(year), "plans_issued_den"]) == int((new & in_year).sum())
        assert int(own.loc[str(year), "plans_issued_within_20_weeks"]) == int((within & in_year).sum())
    assert (own["plans_issued_den"].astype(int) > 1_000).all()


def test_mye_holds_every_authority_region_and_england(county: Path) -> None:
    """The mid-year estimates add the other authorities, and the regions and England count them."""
    mye = _read(county / "population" / "myeb1_lad.csv")
    mye["n"] = mye["population_2025"].astype(int)
    first = mye.drop_duplicates("code")
    assert (first["geography"] == "Unitary Authority").sum() == 129 and (first["geography"] == "County").sum() == 24
    uppers = mye[mye["geography"].isin(["Unitary Authority", "County"])]["n"].sum()
    regions = mye.loc[mye["geography"] == "Region", "n"].sum()
    assert mye.loc[mye["geography"] == "Country", "n"].sum() == uppers == regions
    assert uppers > 30 * mye.loc[mye["code"] == "X10000001", "n"].sum()


def test_neighbours_in_both_dfe_layouts(county: Path) -> None:
    """Both neighbour files read with the statistical_neighbours adapter: ten neighbours of every authority,
    never itself, all of them authorities of the statistics; the two groupings differ (other variables)."""
    codes = set(_read(county / benchmarks.RELEASE / "caseload.csv")["old_la_code"]) - {""}
    groups = {}
    for rel in (benchmarks.SN_2025, benchmarks.SN_2021):
        parsed = neighbours.read(county / rel, {})
        sn = parsed.frame
        assert parsed.quarantine.empty and len(sn) == 153 * 10
        assert (sn.groupby("la_number")["rank"].apply(sorted) == [list(range(1, 11))] * 153).all()
        assert not (sn["la_number"] == sn["neighbour_number"]).any()
        assert {str(n) for n in sn["neighbour_number"]} <= codes
        assert set(sn["closeness"]) <= {"Extremely close", "Very close", "Close", "Somewhat close", "Not close",
                                        "Extremely Close", "Very Close", "Not Close"}
        groups[rel] = sn[sn["la_number"] == 101].sort_values("rank")["neighbour_number"].tolist()
    assert groups[benchmarks.SN_2025] != groups[benchmarks.SN_2021]
    assert len(set(groups[benchmarks.SN_2025])) == 10


def test_dfe_s_real_groupings_give_hampshire_its_published_neighbours() -> None:
    """DfE's 2021 groupings and 2025 model as published: Hampshire (850)'s ten neighbours in rank order."""
    folder = REALDATA / "geography" / "dfe_lookups"
    old = neighbours.read(folder / "New_Statistical_Neighbour_Groupings_April_2021.csv", {}).frame
    new = neighbours.read(folder / "sn_model_2025_wide.csv", {}).frame
    for frame, expected, first_band in (
        (old, [938, 803, 823, 873, 802, 916, 855, 885, 937, 919], "Extremely Close"),
        (new, [865, 802, 916, 938, 869, 867, 803, 937, 931, 855], "Extremely close"),
    ):
        hants = frame[frame["la_number"] == 850].sort_values("rank")
        assert hants["neighbour_number"].tolist() == expected
        assert hants["closeness"].iloc[0] == first_band
        assert frame["la_number"].nunique() >= 150
