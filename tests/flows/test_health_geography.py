"""Health figures by NHS geography on the refreshed demo county: counted to sub-ICB locations and ICBs through
the lookup, NHS England's sub-ICB figures shared out to districts, and compared with the waiting list."""

from __future__ import annotations

from pathlib import Path

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


def test_health_advice_by_home_sums_through_the_nhs_geography(refreshed: dict, engine: sa.Engine) -> None:
    """Given the trusts' advice returns, when counted by the child's home (through the EHC case), then in every
    quarter each sub-ICB's requests are its districts' together, the ICB's the sub-ICBs' together, and the county
    (every trust's requests for its children, placed or not) at least as many, most of them placed."""
    v = core_values(engine, "advice_6_weeks")
    assert {"trust", "lad", "utla", "sicbl", "icb"} == set(v["area_level"])
    look = pd.read_sql(sa.text("SELECT DISTINCT lad_code, sicbl_code FROM core.lsoa_lookup"), engine)
    lad = v[v["area_level"] == "lad"].merge(look, left_on="area_code", right_on="lad_code")
    for measure in ("numerator", "denominator"):
        by_lad = lad.groupby(["period", "sicbl_code"])[measure].sum()
        sub = v[v["area_level"] == "sicbl"].set_index(["period", "area_code"])[measure]
        assert len(sub) > 20 and (by_lad.reindex(sub.index).to_numpy() == sub.to_numpy()).all(), measure
        sums = v.groupby(["period", "area_level"])[measure].sum().unstack()
        assert (sums["icb"] == sums["sicbl"]).all() and (sums["utla"] >= sums["icb"]).all(), measure
        assert (sums["trust"] == sums["utla"]).all(), measure
    placed = v[v["area_level"] == "icb"]["denominator"].sum() / v[v["area_level"] == "utla"]["denominator"].sum()
    assert 0.8 < placed <= 1


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
            assert sums[level].to_numpy() == pytest.approx(sums["sicbl"].to_numpy(), abs=1e-4), (measure, level)
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
    county = c[(c["area_level"] == "utla") & (c["comparator_type"] == "nhs_england")
               & (c["indicator_id"] == "waiting_over_13_weeks")]
    assert set(county["breakdown"]) == {"pathway=asc"}
    assert {"2023-Q1", "2024-Q4"} <= set(county["period"])
    row = county[county["period"] == "2024-Q4"].iloc[0]
    assert row["comparator_value"] == pytest.approx(england["2024-12"])
    sub = c[c["comparator_type"] == "nhs_sub_icb"]
    assert len(sub) and (sub["area_code"] == sub["comparator_code"]).all()


def test_autism_and_adhd_lists_are_compared_with_community_paediatrics(refreshed: dict, engine: sa.Engine) -> None:
    """Given England's community paediatric waiting list (the derived series), when published, then its share over
    18 weeks is the >18-52 and >52 week bands over the whole list, and the county's autism and ADHD lists' shares
    over 18 and 52 weeks are compared with it at each quarter end."""
    v = core_values(engine, "nhs_paediatrics_over_18_weeks")
    assert set(v["area_level"]) == {"country"} and len(v) == 36
    series = pd.read_sql(sa.text("SELECT time_period, measure, value FROM core.statistics "
                                 "WHERE dataset LIKE 'community_health%' AND time_period = '2024-12'"), engine)
    got = series.set_index("measure")["value"]
    row = v[v["period"] == "2024-12"].iloc[0]
    assert row["numerator"] == got["waiting >18-52 weeks"] + got["waiting >52 weeks"]
    assert row["denominator"] == got["total waiting list"]
    c = pd.read_sql(sa.text("SELECT * FROM published.comparisons WHERE comparator_type = 'nhs_england' "
                            "AND area_level = 'utla' AND indicator_id IN ('waiting_over_18_weeks', "
                            "'waiting_over_52_weeks') AND period = '2024-Q4'"), engine)
    pairs = set(zip(c["indicator_id"], c["breakdown"], strict=True))
    assert pairs == {(i, b) for i in ("waiting_over_18_weeks", "waiting_over_52_weeks")
                     for b in ("pathway=asc", "pathway=adhd")}
    assert c.loc[c["indicator_id"] == "waiting_over_18_weeks", "comparator_value"].iloc[0] == pytest.approx(
        row["value"])


def test_mhsds_access_shared_out_and_compared_with_england(refreshed: dict, engine: sa.Engine, demo_dir: Path) -> None:
    """Given the demo's MHSDS time series (MHS95 by sub-ICB and England), when published as nhs_cyp_mh_access_rate,
    then each sub-ICB's count is the file's and its residents are its LSOAs' aged 0-17; each month the districts,
    the county and the ICB add back to the sub-ICBs; England's is published; and the county's rate is compared
    with England's (better, similar or worse: more access is better)."""
    v = core_values(engine, "nhs_cyp_mh_access_rate")
    assert {"country", "icb", "sicbl", "utla", "lad"} == set(v["area_level"])
    for measure in ("numerator", "denominator"):
        sums = v.groupby(["period", "area_level"])[measure].sum().unstack()
        assert len(sums) == 48  # January 2022 to December 2025
        for level in ("lad", "utla", "icb"):
            assert sums[level].to_numpy() == pytest.approx(sums["sicbl"].to_numpy(), rel=1e-9), (measure, level)
    file = pd.read_csv(demo_dir / "health/nhs_mhsds/mhsds_time_series.csv", dtype=str, encoding="utf-8-sig")
    ods = pd.read_csv(demo_dir / "lookups/lsoa21_sicbl22_icb22_lad22.csv", dtype=str, encoding="utf-8-sig")
    gss = dict(zip(ods["SICBL22CDH"], ods["SICBL22CD"], strict=False))
    june = file[(file["REPORTING_PERIOD_END"] == "30/06/2024") & (file["BREAKDOWN"] == "Sub ICB of Residence")]
    sub = v[(v["area_level"] == "sicbl") & (v["period"] == "2024-06")].set_index("area_code")
    want = june.set_index(june["PRIMARY_LEVEL"].map(gss))["MEASURE_VALUE"].astype(float)
    assert sub["numerator"].reindex(want.index).tolist() == want.tolist()
    people = pd.read_sql(sa.text(
        "SELECT k.sicbl_code, sum(p.population) AS population FROM core.population p JOIN core.lsoa_lookup k "
        "USING (lsoa_code) WHERE p.age <= 17 AND p.year = 2024 GROUP BY 1"), engine).set_index("sicbl_code")
    assert sub["denominator"].to_numpy() == pytest.approx(people["population"].reindex(sub.index).to_numpy())
    assert (v[v["area_level"] == "country"]["denominator"] > 1e6).all()
    c = pd.read_sql(sa.text("SELECT * FROM published.comparisons WHERE indicator_id = 'nhs_cyp_mh_access_rate' "
                            "AND comparator_type = 'england' AND area_level = 'utla'"), engine)
    assert len(c) == 48 and set(c["comparison"]) <= {"better", "similar", "worse"}
