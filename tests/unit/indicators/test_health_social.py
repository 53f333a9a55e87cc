"""Health, social care and pupil indicators on small hand-built inputs: the builders are called through a
fake Inputs whose fetch hands back the frames below, and every number is worked out by hand."""

from __future__ import annotations

import math
from math import comb

import numpy as np
import pandas as pd
import pytest

from jsna.indicators import health, pupils, social
from jsna.indicators.catalogue import get_indicator, load_catalogue
from jsna.indicators.compute import finish
from jsna.indicators.inputs import Inputs

# Two districts in one county: L1 and L2 (MSOA M1) in D1, L3 (MSOA M2) in D2.
LOOKUP = pd.DataFrame({
    "lsoa_code": ["L1", "L2", "L3"], "msoa_code": ["M1", "M1", "M2"], "lad_code": ["D1", "D1", "D2"],
    "utla_code": ["C1", "C1", "C1"], "region_code": ["R1", "R1", "R1"],
})
NO_NAMES = pd.DataFrame(columns=["area_level", "area_code", "area_name"])
NO_NESTING = pd.DataFrame(columns=["child_level", "child_code", "parent_level", "parent_code"])
STATISTICS_COLUMNS = ["time_period", "time_identifier", "geographic_level", "area_code", "area_name",
                      "breakdown_topic", "breakdown", "measure", "value", "symbol"]


def fake_inputs(frames: dict[str, pd.DataFrame], first_year: int = 2015, last_year: int = 2025) -> Inputs:
    frames = {"lsoa_levels": LOOKUP, **frames}
    return Inputs(fetch=lambda name, **p: frames[name], first_year=first_year, last_year=last_year)


def row(frame: pd.DataFrame, **where: object) -> pd.Series:
    mask = np.ones(len(frame), dtype=bool)
    for col, value in where.items():
        mask &= (frame[col] == value).to_numpy()
    assert mask.sum() == 1, where
    return frame.loc[mask].iloc[0]


def binom_cdf(k: int, n: int, p: float) -> float:
    return sum(comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(k + 1))


# -- order statistics -----------------------------------------------------------------------------
def test_order_statistic_ranks_for_a_median_of_ten_by_hand() -> None:
    """Given n = 10 and the median, when the ranks are found,
    Then by hand with Binomial(10, 1/2): F(1) = 11/1024 = 0.0107 < 0.025 <= F(2) = 56/1024, so the 95%
    lower rank is q(0.025) = 2; F(7) = 968/1024 < 0.975 <= F(8) = 1013/1024, so the upper rank is 8 + 1 = 9
    (the textbook [x(2), x(9)], coverage F(8) - F(1) = 1002/1024 = 97.9%). For 99.8%: F(0) = 1/1024 < 0.001
    <= F(1), rank 1; F(8) < 0.999 <= F(9) = 1023/1024, rank 10 (coverage 1022/1024 = 99.8%)."""
    assert binom_cdf(1, 10, 0.5) == 11 / 1024 and binom_cdf(8, 10, 0.5) == 1013 / 1024
    r, s = health.quantile_ranks(np.array([10]), 0.5, 0.95)
    assert (r[0], s[0]) == (2, 9)
    assert binom_cdf(8, 10, 0.5) - binom_cdf(1, 10, 0.5) == pytest.approx(1002 / 1024)
    r, s = health.quantile_ranks(np.array([10]), 0.5, 0.998)
    assert (r[0], s[0]) == (1, 10)


def test_order_statistic_ranks_for_a_90th_percentile_of_ten_by_hand() -> None:
    """Given n = 10 and the 0.9 quantile, when the ranks are found,
    Then by hand with Binomial(10, 0.9): F(6) = 0.0128 < 0.025 <= F(7) = 0.0702, so the 95% lower rank is 7;
    F(9) = 1 - 0.9^10 = 0.651 < 0.975, so q(0.975) = 10 and the upper rank 11 lies beyond n (no upper limit).
    For 99.8%: F(4) = 0.00015 < 0.001 <= F(5) = 0.0016, lower rank 5."""
    assert binom_cdf(6, 10, 0.9) < 0.025 <= binom_cdf(7, 10, 0.9)
    assert binom_cdf(4, 10, 0.9) < 0.001 <= binom_cdf(5, 10, 0.9)
    r, s = health.quantile_ranks(np.array([10]), 0.9, 0.95)
    assert (r[0], s[0]) == (7, 11)
    r, s = health.quantile_ranks(np.array([10]), 0.9, 0.998)
    assert r[0] == 5


def test_grouped_quantiles_of_nine_values_leave_out_limits_too_few_values_give() -> None:
    """Given one group of nine values 1..9 (shuffled) and another of one value, when the medians are taken,
    Then the first is x(5) = 5 with 95% limits x(2) = 2 and x(8) = 8 (Binomial(9, 1/2): F(1) = 10/512 <
    0.025 <= F(2) = 46/512, F(6) = 466/512 < 0.975 <= F(7) = 502/512) and no 99.8% limits (F(0) = 1/512 is
    already above 0.001, rank 0); the single value is its own median with no limits."""
    frame = pd.DataFrame({"g": ["a"] * 9 + ["b"], "x": [7, 3, 9, 1, 5, 2, 8, 4, 6, 42]})
    q = health.grouped_quantiles(frame, ["g"], "x", 0.5).set_index("g")
    assert q.loc["a", ["n", "value", "lower_ci95", "upper_ci95"]].tolist() == [9, 5, 2, 8]
    assert math.isnan(q.loc["a", "lower_ci998"]) and math.isnan(q.loc["a", "upper_ci998"])
    assert q.loc["b", "value"] == 42 and q.loc[["b"], ["lower_ci95", "upper_ci95"]].isna().all(axis=None)


# -- completed waits ------------------------------------------------------------------------------
# ASC assessments completed in 2024. D1: weeks 2, 3, 5, 5, 8 (L1; the two 5-week waits as one row of 2)
# and 9, 11, 12, 14, 20 (L2). D2: ten waits of 4 weeks (L3). ADHD: twelve waits of 6 weeks in D1 and
# three of 10 weeks in D2 (too few for the spread).
WAITS = pd.DataFrame(
    [(2024, "asc", "L1", d, n) for d, n in ((14, 1), (21, 1), (35, 2), (56, 1))]
    + [(2024, "asc", "L2", d, 1) for d in (63, 77, 84, 98, 140)]
    + [(2024, "asc", "L3", 28, 10), (2024, "adhd", "L1", 42, 12), (2024, "adhd", "L3", 70, 3)],
    columns=["year", "pathway", "lsoa_code", "wait_days", "waits"],
)


def test_median_and_90th_percentile_waits_by_hand() -> None:
    """Given D1's ten ASC waits 2, 3, 5, 5, 8, 9, 11, 12, 14, 20 weeks, when the waits are built,
    Then the median is (8 + 9) / 2 = 8.5 with 95% limits x(2) = 3 and x(9) = 14 and 99.8% limits x(1) = 2
    and x(10) = 20; the 90th percentile is x(9) + 0.1 (x(10) - x(9)) = 14.6 (h = 9 x 0.9 = 8.1) with 95%
    lower limit x(7) = 11, 99.8% lower limit x(5) = 8 and no upper limits (ten waits are too few).
    The county pools twenty waits 2, 3, 4 (x10), 5, 5, 8, 9, 11, 12, 14, 20: median 4, 95% limits
    x(6) = 4 and x(15) = 8 (Binomial(20, 1/2): F(5) = 0.0207 < 0.025 <= F(6); F(13) = 0.942 < 0.975 <= F(14))."""
    out = health.wait_counts(fake_inputs({"waits_completed": WAITS}))
    median, p90 = out["wait_median_weeks"], out["wait_p90_weeks"]
    d1 = row(median, area_code="D1", breakdown="pathway=asc", period="2024")
    assert d1[["numerator", "value", "lower_ci95", "upper_ci95", "lower_ci998", "upper_ci998"]].tolist() == \
        [10, 8.5, 3, 14, 2, 20]
    assert math.isnan(d1["denominator"])
    county = row(median, area_level="utla", area_code="C1", breakdown="pathway=asc")
    assert county[["numerator", "value", "lower_ci95", "upper_ci95"]].tolist() == [20, 4, 4, 8]
    d1 = row(p90, area_code="D1", breakdown="pathway=asc")
    assert d1["value"] == pytest.approx(14.6)
    assert (d1["lower_ci95"], d1["lower_ci998"]) == (11, 8)
    assert math.isnan(d1["upper_ci95"]) and math.isnan(d1["upper_ci998"])
    assert set(median["area_level"]) == {"lad", "utla"}  # the catalogue's levels, no LSOAs
    assert set(median["breakdown"]) == {"pathway=asc", "pathway=adhd"}  # no 'all'


def test_district_spread_counts_districts_with_ten_waits() -> None:
    """Given D1's ASC median 8.5 weeks and D2's 4 weeks (ten waits each), when the spread is built,
    Then the county's ASC spread is 8.5 / 4 = 2.125 with no limits or counts; ADHD has no spread (D2 has
    only three waits, leaving one district)."""
    out = health.wait_counts(fake_inputs({"waits_completed": WAITS}))
    spread = out["wait_spread_districts"]
    assert len(spread) == 1
    got = row(spread, area_level="utla", area_code="C1", breakdown="pathway=asc", period="2024")
    assert got["value"] == pytest.approx(2.125)
    assert got[["numerator", "lower_ci95", "upper_ci95"]].isna().all()


# -- waiting lists at quarter ends ----------------------------------------------------------------
# At 31 December 2024 (2024-Q4), ASC referrals neither assessed nor discharged by then:
#   L1: referred 2024-11-01 (60 days), 2024-08-01 (152 days), 2023-06-30 (550 days)
#   L2: referred 2024-09-25 (97 days)
#   L3: referred 2024-12-31 (0 days), 2024-01-01 (365 days)
# so over 13 weeks (> 91 days): L1 2, L2 1, L3 1; over 18 weeks (> 126 days): L1 2, L2 0, L3 1;
# over 52 weeks (> 364 days): L1 1, L3 1. The query returns these per-LSOA counts.
WAITING = pd.DataFrame({
    "period": ["2024-Q4"] * 3, "pathway": ["asc"] * 3, "lsoa_code": ["L1", "L2", "L3"],
    "waiting": [3, 1, 2], "over_13": [2, 1, 1], "over_18": [2, 0, 1], "over_52": [1, 0, 1],
})


def test_quarter_end_waiting_counts_by_hand() -> None:
    """Given the list at 2024-Q4 above, when the waiting indicators are built,
    Then D1 has 4 waiting, 3 over 13 weeks, 2 over 18 and 1 over 52; D2 2 waiting, 1 over each; the county 6
    waiting with 4, 3 and 2 over; and the county's over-18-weeks percentage is 3/6 = 50%."""
    out = health.waiting_counts(fake_inputs({"waits_waiting": WAITING}))
    for indicator, d1, d2, county in (("waiting_over_13_weeks", 3, 1, 4), ("waiting_over_18_weeks", 2, 1, 3),
                                      ("waiting_over_52_weeks", 1, 1, 2)):
        got = out[indicator].set_index("area_code")
        assert got.loc[["D1", "D2", "C1"], "numerator"].tolist() == [d1, d2, county], indicator
        assert got.loc[["D1", "D2", "C1"], "denominator"].tolist() == [4, 2, 6], indicator
        assert set(got["breakdown"]) == {"pathway=asc"}
    values, _ = finish(out["waiting_over_18_weeks"], get_indicator("waiting_over_18_weeks"), NO_NAMES, NO_NESTING)
    assert row(values, area_code="C1")["value"] == pytest.approx(50.0)


# -- referrals ------------------------------------------------------------------------------------
def test_referral_rate_counts_areas_without_referrals_as_zero() -> None:
    """Given 2024 ASC referrals of 3 (L1) and 1 (L3) and 2,000 / 1,000 / 1,000 residents 0-17 in L1 / L2 / L3,
    When the rates are built,
    Then L2 has 0 referrals over 1,000 (a zero, not missing), D1 3 over 3,000, the county 4 over 4,000: 10
    per 10,000; 2023, with residents but no referral rows at all (not covered), is not published."""
    referrals = pd.DataFrame({"year": [2024, 2024], "pathway": ["asc", "asc"], "lsoa_code": ["L1", "L3"],
                              "referrals": [3, 1]})
    pop = pd.DataFrame({"year": [2024] * 3 + [2023] * 3, "lsoa_code": ["L1", "L2", "L3"] * 2,
                        "population": [2000.0, 1000.0, 1000.0] * 2})
    out = health.referral_counts(fake_inputs({"waits_referrals": referrals, "population_0_17_lsoa": pop}))
    rate = out["referrals_rate"].set_index("area_code")
    assert rate.loc[["L1", "L2", "L3", "M1", "D1", "C1"], "numerator"].tolist() == [3, 0, 1, 3, 3, 4]
    assert rate.loc[["L2", "D1", "C1"], "denominator"].tolist() == [1000, 3000, 4000]
    assert set(rate["period"]) == {"2024"} and set(rate["breakdown"]) == {"pathway=asc"}
    values, _ = finish(out["referrals_rate"], get_indicator("referrals_rate"), NO_NAMES, NO_NESTING)
    assert row(values, area_code="C1")["value"] == pytest.approx(10.0)


# -- six-week advice ------------------------------------------------------------------------------
ADVICE = pd.DataFrame({
    "period": ["2024-Q3", "2024-Q3", "2024-Q3", "2024-Q4"],
    "trust_code": ["T1", "T1", "T2", "T1"],
    "utla_code": ["C1", None, "C1", "C1"],  # one group of T1's requests is for cases not in the EHC extract
    "lsoa_code": ["L1", None, "L3", "L1"],
    "known": [40, 10, 20, 0], "within_6_weeks": [36, 2, 20, 0],
})


def test_advice_compliance_by_trust_and_for_the_county() -> None:
    """Given T1's 2024-Q3 requests (50 with a known outcome, 38 within six weeks) and T2's (20, all within),
    When the advice indicator is built for a one-county lookup,
    Then T1 is 38/50 = 76%, T2 20/20 = 100%, the county (every trust, the project's own area) 58/70 = 82.857%;
    2024-Q4 with no known outcome is not published; 76% is worse than the 95% target."""
    out = health.advice_counts(fake_inputs({"advice_timeliness": ADVICE}))["advice_6_weeks"]
    assert set(out["period"]) == {"2024-Q3"}
    assert row(out, area_level="trust", area_code="T1")[["numerator", "denominator"]].tolist() == [38, 50]
    assert row(out, area_level="trust", area_code="T2")[["numerator", "denominator"]].tolist() == [20, 20]
    assert row(out, area_level="utla", area_code="C1")[["numerator", "denominator"]].tolist() == [58, 70]
    names = pd.DataFrame({"area_level": ["trust"], "area_code": ["T1"], "area_name": ["Trust One NHS Trust"]})
    values, comps = finish(out, get_indicator("advice_6_weeks"), names, NO_NESTING)
    t1 = row(values, area_code="T1")
    assert t1["value"] == pytest.approx(76.0) and t1["area_name"] == "Trust One NHS Trust"
    assert row(values, area_code="C1")["value"] == pytest.approx(100 * 58 / 70)
    assert row(comps, area_code="T1", comparator_type="target")["comparison"] == "worse"


def test_advice_county_follows_the_case_where_the_lookup_holds_several_counties() -> None:
    """Given a lookup with two counties, when the advice indicator is built,
    Then each request counts for its case's county and requests without a case are left out: C1 56/60."""
    lookup = pd.concat([LOOKUP, LOOKUP.assign(lsoa_code="L9", lad_code="D9", utla_code="C9")])
    out = health.advice_counts(fake_inputs({"advice_timeliness": ADVICE, "lsoa_levels": lookup}))["advice_6_weeks"]
    assert row(out, area_level="utla", area_code="C1")[["numerator", "denominator"]].tolist() == [56, 60]
    assert set(out.loc[out["area_level"] == "utla", "area_code"]) == {"C1"}


def test_advice_by_district_sub_icb_and_icb_counts_the_childs_home() -> None:
    """Given the 2024-Q3 requests of children living in L1 (district D1, sub-ICB S1: 40 known, 36 in time) and L3
    (D2, S2: 20, 20), 10 more with no case, and a lookup placing S1 and S2 in one ICB I1,
    When the advice indicator is built,
    Then D1 and S1 are 36/40, D2 and S2 20/20, I1 56/60: the requests with no home count for their trust and the
    county (58/70) but in no district, sub-ICB or ICB."""
    lookup = LOOKUP.assign(sicbl_code=["S1", "S1", "S2"], icb_code="I1")
    out = health.advice_counts(fake_inputs({"advice_timeliness": ADVICE, "lsoa_levels": lookup}))["advice_6_weeks"]
    got = {(r.area_level, r.area_code): [r.numerator, r.denominator] for r in out.itertuples()}
    assert got == {("trust", "T1"): [38, 50], ("trust", "T2"): [20, 20], ("utla", "C1"): [58, 70],
                   ("lad", "D1"): [36, 40], ("lad", "D2"): [20, 20], ("sicbl", "S1"): [36, 40],
                   ("sicbl", "S2"): [20, 20], ("icb", "I1"): [56, 60]}
    assert set(out["period"]) == {"2024-Q3"} and set(out["breakdown"]) == {"all"}


# -- disabled children's team ---------------------------------------------------------------------
def test_caseload_rate_and_short_breaks_at_31_march() -> None:
    """Given 31 March 2025 with 3 open in L1 (2 with short breaks) and 2 in L3 (none), and mid-2024 residents
    0-17 of 2,000 / 1,000 / 1,000,
    When the caseload indicators are built,
    Then period '2025' has L2 0/1,000, D1 3/3,000 and the county 5/4,000 = 12.5 per 10,000 (over mid-2024,
    not mid-2025); short breaks D1 2/3, D2 0/2, county 2/5 = 40%."""
    open_ = pd.DataFrame({"year": [2025, 2025], "lsoa_code": ["L1", "L3"], "open": [3, 2], "short_breaks": [2, 0]})
    pop = pd.DataFrame({"year": [2024] * 3 + [2025] * 3, "lsoa_code": ["L1", "L2", "L3"] * 2,
                        "population": [2000.0, 1000.0, 1000.0, 9e9, 9e9, 9e9]})
    out = social.caseload_counts(fake_inputs({"social_care_open": open_, "population_0_17_lsoa": pop}))
    rate = out["dct_caseload_rate"].set_index("area_code")
    assert set(rate["period"]) == {"2025"}
    assert rate.loc[["L2", "D1", "C1"], ["numerator", "denominator"]].to_numpy().tolist() == \
        [[0, 1000], [3, 3000], [5, 4000]]
    values, _ = finish(out["dct_caseload_rate"], get_indicator("dct_caseload_rate"), NO_NAMES, NO_NESTING)
    assert row(values, area_code="C1")["value"] == pytest.approx(12.5)
    breaks = out["short_breaks_pct"].set_index("area_code")
    assert breaks.loc[["D1", "D2", "C1"], ["numerator", "denominator"]].to_numpy().tolist() == \
        [[2, 3], [0, 2], [2, 5]]
    assert set(breaks["area_level"]) == {"lad", "utla"}


# -- children in need -----------------------------------------------------------------------------
def statistics(rows: list[tuple[str, str, str, str, float | None, str | None]]) -> pd.DataFrame:
    """Long published statistics: (time_period, geographic_level, area_code, measure, value, symbol)."""
    frame = pd.DataFrame(rows, columns=["time_period", "geographic_level", "area_code", "measure", "value", "symbol"])
    return frame.assign(time_identifier="Reporting year", area_name=frame["area_code"], breakdown_topic="category",
                        breakdown="Factors identified at the end of assessment")[STATISTICS_COLUMNS]


def test_cin_disability_rate_adds_both_factors_over_the_mid_year_before() -> None:
    """Given C3's 2025 (April 2024 to March 2025) learning 120 + physical 30 disability factors for C1 and
    England 5,000 + 1,000, and a 2024 figure with its physical count suppressed (c),
    When the CIN indicator is built with mid-2024 residents 0-17 of 100,000 (C1) and 10,000,000 (England),
    Then C1 2025 is 150 per 100,000 = 15 per 10,000 and England 6,000 / 10,000,000 = 6 per 10,000; the
    suppressed 2024 gives no figure (never a partial sum); mid-2025 residents are not used."""
    c3 = statistics([
        ("2025", "Local authority", "C1", "learning_disability_child", 120, None),
        ("2025", "Local authority", "C1", "physical_disability_child", 30, None),
        ("2025", "National", "E92000001", "learning_disability_child", 5000, None),
        ("2025", "National", "E92000001", "physical_disability_child", 1000, None),
        ("2025", "National", "E92000001", "mental_health_child", 99999, None),
        ("2024", "Local authority", "C1", "learning_disability_child", 110, None),
        ("2024", "Local authority", "C1", "physical_disability_child", None, "c"),
    ])
    pop = pd.DataFrame({"area_code": ["C1", "E92000001", "C1", "E92000001", "C1"],
                        "year": [2024, 2024, 2025, 2025, 2023],
                        "population": [100_000.0, 10_000_000.0, 1.0, 1.0, 99_000.0]})
    out = social.cin_counts(fake_inputs({"statistics": c3, "population_0_17_areas": pop}))["cin_disability_rate"]
    assert len(out) == 2 and set(out["period"]) == {"2025"}
    c1 = row(out, area_level="utla", area_code="C1")
    assert (c1["numerator"], c1["denominator"]) == (150, 100_000)
    england = row(out, area_level="country", area_code="E92000001")
    assert (england["numerator"], england["denominator"]) == (6000, 10_000_000)
    values, _ = finish(out, get_indicator("cin_disability_rate"), NO_NAMES, NO_NESTING)
    assert row(values, area_code="C1")["value"] == pytest.approx(15.0)
    assert row(values, area_code="E92000001")["value"] == pytest.approx(6.0)


def test_reporting_years_map_to_the_year_they_end() -> None:
    """Given DfE's '2025' (reporting year to March 2025) and a financial-year code '202324', then 2025 and 2024."""
    assert social.reporting_year(pd.Series(["2025", "202324"])).tolist() == [2025, 2024]


# -- pupils ---------------------------------------------------------------------------------------
def test_school_rows_sum_to_areas_and_published_authority_rows_win() -> None:
    """Given January 2025 schools: S1 in L1 (200 pupils, 20 SEN support, 10 EHC), S2 in L2 (100, 15, 5),
    S3 in L3 (300, 30, an EHC count suppressed), and a published authority row for C1 (600 pupils, 36 EHC),
    When the pupil indicators are built,
    Then D1's EHC share is 15/300 = 5% from its schools and D2 has none (its one school is suppressed); the
    county is the published 36/600 = 6%, not a sum of schools; SEN support in D2 is 30/300."""
    schools = pd.DataFrame({"period": ["202425"] * 3, "urn": [1, 2, 3], "lsoa_code": ["L1", "L2", "L3"],
                            "total_pupils": [200.0, 100.0, 300.0], "sen_support": [20.0, 15.0, 30.0],
                            "ehc_plan": [10.0, 5.0, np.nan]})
    published = pd.DataFrame({
        "time_period": "202425", "time_identifier": "Academic year", "geographic_level": "Local authority",
        "area_code": "C1", "area_name": "County", "breakdown_topic": "Total", "breakdown": "Total",
        "measure": ["total_pupils", "ehc_plan"], "value": [600.0, 36.0], "symbol": None})
    out = pupils.build(fake_inputs({"school_census_schools": schools, "statistics": published}))
    ehcp = out["ehcp_pupils_pct"].set_index(["area_level", "area_code"])
    assert ehcp.loc[("lad", "D1"), ["numerator", "denominator"]].tolist() == [15, 300]
    assert ("lad", "D2") not in ehcp.index
    assert ehcp.loc[("utla", "C1"), ["numerator", "denominator"]].tolist() == [36, 600]
    assert ("lsoa", "L1") not in ehcp.index
    support = out["sen_support_pupils_pct"].set_index(["area_level", "area_code"])
    assert support.loc[("lad", "D2"), ["numerator", "denominator"]].tolist() == [30, 300]
    assert support.loc[("utla", "C1"), ["numerator", "denominator"]].tolist() == [65, 600]  # no published SEN support
    values, _ = finish(out["ehcp_pupils_pct"], get_indicator("ehcp_pupils_pct"), NO_NAMES, NO_NESTING)
    assert row(values, area_code="D1")["value"] == pytest.approx(5.0)
    assert row(values, area_code="C1")["value"] == pytest.approx(6.0)


def test_catalogue_holds_every_indicator_the_families_build() -> None:
    """Given the three families' indicator ids, then each is catalogued with the method the brief asks for."""
    cat = load_catalogue()
    methods = {"wait_median_weeks": "median", "wait_p90_weeks": "value", "wait_spread_districts": "value",
               "waiting_over_13_weeks": "proportion_wilson", "waiting_over_18_weeks": "proportion_wilson",
               "waiting_over_52_weeks": "proportion_wilson", "referrals_rate": "crude_rate",
               "advice_6_weeks": "proportion_wilson", "dct_caseload_rate": "crude_rate",
               "short_breaks_pct": "proportion_wilson", "cin_disability_rate": "crude_rate",
               "sen_support_pupils_pct": "proportion_wilson", "ehcp_pupils_pct": "proportion_wilson"}
    assert {k: cat[k].method for k in methods} == methods
    assert cat["advice_6_weeks"].target == 95 and cat["advice_6_weeks"].polarity == "high_is_good"
