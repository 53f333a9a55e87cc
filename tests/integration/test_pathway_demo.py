"""After the demo's refresh, the 0-25 pathway's published figures (early years children with SEN, key stage 4
destinations by SEN provision) equal the counts recounted by hand from the demo's files in DfE's layouts, and the
county's sit beside England's, its region's and its statistical neighbours'."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from jsna.demo import pathway as demo_pathway

pytestmark = pytest.mark.db
COUNTY = "X10000001"


def published(engine: sa.Engine, indicator: str, period: str, code: str) -> pd.Series:
    return pd.read_sql(sa.text(
        "SELECT numerator, denominator, value FROM published.indicator_values WHERE indicator_id = :i "
        "AND period = :p AND area_code = :a AND breakdown = 'all'"), engine,
        params={"i": indicator, "p": period, "a": code}).iloc[0]


def read(demo_dir: Path, rel: str) -> pd.DataFrame:
    return pd.read_csv(demo_dir / rel, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def test_early_years_sen_equals_the_file_recounted(refreshed: dict, demo_dir: Path, engine: sa.Engine) -> None:
    """Given the demo's file 4 of funded early education, then the county's and England's 2025 share of children
    registered for the universal entitlement with SEN is the file's SEN total over its total, recounted here."""
    f = read(demo_dir, f"{demo_pathway.EARLY_YEARS}/{demo_pathway.EY_FILE}")
    f = f[(f["time_period"] == "2025") & (f["entitlement_type"] == "15-hour entitlement")
          & (f["sen_provision"] == "Total")]
    for level, code, column in (("Local authority", COUNTY, "new_la_code"),
                                ("National", "X92000001", "country_code")):
        rows = f[(f["geographic_level"] == level) & (f[column] == code)].set_index("sen_status")
        count = rows["registered_children_count"].astype(int)
        sen, total = int(count["SEN"]), int(count["Total"])
        got = published(engine, "early_years_sen_pct", "2025", code)
        assert (got["numerator"], got["denominator"]) == (sen, total)
        assert got["value"] == pytest.approx(100 * sen / total)


def test_ks4_destinations_equal_the_files_recounted(refreshed: dict, demo_dir: Path, engine: sa.Engine) -> None:
    """Given the demo's key stage 4 destination files, then the latest cohort's sustained destinations of leavers
    with an EHC plan are the files' 'overall' over 'cohort' in numbers: the county by its schools' authority, a
    district by its schools' location, England from the national file."""
    la = read(demo_dir, f"{demo_pathway.KS4}/{demo_pathway.KS4_LA_FILE}")
    nat = read(demo_dir, f"{demo_pathway.KS4}/{demo_pathway.KS4_NAT_FILE}")
    period = max(la["time_period"])
    with engine.connect() as conn:
        district = str(conn.execute(sa.text(
            "SELECT min(area_code) FROM published.areas WHERE area_level = 'lad'")).scalar_one())
    for frame, code, column in ((la[la["geographic_level"] == "Local authority"], COUNTY, "new_la_code"),
                                (la, district, "lad_code"), (nat, "X92000001", "country_code")):
        row = frame[(frame[column] == code) & (frame["time_period"] == period) & (frame["breakdown"] == "EHC plan")
                    & (frame["data_type"] == "Number of pupils")]
        assert len(row) == 1, code
        overall, cohort = int(row["overall"].iloc[0]), int(row["cohort"].iloc[0])
        got = published(engine, "ks4_destination_ehcp", period, code)
        assert (got["numerator"], got["denominator"]) == (overall, cohort), code
        assert got["value"] == pytest.approx(100 * overall / cohort)
    county_support = la[(la["new_la_code"] == COUNTY) & (la["geographic_level"] == "Local authority")
                        & (la["time_period"] == period) & (la["breakdown"] == "SEN support")
                        & (la["data_type"] == "Number of pupils")].iloc[0]
    got = published(engine, "ks4_destination_sen_support", period, COUNTY)
    assert (got["numerator"], got["denominator"]) == (int(county_support["overall"]), int(county_support["cohort"]))


@pytest.mark.parametrize(("indicator", "period"), [("early_years_sen_pct", "2025"), ("ks4_destination_ehcp", None),
                                                   ("ks4_destination_sen_support", None)])
def test_the_county_compares_with_england_region_and_neighbours(refreshed: dict, engine: sa.Engine, indicator: str,
                                                                period: str | None) -> None:
    """Given the pathway's figures for every authority, region and England, then the county's latest compares
    with England's and its region's published values and its ten DfE neighbours' pooled figure."""
    with engine.connect() as conn:
        period = period or str(conn.execute(sa.text(
            "SELECT max(period) FROM published.indicator_values WHERE indicator_id = :i"), {"i": indicator}
        ).scalar_one())
        comps = pd.read_sql(sa.text(
            "SELECT comparator_type, comparator_value FROM published.comparisons WHERE indicator_id = :i AND "
            "period = :p AND area_code = :a AND breakdown = 'all'"), conn,
            params={"i": indicator, "p": period, "a": COUNTY}).set_index("comparator_type")["comparator_value"]
        sn = list(conn.execute(sa.text("SELECT neighbour_code FROM core.neighbours WHERE area_code = :a"),
                               {"a": COUNTY}).scalars())
        region = str(conn.execute(sa.text("SELECT min(area_code) FROM published.areas WHERE area_level = 'region'"))
                     .scalar_one())
    assert {"england", "region", "neighbours"} <= set(comps.index)
    assert comps["england"] == pytest.approx(published(engine, indicator, period, "X92000001")["value"])
    assert comps["region"] == pytest.approx(published(engine, indicator, period, region)["value"])
    pooled = [published(engine, indicator, period, code) for code in sn]
    assert len(pooled) == 10
    assert comps["neighbours"] == pytest.approx(100 * sum(p["numerator"] for p in pooled)
                                                / sum(p["denominator"] for p in pooled))
