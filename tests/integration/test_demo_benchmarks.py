"""After the demo's refresh, its figures sit beside their benchmarks: England, the region and DfE's
statistical neighbours for the county, England, the region and the county for each district."""

from __future__ import annotations

import pandas as pd
import pytest
import sqlalchemy as sa

pytestmark = pytest.mark.db


def comparisons(engine: sa.Engine, indicator: str, period: str) -> pd.DataFrame:
    return pd.read_sql(sa.text(
        "SELECT area_level, area_code, comparator_type, comparator_code, comparator_value FROM published.comparisons "
        "WHERE indicator_id = :i AND period = :p AND breakdown = 'all'"), engine, params={"i": indicator, "p": period})


def value(engine: sa.Engine, indicator: str, period: str, code: str) -> pd.Series:
    return pd.read_sql(sa.text(
        "SELECT numerator, denominator, value FROM published.indicator_values WHERE indicator_id = :i AND period = :p "
        "AND area_code = :a AND breakdown = 'all'"), engine, params={"i": indicator, "p": period, "a": code}).iloc[0]


def test_county_and_districts_have_england_region_and_neighbour_rows(refreshed: dict, engine: sa.Engine) -> None:
    """Given the demo refreshed, then for 20-week timeliness in 2025 the county compares with England, its region
    and its statistical neighbours, and every district with England, the region and the county; England's and the
    region's values are their published ones, the neighbours' the pooled figure of the ten DfE names."""
    c = comparisons(engine, "ehcp_20_weeks", "2025")
    with engine.connect() as conn:
        districts = set(conn.execute(sa.text("SELECT area_code FROM published.areas WHERE area_level = 'lad'"))
                        .scalars())
        sn = list(conn.execute(sa.text("SELECT neighbour_code FROM core.neighbours WHERE area_code = 'X10000001' "
                                       "ORDER BY rank")).scalars())
    assert len(districts) == 11 and len(sn) == 10 and "X10000001" not in sn
    county = c[c["area_code"] == "X10000001"].set_index("comparator_type")
    assert {"england", "region", "neighbours", "target"} <= set(county.index)
    england = value(engine, "ehcp_20_weeks", "2025", "X92000001")
    region = value(engine, "ehcp_20_weeks", "2025", "X12000001")
    assert county.loc["england", "comparator_value"] == pytest.approx(england["value"])
    assert county.loc["region", "comparator_value"] == pytest.approx(region["value"])
    own = value(engine, "ehcp_20_weeks", "2025", "X10000001")
    assert region["denominator"] > 3 * own["denominator"]  # the region's published figure counts other authorities
    pooled = [value(engine, "ehcp_20_weeks", "2025", code) for code in sn]
    assert county.loc["neighbours", "comparator_value"] == pytest.approx(
        100 * sum(p["numerator"] for p in pooled) / sum(p["denominator"] for p in pooled))
    for code in districts:
        kinds = set(c.loc[c["area_code"] == code, "comparator_type"])
        assert {"england", "region", "parent"} <= kinds, code
    # the rate per 1,000 too: England from England's published caseload over its residents aged 0-25
    rate = comparisons(engine, "ehcp_rate_0_25", "202425")
    kinds = rate[rate["area_code"] == "X10000001"]["comparator_type"]
    assert {"england", "region", "neighbours"} <= set(kinds)
    assert value(engine, "ehcp_plans", "202425", "X92000001")["numerator"] == 639_000
