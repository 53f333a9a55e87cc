"""Statutory milestones on hand-made cases: calendar weeks across year ends and leap days, 12-month reviews,
and which requests are open for which step."""

from __future__ import annotations

import pandas as pd

from jsna.indicators.milestones import add_months, add_weeks, count_due, due_dates, reference_date, windows

AREA = "X10000001"
T = pd.Timestamp


def dates(*values: str) -> pd.Series:
    return pd.Series(pd.to_datetime(list(values)))


def case(request: str, **fields: object) -> dict[str, object]:
    row: dict[str, object] = {"request_date": T(request), "decision": None, "decision_date": pd.NaT,
                              "assessment_outcome": None, "assessment_date": pd.NaT, "issue_date": pd.NaT,
                              "ceased_date": pd.NaT, "last_review": pd.NaT, "team": None, "file_id": 1,
                              "utla_code": AREA, "lad_code": "X07000001"}
    row.update({k: T(v) if k.endswith(("_date", "_review")) and v is not None else v for k, v in fields.items()})
    return row


NO_ADVICE = pd.DataFrame({"request_date": pd.Series(dtype="datetime64[ns]"),
                          "returned_date": pd.Series(dtype="datetime64[ns]"), "trust_code": pd.Series(dtype=object)})


def test_weeks_are_calendar_weeks_across_year_ends_and_leap_days() -> None:
    """Given requests near a year end and a leap day, when 6, 16, 20 and 52 weeks are added, then each is
    7 days a week counted on the calendar (29 Feb 2024 + 6 weeks = 11 Apr 2024; + 52 weeks = 27 Feb 2025)."""
    assert list(add_weeks(dates("2024-02-29"), 6)) == [T("2024-04-11")]
    assert list(add_weeks(dates("2024-02-29"), 52)) == [T("2025-02-27")]
    assert list(add_weeks(dates("2023-12-20"), 6)) == [T("2024-01-31")]
    assert list(add_weeks(dates("2023-11-20"), 20)) == [T("2024-04-08")]  # 141 days after, through 29 Feb
    assert list(add_weeks(dates("2024-12-30"), 16)) == [T("2025-04-21")]


def test_twelve_months_from_a_leap_day_is_the_last_day_of_february() -> None:
    out = add_months(dates("2024-02-29", "2023-12-31", "2024-01-31"), 12)
    assert list(out) == [T("2025-02-28"), T("2024-12-31"), T("2025-01-31")]
    assert list(add_months(dates("2024-01-31"), 1)) == [T("2024-02-29")]
    assert add_months(pd.Series([pd.NaT]), 12).isna().all()


def test_open_closed_and_withdrawn_requests_count_for_the_steps_still_open() -> None:
    """Given an undecided request, one decided to assess, one withdrawn, one refused, one issued and one assessed
    with no plan, when due dates are worked out, then only the open steps have one."""
    cases = pd.DataFrame([
        case("2024-12-30"),                                                        # nothing decided yet
        case("2024-11-01", decision="assess", decision_date="2024-12-10"),         # assessing
        case("2024-11-01", decision="withdrawn", decision_date="2024-11-20"),      # withdrawn
        case("2024-11-01", decision="not_assess", decision_date="2024-12-01"),     # refused
        case("2024-06-03", decision="assess", assessment_outcome="plan", issue_date="2024-10-14"),  # issued
        case("2024-09-02", decision="assess", assessment_outcome="no_plan", assessment_date="2024-12-02"),
        case("2024-10-01", decision="assess", assessment_outcome="plan", assessment_date="2025-01-10"),  # drafting
    ])
    due = due_dates(cases, NO_ADVICE, T("2025-02-01"), AREA)
    got = sorted((m, str(d.date())) for m, d in zip(due["milestone"], due["due_date"], strict=True))
    assert got == sorted([
        ("decision_6w", "2025-02-10"), ("assessment_16w", "2025-04-21"), ("final_plan_20w", "2025-05-19"),
        ("assessment_16w", "2025-02-21"), ("final_plan_20w", "2025-03-21"),
        ("final_plan_20w", "2025-02-18"),
        ("annual_review", "2025-10-14"),  # the file records no reviews: the next anniversary of the plan
    ])


def test_annual_reviews_run_from_the_last_review_where_the_data_holds_one() -> None:
    """Given a file recording reviews, when reviews fall due, then a reviewed plan is due 12 months after its last
    review and an unreviewed one 12 months after issue (overdue here); a ceased plan is due nothing."""
    cases = pd.DataFrame([
        case("2022-01-10", issue_date="2022-05-30", last_review="2024-02-29"),
        case("2023-01-10", issue_date="2023-05-02"),
        case("2021-01-10", issue_date="2021-05-02", ceased_date="2024-01-01", last_review="2023-05-01"),
    ])
    due = due_dates(cases, NO_ADVICE, T("2025-01-15"), AREA)
    review = due[due["milestone"] == "annual_review"]
    assert sorted(review["due_date"]) == [T("2024-05-02"), T("2025-02-28")]


def test_health_advice_is_due_six_weeks_after_it_was_asked_for_until_it_is_returned() -> None:
    advice = pd.DataFrame({"request_date": pd.to_datetime(["2024-12-27", "2024-12-27", "2025-03-01"]),
                           "returned_date": pd.to_datetime(["2025-01-20", None, None]),
                           "trust_code": ["RX1", "RX1", "RX2"]})
    due = due_dates(pd.DataFrame([case("2020-01-01", decision="withdrawn")]), advice, T("2025-02-01"), AREA)
    assert list(due["due_date"]) == [T("2025-02-07")]  # the later request was made after the reference date
    assert list(due["trust_code"]) == ["RX1"]


def test_windows_and_counts_add_up_by_area_team_and_week() -> None:
    """Given due dates around the reference date, when counted, then overdue is before it, the next 14 and 28
    days start on it, weeks 1-2 add up to 14 days and 1-4 to 28, and districts, unplaced and teams add up to the
    authority."""
    as_at = T("2025-01-01")
    due = pd.DataFrame({"milestone": "final_plan_20w",
                        "due_date": pd.to_datetime(["2024-12-31", "2025-01-01", "2025-01-14", "2025-01-15",
                                                    "2025-01-28", "2025-01-29", "2024-06-01"]),
                        "utla_code": AREA, "lad_code": ["A", "A", "B", None, "B", "A", "A"],
                        "team": ["North", None, "North", "South", None, None, "South"], "trust_code": None})
    w = windows(due["due_date"], as_at)
    assert list(w["overdue"]) == [True, False, False, False, False, False, True]
    assert list(w["next_14_days"]) == [False, True, True, False, False, False, False]
    assert list(w["next_28_days"]) == [False, True, True, True, True, False, False]
    counts = count_due(due, as_at, AREA, districts=["A", "B", "C"])
    step = counts[counts["milestone"] == "final_plan_20w"].set_index(["area_level", "area_code", "team", "horizon"],
                                                                     drop=False)["children"]

    def at(level: str, code: str, window: str, team: str | None = None) -> int:
        rows = counts[(counts["milestone"] == "final_plan_20w") & (counts["area_level"] == level)
                      & (counts["area_code"] == code) & (counts["horizon"] == window)
                      & ((counts["team"] == team) if team else counts["team"].isna())]
        assert len(rows) == 1
        return int(rows["children"].iloc[0])

    assert len(step) > 0
    assert at("utla", AREA, "overdue") == 2 and at("utla", AREA, "next_14_days") == 2
    assert at("utla", AREA, "next_28_days") == 4
    assert at("lad", "A", "overdue") == 2 and at("lad", "C", "next_28_days") == 0
    assert at("lad", "B", "next_28_days") == 2 and at("unplaced", AREA, "next_28_days") == 1
    assert at("team", AREA, "next_28_days", "North") == 1 and at("team", AREA, "next_28_days", "(no team)") == 2
    weeks = [at("utla", AREA, f"week_{k}") for k in range(1, 9)]
    assert weeks[:5] == [1, 1, 1, 1, 1] and sum(weeks[:2]) == 2 and sum(weeks[:4]) == 4
    week2 = counts[(counts["horizon"] == "week_2") & (counts["area_level"] == "utla")
                   & (counts["milestone"] == "final_plan_20w")]
    assert list(week2["week_start"]) == [T("2025-01-08")]


def test_the_reference_date_is_the_latest_date_in_the_data_unless_configured() -> None:
    cases = pd.DataFrame([case("2024-03-01", issue_date="2024-07-19")])
    advice = pd.DataFrame({"request_date": pd.to_datetime(["2024-07-01"]),
                           "returned_date": pd.to_datetime(["2024-07-22"]), "trust_code": ["RX1"]})
    assert reference_date(cases, advice) == T("2024-07-22")
    assert reference_date(cases, advice, T("2024-08-31")) == T("2024-08-31")
