"""Statutory milestones of EHC needs assessments, counted as the SEND code of practice (2015) counts them.

Every deadline runs in calendar weeks from the day the request was received (code of practice 9.39-9.42):
the decision whether to assess 6 weeks after it (`decision_6w`), the decision whether to issue a plan 16 weeks
after it (`assessment_16w`), the final plan 20 weeks after it (`final_plan_20w`). A health advice request is due
back 6 weeks after it was made (`health_advice_6w`, SEND Regulations 2014, reg. 8). A plan's annual review is due
12 months after it was issued, then 12 months after its last review where the data holds one
(`annual_review`; 12 months from 29 February is 28 February).

A step is open until it is done: the decision (or a later step) is recorded, or the request is closed: withdrawn,
refused, ceased, or assessed with no plan to issue. Where a file records no review for any plan, its plans are
taken as reviewed on time: the next review is the next anniversary of the plan on or after the reference date
(never overdue); where a file records reviews, a plan with none recorded is due a year after it was issued.

`due_dates` is child-level and stays in memory; `count_due` turns it into counts by area and window, the only
shape that leaves (through disclosure control).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from jsna.config import MILESTONES

WEEKS = {"decision_6w": 6, "assessment_16w": 16, "final_plan_20w": 20}
ADVICE_WEEKS = 6
assert set(MILESTONES) == {*WEEKS, "health_advice_6w", "annual_review"}
TITLES = {
    "decision_6w": "Decisions whether to assess (6 weeks)",
    "assessment_16w": "Decisions whether to issue a plan (16 weeks)",
    "final_plan_20w": "Final EHC plans (20 weeks)",
    "health_advice_6w": "Health advice returns (6 weeks)",
    "annual_review": "Annual reviews (12 months)",
}
WEEKS_AHEAD = 8  # weeks counted one by one after the reference date
# Windows: overdue (due before the reference date), due in the next 14 and 28 days (from the reference date
# itself), and week_1 .. week_8 (seven days each, the first starting on the reference date).
HORIZONS = {"overdue": 0, "next_14_days": 14, "next_28_days": 28}
DUE_COLUMNS = ["milestone", "due_date", "utla_code", "lad_code", "team", "trust_code"]
COUNT_COLUMNS = ["milestone", "as_at", "area_level", "area_code", "team", "horizon", "week_start", "children"]


def add_months(dates: pd.Series, months: int | pd.Series) -> pd.Series:
    """`dates` plus whole calendar months; a day the month lacks becomes its last (29 Feb + 12 months = 28 Feb)."""
    d = pd.to_datetime(dates)
    ok = d.notna()
    months = pd.Series(months, index=d.index) if not isinstance(months, pd.Series) else months
    total = (d.dt.year.fillna(2000).astype(int) * 12 + d.dt.month.fillna(1).astype(int) - 1
             + months.fillna(0).astype(int))
    first = pd.to_datetime(pd.DataFrame({"year": total // 12, "month": total % 12 + 1, "day": 1}))
    day = np.minimum(d.dt.day.fillna(1).astype(int), first.dt.days_in_month)
    return (first + pd.to_timedelta(day - 1, unit="D")).where(ok)


def add_weeks(dates: pd.Series, weeks: int) -> pd.Series:
    """`dates` plus calendar weeks (7 days each: year ends and leap days count as the days they are)."""
    return pd.to_datetime(dates) + pd.Timedelta(days=7 * weeks)


def reference_date(cases: pd.DataFrame, advice: pd.DataFrame, configured: pd.Timestamp | None = None) -> pd.Timestamp:
    """The date the counts are as at: the configured one, else the latest date the case data hold (so that the
    figures depend on the data, never on the day the refresh runs)."""
    if configured is not None:
        return pd.Timestamp(configured).normalize()
    dated = [pd.to_datetime(cases[c]).max() for c in ("request_date", "decision_date", "assessment_date",
                                                      "issue_date", "ceased_date", "last_review") if c in cases]
    dated += [pd.to_datetime(advice[c]).max() for c in ("request_date", "returned_date") if c in advice]
    known = [d for d in dated if pd.notna(d)]
    if not known:
        raise ValueError("no dated case records: the milestones need a reference date ([milestones] as_at)")
    return pd.Timestamp(max(known)).normalize()


def _col(frame: pd.DataFrame, name: str) -> pd.Series:
    return frame[name] if name in frame else pd.Series(None, index=frame.index, dtype=object)


def due_dates(cases: pd.DataFrame, advice: pd.DataFrame, as_at: pd.Timestamp, area_code: str) -> pd.DataFrame:
    """Each open step's due date, one row per child and step (DUE_COLUMNS). `cases`: core.ehcp_cases rows
    (request_date, decision, decision_date, assessment_outcome, assessment_date, issue_date, ceased_date, and
    last_review, team, file_id where held); `advice`: core.advice_returns rows (request_date, returned_date,
    trust_code), counted in `area_code`. Only steps of requests received by `as_at` count."""
    c = cases[pd.to_datetime(cases["request_date"]) <= as_at]
    issued, ceased = _col(c, "issue_date").notna(), _col(c, "ceased_date").notna()
    decision, outcome = _col(c, "decision"), _col(c, "assessment_outcome")
    closed = decision.isin(["withdrawn", "not_assess"]) | ceased | outcome.eq("no_plan")
    assessed = outcome.notna() | _col(c, "assessment_date").notna()
    decided = decision.notna() | _col(c, "decision_date").notna() | assessed
    open_steps = {"decision_6w": ~closed & ~issued & ~decided,
                  "assessment_16w": ~closed & ~issued & ~assessed,
                  "final_plan_20w": ~closed & ~issued}
    parts = []
    where = {"utla_code": _col(c, "utla_code"), "lad_code": _col(c, "lad_code"), "team": _col(c, "team"),
             "trust_code": None}
    for step, weeks in WEEKS.items():
        keep = open_steps[step].to_numpy(bool)
        parts.append(pd.DataFrame({"milestone": step, "due_date": add_weeks(c["request_date"], weeks),
                                   **where})[keep])
    plans = c[issued & ~ceased & ~outcome.eq("no_plan")]
    if len(plans):
        last = pd.to_datetime(_col(plans, "last_review"))
        files = _col(plans, "file_id")
        recorded = last.notna().groupby(files.fillna(-1).to_numpy()).transform("any") if len(plans) else last
        issue = pd.to_datetime(plans["issue_date"])
        years = (as_at.year - issue.dt.year).clip(lower=1)
        anniversary = add_months(issue, years * 12)
        anniversary = anniversary.where(anniversary >= as_at, add_months(issue, (years + 1) * 12))
        due = add_months(last, 12).where(last.notna(), add_months(issue, 12).where(recorded, anniversary))
        parts.append(pd.DataFrame({"milestone": "annual_review", "due_date": due, "utla_code": plans["utla_code"],
                                   "lad_code": _col(plans, "lad_code"), "team": _col(plans, "team"),
                                   "trust_code": None}))
    a = advice[(pd.to_datetime(advice["request_date"]) <= as_at) & advice["returned_date"].isna()]
    parts.append(pd.DataFrame({"milestone": "health_advice_6w", "due_date": add_weeks(a["request_date"], ADVICE_WEEKS),
                               "utla_code": area_code, "lad_code": None, "team": None,
                               "trust_code": a["trust_code"]}))
    out = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) else None
    if out is None:
        return pd.DataFrame(columns=DUE_COLUMNS)
    out["team"] = out["team"].where(out["team"].notna() & out["team"].astype(str).str.strip().ne(""), None)
    return out[DUE_COLUMNS]


def windows(due: pd.Series, as_at: pd.Timestamp) -> pd.DataFrame:
    """Which windows each due date falls in (bool columns: overdue, next_14_days, next_28_days, week_1 ..)."""
    days = (pd.to_datetime(due) - as_at).dt.days
    out = {"overdue": days < 0, "next_14_days": days.between(0, 13), "next_28_days": days.between(0, 27)}
    for k in range(1, WEEKS_AHEAD + 1):
        out[f"week_{k}"] = days.between(7 * (k - 1), 7 * k - 1)
    return pd.DataFrame(out, index=due.index).fillna(False)


def count_due(due: pd.DataFrame, as_at: pd.Timestamp, area_code: str, districts: list[str] | None = None
              ) -> pd.DataFrame:
    """Children per milestone, area and window (COUNT_COLUMNS), zeros included, for the authority `area_code`:
    its total (area_level utla), its districts (lad) and the children placed in none (unplaced: area_code the
    authority's), its teams where the extract names any (team; '(no team)' for the rest), and for health advice
    its trusts (trust). Districts, unplaced and trusts each add up to the total; so do the teams; weeks 1-2 add
    up to the next 14 days and weeks 1-4 to the next 28."""
    d = due[due["utla_code"] == area_code]
    flags = windows(d["due_date"], as_at)
    names = list(flags.columns)
    rows = []
    lads = sorted(set(districts or []) | set(d["lad_code"].dropna()))
    teams = sorted(set(d["team"].dropna()))
    for step in MILESTONES:
        s = d["milestone"] == step
        f = flags[s]
        groups: list[tuple[str, str, str | None, pd.Series]] = [("utla", area_code, None, pd.Series(True, f.index))]
        if step == "health_advice_6w":
            trust = d.loc[s, "trust_code"]
            groups += [("trust", t, None, trust == t) for t in sorted(set(trust.dropna()))]
        else:
            lad = d.loc[s, "lad_code"]
            groups += [("lad", code, None, lad == code) for code in lads]
            groups.append(("unplaced", area_code, None, lad.isna()))
            if teams:
                team = d.loc[s, "team"]
                groups += [("team", area_code, t, team == t) for t in teams]
                groups.append(("team", area_code, "(no team)", team.isna()))
        for level, code, team_name, member in groups:
            counts = f[member.to_numpy(bool)].sum()
            for window in names:
                week = int(window.split("_")[1]) if window.startswith("week_") else None
                rows.append((step, as_at, level, code, team_name, window,
                             as_at + pd.Timedelta(days=7 * (week - 1)) if week else pd.NaT, int(counts[window])))
    return pd.DataFrame(rows, columns=COUNT_COLUMNS)
