"""EHC needs assessment requests and plans, one row per request, as a SEN case-management system exports
them: statements held in 2014, legacy transfers, new requests (agreed or not) and the plans issued."""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from jsna.demo import caseload, placements
from jsna.demo.caseload import KIND_EHC, KIND_LDA, KIND_STATEMENT, YEAR_DAYS, YEARS, Spells
from jsna.demo.dates import EXTRACT, START, age_on, format_dates, year_of
from jsna.demo.geography import Geography
from jsna.demo.people import People, Register, draw_lsoas
from jsna.demo.sampling import categorical, choice
from jsna.demo.spec import ScaleSpec

NEEDS = np.array(["ASD", "SEMH", "SLCN", "MLD", "SPLD", "SLD", "PMLD", "PD", "HI", "VI", "MSI", "OTH", "NSA"],
                 dtype=object)
_NEED_BASE = np.array([0.26, 0.11, 0.16, 0.17, 0.05, 0.08, 0.03, 0.05, 0.02, 0.01, 0.004, 0.03, 0.006])
_NEED_TREND = np.array([0.011, 0.006, 0.001, -0.008, -0.001, -0.003, -0.001, 0, 0, 0, 0, 0, 0])
_UNDER5 = np.array([1, 0.3, 2, 0.5, 0.1, 1, 1, 1, 1, 1, 1, 1, 1])
_OVER11 = np.array([1, 1.5, 0.8, 1, 1.5, 1, 1, 1, 1, 1, 1, 1, 1])
MALE_SHARE = dict(zip(NEEDS, (0.78, 0.8, 0.72, 0.62, 0.68, 0.6, 0.55, 0.58, 0.52, 0.55, 0.55, 0.65, 0.6),
                      strict=True))
WEEK = 7.0
COLUMNS = ("Child ID", "UPN", "NHS Number", "Forename", "Surname", "Date of Birth", "Sex", "Postcode",
           "Request Date", "Decision Date", "Decision", "Assessment Outcome", "Draft Issue Date", "Final Issue Date",
           "Exception", "Primary Need", "Setting URN", "Placement Type", "Plan Status", "Transfer", "Ceased Date",
           "Ceased Reason", "Assessment Outcome Date", "Transferred From LA")
# Plans another authority transferred in (SEN2 ActivePlans TransferLA): a small share of the new EHC plans,
# from authorities beyond the demo (old-style LA numbers no English authority uses).
TRANSFER_IN_SHARE = 0.015
TRANSFER_FROM = tuple(str(n) for n in range(990, 1000))


@dataclass
class Requests:
    """Case rows (one per request) before identities are attached; dates are day numbers (NaN = none)."""

    person: np.ndarray
    auth: np.ndarray
    dob: np.ndarray
    origin: np.ndarray  # when the child's plan (or statement) was first issued
    request: np.ndarray
    decision_date: np.ndarray
    decision: np.ndarray
    outcome: np.ndarray
    draft: np.ndarray
    final: np.ndarray
    exception: np.ndarray
    need: np.ndarray
    urn: np.ndarray
    placement: np.ndarray
    transfer: np.ndarray
    cease: np.ndarray
    reason: np.ndarray
    transfer_la: np.ndarray  # the LA number a plan was transferred in from ("" for none)

    def take(self, idx: np.ndarray) -> Requests:
        return Requests(**{f.name: getattr(self, f.name)[idx] for f in fields(self)})

    @staticmethod
    def concat(parts: list[Requests]) -> Requests:
        return Requests(**{f.name: np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(Requests)})


def draw_needs(year: np.ndarray, age: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Primary need (SEN2 code) by year (ASD and SEMH growing) and age."""
    t = np.clip(year - 2014, 0, 12)[:, None]
    p = np.clip(_NEED_BASE[None, :] + _NEED_TREND[None, :] * t, 0.002, None)
    p[age < 5] *= _UNDER5
    p[age >= 11] *= _OVER11
    return NEEDS[categorical(p, rng)]


def draw_sex(need: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    p_male = pd.Series(need).map(MALE_SHARE).to_numpy(float)
    return np.where(rng.random(len(need)) < p_male, "M", "F").astype(object)


def ceased_reasons(age: np.ndarray, forced: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    young = choice(np.array(["Moved out of area", "Needs met", "Other"]), (0.5, 0.35, 0.15), len(age), rng)
    older = choice(np.array(["Entered employment", "Moved out of area", "Needs met", "Entered higher education",
                             "Other"]), (0.2, 0.25, 0.15, 0.12, 0.28), len(age), rng)
    return np.where(forced, "Reached age 25", np.where(age >= 16, older, young)).astype(object)


def _blank(n: int) -> np.ndarray:
    return np.full(n, "", dtype=object)


def _weeks(lo: float, hi: float, n: int, rng: np.random.Generator) -> np.ndarray:
    return np.floor(rng.uniform(lo, hi, n) * WEEK)


def _plan_rows(sp: Spells, idx: np.ndarray, person: np.ndarray, need: np.ndarray, request: np.ndarray,
               decision_date: np.ndarray, draft: np.ndarray, final: np.ndarray, cease: np.ndarray,
               reason: np.ndarray, transfer: str = "", exception: np.ndarray | None = None) -> Requests:
    """Rows of requests that ended in an issued plan."""
    n = len(idx)
    return Requests(
        person=person[idx], auth=sp.auth[idx], dob=sp.dob[idx], origin=sp.issue[idx], request=request,
        decision_date=decision_date, decision=np.full(n, "Assess", dtype=object),
        outcome=np.full(n, "Plan", dtype=object), draft=draft, final=final,
        exception=exception if exception is not None else np.full(n, "N", dtype=object), need=need[idx],
        urn=_blank(n), placement=_blank(n), transfer=np.full(n, transfer, dtype=object), cease=cease,
        reason=reason, transfer_la=_blank(n),
    )


def _statement_rows(sp: Spells, person: np.ndarray, need: np.ndarray, reason: np.ndarray,
                    rng: np.random.Generator) -> list[Requests]:
    """Statements (issued before September 2014) and, when still held, their transfer to an EHC plan."""
    idx = np.flatnonzero(sp.kind == KIND_STATEMENT)
    n = len(idx)
    issue, t = sp.issue[idx], sp.transfer[idx]
    request = issue - _weeks(18, 30, n, rng)
    moved = ~np.isnan(t)
    cease = np.where(moved, t, sp.cease[idx])
    why = np.where(moved, "Transferred to EHC plan", reason[idx]).astype(object)
    stmt = _plan_rows(sp, idx, person, need, request, request + _weeks(4, 8, n, rng),
                      issue - _weeks(2, 5, n, rng), issue, cease, why)
    m, tm = idx[moved], t[moved]
    start = tm - _weeks(8, 16, len(m), rng)
    moved_rows = _plan_rows(sp, m, person, need, start, start, tm - _weeks(1, 4, len(m), rng), tm, sp.cease[m],
                            reason[m], transfer="Statement")
    return [stmt, moved_rows]


def _lda_rows(sp: Spells, person: np.ndarray, need: np.ndarray, reason: np.ndarray,
              rng: np.random.Generator) -> Requests:
    """Learning difficulty assessments (16-24) transferred to plans, 2015 to March 2018."""
    idx = np.flatnonzero(sp.kind == KIND_LDA)
    issue = sp.issue[idx]
    start = issue - _weeks(6, 16, len(idx), rng)
    return _plan_rows(sp, idx, person, need, start, start, issue - _weeks(1, 4, len(idx), rng), issue,
                      sp.cease[idx], reason[idx], transfer="LDA")


def durations(p_on_time: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Days from request to final plan, and the exception flag (exceptions are more often late)."""
    n = len(p_on_time)
    exception = rng.random(n) < 0.05
    p = np.where(exception, 0.4 * p_on_time, np.minimum(p_on_time * 0.98 / 0.95, 0.995))
    on_time = rng.random(n) < p
    late = 20 * WEEK + 1 + rng.gamma(1.6, (6 + 30 * (1 - p_on_time)) * WEEK)
    days = np.where(on_time, _weeks(12.5, 20, n, rng), np.minimum(np.floor(late), 120 * WEEK))
    return days, exception


def _new_plan_rows(sp: Spells, idx: np.ndarray, person: np.ndarray, need: np.ndarray, reason: np.ndarray,
                   p_on_time: np.ndarray, rng: np.random.Generator) -> Requests:
    """Requests that led to a new plan: decision within ~6 weeks, then draft and final plan."""
    n = len(idx)
    issue = sp.issue[idx]
    year_idx = np.clip(year_of(issue) - YEARS[0], 0, len(YEARS) - 1)
    days, exception = durations(p_on_time[sp.auth[idx], year_idx], rng)
    request = np.maximum(issue - days, sp.dob[idx] + 90)  # nobody is referred before they are born
    decision = request + np.where(rng.random(n) < 0.9, _weeks(2.5, 6, n, rng), _weeks(6, 10, n, rng))
    draft = np.minimum(np.maximum(issue - _weeks(2, 5, n, rng), decision + WEEK), issue - 1)
    return _plan_rows(sp, idx, person, need, request, decision, draft, issue, sp.cease[idx], reason[idx],
                      exception=np.where(exception, "Y", "N").astype(object))


def _not_yet_issued(rows: Requests) -> Requests:
    """Plans issued after the extract date: keep open requests, blank what has not happened yet."""
    rows = rows.take(np.flatnonzero(rows.request <= EXTRACT))
    n = len(rows.person)
    decided = rows.decision_date <= EXTRACT
    rows.decision = np.where(decided, "Assess", "").astype(object)
    rows.decision_date = np.where(decided, rows.decision_date, np.nan)
    rows.draft = np.where(rows.draft <= EXTRACT, rows.draft, np.nan)
    rows.final, rows.cease, rows.origin = np.full(n, np.nan), np.full(n, np.nan), np.full(n, np.nan)
    rows.outcome, rows.reason = _blank(n), _blank(n)
    rows.exception = np.full(n, "N", dtype=object)
    return rows


def _no_plan(rows: Requests, decision: str, rng: np.random.Generator) -> Requests:
    """Turn copied rows into requests that did not lead to a plan (or are still being decided)."""
    n = len(rows.person)
    lo, hi = {"Not assess": (3, 6.5), "Withdrawn": (1, 12), "Assess": (2.5, 6)}[decision]
    when = rows.request + _weeks(lo, hi, n, rng)
    decided = when <= EXTRACT
    rows.decision = np.where(decided, decision, "").astype(object)
    rows.decision_date = np.where(decided, when, np.nan)
    assessed = decided & (rows.request + _weeks(14, 22, n, rng) <= EXTRACT)
    rows.outcome = np.where(assessed & (decision == "Assess"), "No plan", "").astype(object)
    rows.draft, rows.final, rows.cease, rows.origin = (np.full(n, np.nan) for _ in range(4))
    rows.exception = np.full(n, "N", dtype=object)
    rows.urn, rows.placement, rows.transfer, rows.reason, rows.transfer_la = (_blank(n) for _ in range(5))
    return rows


def _refusals(base: Requests, share: float, rng: np.random.Generator) -> Requests:
    """Earlier refused requests of some children who later got a plan (same child)."""
    earlier = base.request - np.floor(rng.uniform(150, 700, len(base.person)))
    ok = (rng.random(len(base.person)) < share) & (earlier >= START) & (earlier > base.dob + 365)
    out = base.take(np.flatnonzero(ok))
    out.request = earlier[ok]
    return _no_plan(out, "Not assess", rng)


def _unsuccessful(base: Requests, geo: Geography, lsoa_weight: np.ndarray, register: Register,
                  rng: np.random.Generator) -> list[Requests]:
    """Requests of other children not assessed, withdrawn or assessed without a plan, shaped like `base`."""
    out = []
    for decision, share in (("Not assess", 0.26), ("Withdrawn", 0.03), ("Assess", 0.111)):
        idx = rng.integers(0, len(base.person), round(share * len(base.person)))
        rows = base.take(idx)
        rows.request = np.floor(rows.request + rng.normal(0, 40, len(idx)))
        dob = np.clip(rows.dob + rng.normal(0, 200, len(idx)), rows.request - 25.5 * YEAR_DAYS, rows.request - 90)
        rows.dob = np.floor(dob)
        rows.need = draw_needs(year_of(rows.request), (rows.request - rows.dob) / YEAR_DAYS, rng)
        rows.person = register.add(draw_lsoas(geo, lsoa_weight, "utla", rows.auth, rng),
                                   draw_sex(rows.need, rng), rows.dob)
        out.append(_no_plan(rows, decision, rng))
    return out


def _pending(targets: np.ndarray, p_on_time: np.ndarray, geo: Geography, lsoa_weight: np.ndarray,
             register: Register, rng: np.random.Generator) -> Requests:
    """Requests made by the extract date for plans that will be issued after it."""
    sp = caseload.pending_plans(targets, rng)
    n = len(sp.auth)
    need = draw_needs(year_of(sp.issue), (sp.issue - sp.dob) / YEAR_DAYS, rng)
    person = register.add(draw_lsoas(geo, lsoa_weight, "utla", sp.auth, rng), draw_sex(need, rng), sp.dob)
    rows = _new_plan_rows(sp, np.arange(n), person, need, _blank(n), p_on_time, rng)
    return _not_yet_issued(rows)


def _place(rows: Requests, geo: Geography, register_lsoa: np.ndarray, schools: pd.DataFrame,
           rng: np.random.Generator) -> None:
    """Placement type and setting of every issued plan, at its end (cessation or the extract date)."""
    issued = np.flatnonzero(rows.final <= EXTRACT)
    end = np.where(np.isnan(rows.cease[issued]), EXTRACT, rows.cease[issued])
    age = age_on(rows.dob[issued], end)
    ptype = placements.placement_types(age, year_of(rows.origin[issued]), rng)
    lsoa = register_lsoa[rows.person[issued]]
    x, y = geo.lsoa["x"].to_numpy()[lsoa], geo.lsoa["y"].to_numpy()[lsoa]
    rows.placement[issued] = ptype
    rows.urn[issued] = placements.setting_urns(ptype, age, x, y, schools, rng)


@dataclass
class Ehcp:
    """All request rows, plus the plan spells and their holders (used by the linked files)."""

    requests: Requests
    spells: Spells
    spell_person: np.ndarray
    spell_need: np.ndarray


def build(spec: ScaleSpec, geo: Geography, children: np.ndarray, lsoa_weight: np.ndarray,
          schools: pd.DataFrame, register: Register, rng: np.random.Generator) -> Ehcp:
    """Simulate plans for every authority and turn them into request rows."""
    targets = caseload.caseload_targets(spec, children, rng)
    p_on_time = caseload.timeliness(len(targets), rng)
    sp = caseload.simulate(targets, rng)
    need = draw_needs(year_of(sp.issue), (sp.issue - sp.dob) / YEAR_DAYS, rng)
    person = register.add(draw_lsoas(geo, lsoa_weight, "utla", sp.auth, rng), draw_sex(need, rng), sp.dob)
    ended = ~np.isnan(sp.cease)
    reason = np.where(ended, ceased_reasons(age_on(sp.dob, np.where(ended, sp.cease, EXTRACT)), sp.forced, rng),
                      "").astype(object)
    parts = _statement_rows(sp, person, need, reason, rng)
    parts.append(_lda_rows(sp, person, need, reason, rng))
    new_rows = _new_plan_rows(sp, np.flatnonzero(sp.kind == KIND_EHC), person, need, reason, p_on_time, rng)
    pending = _pending(targets, p_on_time, geo, lsoa_weight, register, rng)
    requested = Requests.concat([new_rows, pending])
    parts += [new_rows, pending, _refusals(requested, 0.08, rng)]
    parts += _unsuccessful(requested, geo, lsoa_weight, register, rng)
    rows = Requests.concat(parts)
    rows = rows.take(np.flatnonzero(rows.request <= EXTRACT))
    _place(rows, geo, register.lsoa(), schools, rng)
    rows = rows.take(np.lexsort((rows.person, rows.request)))
    _transfers_in(rows, rng)
    return Ehcp(requests=rows, spells=sp, spell_person=person, spell_need=need)


def _transfers_in(rows: Requests, rng: np.random.Generator) -> None:
    """Mark a small share of the issued new EHC plans as transferred in from another authority (drawn last,
    so that every other draw of the demo stays as it was)."""
    new_plans = np.flatnonzero((rows.final <= EXTRACT) & (rows.transfer == "") & (rows.decision == "Assess")
                               & (rows.outcome == "Plan"))
    moved = new_plans[rng.random(len(new_plans)) < TRANSFER_IN_SHARE]
    rows.transfer_la[moved] = rng.choice(np.array(TRANSFER_FROM, dtype=object), len(moved))


def table(rows: Requests, people: People) -> dict[str, np.ndarray]:
    """The export's columns (strings and integers), ready for the CSV writer."""
    p = rows.person
    issued = rows.final <= EXTRACT
    status = np.where(issued, np.where(rows.cease <= EXTRACT, "Ceased", "Active"), "").astype(object)
    # the decision to issue a plan: the draft plan's date, else the final plan's (as the SEN2 return gives it)
    planned = (rows.transfer == "") & (rows.decision == "Assess") & (rows.outcome == "Plan")
    assessed = np.where(planned, np.where(np.isnan(rows.draft), np.where(issued, rows.final, np.nan), rows.draft),
                        np.nan)
    return {
        "Child ID": people.person_id(p), "UPN": people.upn_text(p), "NHS Number": people.nhs[p],
        "Forename": people.forename[p], "Surname": people.surname[p],
        "Date of Birth": format_dates(people.dob[p]), "Sex": people.sex[p], "Postcode": people.postcode[p],
        "Request Date": format_dates(rows.request), "Decision Date": format_dates(rows.decision_date),
        "Decision": rows.decision, "Assessment Outcome": rows.outcome,
        "Draft Issue Date": format_dates(rows.draft), "Final Issue Date": format_dates(rows.final),
        "Exception": rows.exception, "Primary Need": rows.need, "Setting URN": rows.urn,
        "Placement Type": rows.placement, "Plan Status": status, "Transfer": rows.transfer,
        "Ceased Date": format_dates(np.where(rows.cease <= EXTRACT, rows.cease, np.nan)),
        "Ceased Reason": np.where(rows.cease <= EXTRACT, rows.reason, "").astype(object),
        "Assessment Outcome Date": format_dates(assessed), "Transferred From LA": rows.transfer_la,
    }
