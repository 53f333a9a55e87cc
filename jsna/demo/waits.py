"""Autism (ASC), ADHD and CAMHS referrals and waits: growing demand, waits that differ by district and
lengthen after 2020, and diagnosed autistic children who go on to request an EHC needs assessment."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from jsna.demo.dates import EXTRACT, START, day, format_dates, year_of
from jsna.demo.ehcp import Ehcp
from jsna.demo.geography import Geography
from jsna.demo.people import People, Register, draw_lsoas
from jsna.demo.population import Population
from jsna.demo.spec import REFERRALS_PER_1000, WAIT_WEEKS
from jsna.demo.trusts import Trusts

PATHWAYS = ("ASC", "ADHD", "CAMHS")
YEARS = np.arange(2015, 2026)
AGE_WEIGHTS = {
    "ASC": dict(zip(range(2, 18), (4, 7, 9, 9, 8, 8, 7, 7, 7, 6, 6, 6, 5, 4, 3, 2), strict=True)),
    "ADHD": dict(zip(range(5, 18), (3, 6, 9, 10, 10, 10, 9, 8, 8, 8, 7, 6, 5), strict=True)),
    "CAMHS": dict(zip(range(5, 18), (1, 1, 2, 3, 4, 5, 7, 9, 12, 14, 15, 14, 12), strict=True)),
}
MALE = {"ASC": 0.75, "ADHD": 0.7, "CAMHS": 0.45}
DIAGNOSED = {"ASC": 0.7, "ADHD": 0.75}
COLUMNS = ("Referral ID", "NHS Number", "Forename", "Surname", "Date of Birth", "Sex", "Postcode", "GP Practice",
           "Pathway", "Provider", "Referral Date", "First Contact Date", "Assessment Completed Date",
           "Diagnosis Outcome", "Discharge Date")


@dataclass
class Referrals:
    person: np.ndarray
    lad: np.ndarray
    pathway: np.ndarray  # index into PATHWAYS
    referral: np.ndarray
    wait: np.ndarray  # days to completed assessment
    diagnosed: np.ndarray  # bool (ASC/ADHD)


def wait_multipliers(geo: Geography, rng: np.random.Generator) -> np.ndarray:
    """Per district and pathway (lad x 3): how much longer than typical its waits are. Demoshire's
    districts are spread evenly from 0.55x to 1.8x for autism."""
    n = len(geo.lad)
    lad_utla = geo.lad["utla"].to_numpy()
    auth = rng.lognormal(0, 0.2, len(geo.utla))[lad_utla]
    asc = auth * rng.lognormal(0, 0.35, n)
    demo = np.flatnonzero(lad_utla == 0)
    asc[demo] = rng.permutation(np.linspace(0.55, 1.8, len(demo)))
    adhd = asc**0.6 * rng.lognormal(0, 0.2, n)
    camhs = rng.lognormal(0, 0.25, n)
    return np.column_stack([asc, adhd, camhs])


def _waits(lad: np.ndarray, pathway: np.ndarray, referral: np.ndarray, mult: np.ndarray,
           rng: np.random.Generator) -> np.ndarray:
    year = np.clip(year_of(referral), YEARS[0], YEARS[-1])
    base = np.zeros(len(lad))
    for p, name in enumerate(PATHWAYS):
        table = np.array([WAIT_WEEKS[name][int(y)] for y in YEARS])
        m = pathway == p
        base[m] = table[year[m] - YEARS[0]]
    weeks = base * mult[lad, pathway] * rng.lognormal(0, 0.45, len(lad))
    return np.floor(np.maximum(weeks, 1) * 7)


def _linked(ehcp: Ehcp, lsoa_lad: np.ndarray, register_lsoa: np.ndarray, mult: np.ndarray,
            rng: np.random.Generator) -> Referrals:
    """Referrals of children who later requested an EHC assessment: half of those with autism as their
    primary need had an autism diagnosis first; some with SEMH were seen by CAMHS first."""
    r = ehcp.requests
    age = (r.request - r.dob) / 365.25
    ok = (r.request >= START + 365) & (age >= 3) & (age < 18) & (r.transfer == "")
    asc = np.flatnonzero(ok & (r.need == "ASD") & (rng.random(len(ok)) < 0.5))
    semh = np.flatnonzero(ok & (r.need == "SEMH") & (rng.random(len(ok)) < 0.15))
    idx = np.concatenate([asc, semh])
    pathway = np.concatenate([np.zeros(len(asc), int), np.full(len(semh), 2)])
    lad = lsoa_lad[register_lsoa[r.person[idx]]]
    gap = rng.uniform(30, 540, len(idx))
    guess = r.request[idx] - gap - 250
    wait = _waits(lad, pathway, guess, mult, rng)
    referral = np.floor(r.request[idx] - gap - wait)
    keep = (referral >= START) & (referral - r.dob[idx] > 2 * 365.25)
    return Referrals(person=r.person[idx][keep], lad=lad[keep], pathway=pathway[keep], referral=referral[keep],
                     wait=wait[keep], diagnosed=(pathway[keep] == 0))


def _expected(geo: Geography, pop: Population, rng: np.random.Generator) -> np.ndarray:
    """Expected referrals per district x pathway x year."""
    children = np.bincount(geo.lsoa["lad"].to_numpy(), weights=pop.lsoa_ages(0, 17), minlength=len(geo.lad))
    level = rng.lognormal(0, 0.15, len(geo.utla))[geo.lad["utla"].to_numpy()]
    level[geo.lad["utla"].to_numpy() == 0] = 1.0
    rates = np.array([[REFERRALS_PER_1000[p][int(y)] for y in YEARS] for p in PATHWAYS])
    return children[:, None, None] / 1000 * level[:, None, None] * rates[None, :, :]


def _fresh(counts: np.ndarray, geo: Geography, lsoa_weight: np.ndarray, register: Register,
           mult: np.ndarray, rng: np.random.Generator) -> Referrals:
    """Referrals of children not otherwise known, `counts` per district x pathway x year."""
    lad, pathway, yi = np.nonzero(counts)
    reps = counts[lad, pathway, yi]
    lad, pathway, yi = np.repeat(lad, reps), np.repeat(pathway, reps), np.repeat(yi, reps)
    start = np.array([day(int(y)) for y in YEARS])[yi]
    referral = np.floor(start + rng.uniform(0, 365, len(lad)))
    age = np.zeros(len(lad))
    sex = np.empty(len(lad), dtype=object)
    for p, name in enumerate(PATHWAYS):
        m = np.flatnonzero(pathway == p)
        ages = np.array(list(AGE_WEIGHTS[name]))
        w = np.array(list(AGE_WEIGHTS[name].values()), dtype=float)
        age[m] = rng.choice(ages, size=len(m), p=w / w.sum()) + rng.random(len(m))
        sex[m] = np.where(rng.random(len(m)) < MALE[name], "M", "F")
    dob = np.floor(referral - age * 365.25)
    person = register.add(draw_lsoas(geo, lsoa_weight, "lad", lad, rng), sex, dob)
    wait = _waits(lad, pathway, referral, mult, rng)
    diagnosed = rng.random(len(lad)) < np.where(pathway == 0, DIAGNOSED["ASC"], DIAGNOSED["ADHD"])
    return Referrals(person=person, lad=lad, pathway=pathway, referral=referral, wait=wait,
                     diagnosed=diagnosed & (pathway < 2))


def _concat(parts: list[Referrals]) -> Referrals:
    return Referrals(*(np.concatenate([getattr(p, k) for p in parts]) for k in Referrals.__annotations__))


def build(geo: Geography, pop: Population, ehcp: Ehcp, lsoa_weight: np.ndarray, register: Register,
          rng: np.random.Generator) -> Referrals:
    """All referrals 2015-2025: linked to EHC children first, then the rest of each district's demand."""
    mult = wait_multipliers(geo, rng)
    linked = _linked(ehcp, geo.lsoa["lad"].to_numpy(), register.lsoa(), mult, rng)
    expected = _expected(geo, pop, rng)
    already = np.zeros_like(expected)
    yi = np.clip(year_of(linked.referral) - YEARS[0], 0, len(YEARS) - 1)
    np.add.at(already, (linked.lad, linked.pathway, yi), 1)
    counts = rng.poisson(np.maximum(expected - already, 0))
    return _concat([linked, _fresh(counts, geo, lsoa_weight, register, mult, rng)])


def table(ref: Referrals, people: People, trusts: Trusts, geo: Geography, rng: np.random.Generator
          ) -> dict[str, np.ndarray]:
    """The waiting-list extract (sorted by referral date), one row per referral."""
    order = np.lexsort((ref.pathway, ref.person, ref.referral))
    p = ref.person[order]
    referral, wait, pathway = ref.referral[order], ref.wait[order], ref.pathway[order]
    completed = referral + wait
    first = referral + np.floor(wait * rng.uniform(0.15, 0.5, len(p)))
    discharge = completed + np.floor(np.where(pathway == 2, rng.gamma(2, 13 * 7, len(p)),
                                              rng.exponential(6 * 7, len(p))))
    done = completed <= EXTRACT
    outcome = np.where(ref.diagnosed[order], "Diagnosed", "Not diagnosed")
    outcome = np.where(done & (pathway < 2), outcome, "").astype(object)
    lad = ref.lad[order]
    provider = np.where(pathway == 2, trusts.mental_health[geo.lad["utla"].to_numpy()[lad]],
                        trusts.neurodevelopmental[lad])
    return {
        "Referral ID": np.strings.add("R", np.strings.zfill((np.arange(len(p)) + 1).astype("U"), 8)).astype(object),
        "NHS Number": people.nhs[p], "Forename": people.forename[p], "Surname": people.surname[p],
        "Date of Birth": format_dates(people.dob[p]), "Sex": people.sex[p], "Postcode": people.postcode[p],
        "GP Practice": people.gp[p], "Pathway": np.array(PATHWAYS, dtype=object)[pathway],
        "Provider": trusts.table["name"].to_numpy()[provider], "Referral Date": format_dates(referral),
        "First Contact Date": format_dates(np.where(first <= EXTRACT, first, np.nan)),
        "Assessment Completed Date": format_dates(np.where(done, completed, np.nan)),
        "Diagnosis Outcome": outcome,
        "Discharge Date": format_dates(np.where(discharge <= EXTRACT, discharge, np.nan)),
    }
