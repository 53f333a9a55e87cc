"""Plan spells (issue to cessation) simulated census year by census year so the January caseload of
every authority follows its target path; 20-week timeliness targets per authority and year."""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from jsna.demo.dates import EXTRACT, census_day, day, ymd
from jsna.demo.spec import COUNTY_CASELOAD, COUNTY_TIMELINESS, ENGLAND_TIMELINESS, ScaleSpec

YEARS = np.arange(2014, 2027)  # census years; 2026 is only used to pace the last months of 2025
YEAR_DAYS = 365.25
REFORM = day(2014, 9, 1)  # EHC plans replace statements; statements transfer until March 2018
TRANSFER_START, TRANSFER_END = day(2015, 1, 5), day(2018, 3, 31)
KIND_STATEMENT, KIND_EHC, KIND_LDA = 0, 1, 2
# Yearly chance of a plan ceasing by age (index = age in years, 0..25), before the age-25 limit.
HAZARD_EHC = np.array([0.02] * 5 + [0.03] * 11 + [0.06, 0.08, 0.10, 0.14] + [0.16] * 6)
HAZARD_STATEMENT = np.array([0.03] * 5 + [0.04] * 11 + [0.25, 0.3, 0.4, 0.5] + [0.6] * 6)
STOCK_AGES = ((2, 5, 0.04), (5, 11, 0.34), (11, 16, 0.46), (16, 20, 0.15), (20, 25, 0.01))
NEW_AGES_EARLY = ((1.5, 5, 0.16), (5, 11, 0.42), (11, 16, 0.27), (16, 20, 0.12), (20, 25, 0.03))
NEW_AGES_LATE = ((1.5, 5, 0.14), (5, 11, 0.49), (11, 16, 0.25), (16, 20, 0.10), (20, 25, 0.02))
LDA_SHARE = 0.22  # of new plans in the census years 2015-2017 (LDAs for 16-24 year olds transfer)


@dataclass
class Spells:
    """One row per continuous period of holding a statement or plan."""

    auth: np.ndarray
    dob: np.ndarray
    issue: np.ndarray
    cease: np.ndarray  # NaN = still maintained at the extract date
    forced: np.ndarray  # the cessation was the age-25 limit
    kind: np.ndarray
    transfer: np.ndarray  # statements: date of transfer to an EHC plan (NaN otherwise)


def logit(p: np.ndarray) -> np.ndarray:
    return np.log(p / (1 - p))


def caseload_targets(spec: ScaleSpec, children: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """January caseload target per authority (rows) and census year (columns, YEARS).

    One authority: the spec's path. Several: authority 0 (Demoshire) follows the county path scaled to its
    children; the others share England's total in proportion to children, each with its own growth.
    """
    total = np.array([spec.caseload[int(y)] for y in YEARS])
    if len(children) == 1:
        return total[None, :]
    demo = np.array([COUNTY_CASELOAD[int(y)] for y in YEARS]) * children[0] / 440_000
    level = children[1:] * rng.lognormal(0.0, 0.15, len(children) - 1)
    growth = rng.normal(0.0, 0.035, len(children) - 1)
    raw = level[:, None] * np.exp(growth[:, None] * (YEARS - 2019)[None, :])
    others = raw / raw.sum(axis=0) * (total - demo)
    return np.vstack([demo[None, :], others])


def timeliness(n_auth: int, rng: np.random.Generator) -> np.ndarray:
    """Chance a new plan is issued within 20 weeks, per authority and calendar year (YEARS)."""
    county = np.array([COUNTY_TIMELINESS[int(y)] for y in YEARS])
    nat = np.array([ENGLAND_TIMELINESS[int(y)] for y in YEARS])
    lg = logit(nat)[None, :] + rng.normal(0, 0.9, (n_auth, 1)) + rng.normal(0, 0.5, (n_auth, len(YEARS)))
    out = 1 / (1 + np.exp(-lg))
    out[0] = county
    return out


def forced_end(dob: np.ndarray) -> np.ndarray:
    """31 July at the end of the academic year in which the young person turns 25 (the legal limit)."""
    y, m, _ = ymd(dob)
    year = y + 25 + (m >= 9)
    first_aug = ((year - 1970) * 12 + 7).astype("datetime64[M]").astype("datetime64[D]")
    return (first_aug.astype(np.int64) - 1).astype(float)


def _draw_ages(bands: tuple[tuple[float, float, float], ...], n: int, rng: np.random.Generator) -> np.ndarray:
    p = np.array([b[2] for b in bands])
    which = rng.choice(len(bands), size=n, p=p / p.sum())
    lo = np.array([b[0] for b in bands])[which]
    hi = np.array([b[1] for b in bands])[which]
    return rng.uniform(lo, hi)


def _end_spells(sp: Spells, a: float, b: float, rng: np.random.Generator) -> None:
    """Draw which open spells cease in [a, b) (yearly hazard by age at the start, higher for statements
    before their transfer, and the age-25 limit), in place."""
    active = np.flatnonzero(np.isnan(sp.cease) & (sp.issue < b))
    start = np.maximum(sp.issue[active], a)
    dob = sp.dob[active]
    age = np.clip(((start - dob) / YEAR_DAYS).astype(np.int64), 0, 25)
    statement = (sp.kind[active] == KIND_STATEMENT) & (sp.transfer[active] > a)
    h = np.where(statement, HAZARD_STATEMENT[age], HAZARD_EHC[age])
    t = start + rng.exponential(1.0, len(active)) / -np.log1p(-h) * YEAR_DAYS
    limit = forced_end(dob)
    when = np.minimum(t, limit)
    ends = when < b
    sp.cease[active[ends]] = np.floor(when[ends])
    sp.forced[active[ends]] = limit[ends] <= t[ends]


def _spells(auth: np.ndarray, dob: np.ndarray, issue: np.ndarray, lda: np.ndarray, rng: np.random.Generator
            ) -> Spells:
    """Open spells; those issued before the reforms are statements with a transfer date."""
    n = len(auth)
    kind = np.where(issue < REFORM, KIND_STATEMENT, np.where(lda, KIND_LDA, KIND_EHC))
    transfer = np.where(kind == KIND_STATEMENT, _transfer_dates(n, rng), np.nan)
    return Spells(auth=auth, dob=dob, issue=issue, cease=np.full(n, np.nan), forced=np.zeros(n, dtype=bool),
                  kind=kind, transfer=transfer)


def _concat(a: Spells, b: Spells) -> Spells:
    return Spells(*(np.concatenate([getattr(a, f.name), getattr(b, f.name)]) for f in fields(Spells)))


def _stock(targets: np.ndarray, rng: np.random.Generator) -> Spells:
    """Statements held on the January 2014 census date."""
    c0 = census_day(2014)
    n = np.round(targets[:, 0]).astype(np.int64)
    auth = np.repeat(np.arange(len(n)), n)
    age = _draw_ages(STOCK_AGES, len(auth), rng)
    held = rng.uniform(0, np.minimum(age - 1.5, 10.0)) * YEAR_DAYS
    return _spells(auth, np.floor(c0 - age * YEAR_DAYS), np.floor(c0 - held), np.zeros(len(auth), bool), rng)


def _new_plans(count: np.ndarray, a: float, b: float, rng: np.random.Generator) -> Spells:
    """`count[authority]` plans issued in [a, b); a share of them LDA transfers while those run."""
    auth = np.repeat(np.arange(len(count)), count)
    issue = np.floor(rng.uniform(a, b, len(auth)))
    year = int(ymd(np.array([a]))[0][0])
    age = _draw_ages(NEW_AGES_EARLY if year < 2016 else NEW_AGES_LATE, len(auth), rng)
    lda = (issue >= TRANSFER_START) & (issue <= TRANSFER_END) & (rng.random(len(auth)) < LDA_SHARE)
    age[lda] = rng.uniform(16.0, 24.5, int(lda.sum()))
    return _spells(auth, np.floor(issue - age * YEAR_DAYS), issue, lda, rng)


def _intervals(targets: np.ndarray) -> list[tuple[float, float, np.ndarray]]:
    """(start, end, caseload goal at the end) from each census date to the next, then to the extract date."""
    dates = [census_day(int(y)) for y in YEARS[:-1]] + [EXTRACT]
    goal = targets[:, 1:].copy()
    part = (EXTRACT - census_day(2025)) / (census_day(2026) - census_day(2025))
    goal[:, -1] = targets[:, -2] + (targets[:, -1] - targets[:, -2]) * part
    return [(dates[k], dates[k + 1], goal[:, k]) for k in range(len(dates) - 1)]


def simulate(targets: np.ndarray, rng: np.random.Generator) -> Spells:
    """Spells whose maintained count on each census date follows `targets` (authority x YEARS): each
    year, open spells may cease, then just enough new plans are issued to reach the next target."""
    n_auth = len(targets)
    sp = _stock(targets, rng)
    for a, b, goal in _intervals(targets):
        _end_spells(sp, a, b, rng)
        survivors = np.bincount(sp.auth[np.isnan(sp.cease)], minlength=n_auth)
        want = goal * (1 + rng.normal(0, 0.004, n_auth)) * 1.008 - survivors
        new = _new_plans(np.maximum(np.round(want), 0).astype(np.int64), a, b, rng)
        _end_spells(new, a, b, rng)
        sp = _concat(sp, new)
    sp.transfer[~np.isnan(sp.cease) & (sp.cease <= sp.transfer)] = np.nan  # ceased before transferring
    return sp


def _transfer_dates(n: int, rng: np.random.Generator) -> np.ndarray:
    """Statement to EHC plan transfers, spread over 2015 to March 2018 (busiest in 2016-17)."""
    u = rng.beta(1.6, 1.3, n)
    return np.floor(TRANSFER_START + u * (TRANSFER_END - TRANSFER_START))


def pending_plans(targets: np.ndarray, rng: np.random.Generator) -> Spells:
    """Plans that will be issued in the 40 weeks after the extract date (their requests may be open)."""
    rate = np.maximum(targets[:, -1] - targets[:, -2], 0) * 0.6 + targets[:, -2] * 0.06
    need = rng.poisson(rate * 280 / 365)
    return _new_plans(need, EXTRACT + 1, EXTRACT + 281, rng)
