"""The demo's EHC needs assessment requests and plans as a SEN2 person-level return (DfE's XML): the same
children and requests as the bespoke extract (jsna.demo.ehcp.table), one Person per child, one Requests
module per request, with its assessment, named plan, active plan (with the authority a plan was transferred
in from, TransferLA), placement and need.

The demo keeps its whole history in the return (every request since 2015, not just the collection year),
so that the return and the extract give the same EHC plan figures; statements and learning difficulty
assessments transferred to plans are written as plans decided before the collection (outcome H)."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd

from jsna.demo import placements
from jsna.demo.dates import EXTRACT, to_datetime64
from jsna.demo.ehcp import Requests
from jsna.demo.people import People

YEAR = 2026  # the collection after the demo's extract date (31 December 2025)
REFERENCE_DATE = "2026-01-15"  # its census day: the third Thursday of January
LA = "900"
PATH = "education/sen2_return_2026.xml"
# where the demo holds several authorities (England): one return per authority, as DfE collects them
FOLDER = "education/sen2_returns_2026"
PATTERN = f"{FOLDER}/*.xml"
DECISIONS = {"Assess": "Y", "Not assess": "N", "Withdrawn": "W", "": "A"}
OUTCOMES = {"Plan": "Y", "No plan": "N", "": "A"}
CEASE_CODES = {"Reached age 25": "1", "Needs met": "2", "Entered higher education": "3", "Entered employment": "4",
               "Moved out of area": "5"}
SETTINGS = {placements.EARLY_YEARS: "EYP", placements.ELSEWHERE: "OTH", placements.NEET: "NEET"}
# NSA (SEN support without a specialist assessment) is a school census code, not a need a plan records:
# SEN2 and DfE's EHC plan statistics have no such need, so the few demo plans drawn with it read OTH.
NEEDS = {"NSA": "OTH"}
POST16_UKPRN = "10099999"  # a specialist post-16 institution (they have a UKPRN, not a URN)


def _iso(days: np.ndarray) -> np.ndarray:
    out = np.full(len(days), "", dtype=object)
    ok = ~np.isnan(days)
    out[ok] = np.datetime_as_string(to_datetime64(days[ok]), unit="D").astype(object)
    return out


def _el(name: str, value: object) -> str:
    return f"<{name}>{escape(str(value))}</{name}>" if value != "" else ""


def _setting(placement: str, urn: str) -> str:
    """The items naming where a plan holder is educated (URN, UKPRN or SENSetting)."""
    if urn:
        return _el("URN", urn)
    if placement == placements.POST16:
        return _el("UKPRN", POST16_UKPRN)
    return _el("SENSetting", SETTINGS.get(placement, "OTH"))


def _request(rows: Requests, i: int, iso: dict[str, np.ndarray]) -> str:
    transfer = rows.transfer[i] != ""
    decision = "H" if transfer else DECISIONS[rows.decision[i]]
    parts = ["<Requests>", _el("ReceivedDate", iso["request"][i]), _el("RequestOutcomeDate", iso["decision"][i]),
             _el("RequestOutcome", decision)]
    issued = rows.final[i] <= EXTRACT
    if decision in ("Y", "H"):
        outcome = "H" if transfer else OUTCOMES[rows.outcome[i]]
        parts += ["<Assessment>", _el("AssessmentOutcome", outcome)]
        if outcome == "Y":
            parts.append(_el("AssessmentOutcomeDate", iso["draft"][i] or iso["final"][i]))
        parts.append(_el("Week20", "true" if rows.exception[i] == "Y" else "false"))
        if issued:
            resourced = "true" if rows.placement[i] == placements.RESOURCED else "false"
            where = _setting(rows.placement[i], rows.urn[i])
            ceased = rows.cease[i] <= EXTRACT
            parts += ["<NamedPlan>", _el("StartDate", iso["final"][i]),
                      f"<PlanDetail>{where}<PlacementRank>1</PlacementRank><SENunitIndicator>false</SENunitIndicator>"
                      f"<ResourcedProvisionIndicator>{resourced}</ResourcedProvisionIndicator></PlanDetail>"]
            if ceased:
                parts += [_el("CeaseDate", iso["cease"][i]), _el("CeaseReason", CEASE_CODES.get(rows.reason[i], "9"))]
            parts.append("</NamedPlan>")
        parts.append("</Assessment>")
        if issued:
            parts += ["<ActivePlans>", _el("TransferLA", rows.transfer_la[i]),
                      f"<PlacementDetail>{where}<PlacementRank>1</PlacementRank>{_el('EntryDate', iso['final'][i])}"
                      f"<SENunitIndicator>false</SENunitIndicator>"
                      f"<ResourcedProvisionIndicator>{resourced}</ResourcedProvisionIndicator></PlacementDetail>",
                      f"<SENneed>{_el('SENtype', NEEDS.get(rows.need[i], rows.need[i]))}"
                      "<SENtypeRank>1</SENtypeRank></SENneed>",
                      "</ActivePlans>"]
    parts.append("</Requests>")
    return "".join(parts)


def write_returns(out: Path, rows: Requests, people: People, la_numbers: np.ndarray) -> str:
    """Write the demo's return(s) and give the path to declare: one file (PATH) where the demo is one authority;
    else each authority's requests in its own return (FOLDER/sen2_<LA number>.xml), as DfE collects them, so that
    a region or England lands as many small files side by side, never one of gigabytes."""
    if len(la_numbers) == 1:
        write_return(out / PATH, rows, people)
        return PATH
    for auth in np.unique(rows.auth):
        la = str(la_numbers[auth])
        write_return(out / FOLDER / f"sen2_{la}.xml", rows.take(np.flatnonzero(rows.auth == auth)), people, la)
    return PATTERN


def write_return(path: Path, rows: Requests, people: People, la: str = LA) -> Path:
    """Write the return's XML: one Person per child (in person order), their requests in date order."""
    path.parent.mkdir(parents=True, exist_ok=True)
    order = np.lexsort((rows.request, rows.person))
    iso = {"request": _iso(rows.request), "decision": _iso(rows.decision_date), "draft": _iso(rows.draft),
           "final": _iso(np.where(rows.final <= EXTRACT, rows.final, np.nan)),
           "cease": _iso(np.where(rows.cease <= EXTRACT, rows.cease, np.nan))}
    dob = _iso(people.dob.astype(float))
    with path.open("w", encoding="utf-8", newline="\n") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<Message>\n<Header><CollectionDetails>'
                f"<Collection>SEN2</Collection><Year>{YEAR}</Year><ReferenceDate>{REFERENCE_DATE}</ReferenceDate>"
                f"</CollectionDetails><Source><SourceLevel>L</SourceLevel><LEA>{la}</LEA>"
                "<SoftwareCode>jsna demo</SoftwareCode><DMO>Y</DMO><DCO>Y</DCO></Source></Header>\n<Persons>\n")
        start = 0
        persons = rows.person[order]
        while start < len(order):
            p = persons[start]
            end = start
            while end < len(order) and persons[end] == p:
                end += 1
            f.write(f"<Person>{_el('Surname', people.surname[p])}{_el('Forename', people.forename[p])}"
                    f"{_el('PersonBirthDate', dob[p])}{_el('Sex', people.sex[p])}<Ethnicity>NOBT</Ethnicity>"
                    f"{_el('PostCode', people.postcode[p])}{_el('UPN', people.upn_text(np.array([p]))[0])}")
            f.write("".join(_request(rows, int(i), iso) for i in order[start:end]))
            f.write("</Person>\n")
            start = end
        f.write("</Persons>\n</Message>\n")
    return path


def _collect_date(s: pd.Series) -> pd.Series:
    """ISO dates as COLLECT's Blade Export writes them: '2022-Sep-28 00:00:00'."""
    d = pd.to_datetime(s, format="%Y-%m-%d", errors="coerce")
    return (d.dt.strftime("%Y-%b-%d") + " 00:00:00").where(d.notna(), s)


def write_blade_export(xml: Path, folder: Path, export_date: str = "20-01-2026") -> Path:
    """The same return as COLLECT's Blade Export: one CSV per module, each row with its table id and its
    parent's, items under their lower-case names, dates as COLLECT writes them."""
    from jsna.sources.sen2_return.blade import FILES, HEADER_FILE
    from jsna.sources.sen2_return.spec import PARENT
    from jsna.sources.sen2_return.xml import read_xml

    modules = read_xml(xml)
    folder.mkdir(parents=True, exist_ok=True)
    h = modules.header
    pd.DataFrame({"sen2tableid": ["1"], "collection": [h.collection or "SEN2"], "year": [h.year],
                  "referencedate": _collect_date(pd.Series([h.reference_date])), "lea": [h.la]}).to_csv(
        folder / f"Blade-Export_{export_date}_{HEADER_FILE}.csv", index=False)
    for module, name in FILES.items():
        t = modules.tables[module]
        out = pd.DataFrame({f"{name}tableid": t["id"].astype(str)})
        out[f"{FILES[PARENT[module]]}tableid" if module in PARENT else "sen2tableid"] = (
            t["parent"].astype(str) if module in PARENT else "1")
        for item in t.columns[3:]:
            col = "gendercurrent" if item == "Sex" else item.lower()
            out[col] = _collect_date(t[item]) if "Date" in item else t[item]
        out.to_csv(folder / f"Blade-Export_{export_date}_{name}.csv", index=False)
    return folder
