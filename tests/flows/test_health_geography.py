"""Health figures by NHS geography on the refreshed demo county: counted to sub-ICB locations and ICBs through
the lookup, NHS England's sub-ICB figures shared out to districts, and compared with the waiting list."""

from __future__ import annotations

import pandas as pd
import pytest
import sqlalchemy as sa

pytestmark = [pytest.mark.db, pytest.mark.flow]


def core_values(engine: sa.Engine, indicator: str) -> pd.DataFrame:
    """Unsuppressed values (as the analyst sees them) of one indicator."""
    return pd.read_sql(sa.text("SELECT * FROM core.indicator_values WHERE indicator_id = :i"), engine,
                       params={"i": indicator})


@pytest.mark.parametrize("indicator", ["waiting_over_18_weeks", "referrals_rate", "wait_median_weeks"])
def test_sub_icbs_and_icb_sum_to_the_county(refreshed: dict, engine: sa.Engine, indicator: str) -> None:
    """Given the demo's sub-ICBs (whole groups of districts) and its one ICB (the county), when the waiting-list
    indicators are published, then in every period and pathway the sub-ICBs' counts add up to the county's,
    the ICB's equal it, and each sub-ICB's equal its districts' together."""
    v = core_values(engine, indicator)
    assert {"sicbl", "icb"} <= set(v["area_level"])
    keys = ["period", "breakdown"]
    tot = v[v["area_level"] == "utla"].set_index(keys)["numerator"]
    for level in ("sicbl", "icb"):
        got = v[v["area_level"] == level].groupby(keys)["numerator"].sum()
        assert len(got) == len(tot) > 10
        assert (got.reindex(tot.index) == tot).all(), level
    look = pd.read_sql(sa.text("SELECT DISTINCT lad_code, sicbl_code FROM core.lsoa_lookup"), engine)
    assert look.groupby("lad_code")["sicbl_code"].nunique().max() == 1  # districts nest in sub-ICBs
    lad = v[v["area_level"] == "lad"].merge(look, left_on="area_code", right_on="lad_code")
    by_lad = lad.groupby([*keys, "sicbl_code"])["numerator"].sum()
    sub = v[v["area_level"] == "sicbl"].set_index([*keys, "area_code"])["numerator"]
    assert (by_lad.reindex(sub.index).to_numpy() == sub.to_numpy()).all()


def test_nhs_autism_statistics_shared_out_sum_back(refreshed: dict, engine: sa.Engine) -> None:
    """Given NHS England's Autism Statistics for the demo's sub-ICBs, when shared out to districts by children,
    then each month's districts add back to the sub-ICBs (and to the county and the ICB), a district takes
    its sub-ICB's percentage, and England's figure is published as NHS England gave it."""
    v = core_values(engine, "nhs_autism_open_13_weeks")
    assert {"country", "icb", "sicbl", "utla", "lad"} == set(v["area_level"])
    for measure in ("numerator", "denominator"):
        sums = v.groupby(["period", "area_level"])[measure].sum().unstack()
        assert len(sums) >= 12
        for level in ("lad", "utla", "icb"):
            assert sums[level].to_numpy() == pytest.approx(sums["sicbl"].to_numpy(), rel=1e-9), (measure, level)
    look = pd.read_sql(sa.text("SELECT DISTINCT lad_code, sicbl_code FROM core.lsoa_lookup"), engine)
    lad = v[v["area_level"] == "lad"].merge(look, left_on="area_code", right_on="lad_code")
    sub = v[v["area_level"] == "sicbl"][["period", "area_code", "value"]].rename(
        columns={"area_code": "sicbl_code", "value": "sub_icb"})
    both = lad.merge(sub, on=["period", "sicbl_code"])
    assert len(both) == len(lad) and both["value"].to_numpy() == pytest.approx(both["sub_icb"].to_numpy())
    assert (v[v["area_level"] == "country"]["denominator"] > 1000).all()


def test_the_waiting_list_is_compared_with_nhs_england(refreshed: dict, engine: sa.Engine) -> None:
    """Given the refresh, then the county's ASC waiting-list share at each quarter end from 2023 is compared with
    NHS England's England figure for the quarter's last month, and each sub-ICB with its own published figure."""
    c = pd.read_sql(sa.text("SELECT * FROM published.comparisons WHERE comparator_type LIKE 'nhs%'"), engine)
    nhs = core_values(engine, "nhs_autism_open_13_weeks")
    england = nhs[nhs["area_level"] == "country"].set_index("period")["value"]
    county = c[(c["area_level"] == "utla") & (c["comparator_type"] == "nhs_england")]
    assert set(county["breakdown"]) == {"pathway=asc"}
    assert {"2023-Q1", "2024-Q4"} <= set(county["period"])
    row = county[county["period"] == "2024-Q4"].iloc[0]
    assert row["comparator_value"] == pytest.approx(england["2024-12"])
    sub = c[c["comparator_type"] == "nhs_sub_icb"]
    assert len(sub) and (sub["area_code"] == sub["comparator_code"]).all()
