"""The authority's Children in Need census return for the year to 31 March of the demo's last year, as
the XML local authorities submit to DfE (the 2022 onward schema, with CIN plan dates).

The children are drawn from the same demo people as the other case-level files (their LA person id and
UPN) where they are known to education or social care: plan holders (more often the more complex their
needs), the disabled children's team's other children, and children known to no other file (most children
in need). About one child in ten in need holds an EHC plan, as DfE's CIN census by SEN status finds."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from lxml import etree

from jsna.demo.caseload import YEAR_DAYS
from jsna.demo.dates import day, to_datetime64
from jsna.demo.ehcp import Ehcp
from jsna.demo.geography import Geography
from jsna.demo.people import People
from jsna.demo.population import Population
from jsna.demo.social_care import Episodes
from jsna.demo.spec import LAST_YEAR

YEAR = LAST_YEAR  # the census year: 1 April 2024 to 31 March 2025 for 2025
REFERENCE = day(YEAR, 3, 31)
YEAR_START = day(YEAR - 1, 4, 1)
FILE = f"cin_census_{YEAR}.xml"
IN_NEED_PER_10000 = 520  # children in need at some point in the year per 10,000 aged 0-17 (England ~510)
PLAN_HOLDER_CHANCE = {"PMLD": 0.45, "SLD": 0.35, "MSI": 0.3, "PD": 0.2, "SEMH": 0.2, "ASD": 0.12, "VI": 0.12,
                      "HI": 0.1, "OTH": 0.1, "SLCN": 0.06, "MLD": 0.08, "SPLD": 0.03, "NSA": 0.08}
TEAM_CHANCE = 0.8  # the disabled children's team's children without a plan who are children in need
DISABILITY_CODES = {"Autism": "AUT", "Learning": "LD", "Personal care": "PC", "Communication": "COMM",
                    "Mobility": "MOB", "Hand function": "HAND", "Hearing": "HEAR", "Vision": "VIS",
                    "Behaviour": "BEH", "Consciousness": "CON", "Incontinence": "INC", "Other": "DDA"}
NEED_DISABILITY = {"ASD": "AUT", "SLD": "LD", "PMLD": "LD", "MLD": "LD", "SPLD": "LD", "SLCN": "COMM",
                   "PD": "MOB", "HI": "HEAR", "VI": "VIS", "MSI": "VIS", "SEMH": "BEH", "OTH": "DDA", "NSA": "DDA"}
SOURCES = {"1A": 4, "1C": 1, "1D": 1, "2A": 18, "2B": 2, "3A": 3, "3B": 3, "3D": 2, "3E": 3, "3F": 2, "4": 2,
           "5A": 3, "5B": 3, "5C": 3, "6": 29, "7": 2, "8": 6, "9": 1, "10": 1}
NEEDS = {"N1": 57, "N2": 3, "N3": 5, "N4": 15, "N5": 12, "N6": 2, "N7": 1, "N8": 3, "N0": 2}
FACTORS = {"3A": 12, "3B": 14, "4A": 12, "4B": 14, "2B": 6, "1B": 5, "16A": 7, "17A": 10, "18C": 4, "14A": 3,
           "15A": 3, "20": 3, "21": 5, "11A": 1, "24A": 1}
ABUSE = {"NEG": 50, "EMO": 38, "PHY": 7, "SAB": 3, "MUL": 2}
ETHNICITY = {"WBRI": 75, "WOTH": 5, "MWBC": 2, "MOTH": 3, "AIND": 2, "APKN": 2, "BAFR": 2, "OOTH": 2, "NOBT": 7}


def _pick(weights: Mapping[str, float], n: int, rng: np.random.Generator) -> np.ndarray:
    keys = np.array(list(weights), dtype=object)
    p = np.array(list(weights.values()), float)
    return keys[rng.choice(len(keys), size=n, p=p / p.sum())]


def _iso(days: float) -> str:
    return str(to_datetime64(np.array([days]))[0])


def build(geo: Geography, pop: Population, plans: Ehcp, team: Episodes, who: People,
          rng: np.random.Generator) -> list[dict[str, Any]]:
    """The children of the first authority's return (the JSNA's own), each a dict `write_return` takes."""
    auth = 0
    sp = plans.spells
    holder = (sp.auth == auth) & (sp.issue <= REFERENCE) & (np.isnan(sp.cease) | (sp.cease >= YEAR_START))
    holder &= REFERENCE - sp.dob < 18 * YEAR_DAYS
    chance = pd.Series(plans.spell_need).map(PLAN_HOLDER_CHANCE).fillna(0.05).to_numpy(float)
    chosen = np.flatnonzero(holder & (rng.random(len(holder)) < chance))
    person = plans.spell_person[chosen]
    person, first = np.unique(person, return_index=True)
    disability = [NEED_DISABILITY.get(n, "DDA") for n in plans.spell_need[chosen][first]]
    open_in_year = (team.start <= REFERENCE) & (np.isnan(team.end) | (team.end >= YEAR_START))
    others = np.flatnonzero(open_in_year & ~np.isin(team.person, plans.spell_person))
    others = others[(geo.lsoa_utla[who.lsoa[team.person[others]]] == auth) & (rng.random(len(others)) < TEAM_CHANCE)]
    team_person, at = np.unique(team.person[others], return_index=True)
    children = [_known(int(p), who, [d], rng) for p, d in zip(person, disability, strict=True)]
    children += [_known(int(p), who, [DISABILITY_CODES.get(str(team.disability[others][i]), "DDA")], rng)
                 for p, i in zip(team_person, at, strict=True)]
    residents = float(np.sum(pop.lsoa_ages(0, 17)[geo.lsoa_utla == auth]))
    n_new = max(round(IN_NEED_PER_10000 / 10_000 * residents) - len(children), 0)
    children += _unknown(n_new, who, rng)
    for child in children:
        child["episodes"] = _episodes(child, rng)
    return sorted(children, key=lambda c: c["child_id"])


def _known(p: int, who: People, disabilities: list[str], rng: np.random.Generator) -> dict[str, Any]:
    return {"child_id": str(who.person_id(np.array([p]))[0]), "upn": str(who.upn_text(np.array([p]))[0]),
            "dob": float(who.dob[p]), "gender": "1" if who.sex[p] == "M" else "2",
            "ethnicity": str(_pick(ETHNICITY, 1, rng)[0]), "disabilities": disabilities}


def _unknown(n: int, who: People, rng: np.random.Generator) -> list[dict[str, Any]]:
    """Children known to no other file: LA child ids of their own, UPNs unlike any other child's (none
    before school age: UPN unknown, UN1), a disability for a few."""
    age = 0.2 + np.minimum(rng.exponential(7.0, n), 17.6)
    dob = np.floor(REFERENCE - age * YEAR_DAYS)
    taken = {int(u) for u in who.upn}
    upns: list[int] = []
    while len(upns) < n:
        for u in rng.integers(0, 10**12, n).tolist():
            if u not in taken and len(upns) < n:
                taken.add(u)
                upns.append(u)
    disabled = rng.random(n) < 0.05
    codes = _pick({c: 1.0 for c in DISABILITY_CODES.values()}, n, rng)
    return [{"child_id": f"C{i + 1:07d}", "upn": f"X{upns[i]:012d}" if age[i] >= 4.5 else None,
             "dob": float(dob[i]), "gender": "1" if rng.random() < 0.52 else "2",
             "ethnicity": str(_pick(ETHNICITY, 1, rng)[0]),
             "disabilities": [str(codes[i])] if disabled[i] else ["NONE"]} for i in range(n)]


def _episodes(child: dict[str, Any], rng: np.random.Generator) -> list[dict[str, Any]]:
    """One episode of need open in the year (a few children have an earlier one closed in the year too)."""
    born = child["dob"]
    out: list[dict[str, Any]] = []
    for n in range(1 + int(rng.random() < 0.12)):
        earliest = max(born + 30, YEAR_START - (900 if n == 0 else 200))
        start = float(np.floor(rng.uniform(earliest, REFERENCE - 5)))
        if any(ep["referral"] == start for ep in out):  # a child's referrals fall on different days
            start -= 1
        nfa = start >= YEAR_START and rng.random() < 0.08
        close = min(start + float(np.floor(rng.uniform(0, 20))), REFERENCE) if nfa else (
            float(np.floor(rng.uniform(max(start, YEAR_START), REFERENCE))) if rng.random() < 0.45 else None)
        disabled = child["disabilities"] != ["NONE"]
        ep: dict[str, Any] = {
            "referral": start, "source": str(_pick(SOURCES, 1, rng)[0]),
            "need": "N2" if disabled and rng.random() < 0.5 else str(_pick(NEEDS, 1, rng)[0]),
            "closure": close, "reason": ("RC8" if nfa else "RC7") if close is not None else None, "nfa": nfa,
            "assessments": [], "plans": [], "s47": [], "cpp": [],
        }
        if not nfa:
            a_start = start + float(np.floor(rng.uniform(0, 10)))
            a_end = a_start + float(np.floor(rng.uniform(10, 45)))
            factors = list(dict.fromkeys(_pick(FACTORS, int(rng.integers(1, 4)), rng).tolist()))
            if disabled:
                factors = ["5A" if child["disabilities"][0] == "LD" else "6A", *factors]
            ep["assessments"].append({"start": a_start, "authorised": a_end if a_end <= REFERENCE else None,
                                      "factors": factors if a_end <= REFERENCE else []})
            if a_end <= REFERENCE and rng.random() < 0.5:
                end = close if close is not None and close > a_end else None
                ep["plans"].append({"start": a_end, "end": end})
            if rng.random() < 0.15:
                s47 = start + float(np.floor(rng.uniform(0, 15)))
                conference = rng.random() < 0.4 and s47 + 15 <= REFERENCE
                ep["s47"].append({"start": s47, "icpc": s47 + 15 if conference else None,
                                  "not_required": not conference})
                if conference:
                    end = close if close is not None and close > s47 + 15 else None
                    cat = str(_pick(ABUSE, 1, rng)[0])
                    ep["cpp"].append({"start": s47 + 15, "end": end, "initial": cat, "latest": cat, "previous": 1})
        out.append(ep)
    return out


def _add(parent: Any, name: str, value: object) -> None:
    if value is None:
        return
    etree.SubElement(parent, name).text = _iso(value) if isinstance(value, float) else str(value)


def child_element(child: Mapping[str, Any]) -> Any:
    """One <Child> in the schema's order of elements."""
    el = etree.Element("Child")
    ids = etree.SubElement(el, "ChildIdentifiers")
    _add(ids, "LAchildID", child["child_id"])
    _add(ids, "UPN", child.get("upn"))
    if not child.get("upn"):
        _add(ids, "UPNunknown", "UN1")
    _add(ids, "PersonBirthDate", child["dob"])
    _add(ids, "GenderCurrent", child["gender"])
    chars = etree.SubElement(el, "ChildCharacteristics")
    _add(chars, "Ethnicity", child.get("ethnicity", "NOBT"))
    disabilities = etree.SubElement(chars, "Disabilities")
    for code in child["disabilities"]:
        _add(disabilities, "Disability", code)
    for ep in child["episodes"]:
        cin = etree.SubElement(el, "CINdetails")
        _add(cin, "CINreferralDate", ep["referral"])
        _add(cin, "ReferralSource", ep["source"])
        _add(cin, "PrimaryNeedCode", ep["need"])
        _add(cin, "CINclosureDate", ep["closure"])
        _add(cin, "ReasonForClosure", ep["reason"])
        _add(cin, "DateOfInitialCPC", next((s["icpc"] for s in ep["s47"] if s["icpc"] is not None), None))
        for a in ep["assessments"]:
            ass = etree.SubElement(cin, "Assessments")
            _add(ass, "AssessmentActualStartDate", a["start"])
            _add(ass, "AssessmentAuthorisationDate", a["authorised"])
            if a["factors"]:
                factors = etree.SubElement(ass, "FactorsIdentifiedAtAssessment")
                for f in a["factors"]:
                    _add(factors, "AssessmentFactors", f)
        for p in ep["plans"]:
            plan = etree.SubElement(cin, "CINPlanDates")
            _add(plan, "CINPlanStartDate", p["start"])
            _add(plan, "CINPlanEndDate", p["end"])
        for s in ep["s47"]:
            s47 = etree.SubElement(cin, "Section47")
            _add(s47, "S47ActualStartDate", s["start"])
            _add(s47, "InitialCPCtarget", s["start"] + 15)
            _add(s47, "DateOfInitialCPC", s["icpc"])
            _add(s47, "ICPCnotRequired", "true" if s["not_required"] else "false")
        _add(cin, "ReferralNFA", "true" if ep["nfa"] else "false")
        for c in ep["cpp"]:
            cpp = etree.SubElement(cin, "ChildProtectionPlans")
            _add(cpp, "CPPstartDate", c["start"])
            _add(cpp, "CPPendDate", c["end"])
            _add(cpp, "InitialCategoryOfAbuse", c["initial"])
            _add(cpp, "LatestCategoryOfAbuse", c["latest"])
            _add(cpp, "NumberOfPreviousCPP", c["previous"])
    return el


def write_return(path: Path, children: Iterable[Mapping[str, Any]], year: int = YEAR, la_number: str = "999",
                 collection: str = "CIN", extra_header: Sequence[tuple[str, str]] = ()) -> Path:
    """Write a CIN census return: the header (collection, year, reference date 31 March, source) and one
    <Child> per child, streamed to the file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with etree.xmlfile(str(path), encoding="utf-8") as xf:
        xf.write_declaration()
        with xf.element("Message"):
            header = etree.Element("Header")
            details = etree.SubElement(header, "CollectionDetails")
            _add(details, "Collection", collection)
            _add(details, "Year", str(year))
            _add(details, "ReferenceDate", f"{year}-03-31")
            source = etree.SubElement(header, "Source")
            for name, value in (("SourceLevel", "L"), ("LEA", la_number), ("SoftwareCode", "jsna demo"),
                                ("Release", "1"), ("SerialNo", "001"), ("DateTime", f"{year}-04-20T09:00:00"),
                                *extra_header):
                _add(source, name, value)
            xf.write(header, pretty_print=True)
            with xf.element("Children"):
                for child in children:
                    xf.write(child_element(child), pretty_print=True)
    return path
