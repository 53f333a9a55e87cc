"""Stream a SEN2 return's XML into its module tables, one Person element at a time (bounded memory:
each person is cleared once read). The header's collection and year are checked before any person."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
from lxml import etree

from jsna.errors import SourceError
from jsna.sources.sen2_return.spec import COLLECTION, ELEMENTS, MODULES, PARENT, YEARS

TEXT = pd.StringDtype("pyarrow", na_value=np.nan)  # pandas' default `str`
# libxml2 keeps an element's line in 16 bits; from this line on lxml reports the line of its first text
BIG_LINE = 65535


@dataclass
class Header:
    collection: str = ""
    year: int | None = None
    reference_date: str = ""
    la: str = ""


@dataclass
class Modules:
    """The return as tables: per module a frame of `id`, `parent` (the id of the row it sits in), `line`
    (where its element starts in the file) and its items as text ("" or missing when absent)."""

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
    """Module rows, filled person by person into one flat list per module (id, parent, line, then the items;
    a column is then a slice of it). Element names are matched with the file's namespace (none in DfE's
    files) prefixed once; an element's children are read in one dictionary comprehension and its child
    modules found by lxml's own tag filter, so that Python touches each element once."""

    def __init__(self, namespace: str = "") -> None:
        self.flat: dict[str, list[object]] = {m: [] for m in MODULES}
        self.count = dict.fromkeys(MODULES, 0)
        self.kids = {m: {namespace + ELEMENTS[k]: k for k, p in PARENT.items() if p == m} for m in MODULES}
        self.kid_tags = {m: tuple(kids) for m, kids in self.kids.items()}
        self.items = {m: [namespace + n for n in names] for m, names in MODULES.items()}

    def add(self, el: etree._Element, module: str, parent: int) -> None:
        row_id = self.count[module]
        self.count[module] = row_id + 1  # ids in document order: a row's children come after it
        values = {c.tag: c.text for c in el}
        line = el.sourceline
        if line >= BIG_LINE and el.text:
            line -= el.text.count("\n")  # libxml2 gives the line after the text the element opens with
        flat = self.flat[module]
        flat += (row_id, parent, line)
        flat += map(values.get, self.items[module])
        tags = self.kid_tags[module]
        if tags:
            kids = self.kids[module]
            for c in el.iterchildren(*tags):
                self.add(c, kids[c.tag], row_id)

    def frames(self) -> dict[str, pd.DataFrame]:
        """One frame per module: integer id, parent and line; items as text as written ("" where absent),
        each column one Arrow string array (pandas' `str`) cut from the flat list, never cell by cell."""
        out = {}
        for m, flat in self.flat.items():
            width = 3 + len(MODULES[m])
            frame: dict[str, object] = {name: np.array(flat[k::width], dtype=np.int64)
                                        for k, name in enumerate(("id", "parent", "line"))}
            for k, name in enumerate(MODULES[m], start=3):
                text = pa.array(flat[k::width], type=pa.large_string()).fill_null("")
                frame[name] = pd.arrays.ArrowStringArray(text, dtype=TEXT)
            out[m] = pd.DataFrame(frame)
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
