"""The disabled children's team caseload: mostly children who hold EHC plans, until they turn 18."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from jsna.demo.caseload import YEAR_DAYS, Spells
from jsna.demo.dates import EXTRACT, START, day, format_dates, year_of
from jsna.demo.ehcp import Ehcp
from jsna.demo.geography import Geography
from jsna.demo.people import People, Register, draw_lsoas
from jsna.demo.population import Population
from jsna.demo.sampling import choice

OPEN_PER_1000 = 5.0  # open cases per 1,000 residents aged 0-17 (county: ~1,500)
FROM_EHCP = 0.7
NEED_WEIGHT = {"PMLD": 0.9, "SLD": 0.7, "MSI": 0.6, "PD": 0.35, "VI": 0.25, "HI": 0.15, "ASD": 0.15, "OTH": 0.1,
               "SLCN": 0.05, "SEMH": 0.05, "MLD": 0.06, "SPLD": 0.01, "NSA": 0.05}
DISABILITY = {"ASD": ("Autism",), "SLD": ("Learning", "Personal care"), "PMLD": ("Learning", "Personal care"),
              "MLD": ("Learning",), "SPLD": ("Learning",), "SLCN": ("Communication",),
              "PD": ("Mobility", "Hand function"), "HI": ("Hearing",), "VI": ("Vision",), "MSI": ("Hearing", "Vision"),
              "SEMH": ("Behaviour",), "OTH": ("Other", "Consciousness"), "NSA": ("Other",)}
OTHER_DISABILITY = {"Autism": 0.3, "Learning": 0.15, "Mobility": 0.15, "Behaviour": 0.1, "Communication": 0.1,
                    "Personal care": 0.05, "Consciousness": 0.05, "Hearing": 0.03, "Vision": 0.02,
                    "Incontinence": 0.02, "Other": 0.03}
CHECK_DATES = np.array([day(y, 3, 31) for y in range(2016, 2026)])
COLUMNS = ("Person ID", "NHS Number", "Forename", "Surname", "Date of Birth", "Sex", "Postcode", "Start Date",
           "End Date", "Primary Disability", "Short Breaks")


@dataclass
class Episodes:
    person: np.ndarray
    start: np.ndarray
    end: np.ndarray  # NaN = open at the extract date
    disability: np.ndarray
    short_breaks: np.ndarray


def _from_plans(ehcp: Ehcp, target: np.ndarray, rng: np.random.Generator) -> Episodes:
    sp = ehcp.spells
    n = len(sp.auth)
    eighteen = sp.dob + 18 * YEAR_DAYS
    start = np.floor(np.maximum(sp.issue + rng.normal(0.3, 1.0, n) * YEAR_DAYS, sp.dob + 0.5 * YEAR_DAYS))
    plan_end = np.where(np.isnan(sp.cease), np.inf, sp.cease + rng.uniform(0, 365, n))
    end = np.floor(np.minimum.reduce([eighteen - rng.uniform(0, 60, n), plan_end,
                                      start + rng.exponential(6.0, n) * YEAR_DAYS]))
    weight = pd.Series(ehcp.spell_need).map(NEED_WEIGHT).to_numpy(float) / _holders(sp, start, len(target))
    ok = (end > start) & (start <= EXTRACT) & (end >= START)
    expected = _mean_open(start[ok], end[ok], sp.auth[ok], weight[ok], len(target))
    scale = FROM_EHCP * target / np.maximum(expected, 1e-9)
    chosen = np.flatnonzero(ok & (rng.random(n) < weight * scale[sp.auth]))
    need = ehcp.spell_need[chosen]
    disability = np.array([DISABILITY[x][int(rng.integers(0, len(DISABILITY[x])))] for x in need], dtype=object)
    return Episodes(person=ehcp.spell_person[chosen], start=start[chosen],
                    end=np.where(end[chosen] > EXTRACT, np.nan, end[chosen]), disability=disability,
                    short_breaks=np.where(rng.random(len(chosen)) < 0.6, "Y", "N").astype(object))


def _holders(sp: Spells, when: np.ndarray, n_auth: int) -> np.ndarray:
    """Plan holders in the child's authority in the year an episode starts (so the team's caseload stays
    steady while plans multiply)."""
    years = np.arange(2014, 2026)
    held = np.zeros((n_auth, len(years)))
    for j, y in enumerate(years):
        t = day(int(y), 1, 18)
        active = (sp.issue <= t) & (np.isnan(sp.cease) | (sp.cease > t))
        held[:, j] = np.bincount(sp.auth[active], minlength=n_auth)
    yi = np.clip(year_of(when) - years[0], 0, len(years) - 1)
    return np.maximum(held[sp.auth, yi], 1.0) / held[sp.auth, 3].clip(min=1.0)


def _mean_open(start: np.ndarray, end: np.ndarray, auth: np.ndarray, w: np.ndarray, n_auth: int) -> np.ndarray:
    """Expected number open on the check dates (31 March 2016-2025) per authority, episodes weighted by w."""
    total = np.zeros(n_auth)
    for t in CHECK_DATES:
        total += np.bincount(auth, weights=w * ((start <= t) & (end > t)), minlength=n_auth)
    return total / len(CHECK_DATES)


def _others(geo: Geography, target: np.ndarray, lsoa_weight: np.ndarray, register: Register,
            rng: np.random.Generator) -> Episodes:
    """Children known to the team without a plan: arrivals since 2008 at a steady rate."""
    years = (EXTRACT - day(2008)) / YEAR_DAYS
    n = rng.poisson((1 - FROM_EHCP) * target / 3.2 * years)
    auth = np.repeat(np.arange(len(target)), n)
    start = np.floor(rng.uniform(day(2008), EXTRACT, len(auth)))
    dob = np.floor(start - rng.uniform(0.5, 16, len(auth)) * YEAR_DAYS)
    end = np.floor(np.minimum(start + rng.exponential(4.0, len(auth)) * YEAR_DAYS, dob + 18 * YEAR_DAYS))
    keep = end >= START
    auth, start, dob, end = auth[keep], start[keep], dob[keep], end[keep]
    sex = np.where(rng.random(len(auth)) < 0.62, "M", "F").astype(object)
    person = register.add(draw_lsoas(geo, lsoa_weight, "utla", auth, rng), sex, dob)
    return Episodes(person=person, start=start, end=np.where(end > EXTRACT, np.nan, end),
                    disability=choice(np.array(list(OTHER_DISABILITY)), list(OTHER_DISABILITY.values()),
                                      len(auth), rng).astype(object),
                    short_breaks=np.where(rng.random(len(auth)) < 0.45, "Y", "N").astype(object))


def build(geo: Geography, pop: Population, ehcp: Ehcp, lsoa_weight: np.ndarray, register: Register,
          rng: np.random.Generator) -> Episodes:
    """Episodes open at some point since 2015: ~70% plan holders, the rest other disabled children."""
    target = OPEN_PER_1000 / 1000 * np.bincount(geo.lsoa_utla, weights=pop.lsoa_ages(0, 17), minlength=len(geo.utla))
    a = _from_plans(ehcp, target, rng)
    b = _others(geo, target, lsoa_weight, register, rng)
    return Episodes(*(np.concatenate([getattr(a, k), getattr(b, k)]) for k in Episodes.__annotations__))


def table(ep: Episodes, people: People) -> dict[str, np.ndarray]:
    order = np.lexsort((ep.person, ep.start))
    p = ep.person[order]
    return {
        "Person ID": people.person_id(p), "NHS Number": people.nhs[p], "Forename": people.forename[p],
        "Surname": people.surname[p], "Date of Birth": format_dates(people.dob[p]), "Sex": people.sex[p],
        "Postcode": people.postcode[p], "Start Date": format_dates(ep.start[order]),
        "End Date": format_dates(ep.end[order]), "Primary Disability": ep.disability[order],
        "Short Breaks": ep.short_breaks[order],
    }
