"""Stream a SEN2 return's XML into its module tables, one Person element at a time (bounded memory:
each person is cleared once read). The header's collection and year are checked before any person."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from lxml import etree

from jsna.errors import SourceError
from jsna.sources.sen2_return.spec import COLLECTION, ELEMENTS, MODULES, PARENT, YEARS


@dataclass
class Header:
    collection: str = ""
    year: int | None = None
    reference_date: str = ""
    la: str = ""


@dataclass
class Modules:
    """The return as tables: per module a frame of `id`, `parent` (the id of the row it sits in), `line`
    (where its element starts in the file) and its items as text (None or "" when absent)."""

    header: Header
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _header(path: Path, el: etree._Element) -> Header:
    found = {_local(c.tag): (c.text or "").strip() for c in el.iter() if isinstance(c.tag, str)}
    h = Header(found.get("Collection", ""), None, found.get("ReferenceDate", ""), found.get("LEA", ""))
    if h.collection and h.collection.upper() != COLLECTION:
        raise SourceError(path, f"is a {h.collection[:20]} return (Header/CollectionDetails/Collection, line "
                                f"{el.sourceline}), not the SEN2 person-level return.")
    year = found.get("Year", "")
    if not year.isdigit() or int(year) not in YEARS:
        raise SourceError(path, f"its collection year (Header/CollectionDetails/Year, line {el.sourceline}) is "
                                f"{year[:10] or 'missing'}; jsna reads the SEN2 specifications of "
                                f"{YEARS[0]} to {YEARS[-1]}.")
    h.year = int(year)
    return h


class _Tables:
    """Module rows as tuples, filled person by person. Element names are matched with the file's namespace
    (none in DfE's files) prefixed once, so that each element costs a dictionary look-up."""

    def __init__(self, namespace: str = "") -> None:
        self.rows: dict[str, list[tuple[object, ...]]] = {m: [] for m in MODULES}
        self.kids = {m: {namespace + ELEMENTS[k]: k for k, p in PARENT.items() if p == m} for m in MODULES}
        self.items = {m: [namespace + n for n in names] for m, names in MODULES.items()}

    def add(self, el: etree._Element, module: str, parent: int) -> None:
        rows = self.rows[module]
        row_id = len(rows)
        rows.append(())  # the row's place, so that children get higher ids
        kids = self.kids[module]
        values: dict[object, str | None] = {}
        for c in el:
            tag = c.tag
            if tag in kids:
                self.add(c, kids[tag], row_id)
            else:
                values[tag] = c.text
        get = values.get
        rows[row_id] = (row_id, parent, el.sourceline, *[get(n) for n in self.items[module]])

    def frames(self) -> dict[str, pd.DataFrame]:
        """One frame per module: integer id, parent and line; items as text as written (None where absent),
        held as plain objects (building string arrays for a county's return costs more than reading it)."""
        out = {}
        for m, rows in self.rows.items():
            names = ["id", "parent", "line", *MODULES[m]]
            frame = pd.DataFrame(rows, columns=names, dtype=object)
            out[m] = frame.astype({"id": np.int64, "parent": np.int64, "line": np.int64})
        return out


def _root(path: Path) -> tuple[str, str]:
    """The root element's local name and its namespace as '{uri}' ('' when none)."""
    with path.open("rb") as f:
        if not f.read(4096).strip():
            raise SourceError(path, "is empty.")
    try:
        for _, el in etree.iterparse(str(path), events=("start",), resolve_entities=False, no_network=True):
            tag = str(el.tag)
            return _local(tag), tag[:tag.index("}") + 1] if tag.startswith("{") else ""
    except etree.XMLSyntaxError as exc:
        raise _not_xml(path, exc) from None
    raise SourceError(path, "is empty.")


def _not_xml(path: Path, exc: etree.XMLSyntaxError) -> SourceError:
    line, col = exc.position if exc.position else (exc.lineno, 0)
    return SourceError(path, f"is not well-formed XML (line {line}, column {col}); was it cut short or "
                             "edited by hand?")


def read_xml(path: Path) -> Modules:
    """The return's header and module tables; a file that is not a SEN2 return of a known year, or not
    well-formed XML, stops with one sentence naming the file and the element or line."""
    root, namespace = _root(path)
    if root != "Message":
        raise SourceError(path, f"its root element is <{root[:40]}>, not the SEN2 return's <Message>; "
                                "is it another collection's file?")
    header: Header | None = None
    tables = _Tables(namespace)
    try:
        for _, el in etree.iterparse(str(path), events=("end",), tag=("{*}Header", "{*}Person"),
                                     resolve_entities=False, no_network=True, remove_comments=True,
                                     remove_pis=True):
            if _local(el.tag) == "Header":
                header = _header(path, el)
            else:
                if header is None:
                    raise SourceError(path, f"the Person at line {el.sourceline} comes before any Header; "
                                            "a SEN2 return opens with its Header.")
                tables.add(el, "person", -1)
            el.clear()
            while el.getprevious() is not None:
                del el.getparent()[0]
    except etree.XMLSyntaxError as exc:
        raise _not_xml(path, exc) from None
    if header is None:
        raise SourceError(path, "has no Header element (Message/Header), so its collection and year are unknown.")
    return Modules(header, tables.frames())
