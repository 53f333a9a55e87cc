"""Inequality by deprivation: local deciles ranked within each area, and the slope index of inequality (SII)
in the EHC plan rate across them, checked on hand-made cases whose answers are known."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jsna.indicators.inequality import decile_counts, local_deciles, national_deciles, sii


def county(n: int = 25, seed: int = 3) -> tuple[pd.DataFrame, pd.DataFrame]:
    """n LSOAs in one district of one county, IMD ranks shuffled; (population rows, lookup)."""
    rng = np.random.default_rng(seed)
    codes = [f"L{k:02d}" for k in range(n)]
    ranks = rng.permutation(np.arange(1, n + 1) * 1000)
    pop = pd.DataFrame({"lsoa_code": codes, "imd_rank": ranks, "period": "202425", "population": 1000.0})
    lookup = pd.DataFrame({"lsoa_code": codes, "lad_code": "D", "utla_code": "C"})
    return pop, lookup


def test_local_deciles_cut_the_areas_own_lsoas_by_rank() -> None:
    """Given 25 LSOAs, then each area has ten deciles of 2 or 3 LSOAs, in order of IMD rank, decile 1 holding
    the three most deprived."""
    pop, lookup = county()
    d = local_deciles(pop, lookup)
    for level in ("lad", "utla"):
        one = d[d["area_level"] == level].merge(pop, on="lsoa_code")
        sizes = one.groupby("decile").size()
        assert sizes.index.tolist() == list(range(1, 11)) and set(sizes) == {2, 3} and sizes.sum() == 25
        assert one.groupby("decile")["imd_rank"].max().is_monotonic_increasing
        assert sorted(one.loc[one["decile"] == 1, "imd_rank"]) == [1000, 2000, 3000]
        assert (one.groupby("decile")["imd_rank"].min().iloc[1:].to_numpy()
                > one.groupby("decile")["imd_rank"].max().iloc[:-1].to_numpy()).all()


def rates_on_a_line() -> pd.DataFrame:
    """Ten deciles of 10,000 residents whose rate per 1,000 falls on a line through the population midpoints:
    19.5 at the most deprived (midpoint 0.05) down to 10.5 at the least (0.95), a slope of -10."""
    mid = (np.arange(10) + 0.5) / 10
    plans = (20 - 10 * mid) * 10
    return pd.DataFrame({"period": "202425", "area_level": "utla", "area_code": "C", "population": 10_000.0,
                         "plans": plans, "breakdown": [f"local_imd_decile={k}" for k in range(1, 11)]})


def test_sii_is_the_gap_between_the_fitted_ends_signed_deprived_higher() -> None:
    """Given rates exactly on a line falling by 10 per 1,000 from the most to the least deprived end, then
    the SII is +10 per 1,000, inside its 95% limits, which sit inside the 99.8% ones."""
    out = sii(rates_on_a_line(), 1000, repetitions=20_000)
    assert len(out) == 1
    row = out.iloc[0]
    assert row["value"] == pytest.approx(10.0, abs=1e-9)
    assert row["lower_ci998"] < row["lower_ci95"] < 10 < row["upper_ci95"] < row["upper_ci998"]
    assert row["lower_ci95"] > 5 and row["upper_ci95"] < 15
    assert np.isnan(row["numerator"]) and row["breakdown"] == "all"
    # the same again: the seed is fixed, so a refresh publishes the same limits
    assert sii(rates_on_a_line(), 1000, repetitions=20_000).equals(out)


def test_flat_rates_give_no_gap_and_a_missing_decile_gives_no_sii() -> None:
    flat = rates_on_a_line().assign(plans=150.0)
    assert sii(flat, 1000, repetitions=5_000).iloc[0]["value"] == pytest.approx(0, abs=1e-9)
    assert sii(flat.iloc[1:], 1000, repetitions=5_000).empty  # nine deciles: withheld
    none_in_one = flat.assign(plans=[0.0, *[150.0] * 9])
    assert sii(none_in_one, 1000, repetitions=5_000).empty  # a decile without a plan: no log limits


def test_counts_by_decile_sum_to_the_area() -> None:
    """Given plans in some LSOAs, then each area's plans and residents by local decile, and by England's
    decile, add up to its own."""
    pop, lookup = county()
    c = pd.DataFrame({"lsoa_code": ["L00", "L00", "L07", "L19"], "period": "202425", "plans": [2, 3, 4, 1]})
    r = decile_counts(c, pop, local_deciles(pop, lookup), "local_imd_decile")
    for level in ("lad", "utla"):
        one = r[r["area_level"] == level]
        assert len(one) == 10 and one["plans"].sum() == 10 and one["population"].sum() == 25_000
    # England's deciles the same way: the LSOAs' own deciles (here 1-3 only), every plan and resident counted
    national = decile_counts(c, pop.assign(imd_decile=pop["imd_rank"] // 10_000 + 1),
                             national_deciles(pop.assign(imd_decile=pop["imd_rank"] // 10_000 + 1), lookup),
                             "imd_decile")
    county_rows = national[national["area_level"] == "utla"].set_index("breakdown")
    assert county_rows.index.tolist() == ["imd_decile=1", "imd_decile=2", "imd_decile=3"]
    assert county_rows["plans"].sum() == 10 and county_rows["population"].tolist() == [9_000, 10_000, 6_000]
    decile_of = local_deciles(pop, lookup).query("area_level == 'utla'").set_index("lsoa_code")["decile"]
    got = r[r["area_level"] == "utla"].set_index("breakdown")["plans"]
    assert got[f"local_imd_decile={decile_of['L00']}"] >= 5
