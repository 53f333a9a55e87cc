"""Stream a SEN2 return's XML into its module tables, one Person element at a time (bounded memory:
each person is cleared once read). The header's collection and year are checked before any person."""

from __future__ import annotations

import gc
import threading
from array import array
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import compress
from operator import attrgetter
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from lxml import etree

from jsna.errors import SourceError
from jsna.sources.sen2_return.spec import COLLECTION, ELEMENTS, MODULES, PARENT, YEARS

_LINE = attrgetter("sourceline")
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
    """Module rows, collected person by person as raw lists over every element (a code for its name, its text,
    the module element it sits in) by a few list comprehensions, then cut into module tables column-wise in
    NumPy and Arrow (`frames`): Python touches each element once and decides nothing per element. A module
    element is a row when it sits in a row of its parent module (a Person the parser reads is always a row);
    an item is the text of a row's direct child of that name (the last, if given twice). Element names are
    matched with the file's namespace (none in DfE's files) prefixed once."""

    def __init__(self, namespace: str = "") -> None:
        self.names = list(MODULES)
        self.module_tags = tuple(namespace + ELEMENTS[m] for m in self.names)
        items = sorted({namespace + n for names in MODULES.values() for n in names})
        # element name -> code: the modules' first (0 is the person), then every item name
        self.code = {t: k for k, t in enumerate([*self.module_tags, *items])}
        self.is_module = [k < len(self.names) for k in range(len(self.code))] + [False]  # by code (-1: last)
        self.codes = array("b")  # every element's name code (-1: neither a module nor an item)
        self.texts: list[str] = []  # per Person, its elements' texts joined by NUL (which XML cannot hold)
        self.parents = array("q")  # every element's parent as an index into the module elements (or -1)
        self.lines = array("q")  # every module element's line
        self.roots: list[int] = []  # the element index of every Person read
        self.modules = 0

    def add(self, person: etree._Element) -> None:
        """Collect one Person (one the parser hands over) and everything in it."""
        els = list(person.iter())
        code = self.code.get
        codes = [code(el.tag, -1) for el in els]
        mods = list(compress(els, map(self.is_module.__getitem__, codes)))
        if not mods or mods[0] is not person:
            mods.insert(0, person)  # a Person in another namespace than the root's: a row all the same
        at = dict(zip(mods, range(self.modules, self.modules + len(mods)), strict=True)).get
        self.roots.append(len(self.codes))
        self.modules += len(mods)
        self.codes.extend(codes)
        self.texts.append("\0".join([el.text or "" for el in els]))
        self.parents.extend([at(el.getparent(), -1) for el in els])
        self.lines.extend(map(_LINE, mods))

    def frames(self) -> dict[str, pd.DataFrame]:
        """One frame per module: integer id, parent and line; items as text as written ("" where absent),
        each column one Arrow string array (pandas' `str`) taken from the texts, never cell by cell."""
        codes = np.frombuffer(self.codes, dtype=np.int8).astype(np.int64)
        parents = np.frombuffer(self.parents, dtype=np.int64)
        text = pc.split_pattern(pa.array([*self.texts, ""], type=pa.large_string()), "\0").flatten()
        if len(text) != len(codes) + 1:  # the last is the "" of items absent
            raise AssertionError("element texts miscounted")
        module_els, module, up = self._modules(codes, parents)
        row = np.full(len(module) + 1, -1, dtype=np.int64)  # each module element's row id (the pad: none)
        members = [np.flatnonzero(module == m) for m in range(len(self.names))]
        for k in members:
            row[k] = np.arange(len(k))
        lines = np.frombuffer(self.lines, dtype=np.int64).copy()
        big = np.flatnonzero(lines >= BIG_LINE)  # libxml2 gives the line after the text the element opens with
        lines[big] -= pc.count_substring(text.take(module_els[big]), "\n").to_numpy(zero_copy_only=False)
        cells = self._items(codes, parents, module, row, members, len(text) - 1)
        out = {}
        for m, name in enumerate(self.names):
            k = members[m]
            frame: dict[str, object] = {"id": np.arange(len(k), dtype=np.int64),
                                        "parent": row[up[k]] if m else np.full(len(k), -1, dtype=np.int64),
                                        "line": lines[k]}
            for col, at in zip(MODULES[name], cells[m], strict=True):
                frame[col] = pd.arrays.ArrowStringArray(text.take(at), dtype=TEXT)
            out[name] = pd.DataFrame(frame)
        return out

    def _modules(self, codes: np.ndarray, parents: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The module elements (as element indices, in the order of `lines`), the module each is a row of (-1:
        none; a Person read is one, any other one that sits in a row of its parent module) and its parent (an
        index into the module elements, -1 for none)."""
        root = np.zeros(len(codes), dtype=bool)
        root[self.roots] = True
        module_els = np.flatnonzero(((codes >= 0) & (codes < len(self.names))) | root)
        if len(module_els) != self.modules:
            raise AssertionError("module elements miscounted")
        kind, is_root = codes[module_els], root[module_els]
        up = parents[module_els]
        up[is_root] = -1
        module = np.where(is_root, 0, -1)
        for m, name in enumerate(self.names[1:], start=1):  # parents before children (spec.PARENT)
            hit = np.flatnonzero((kind == m) & (up >= 0))
            module[hit[module[up[hit]] == self.names.index(PARENT[name])]] = m
        return module_els, module, up

    def _items(self, codes: np.ndarray, parents: np.ndarray, module: np.ndarray, row: np.ndarray,
               members: list[np.ndarray], absent: int) -> list[list[np.ndarray]]:
        """Per module, per item: the element index of each row's item (`absent` where none). An item is an
        element whose parent is a row, named as an item of that row's module; given twice, the last counts."""
        n_mod, width = len(self.names), max(len(v) for v in MODULES.values())
        slot = np.full((n_mod + 1, len(self.code)), -1, dtype=np.int64)  # [module, code] -> item (last: no row)
        prefix = self.module_tags[0][:-len(ELEMENTS["person"])]
        for m, name in enumerate(self.names):
            for j, item in enumerate(MODULES[name]):
                slot[m, self.code[prefix + item]] = j
        els = np.flatnonzero((codes >= n_mod) & (parents >= 0))
        owner = module[parents[els]]
        item = slot[owner, codes[els]]
        els, owner, item = els[item >= 0], owner[item >= 0], item[item >= 0]
        key = (owner * width + item).astype(np.int16)
        order = np.argsort(key, kind="stable")  # by module and item, each in document order
        bounds = np.searchsorted(key[order], np.arange(n_mod * width + 1))
        at_row = row[parents[els[order]]]
        els = els[order]
        cells = []
        for m, name in enumerate(self.names):
            columns = []
            for j in range(len(MODULES[name])):
                lo, hi = bounds[m * width + j], bounds[m * width + j + 1]
                at = at_row[lo:hi]  # ascending: a row's items lie in its element, before the next row's
                last = np.append(at[1:] != at[:-1], True) if hi > lo else np.zeros(0, dtype=bool)
                take = np.full(len(members[m]), absent, dtype=np.int64)
                take[at[last]] = els[lo:hi][last]
                columns.append(take)
            cells.append(columns)
        return cells


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
    tables = _Tables(namespace)
    with _collector_paused():
        header = _stream(path, tables)
        frames = tables.frames()
    if header is None:
        raise SourceError(path, "has no Header element (Message/Header), so its collection and year are unknown.")
    return Modules(header, frames)


_paused = 0  # reads under way with the collector paused (files land side by side in worker threads)
_was_enabled = True
_pause_guard = threading.Lock()


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while a return is read: the reader makes no reference cycles, and
    the collector's passes, set off by the millions of element proxies lxml hands out, cost a tenth of the
    read. The first read to start pauses it and the last to end gives it back its state, however reads
    running side by side in threads end."""
    global _paused, _was_enabled
    with _pause_guard:
        if _paused == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _paused += 1
    try:
        yield
    finally:
        with _pause_guard:
            _paused -= 1
            if _paused == 0 and _was_enabled:
                gc.enable()


def _stream(path: Path, tables: _Tables) -> Header | None:
    """Read the file's Header and every Person into `tables`, one at a time, each cleared once read."""
    header: Header | None = None
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
                tables.add(el)
            el.clear()
            while el.getprevious() is not None:
                del el.getparent()[0]
    except etree.XMLSyntaxError as exc:
        raise _not_xml(path, exc) from None
    return header
