"""Schools in the Get Information About Schools (GIAS) layout, and special-school places by need."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from jsna.demo import names
from jsna.demo.geography import Geography
from jsna.demo.population import Population
from jsna.demo.postcodes import Postcodes
from jsna.demo.sampling import choice, grouped_choice, stochastic_round, within_group_rank

# kind: (schools per 1,000 residents aged 0-17, at least one per authority)
KINDS: dict[str, tuple[float, bool]] = {
    "primary": (1.08, True), "infant": (0.18, False), "junior": (0.16, False), "secondary": (0.24, True),
    "all_through": (0.007, False), "special": (0.085, True), "indep_special": (0.035, False),
    "nmss": (0.006, False), "nursery": (0.01, False), "pru": (0.017, True), "fe": (0.027, True),
    "independent": (0.065, False),
}
MAINSTREAM = ("primary", "infant", "junior", "secondary", "all_through")
SPECIAL = ("special", "indep_special", "nmss")
NEEDS = ("ASD", "SEMH", "MLD", "SLD", "PMLD", "SLCN", "SPLD", "PD", "HI", "VI", "MSI", "OTH")
GIAS_NEED = {
    "ASD": "ASD - Autistic Spectrum Disorder", "SEMH": "SEMH - Social, Emotional and Mental Health",
    "MLD": "MLD - Moderate Learning Difficulty", "SLD": "SLD - Severe Learning Difficulty",
    "PMLD": "PMLD - Profound and Multiple Learning Difficulty",
    "SLCN": "SLCN - Speech, language and Communication", "SPLD": "SpLD - Specific Learning Difficulty",
    "PD": "PD - Physical Disability", "HI": "HI - Hearing Impairment", "VI": "VI - Visual Impairment",
    "MSI": "MSI - Multi-Sensory Impairment", "OTH": "OTH - Other Difficulty/Disability",
}
SPECIAL_NEED_WEIGHTS = (0.3, 0.2, 0.15, 0.12, 0.06, 0.06, 0.02, 0.04, 0.02, 0.01, 0.01, 0.01)
TYPE_GROUP = {
    "Community school": "Local authority maintained schools",
    "Voluntary aided school": "Local authority maintained schools",
    "Foundation school": "Local authority maintained schools",
    "Pupil referral unit": "Local authority maintained schools",
    "Local authority nursery school": "Local authority maintained schools",
    "Academy converter": "Academies", "Academy sponsor led": "Academies",
    "Academy special converter": "Academies", "Community special school": "Special schools",
    "Non-maintained special school": "Special schools", "Other independent special school": "Special schools",
    "Other independent school": "Independent schools", "Further education": "Colleges",
}
_MAINSTREAM_TYPES = ("Community school", "Academy converter", "Academy sponsor led", "Voluntary aided school",
                     "Foundation school")
GIAS_COLUMNS = (
    "URN", "LA (code)", "LA (name)", "EstablishmentNumber", "EstablishmentName", "TypeOfEstablishment (name)",
    "EstablishmentTypeGroup (name)", "EstablishmentStatus (name)", "PhaseOfEducation (name)", "StatutoryLowAge",
    "StatutoryHighAge", "Gender (name)", "SchoolCapacity", "NumberOfPupils", "SEN1 (name)", "SEN2 (name)",
    "SEN3 (name)", "ResourcedProvisionOnRoll", "ResourcedProvisionCapacity", "SENUnitOnRoll", "SENUnitCapacity",
    "Postcode", "Easting", "Northing", "LSOA (code)", "LSOA (name)",
)
SAINTS = ("Mary", "Peter", "John", "Anne", "Michael", "Bede", "Edmund", "Swithun", "Catherine", "Thomas")


@dataclass
class Schools:
    """The GIAS-layout table plus internal columns (kind, utla, lsoa, x, y, need designations)."""

    table: pd.DataFrame
    places: pd.DataFrame


def _counts(geo: Geography, pop: Population, rng: np.random.Generator) -> pd.DataFrame:
    children = np.bincount(geo.lsoa_utla, weights=pop.lsoa_ages(0, 17), minlength=len(geo.utla))
    rows = []
    for kind, (rate, at_least_one) in KINDS.items():
        n = stochastic_round(children / 1000 * rate, rng)
        if at_least_one:
            n = np.maximum(n, 1)
        rows.append(pd.DataFrame({"kind": kind, "utla": np.repeat(np.arange(len(n)), n)}))
    return pd.concat(rows, ignore_index=True)


def _place(sch: pd.DataFrame, geo: Geography, pop: Population, pc: Postcodes, rng: np.random.Generator
           ) -> pd.DataFrame:
    """Each school in an LSOA of its authority (probability ~ children), at one of its live postcodes."""
    weights = pop.lsoa_ages(0, 15) + 1.0
    lsoa = grouped_choice(geo.lsoa_utla, weights, sch["utla"].to_numpy(), rng)
    rows, starts, counts = pc.live_by_lsoa(len(geo.lsoa))
    pick = rows[starts[lsoa] + rng.integers(0, counts[lsoa])]
    return sch.assign(lsoa=lsoa, postcode=pc.table["pcds"].to_numpy()[pick], x=pc.x[pick], y=pc.y[pick])


def _localities(sch: pd.DataFrame, geo: Geography, rng: np.random.Generator) -> np.ndarray:
    """The nearest town's name when close to a town, otherwise a village name (one per MSOA)."""
    t = geo.towns
    dx = sch["x"].to_numpy()[:, None] - t["x"].to_numpy()
    dy = sch["y"].to_numpy()[:, None] - t["y"].to_numpy()
    rel = np.sqrt(dx**2 + dy**2) / t["sigma"].to_numpy()
    near = rel.argmin(axis=1)
    pool = np.array(names.place_names(rng, 600, exclude=set(t["name"])), dtype=object)
    village = pool[rng.integers(0, len(pool), len(geo.msoa))]
    msoa = geo.lsoa["msoa"].to_numpy()[sch["lsoa"].to_numpy()]
    return np.where(rel[np.arange(len(sch)), near] < 2.0, t["name"].to_numpy()[near], village[msoa])


def _types(kind: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    n = len(kind)
    out = np.empty(n, dtype=object)
    primary_t = choice(_MAINSTREAM_TYPES, (0.42, 0.28, 0.1, 0.14, 0.06), n, rng)
    secondary_t = choice(_MAINSTREAM_TYPES, (0.2, 0.5, 0.18, 0.06, 0.06), n, rng)
    special_t = choice(("Community special school", "Academy special converter"), (0.7, 0.3), n, rng)
    fixed = {"all_through": "Academy converter", "indep_special": "Other independent special school",
             "nmss": "Non-maintained special school", "nursery": "Local authority nursery school",
             "pru": "Pupil referral unit", "fe": "Further education", "independent": "Other independent school"}
    for k, v in fixed.items():
        out[kind == k] = v
    prim = np.isin(kind, ("primary", "infant", "junior"))
    out[prim] = primary_t[prim]
    out[kind == "secondary"] = secondary_t[kind == "secondary"]
    out[kind == "special"] = special_t[kind == "special"]
    return out


def _names(kind: np.ndarray, typ: np.ndarray, loc: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    saint = np.array([f"St {s}’s" for s in SAINTS], dtype=object)[rng.integers(0, len(SAINTS), len(kind))]
    va = typ == "Voluntary aided school"
    catholic = rng.random(len(kind)) < 0.4
    academy = np.char.startswith(typ.astype(str), "Academy")
    tmpl = {
        "primary": np.where(academy, "{l} Primary Academy", "{l} Primary School"),
        "infant": np.full(len(kind), "{l} Infant School"), "junior": np.full(len(kind), "{l} Junior School"),
        "secondary": choice(np.array(["{l} School", "{l} Community College", "{l} High School"]),
                            (0.4, 0.3, 0.3), len(kind), rng),
        "all_through": np.full(len(kind), "{l} All-through Academy"),
        "special": np.where(rng.random(len(kind)) < 0.5, "{l} Special School", "{l} Park School"),
        "indep_special": np.full(len(kind), "{l} House School"), "nmss": np.full(len(kind), "The {l} Trust School"),
        "nursery": np.full(len(kind), "{l} Nursery School"), "pru": np.full(len(kind), "{l} Education Centre"),
        "fe": np.where(rng.random(len(kind)) < 0.6, "{l} College", "{l} Sixth Form College"),
        "independent": np.where(rng.random(len(kind)) < 0.5, "{l} Preparatory School", "{l} Grammar School"),
    }
    out = np.empty(len(kind), dtype=object)
    for k, t in tmpl.items():
        m = kind == k
        out[m] = [tt.format(l=ll) for tt, ll in zip(t[m], loc[m], strict=True)]
    prim = np.isin(kind, ("primary", "infant", "junior")) & va
    out[prim & catholic] = [f"{s} Catholic Primary School" for s in saint[prim & catholic]]
    out[prim & ~catholic] = [f"{ll} Church of England Primary School" for ll in loc[prim & ~catholic]]
    sec_va = (kind == "secondary") & va
    out[sec_va] = [f"{s} Catholic High School" for s in saint[sec_va]]
    first_va = np.flatnonzero(prim & catholic)
    if len(first_va):
        out[first_va[0]] = "St Mary’s Catholic Primary School"
    first_ind = np.flatnonzero(kind == "independent")
    if len(first_ind):
        out[first_ind[0]] = f"Académie Française de {loc[first_ind[0]]}"
    return out


AGE_RANGES: dict[str, tuple[tuple[tuple[int, int], ...], tuple[float, ...]]] = {
    "primary": (((4, 11), (3, 11)), (0.8, 0.2)), "infant": (((4, 7),), (1.0,)), "junior": (((7, 11),), (1.0,)),
    "secondary": (((11, 16), (11, 18)), (0.4, 0.6)), "all_through": (((4, 18),), (1.0,)),
    "special": (((2, 19), (4, 11), (11, 19), (5, 16)), (0.3, 0.15, 0.35, 0.2)),
    "indep_special": (((7, 19), (11, 19)), (0.5, 0.5)), "nmss": (((5, 19),), (1.0,)),
    "nursery": (((2, 5),), (1.0,)), "pru": (((11, 16), (5, 11)), (0.7, 0.3)), "fe": (((16, 99),), (1.0,)),
    "independent": (((3, 18), (11, 18), (3, 13)), (0.4, 0.3, 0.3)),
}
PUPILS: dict[str, tuple[float, float, float]] = {  # lognormal median, sigma, max
    "primary": (260, 0.45, 700), "infant": (180, 0.35, 360), "junior": (240, 0.35, 480),
    "secondary": (1050, 0.3, 2000), "all_through": (1400, 0.15, 1900), "special": (140, 0.35, 300),
    "indep_special": (55, 0.45, 140), "nmss": (80, 0.3, 140), "nursery": (100, 0.2, 160),
    "pru": (45, 0.45, 110), "fe": (1800, 0.5, 6000), "independent": (330, 0.6, 1200),
}


def _ages_and_sizes(kind: np.ndarray, rng: np.random.Generator) -> dict[str, np.ndarray]:
    n = len(kind)
    low, high, pupils = np.zeros(n, int), np.zeros(n, int), np.zeros(n, int)
    for k, (ranges, p) in AGE_RANGES.items():
        m = np.flatnonzero(kind == k)
        pick = rng.choice(len(ranges), size=len(m), p=np.asarray(p))
        low[m] = np.array([r[0] for r in ranges])[pick]
        high[m] = np.array([r[1] for r in ranges])[pick]
        med, sig, top = PUPILS[k]
        pupils[m] = np.clip(np.round(rng.lognormal(np.log(med), sig, len(m))), 12, top)
    capacity = np.round(pupils * rng.uniform(0.95, 1.25, n) / 5) * 5
    return {"low": low, "high": high, "pupils": pupils, "capacity": np.maximum(capacity, 10).astype(int)}


def _phase(kind: np.ndarray) -> np.ndarray:
    phase = {"primary": "Primary", "infant": "Primary", "junior": "Primary", "secondary": "Secondary",
             "all_through": "All-through", "fe": "16 plus", "nursery": "Nursery"}
    return np.array([phase.get(k, "Not applicable") for k in kind], dtype=object)


def _gender(kind: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    single = ((kind == "independent") & (rng.random(len(kind)) < 0.2)) | (
        (kind == "secondary") & (rng.random(len(kind)) < 0.04))
    return np.where(single, np.where(rng.random(len(kind)) < 0.5, "Girls", "Boys"), "Mixed").astype(object)


def _designations(kind: np.ndarray, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Special schools' SEN1..3 needs; resourced provision / SEN units at some mainstream schools."""
    n = len(kind)
    special = np.isin(kind, SPECIAL)
    needs = np.full((n, 3), "", dtype=object)
    for i in np.flatnonzero(special):
        k = int(rng.integers(1, 4))
        needs[i, :k] = rng.choice(NEEDS, size=k, replace=False, p=np.asarray(SPECIAL_NEED_WEIGHTS))
    main = np.isin(kind, MAINSTREAM)
    rp = main & (rng.random(n) < 0.1)
    unit = main & ~rp & (rng.random(n) < 0.03)
    rp_need = choice(np.array(["ASD", "SLCN", "HI", "PD", "SPLD", "SEMH"]), (0.45, 0.2, 0.1, 0.1, 0.05, 0.1), n,
                     rng)
    needs[rp | unit, 0] = rp_need[rp | unit]
    cap = np.round(rng.uniform(8, 30, n))
    on_roll = np.minimum(cap, np.round(cap * rng.uniform(0.6, 1.05, n)))
    blank = np.full(n, "", dtype=object)
    return {
        "needs": needs,
        "rp_cap": np.where(rp, cap.astype(int).astype(str), blank),
        "rp_roll": np.where(rp, on_roll.astype(int).astype(str), blank),
        "unit_cap": np.where(unit, cap.astype(int).astype(str), blank),
        "unit_roll": np.where(unit, on_roll.astype(int).astype(str), blank),
    }


def _establishment_numbers(sch: pd.DataFrame) -> np.ndarray:
    """4-digit numbers within each authority: 1xxx nursery/PRU, 2xxx primary, 4xxx secondary, 6xxx
    independent, 7xxx special, 8xxx colleges."""
    base = {"nursery": 1000, "pru": 1100, "primary": 2000, "infant": 2000, "junior": 2000, "secondary": 4000,
            "all_through": 4000, "independent": 6000, "indep_special": 6000, "special": 7000, "nmss": 7000,
            "fe": 8000}
    first = np.array([base[k] for k in sch["kind"]])
    return first + 1 + within_group_rank(sch["utla"].to_numpy() * 10_000 + first)


def build(geo: Geography, pop: Population, pc: Postcodes, rng: np.random.Generator) -> Schools:
    """All open schools and the places commissioned at special schools."""
    sch = _place(_counts(geo, pop, rng), geo, pop, pc, rng)
    kind = sch["kind"].to_numpy()
    typ = _types(kind, rng)
    loc = _localities(sch, geo, rng)
    sizes = _ages_and_sizes(kind, rng)
    des = _designations(kind, rng)
    utla = geo.utla
    u = sch["utla"].to_numpy()
    lsoa = sch["lsoa"].to_numpy()
    table = pd.DataFrame({
        "URN": 0,
        "LA (code)": utla["la_number"].to_numpy()[u], "LA (name)": utla["name"].to_numpy()[u],
        "EstablishmentNumber": _establishment_numbers(sch), "EstablishmentName": _names(kind, typ, loc, rng),
        "TypeOfEstablishment (name)": typ,
        "EstablishmentTypeGroup (name)": [TYPE_GROUP[t] for t in typ],
        "EstablishmentStatus (name)": "Open", "PhaseOfEducation (name)": _phase(kind),
        "StatutoryLowAge": sizes["low"], "StatutoryHighAge": sizes["high"], "Gender (name)": _gender(kind, rng),
        "SchoolCapacity": sizes["capacity"], "NumberOfPupils": sizes["pupils"],
        "SEN1 (name)": [GIAS_NEED.get(x, "") for x in des["needs"][:, 0]],
        "SEN2 (name)": [GIAS_NEED.get(x, "") for x in des["needs"][:, 1]],
        "SEN3 (name)": [GIAS_NEED.get(x, "") for x in des["needs"][:, 2]],
        "ResourcedProvisionOnRoll": des["rp_roll"], "ResourcedProvisionCapacity": des["rp_cap"],
        "SENUnitOnRoll": des["unit_roll"], "SENUnitCapacity": des["unit_cap"],
        "Postcode": sch["postcode"].to_numpy(),
        "Easting": sch["x"].to_numpy().astype(np.int64), "Northing": sch["y"].to_numpy().astype(np.int64),
        "LSOA (code)": geo.lsoa["code"].to_numpy()[lsoa], "LSOA (name)": geo.lsoa["name"].to_numpy()[lsoa],
        "kind": kind, "utla": u, "lsoa": lsoa, "need1": des["needs"][:, 0], "need2": des["needs"][:, 1],
        "need3": des["needs"][:, 2],
    })
    table = table.sort_values(["LA (code)", "EstablishmentNumber"], kind="stable").reset_index(drop=True)
    table["URN"] = 900001 + np.arange(len(table))
    return Schools(table=table, places=special_places(table))


def special_places(table: pd.DataFrame) -> pd.DataFrame:
    """Commissioned places by designated need at each special school (60/25/15 split of capacity)."""
    sp = table[table["kind"].isin(SPECIAL)]
    rows: list[dict[str, object]] = []
    for urn, cap, n1, n2, n3 in sp[["URN", "SchoolCapacity", "need1", "need2", "need3"]].itertuples(index=False):
        needs = [x for x in (n1, n2, n3) if x]
        shares = {1: (1.0,), 2: (0.7, 0.3), 3: (0.6, 0.25, 0.15)}[len(needs)]
        places = [round(cap * s) for s in shares]
        places[0] += int(cap) - sum(places)
        rows.extend({"urn": urn, "need": nd, "places": p} for nd, p in zip(needs, places, strict=True))
    return pd.DataFrame(rows, columns=["urn", "need", "places"])
