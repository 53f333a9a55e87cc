"""Disclosure control: no count from 1 to 4 leaves in clear, nor anything derived from one, and no
suppressed count can be recovered by subtraction from totals or sibling breakdowns."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from pandas.testing import assert_frame_equal

from jsna.config import Disclosure
from jsna.publish.disclosure import exposed_groups, protect, sum_groups, suppress


def rows(**cols: list) -> pd.DataFrame:
    n = len(next(iter(cols.values())))
    base = {"indicator_id": ["i"] * n, "period": ["2024"] * n, "area_level": ["lad"] * n,
            "area_code": [f"A{k}" for k in range(n)], "breakdown": ["all"] * n,
            "lower_ci95": 1.0, "upper_ci95": 2.0, "lower_ci998": 0.5, "upper_ci998": 2.5,
            "comparison": "better", "trend": "increasing", "symbol": None}
    base.update(cols)
    return pd.DataFrame(base)


def test_small_numerators_and_complements_are_suppressed_for_proportions() -> None:
    """Given proportions, then 3 of 50 (small count), 20 of 23 (3 late) and 18 of 20 (2 late) are hidden."""
    out = suppress(rows(numerator=[0, 3, 20, 18], denominator=[10, 50, 23, 20], value=[0, 6, 87, 90]),
                   Disclosure(), True)
    assert out["symbol"].tolist() == [None, "c", "c", "c"]
    assert out.loc[1:, ["numerator", "denominator", "value", "upper_ci998"]].isna().all().all()
    assert out.loc[0, "value"] == 0 and out.loc[0, "comparison"] == "better"
    assert (out.loc[1:, "comparison"] == "not compared").all() and out.loc[1:, "trend"].isna().all()


def test_rates_keep_their_population_denominator() -> None:
    """Given rates per resident population, then only the small numerator is hidden; the population stays."""
    out = suppress(rows(numerator=[0, 3, 20], denominator=[10, 50, 23], value=[0, 6, 87]), Disclosure(), False)
    assert out["symbol"].tolist() == [None, "c", None]
    assert out.loc[1, "denominator"] == 50 and np.isnan(out.loc[1, "value"])


def test_a_lone_suppressed_district_takes_its_smallest_sibling_with_it() -> None:
    """Given a county of 26 and districts of 3, 9 and 14, when the 3 is suppressed, then the 9 (the
    smallest sibling above zero) is suppressed too, not the county total."""
    values = rows(area_level=["utla", "lad", "lad", "lad"], area_code=["C", "D1", "D2", "D3"],
                  numerator=[26, 3, 9, 14], denominator=[1000] * 4, value=[26, 3, 9, 14])
    nest = pd.DataFrame({"child_level": "lad", "child_code": ["D1", "D2", "D3"], "parent_level": "utla",
                         "parent_code": "C"})
    out = suppress(values, Disclosure(), False, nest)
    assert out["symbol"].tolist() == [None, "c", "c", None]
    assert out["numerator"].tolist()[0] == 26 and np.isnan(out["numerator"][2])


def test_age_bands_protect_each_other_under_the_all_total() -> None:
    bands = ["all", "age_band=0-4", "age_band=5-10", "age_band=11-15", "age_band=16-19", "age_band=20-25"]
    values = rows(area_code=["D"] * 6, breakdown=bands, numerator=[60, 2, 20, 18, 12, 8], denominator=[5000] * 6,
                  value=[1.0] * 6)
    out = suppress(values, Disclosure(), False)
    assert out.set_index("breakdown")["symbol"].dropna().index.tolist() == ["age_band=0-4", "age_band=20-25"]


def random_hierarchy(n_lsoas: int) -> tuple[pd.DataFrame, Callable[[np.random.Generator, float], pd.DataFrame]]:
    """LSOAs five to an MSOA, MSOAs four to a district: the nesting, and a draw of Poisson(mean) counts in three
    age bands for each LSOA, summed up to each MSOA and district (area_level, area_code, breakdown, numerator)."""
    lsoas = [f"L{i}" for i in range(n_lsoas)]
    msoa = {c: f"M{i // 5}" for i, c in enumerate(lsoas)}
    lad = {m: f"D{j // 4}" for j, m in enumerate(dict.fromkeys(msoa.values()))}
    nest = pd.concat([
        pd.DataFrame({"child_level": "lsoa", "child_code": lsoas, "parent_level": "msoa",
                      "parent_code": [msoa[c] for c in lsoas]}),
        pd.DataFrame({"child_level": "msoa", "child_code": list(lad), "parent_level": "lad",
                      "parent_code": list(lad.values())}),
    ])
    bands = ["age_band=0-4", "age_band=5-10", "age_band=11-15"]

    def draw(rng: np.random.Generator, mean: float) -> pd.DataFrame:
        frames = [pd.DataFrame([(c, b, int(rng.poisson(mean))) for c in lsoas for b in bands],
                               columns=["area_code", "breakdown", "numerator"]).assign(area_level="lsoa")]
        for level, parent in (("msoa", msoa), ("lad", lad)):
            frames.append(frames[-1].assign(area_code=frames[-1]["area_code"].map(parent)).groupby(
                ["area_code", "breakdown"], as_index=False)["numerator"].sum().assign(area_level=level))
        return pd.concat(frames, ignore_index=True)

    return nest, draw


def test_no_group_is_left_with_a_single_suppressed_row_on_random_hierarchies() -> None:
    """Given random counts on a three-level hierarchy with age bands, when suppressed, then no sum
    group holds exactly one suppressed row and no count from 1 to 4 is in clear."""
    nest, draw = random_hierarchy(60)
    banded = draw(np.random.default_rng(7), 4)
    totals = banded.groupby(["area_level", "area_code"], as_index=False)["numerator"].sum().assign(breakdown="all")
    values = pd.concat([banded, totals], ignore_index=True)
    values = rows(**{c: values[c].tolist() for c in values}, denominator=[100.0] * len(values),
                  value=[1.0] * len(values))
    out = suppress(values, Disclosure(), False, nest)
    hidden = out["symbol"].eq("c")
    assert hidden.sum() > values["numerator"].between(1, 4).sum()  # secondary suppression happened
    assert not out["numerator"].between(1, 4).any()
    assert len(exposed_groups(out, hidden, sum_groups(out, nest))) == 0


def test_rounding_to_five_rescales_values() -> None:
    out = suppress(rows(numerator=[18], denominator=[20], value=[90.0]), Disclosure(min_count=1, round_to=5), False)
    assert out.loc[0, "numerator"] == 20 and out.loc[0, "value"] == 100


def test_an_sii_goes_with_any_decile_it_was_fitted_to() -> None:
    """Given rates by local deprivation decile in two districts and the county, one district with a decile of
    3 plans, then that decile is hidden (and a sibling with it: they add up to the district's 'all'), the
    district's SII (fitted to those rates) is withheld, and the other district's SII and the county's local
    deciles stay: local deciles are ranked within each area, so they do not add up across areas."""
    deciles = [f"local_imd_decile={k}" for k in range(1, 11)]
    parts = []
    for code, level, small in (("D1", "lad", 3), ("D2", "lad", 40), ("C", "utla", 90)):
        counts = [small, *range(50, 95, 5)]
        parts.append(rows(indicator_id=["ehcp_rate_0_25"] * 11, area_level=[level] * 11, area_code=[code] * 11,
                          breakdown=["all", *deciles], numerator=[sum(counts), *counts], denominator=[10_000] * 11,
                          value=[1.0] * 11))
        parts.append(rows(indicator_id=["ehcp_rate_sii"], area_level=[level], area_code=[code],
                          numerator=[np.nan], denominator=[np.nan], value=[4.2]))
    values = pd.concat(parts, ignore_index=True)
    nest = pd.DataFrame({"child_level": "lad", "child_code": ["D1", "D2"], "parent_level": "utla",
                         "parent_code": "C"})
    out = suppress(values, Disclosure(), False, nest, {"ehcp_rate_sii": "ehcp_rate_0_25:local_imd_decile"})
    hidden = out[out["symbol"] == "c"]
    assert set(zip(hidden["indicator_id"], hidden["area_code"], hidden["breakdown"], strict=True)) == {
        ("ehcp_rate_0_25", "D1", "local_imd_decile=1"), ("ehcp_rate_0_25", "D1", "local_imd_decile=2"),
        ("ehcp_rate_sii", "D1", "all")}
    assert np.isnan(out.loc[hidden.index, "value"]).all()
    kept = out[(out["indicator_id"] == "ehcp_rate_sii") & (out["area_code"] != "D1")]
    assert kept["value"].tolist() == [4.2, 4.2]
    # without the derivation declared, the SII would have stayed beside its hidden decile
    alone = suppress(values, Disclosure(), False, nest)
    assert alone[alone["indicator_id"] == "ehcp_rate_sii"]["symbol"].isna().all()


def test_each_period_is_protected_apart_from_the_others() -> None:
    """Given random counts of two indicators counting the same children (plans, and the rate's numerator) on a
    three-level hierarchy with age bands and local deciles, an SII fitted to those, over three periods, when
    protected together and period by period, then each period's published rows are the same: a partial refresh
    may protect again only the periods whose values changed and keep the others' (jsna.pipeline.publish)."""
    rng = np.random.default_rng(11)
    nest, draw = random_hierarchy(40)
    periods = []
    for period in ("202223", "202324", "202425"):
        banded = draw(rng, 3)
        totals = banded.groupby(["area_level", "area_code"], as_index=False)["numerator"].sum().assign(
            breakdown="all")
        deciles = totals[totals["area_level"] == "lad"].assign(breakdown="local_imd_decile=1",
                                                                 numerator=lambda f: f["numerator"] // 4)
        counts = pd.concat([banded, totals, deciles], ignore_index=True).assign(period=period)
        for indicator in ("ehcp_plans", "ehcp_rate_0_25"):
            periods.append(counts.assign(indicator_id=indicator))
        periods.append(deciles.assign(indicator_id="ehcp_rate_sii", period=period, breakdown="all",
                                      numerator=np.nan))
    values = pd.concat(periods, ignore_index=True)
    values = rows(**{c: values[c].tolist() for c in values}, denominator=[1000.0] * len(values),
                  value=[1.0] * len(values))
    derived = {"ehcp_rate_sii": "ehcp_rate_0_25:local_imd_decile"}
    together = protect("indicator_values", values, Disclosure(), hierarchy=nest, counts_children=False,
                       derived=derived)
    apart = pd.concat([protect("indicator_values", values[values["period"] == p], Disclosure(), hierarchy=nest,
                               counts_children=False, derived=derived) for p in values["period"].unique()],
                      ignore_index=True)
    assert together["symbol"].eq("c").sum() > values["numerator"].between(1, 4).sum()  # secondary suppression
    assert_frame_equal(together, apart)


def test_periods_are_taken_in_runs_of_whole_periods() -> None:
    """Given 3, 5, 4 and 2 rows of four periods, when cut into runs of at most 6 rows, then the periods come in order,
    whole, as many to a run as fit; at one row a run, each period alone; none, no run."""
    from jsna.pipeline import period_chunks

    sizes = pd.Series([3, 5, 4, 2], index=["2021", "2022", "2023", "2024"])
    assert period_chunks(sizes, 6) == [["2021"], ["2022"], ["2023", "2024"]]
    assert period_chunks(sizes, 8) == [["2021", "2022"], ["2023", "2024"]]
    assert period_chunks(sizes, 1) == [["2021"], ["2022"], ["2023"], ["2024"]]
    assert period_chunks(sizes, 100) == [["2021", "2022", "2023", "2024"]]
    assert period_chunks(sizes.iloc[0:0], 6) == []
