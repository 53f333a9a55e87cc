"""Health figures by NHS geography: sub-ICB figures shared out to districts by children, and the waiting list
against NHS England's published figures."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jsna.indicators.health import nhs_comparisons, quarter_end_month, share_out, sub_icb_weights


def _lookup() -> pd.DataFrame:
    # sub-ICB S1 = district A (L1, L2) + part of district B (L3); S2 = the rest of B (L4)
    return pd.DataFrame({"lsoa_code": ["L1", "L2", "L3", "L4"], "sicbl_code": ["S1", "S1", "S1", "S2"],
                         "lad_code": ["A", "A", "B", "B"]})


def test_a_hand_made_case_checks_the_weights() -> None:
    """Given S1's 40 of 80 children (LSOAs of 100, 100 and 200 children aged 0-17, the last in district B) and
    S2's 30 of 50 (all in B), when shared out by children, then A gets half of S1 (20 of 40) and B the other
    half plus all of S2 (20 + 30 = 50 of 40 + 50 = 90), and the totals are kept."""
    people = pd.DataFrame({"lsoa_code": ["L1", "L2", "L3", "L4"], "population": [100.0, 100.0, 200.0, 50.0]})
    weights = sub_icb_weights(_lookup(), people, "lad")
    counts = pd.DataFrame({"from_code": ["S1", "S2"], "numerator": [40.0, 30.0], "denominator": [80.0, 50.0]})
    got = share_out(counts, weights).set_index("to_code")
    assert got.loc["A", ["numerator", "denominator"]].tolist() == pytest.approx([20.0, 40.0])
    assert got.loc["B", ["numerator", "denominator"]].tolist() == pytest.approx([50.0, 90.0])
    assert got[["numerator", "denominator"]].sum().tolist() == pytest.approx([70.0, 130.0])


def test_an_area_with_an_unpublished_sub_icb_gets_nothing() -> None:
    """Given S2's figure suppressed ('*': no value), then B, half of whose children are in S2, gets no figure
    (it would be short), and A, wholly in S1, gets its share."""
    people = pd.DataFrame({"lsoa_code": ["L1", "L2", "L3", "L4"], "population": [1.0, 1.0, 2.0, 4.0]})
    counts = pd.DataFrame({"from_code": ["S1", "S2"], "numerator": [40.0, np.nan], "denominator": [80.0, np.nan]})
    got = share_out(counts, sub_icb_weights(_lookup(), people, "lad"))
    assert got["to_code"].tolist() == ["A"]
    assert got[["numerator", "denominator"]].iloc[0].tolist() == pytest.approx([20.0, 40.0])


@pytest.mark.parametrize("seed", range(3))
def test_shared_figures_sum_back_to_the_sub_icbs(seed: int) -> None:
    """Given random LSOAs in random sub-ICBs and districts, the shared-out figures add back to the total."""
    rng = np.random.default_rng(seed)
    n = 300
    look = pd.DataFrame({"lsoa_code": [f"L{i}" for i in range(n)],
                         "sicbl_code": [f"S{k}" for k in rng.integers(0, 7, n)],
                         "lad_code": [f"D{k}" for k in rng.integers(0, 11, n)]})
    people = pd.DataFrame({"lsoa_code": look["lsoa_code"], "population": rng.integers(0, 400, n).astype(float)})
    subs = sorted(set(look["sicbl_code"]))
    counts = pd.DataFrame({"from_code": subs, "numerator": rng.integers(0, 50, len(subs)).astype(float),
                           "denominator": rng.integers(50, 200, len(subs)).astype(float)})
    got = share_out(counts, sub_icb_weights(look, people, "lad"))
    assert got["numerator"].sum() == pytest.approx(counts["numerator"].sum())
    assert got["denominator"].sum() == pytest.approx(counts["denominator"].sum())


def test_quarters_meet_their_last_month_and_nhs_comparators() -> None:
    """Given the county's and a sub-ICB's ASC waiting-list shares at 2024-Q3 and NHS England's September 2024
    figures, then each is compared with England's, and the sub-ICB with its own as NHS England published it."""
    assert quarter_end_month(pd.Series(["2024-Q3", "2025-Q1"])).tolist() == ["2024-09", "2025-03"]
    row = {"breakdown": "pathway=asc", "lower_ci95": np.nan, "upper_ci95": np.nan}
    values = pd.DataFrame([
        {"indicator_id": "waiting_over_13_weeks", "period": "2024-Q3", "area_level": "utla", "area_code": "X10",
         "value": 80.0, **row, "lower_ci95": 75.0, "upper_ci95": 85.0},
        {"indicator_id": "waiting_over_13_weeks", "period": "2024-Q3", "area_level": "sicbl", "area_code": "X38",
         "value": 50.0, **row, "lower_ci95": 40.0, "upper_ci95": 58.0},
        {"indicator_id": "nhs_autism_open_13_weeks", "period": "2024-09", "area_level": "country",
         "area_code": "E92000001", "value": 60.0, **row, "breakdown": "all"},
        {"indicator_id": "nhs_autism_open_13_weeks", "period": "2024-09", "area_level": "sicbl", "area_code": "X38",
         "value": 55.0, **row, "breakdown": "all"},
    ])
    got = nhs_comparisons(values).set_index(["area_code", "comparator_type"])
    assert got.loc[("X10", "nhs_england"), ["comparator_value", "comparison"]].tolist() == [60.0, "worse"]
    assert got.loc[("X38", "nhs_england"), ["comparator_value", "comparison"]].tolist() == [60.0, "better"]
    assert got.loc[("X38", "nhs_sub_icb"), ["comparator_code", "comparator_value", "comparison"]].tolist() == [
        "X38", 55.0, "similar"]
    assert len(got) == 3


def test_sub_icbs_outside_the_lookup_reach_no_area() -> None:
    """Given England's sub-ICBs and a lookup of one county's LSOAs, the others are left out, not an error."""
    people = pd.DataFrame({"lsoa_code": ["L1", "L2", "L3", "L4"], "population": [1.0, 1.0, 1.0, 1.0]})
    counts = pd.DataFrame({"from_code": ["S1", "S2", "S9"], "numerator": [1.0, 2.0, 9.0],
                           "denominator": [4.0, 4.0, 9.0]})
    got = share_out(counts, sub_icb_weights(_lookup(), people, "lad")).set_index("to_code")
    assert got["numerator"].sum() == pytest.approx(3.0)


def test_nhs_figures_without_codes_the_lookups_know_give_nothing() -> None:
    """Given Autism Statistics for sub-ICBs whose ODS codes no lookup gives (and no England row), and community
    health figures for an ICB likewise, then neither NHS indicator has a row: nothing is guessed."""
    from jsna.indicators import health
    from jsna.indicators.inputs import Inputs

    stats = pd.DataFrame({"time_period": ["2022-09"] * 2, "time_identifier": "Month", "geographic_level": "Sub-ICB",
                          "area_code": "D9Y0V", "area_name": "x", "old_la_code": None, "breakdown_topic": "Total",
                          "breakdown": "Total", "measure": ["asd16b", "asd16c"], "value": [750.0, 560.0],
                          "symbol": None})
    paed = pd.DataFrame({"period": ["2023-10"], "geographic_level": ["ICB"], "area_code": ["QRL"],
                         "measure": ["total waiting list"], "value": [97.0]})
    frames = {"statistics": stats, "nhs_community_paediatrics": paed, "lsoa_levels": _lookup(),
              "ods_codes": pd.DataFrame(columns=["area_level", "area_code", "ods_code"]),
              "population_0_17_lsoa": pd.DataFrame(columns=["year", "lsoa_code", "population"])}
    inputs = Inputs(lambda name, **_: frames[name].copy(), 2015, 2025)
    assert health.nhs_autism_counts(inputs) == {} and health.nhs_paediatrics_counts(inputs) == {}


def test_mhs95_per_1000_children_by_hand() -> None:
    """Given MHS95 for England (600) and two sub-ICBs, S1 (40, as CCG of residence and, the same month, 45 as a
    sub-ICB: the sub-ICB row wins) and S2 (30), with 400 children in S1's LSOAs and 50 in S2's (mid-2024), 10,000 in
    England, then England is 60 per 1,000, S1 45 / 400 and S2 30 / 50; district A (200 of S1's children) takes
    half of S1 (22.5 / 200) and B the rest with S2 (22.5 + 30 over 200 + 50); the ICB and the county both
    sub-ICBs together."""
    from jsna.indicators import health
    from jsna.indicators.inputs import Inputs

    def row(level: str, code: str, value: float, ident: str = "Rolling 12 months") -> dict[str, object]:
        return {"time_period": "2024-06", "time_identifier": ident, "geographic_level": level, "area_code": code,
                "breakdown_topic": "Total", "measure": "mhs95", "value": value}

    stats = pd.DataFrame([row("National", "E92000001", 600.0), row("CCG", "O1", 40.0), row("Sub-ICB", "O1", 45.0),
                          row("Sub-ICB", "O2", 30.0), row("Sub-ICB", "O2", 99.0, "Rolling 3 months"),
                          row("Provider", "RW1", 70.0)])
    look = _lookup().assign(icb_code="I1", utla_code="U1")
    frames = {"statistics": stats, "lsoa_levels": look,
              "ods_codes": pd.DataFrame({"area_level": "sicbl", "area_code": ["S1", "S2"], "ods_code": ["O1", "O2"]}),
              "population_0_17_lsoa": pd.DataFrame({"year": 2024, "lsoa_code": ["L1", "L2", "L3", "L4"],
                                                    "population": [100.0, 100.0, 200.0, 50.0]}),
              "population_0_17_areas": pd.DataFrame({"area_code": ["X92000001", "X06000001"], "year": 2024,
                                                     "population": [10_000.0, 450.0]})}
    inputs = Inputs(lambda name, **_: frames[name].copy(), 2015, 2025)
    got = health.nhs_cyp_mh_counts(inputs)[health.NHS_CYP_MH].set_index(["area_level", "area_code"])
    pairs = {k: got.loc[k, ["numerator", "denominator"]].tolist() for k in got.index}
    assert pairs == pytest.approx({("country", "E92000001"): [600.0, 10_000.0], ("sicbl", "S1"): [45.0, 400.0],
                                   ("sicbl", "S2"): [30.0, 50.0], ("icb", "I1"): [75.0, 450.0],
                                   ("lad", "A"): [22.5, 200.0], ("lad", "B"): [52.5, 250.0],
                                   ("utla", "U1"): [75.0, 450.0]})
