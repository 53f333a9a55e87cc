"""A statutory return checked against the public XSD of its collection year (jsna/schemas/xsd/, kept by Social
Finance in liia-tools; origin, licence and known divergences in its README).

Complaints name the file, the line and the element, never a value: lxml's own messages for refused values
quote them (a UPN, a date of birth), so those are replaced by a fixed phrase. For SEN2 one divergence of
that schema from DfE's specification is corrected as it is loaded (the file stays as published): it requires
SENSetting in PlanDetail and PlacementDetail even where a URN or UKPRN names the setting, while the
specification asks for SENSetting only when neither is given (jsna's own rule `*_no_setting` checks that).
Left in, it refuses every placement at a school, and lxml takes minutes over tens of thousands of refusals."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lxml import etree

XSD_DIR = Path(__file__).parents[1] / "schemas" / "xsd"
# (collection, year) -> the schema shipped for it; liia-tools' files for 2017 to 2020 (and 2023, 2024) are one.
SCHEMAS: dict[tuple[str, int], str] = {
    ("SEN2", 2024): "sen2/SEN2_schema_2024.xsd",
    **{("CIN", y): "cin_census/CIN_schema_2017.xsd" for y in range(2017, 2021)},
    ("CIN", 2021): "cin_census/CIN_schema_2021.xsd",
    ("CIN", 2022): "cin_census/CIN_schema_2022.xsd",
    **{("CIN", y): "cin_census/CIN_schema_2023.xsd" for y in (2023, 2024)},
}
# lxml's error types that report a refused value (their messages quote it): the phrase shown instead.
VALUE_PHRASES = {
    "SCHEMAV_CVC_ENUMERATION_VALID": "value not in the schema's code list",
    "SCHEMAV_CVC_PATTERN_VALID": "value not in the schema's format",
    "SCHEMAV_CVC_MINLENGTH_VALID": "value empty",
    "SCHEMAV_CVC_MAXLENGTH_VALID": "value too long",
    "SCHEMAV_CVC_LENGTH_VALID": "value of the wrong length",
    "SCHEMAV_CVC_DATATYPE_VALID_1_2_1": "value not of the schema's type (a date, a number, a year)",
}
XS = "{http://www.w3.org/2001/XMLSchema}"
# Items a schema demands where DfE's specification does not (see the module's docstring): made optional.
OPTIONAL = {"SEN2_schema_2024.xsd": ("SENSetting",)}
SHOWN = 5  # complaints shown per kind
FIRST_LINES = 3


@dataclass(frozen=True)
class Complaint:
    """One refusal of the schema: the line, the element (its name only) and what is wrong, without values."""

    line: int
    element: str
    message: str


def schema_path(collection: str, year: int) -> Path | None:
    """The schema shipped for a collection's year, or None."""
    name = SCHEMAS.get((collection.upper(), year))
    return XSD_DIR / name if name else None


def latest_schema(collection: str, year: int) -> tuple[int, Path]:
    """The schema of the latest year up to `year` (for a return newer than every shipped schema)."""
    years = [y for c, y in SCHEMAS if c == collection.upper() and y <= year]
    if not years:
        raise LookupError(f"no {collection} schema shipped for {year} or before")
    return max(years), XSD_DIR / SCHEMAS[(collection.upper(), max(years))]


def schema_tree(path: Path, corrected: bool = True) -> etree._ElementTree:
    """A schema as XML, with the items of OPTIONAL made optional unless `corrected` is False."""
    tree = etree.parse(str(path))
    for name in OPTIONAL.get(path.name, ()) if corrected else ():
        for el in tree.iter(f"{XS}element"):
            if el.get("name") == name:
                el.set("minOccurs", "0")
    return tree


@lru_cache(maxsize=8)
def _schema(path: Path) -> etree.XMLSchema:
    return etree.XMLSchema(schema_tree(path))


def _element(path: str | None, message: str) -> str:
    if message.startswith("Element '"):
        return message[len("Element '"):].split("'", 1)[0]
    last = (path or "").rsplit("/", 1)[-1]
    return last.split("[", 1)[0] or "document"


def complaints(doc: Path, schema: Path) -> list[Complaint]:
    """Every refusal of `schema` for the return `doc` (empty when valid), with no value of the return."""
    s = _schema(schema)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    if s.validate(etree.parse(str(doc), parser)):
        return []
    out = []
    for e in s.error_log:
        element = _element(e.path, e.message)
        phrase = VALUE_PHRASES.get(e.type_name)
        if phrase is None and e.type_name.startswith("SCHEMAV_CVC_") and "value" in e.message.lower():
            phrase = "value refused by the schema"
        if phrase is None:
            phrase = e.message.split(": ", 1)[-1].strip()
        out.append(Complaint(e.line, element, phrase))
    return out


def summary(doc: Path, schema: Path, found: list[Complaint]) -> list[str]:
    """The complaints grouped by element and message, most frequent first, each with its count and first lines,
    every line naming the file."""
    groups = Counter((c.element, c.message) for c in found)
    out = []
    for (element, message), n in groups.most_common(SHOWN):
        lines = sorted(c.line for c in found if (c.element, c.message) == (element, message))[:FIRST_LINES]
        more = ", ..." if n > len(lines) else ""
        where = ("line " if n == 1 else "lines ") + ", ".join(f"{x:,}" for x in lines) + more
        out.append(f"{doc.name}, {where}, <{element}>: {message} ({n:,} time{'s' if n > 1 else ''}; "
                   f"{schema.name})")
    if len(groups) > SHOWN:
        out.append(f"{doc.name}: {len(groups) - SHOWN} more kinds of complaint against {schema.name}")
    return out


def collection_year(doc: Path) -> tuple[str, int] | None:
    """A return's collection and year from its header (Header/CollectionDetails), or None."""
    collection, year = "", None
    try:
        for _, el in etree.iterparse(str(doc), events=("end",), tag=("Collection", "Year", "Header"),
                                     resolve_entities=False, no_network=True):
            if el.tag == "Collection":
                collection = (el.text or "").strip()
            elif el.tag == "Year":
                year = (el.text or "").strip()
            else:
                break
    except etree.XMLSyntaxError:
        return None
    return (collection, int(year)) if collection and year and year.isdigit() else None
