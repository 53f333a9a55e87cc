"""What every adapter shares: reading delimited files as delivered, matching their columns,
parsing values, and splitting rows into those to load and those to quarantine (with the reason)."""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow
import pyarrow.compute as pc

from jsna.errors import SourceError

QUARANTINE_COLUMNS = ["line", "column_name", "rule", "value", "record"]


@dataclass
class Parsed:
    """A file read by an adapter: rows to load (with their source `line`), rows quarantined, rows read.

    `rows_loaded` counts input rows loaded; it differs from len(frame) only where one input row
    lands as several (a lookup row naming several parents)."""

    frame: pd.DataFrame
    quarantine: pd.DataFrame
    rows_in: int
    raw_table: str
    rows_loaded: int = -1
    extras: dict[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.rows_loaded < 0:
            self.rows_loaded = len(self.frame)
        if self.rows_in != self.rows_loaded + len(self.quarantine):
            raise AssertionError(
                f"row accounting broken: {self.rows_in} in, {self.rows_loaded} loaded, "
                f"{len(self.quarantine)} quarantined"
            )


def empty_quarantine() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in QUARANTINE_COLUMNS})


# -- reading -------------------------------------------------------------------------------------
def detect_encoding(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, otherwise Windows-1252 as GIAS and Excel write."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def norm(name: object) -> str:
    """Column names compared loosely: case, spaces, punctuation and BOMs ignored."""
    return re.sub(r"[^a-z0-9]+", "_", str(name).replace("\ufeff", "").strip().lower()).strip("_")


MALFORMED = "__malformed__"
# Canonical names of clear identifiers: never copied into quarantine records or values.
IDENTIFIER_COLUMNS = frozenset({"child_id", "upn", "nhs_number", "forename", "surname", "dob", "postcode",
                                "referral_id", "person_id", "date_of_birth"})
WITHHELD = "[identifier withheld]"
# Columns whose values identify a child, by their normalised names as delivered or canonical.
IDENTIFYING_NAMES = IDENTIFIER_COLUMNS | {"forename", "surname", "first_name", "last_name", "given_name",
                                          "family_name", "name", "full_name", "address"}
# Identifier shapes inside any text: NHS numbers (spaced or not), UPNs, postcodes.
IDENTIFIER_SHAPES = re.compile(r"\b\d{3} ?\d{3} ?\d{4}\b|\b[A-Z]\d{12}\b|\b[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b",
                               re.IGNORECASE)
EXACT_LINES = 500_000  # files with quoted fields are checked field by field up to this size


def _decode(path: Path, data: bytes) -> str:
    encoding = detect_encoding(data)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:  # bytes Windows-1252 leaves undefined: Latin-1 maps every byte
        text = data.decode("latin-1")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _rows_exact(text: str, header_at: int) -> tuple[list[str], list[list[str]], list[int], list[str]]:
    """Header, rows, their first line numbers and a malformation note per row, record by record."""
    reader = csv.reader(io.StringIO(text))
    for _ in range(header_at):
        next(reader)
    header = next(reader)
    width = len(header)
    rows, lines, notes = [], [], []
    previous = reader.line_num
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:  # e.g. a quote left open at the end of a truncated file
            rows.append([""] * width)
            lines.append(previous + 1)
            notes.append(f"unreadable row ({exc})")
            break
        if row and any(c.strip() for c in row):
            note = "" if len(row) == width else f"row has {len(row)} fields where the header has {width}"
            rows.append((row + [""] * width)[:width])
            lines.append(previous + 1)
            notes.append(note)
        previous = reader.line_num
    if text.count('"') % 2 and notes and not notes[-1]:  # quotes come in pairs: the file was cut inside one
        notes[-1] = "the file ends inside a quoted value (truncated?)"
    return header, rows, lines, notes


class LayoutError(SourceError):
    """The file is not laid out as its kind's files are (no header row with the kind's columns, or a
    required column missing): inside a release download, a file that is not one of the kind's."""


def _no_header(path: Path, expect: Sequence[Sequence[str]], head: list[list[str]], max_title_rows: int,
               identifying: bool) -> SourceError:
    """The file has no header row: name what was expected and what the first row holds, by its number
    of fields only when the file holds children's records (without its header, that row is a child's)."""
    first = [c for c in (head[0] if head else []) if c]
    if identifying:
        found = (f"line 1 has {len(first)} filled field{'s' if len(first) != 1 else ''} but is not the header; "
                 f"its values are withheld, as they may be a child's record")
    else:
        found = f"found {', '.join(first)[:300] or 'nothing'}"
    return LayoutError(
        path,
        f"no header row with the expected columns in the first {max_title_rows} rows "
        f"(expected {', '.join(a[0] for a in expect)}; {found}); is it the right kind of file, with its header row?",
    )


def _first_lines(text: str, n: int) -> str:
    """The first `n` lines of `text`, without copying the rest."""
    end = -1
    for _ in range(n):
        end = text.find("\n", end + 1)
        if end < 0:
            return text
    return text[:end]


@dataclass
class _Layout:
    """What one pass over a delimited file's bytes learns, in bounded memory: its encoding, whether it
    quotes fields, its first lines, and per line its commas and its length (line ends excluded)."""

    encoding: str
    quoted: bool
    filled: bool
    head: bytes
    commas: np.ndarray
    lengths: np.ndarray


def _decodes(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with path.open("rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _layout(path: Path, head_lines: int) -> _Layout | None:
    """The file's layout from its bytes, chunk by chunk (LF, CRLF or CR ends a line); None for files
    read whole instead (gzip, UTF-16), whose bytes do not map one to one onto commas and line ends."""
    if path.suffix.lower() == ".gz":
        return None
    with path.open("rb") as f:
        first = f.read(3)
    if first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    utf8 = codecs.getincrementaldecoder("utf-8")()
    is_utf8, quoted, filled, prev_cr, offset, commas_so_far, content_so_far = True, False, False, False, 0, 0, 0
    head: list[bytes] = []
    head_ends, last_end = 0, -1
    commas, contents = [], []
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            if is_utf8:
                try:
                    utf8.decode(chunk)
                except UnicodeDecodeError:
                    is_utf8 = False
            a = np.frombuffer(chunk, np.uint8)
            lf, cr = a == 10, a == 13
            after_cr = np.zeros_like(lf)
            after_cr[1:] = cr[:-1] & lf[1:]
            after_cr[0] = prev_cr and bool(lf[0])
            at = np.flatnonzero((lf & ~after_cr) | cr)
            quoted = quoted or bool((a == 34).any())
            filled = filled or not chunk.isspace()
            comma_cum = np.cumsum(a == 44) + commas_so_far
            content_cum = np.cumsum(~(lf | cr)) + content_so_far
            last_end = offset + int(at[-1]) if len(at) else last_end
            commas.append(comma_cum[at])
            contents.append(content_cum[at])
            if head_ends < head_lines:
                head.append(chunk)
                head_ends += len(at)
            commas_so_far, content_so_far = int(comma_cum[-1]), int(content_cum[-1])
            offset += len(a)
            prev_cr = bool(cr[-1])
    if is_utf8:
        try:
            utf8.decode(b"", final=True)  # the file may end inside a character
        except UnicodeDecodeError:
            is_utf8 = False
    if offset > last_end + 1:  # a last line without its end
        commas.append(np.asarray([commas_so_far]))
        contents.append(np.asarray([content_so_far]))
    commas_at = np.concatenate(commas) if commas else np.zeros(0, np.int64)
    content_at = np.concatenate(contents) if contents else np.zeros(0, np.int64)
    encoding = "utf-8-sig" if first == codecs.BOM_UTF8 and is_utf8 else "utf-8" if is_utf8 else (
        "cp1252" if _decodes(path, "cp1252") else "latin-1")
    return _Layout(encoding, quoted, filled, b"".join(head),
                   np.diff(commas_at.astype(np.int64), prepend=0), np.diff(content_at.astype(np.int64), prepend=0))


def read_delimited(path: Path, expect: Sequence[Sequence[str]], max_title_rows: int = 30,
                   identifying: bool = False) -> pd.DataFrame:
    """Read a CSV as text columns, finding the header row below any title rows.

    `expect` lists, per required column, its accepted names; the header is the first row that holds
    at least half of them. Each returned row keeps `__line__`, its line number in the file. A row
    with too few or too many fields (a truncated file, an unquoted comma) is kept, marked in
    `__malformed__`, so that `Screen` quarantines it: nothing is dropped and nothing is padded silently.
    An `identifying` file (children's records) is never quoted in an error. Large files are parsed
    straight from disk (the file is never held whole beside its rows)."""
    layout = _layout(path, max_title_rows)
    if layout is None or (layout.quoted and len(layout.commas) <= EXACT_LINES):
        return _read_text(path, expect, max_title_rows, identifying)
    if not layout.filled:
        raise SourceError(path, "the file is empty.")
    head_text = layout.head.decode(layout.encoding, errors="replace").replace("\r\n", "\n").replace("\r", "\n")
    head = list(csv.reader(io.StringIO(_first_lines(head_text, max_title_rows))))
    header_at = _header_row(head, expect)
    if header_at is None:
        raise _no_header(path, expect, head, max_title_rows, identifying)
    try:
        frame = pd.read_csv(path, encoding=layout.encoding, skiprows=header_at, dtype=str, keep_default_na=False,
                            na_filter=False, skip_blank_lines=False, on_bad_lines="error", engine="c")
    except pd.errors.ParserError:
        return _read_text(path, expect, max_title_rows, identifying)
    frame["__line__"] = np.arange(len(frame), dtype=np.int64) + header_at + 2
    frame[MALFORMED] = ""
    width = len(frame.columns) - 2
    if not layout.quoted:  # without quotes, commas per line count fields exactly
        commas = layout.commas[header_at + 1:header_at + 1 + len(frame)]
        short = (commas != width - 1) & (layout.lengths[header_at + 1:header_at + 1 + len(frame)] > 0)
        frame.loc[short, MALFORMED] = [f"row has {c + 1} fields where the header has {width}" for c in commas[short]]
    blank = (frame.drop(columns=["__line__", MALFORMED]) == "").all(axis=1) & (frame[MALFORMED] == "")
    return frame.loc[~blank].reset_index(drop=True)


def _read_text(path: Path, expect: Sequence[Sequence[str]], max_title_rows: int, identifying: bool) -> pd.DataFrame:
    """read_delimited on the file's whole text: gzip and UTF-16 files, and quoted files checked record
    by record."""
    data = path.read_bytes()
    if path.suffix.lower() == ".gz":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise SourceError(path, f"is not a complete gzip file ({exc}).") from exc
    if not data.strip():
        raise SourceError(path, "the file is empty.")
    text = _decode(path, data)
    del data  # the bytes are not needed again: do not hold the file twice
    head = list(csv.reader(io.StringIO(_first_lines(text, max_title_rows))))
    header_at = _header_row(head, expect)
    if header_at is None:
        raise _no_header(path, expect, head, max_title_rows, identifying)
    quoted = '"' in text
    frame = None
    if not quoted or text.count("\n") > EXACT_LINES:
        try:
            frame = pd.read_csv(io.StringIO(text), skiprows=header_at, dtype=str, keep_default_na=False,
                                na_filter=False, skip_blank_lines=False, on_bad_lines="error", engine="c")
        except pd.errors.ParserError:
            frame = None
    if frame is not None:
        frame["__line__"] = np.arange(len(frame), dtype=np.int64) + header_at + 2
        frame[MALFORMED] = ""
        width = len(frame.columns) - 2
        if not quoted:  # without quotes, commas per line count fields exactly
            lines = text.split("\n")[header_at + 1:header_at + 1 + len(frame)]
            commas = np.fromiter((ln.count(",") for ln in lines), np.int64, len(lines))
            short = (commas != width - 1) & (np.fromiter(map(len, lines), np.int64, len(lines)) > 0)
            frame.loc[short, MALFORMED] = [f"row has {c + 1} fields where the header has {width}"
                                           for c in commas[short]]
    else:
        header, rows, lines_at, notes = _rows_exact(text, header_at)
        frame = pd.DataFrame(rows, columns=header, dtype=str) if rows else pd.DataFrame(columns=header, dtype=str)
        frame["__line__"] = np.asarray(lines_at, dtype=np.int64)
        frame[MALFORMED] = notes
    blank = (frame.drop(columns=["__line__", MALFORMED]) == "").all(axis=1) & (frame[MALFORMED] == "")
    return frame.loc[~blank].reset_index(drop=True)


def _header_row(rows: Sequence[Sequence[object]], expect: Sequence[Sequence[str]]) -> int | None:
    """Index of the first row holding at least half of the expected columns (each by any of its names)."""
    wanted = [{norm(a) for a in aliases} for aliases in expect]
    for i, row in enumerate(rows):
        cells = {norm(c) for c in row if c is not None}
        hits = sum(1 for names in wanted if names & cells)
        if wanted and hits > 0 and hits * 2 >= len(wanted):
            return i
    return None


def read_workbook(path: Path, expect: Sequence[Sequence[str]], sheet: str | None = None,
                  max_title_rows: int = 40) -> pd.DataFrame:
    """Read an .xlsx sheet as text columns below any title rows (the named sheet, or the first sheet
    whose header holds the expected columns). `__line__` is the row number in the sheet."""
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile/KeyError/InvalidFileException for non-workbooks
        raise SourceError(path, f"is not a readable .xlsx workbook ({type(exc).__name__}).") from exc
    names = [sheet] if sheet else wb.sheetnames
    if sheet and sheet not in wb.sheetnames:
        raise SourceError(path, f"has no sheet '{sheet}' (it has: {', '.join(wb.sheetnames)}).")
    for name in names:
        rows = list(wb[name].iter_rows(values_only=True))
        header_at = _header_row(rows[:max_title_rows], expect)
        if header_at is None:
            continue
        header = [str(c).strip() if c is not None else f"column_{j}" for j, c in enumerate(rows[header_at])]
        body = [["" if v is None else (f"{v:g}" if isinstance(v, float) else str(v)) for v in r]
                for r in rows[header_at + 1:]]
        frame = pd.DataFrame(body, columns=header, dtype=str) if body else pd.DataFrame(columns=header, dtype=str)
        frame["__line__"] = np.arange(len(frame), dtype=np.int64) + header_at + 2
        blank = (frame.drop(columns="__line__") == "").all(axis=1)
        return frame.loc[~blank].reset_index(drop=True)
    raise LayoutError(path, f"no sheet has a header row with the expected columns "
                            f"({', '.join(a[0] for a in expect)}); is it the right kind of file?")


def read_table(path: Path, expect: Sequence[Sequence[str]], sheet: str | None = None,
               identifying: bool = False, columns: Mapping[str, str] | None = None) -> pd.DataFrame:
    """A delivered table, CSV or workbook, as text columns with `__line__` (`identifying`: children's
    records, never quoted in an error). With `columns` (field -> the file's own header, from jsna.toml),
    the header row is the first holding at least half of those headers (else found as without them)."""
    def read(expected: Sequence[Sequence[str]]) -> pd.DataFrame:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            return read_workbook(path, expected, sheet)
        return read_delimited(path, expected, identifying=identifying)

    if columns:
        try:
            return read([[header] for header in columns.values()])
        except LayoutError:
            pass  # match_columns names the mapped header the file lacks
    return read(expect)


def match_columns(
    frame: pd.DataFrame, path: Path, required: Mapping[str, Sequence[str]],
    optional: Mapping[str, Sequence[str]] | None = None, columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Rename the file's columns to canonical names (others are kept as they are); stop the file,
    naming every missing column, when a required one is absent. `columns` (field -> the file's own
    header, from jsna.toml) come first; a field not taken or a header not in the file stops the file,
    naming both."""
    by_norm = {norm(c): c for c in frame.columns if c != "__line__"}
    rename: dict[str, str] = {}
    missing = []
    fields = {**required, **(optional or {})}
    for canon, header in (columns or {}).items():
        if canon not in fields:
            raise SourceError(path, f"columns maps the field '{canon}' to the header '{header}', but no field "
                                    f"'{canon}' is read from this file; its fields: {', '.join(sorted(fields))}.")
        if norm(header) not in by_norm:
            raise SourceError(path, f"columns maps the field '{canon}' to the header '{header}', which the file "
                                    f"does not have (the file has: "
                                    f"{', '.join(c for c in frame.columns if not c.startswith('__'))[:400]}).")
        rename[by_norm.pop(norm(header))] = canon
    for canon, aliases in fields.items():
        if canon in rename.values():
            continue
        hit = next((by_norm[norm(a)] for a in (canon, *aliases) if norm(a) in by_norm), None)
        if hit is not None:
            rename[hit] = canon
        elif canon in required:
            missing.append(aliases[0] if aliases else canon)
    if missing:
        raise LayoutError(
            path,
            f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
            f"(the file has: {', '.join(c for c in frame.columns if c != '__line__')[:400]}).",
        )
    out = frame.rename(columns=rename)
    for canon in optional or {}:
        if canon not in out.columns:
            out[canon] = ""
    return out


# -- parsing -------------------------------------------------------------------------------------
def parse_number(s: pd.Series) -> pd.Series:
    """Numbers as published: thousands separators and spaces allowed; blanks and symbols become NaN."""
    cleaned = s.astype(str).str.replace(r"[,\s]", "", regex=True)
    return pd.to_numeric(cleaned, errors="coerce")


def parse_date(s: pd.Series) -> pd.Series:
    """UK exports: dd/mm/yyyy first, then ISO 8601; a time after the date (as Excel writes) is ignored;
    anything else becomes NaT."""
    s = s.astype(str).str.strip().str.replace(r"[ T].*", "", regex=True)
    out = pd.to_datetime(s, format="%d/%m/%Y", errors="coerce")
    rest = out.isna() & (s != "")
    if rest.any():
        out.loc[rest] = pd.to_datetime(s[rest].str[:10], format="%Y-%m-%d", errors="coerce")
    return out.astype("datetime64[ns]")


def parse_flag(s: pd.Series) -> pd.Series:
    """Y/N, Yes/No, True/False, 1/0 -> boolean; other values NaN."""
    m = {"y": True, "yes": True, "true": True, "1": True, "n": False, "no": False, "false": False, "0": False}
    return s.astype(str).str.strip().str.lower().map(m)


# -- quarantine ----------------------------------------------------------------------------------
def _words(text: str) -> set[str]:
    """Words that could identify: two letters or more, or six digits or more (not a day or a year)."""
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if len(w) >= 6 or (len(w) >= 2 and not w.isdigit())}


def _column_words(s: pd.Series) -> set[str]:
    """`_words` of every cell of a column, together, in Arrow (a file's millions of ids and names in seconds)."""
    lower = pc.utf8_lower(pyarrow.array(s.astype(str).to_numpy(dtype=object), type=pyarrow.large_string(),
                                        from_pandas=True))
    words = pc.unique(pc.split_pattern_regex(lower, r"[^a-z0-9]+").flatten())
    length = pc.utf8_length(words)
    digits = pc.match_substring_regex(words, r"^[0-9]+$")
    keep = pc.or_(pc.greater_equal(length, 6), pc.and_(pc.greater_equal(length, 2), pc.invert(digits)))
    return set(words.filter(keep).to_pylist())


def _strings(s: pd.Series) -> np.ndarray:
    """A column as NumPy's variable-width strings, for elementwise string functions (np.strings)."""
    return s.to_numpy(dtype=object).astype(np.dtypes.StringDType())


class Screen:
    """Collects row rules; each failing row goes to quarantine once, under the first rule it breaks."""

    def __init__(self, frame: pd.DataFrame, record_columns: Sequence[str] | None = None) -> None:
        self.frame = frame
        self.failed = pd.Series(False, index=frame.index)
        self.rows: list[pd.DataFrame] = []
        self.record_columns = list(record_columns) if record_columns is not None else None
        # children's records: what quarantine shows is screened for their identifiers
        child = any(norm(c) in IDENTIFIER_COLUMNS - {"postcode"} for c in frame.columns)
        self.clear_columns = [c for c in frame.columns if norm(c) in IDENTIFYING_NAMES] if child else []
        self._clear_words: set[str] | None = None
        if MALFORMED in frame:
            notes = frame[MALFORMED].fillna("")
            # a malformed row's fields may be shifted into any column: keep none of them
            self.rule(notes != "", None, "malformed row", notes, keep_record=False)

    def rule(self, bad: pd.Series, column: str | None, rule: str, values: pd.Series | None = None,
             keep_record: bool = True) -> None:
        bad = bad.fillna(False).astype(bool) & ~self.failed
        if not bad.any():
            return
        sub = self.frame.loc[bad]
        shown = values.loc[bad] if values is not None else sub.get(column)
        if column in IDENTIFIER_COLUMNS and values is None:
            shown = pd.Series(WITHHELD, index=sub.index)
        cols = [c for c in (self.record_columns if self.record_columns is not None else sub.columns)
                if c not in ("__line__", MALFORMED) and c not in IDENTIFIER_COLUMNS]
        records = (
            sub[cols].astype(object).where(sub[cols].notna(), None).to_dict("records")
            if cols and keep_record else [None] * len(sub)
        )
        values_shown = None if shown is None else shown.astype(str).to_numpy()
        if self.clear_columns:
            if values_shown is not None:
                values_shown = np.array([self.withhold(v, i) for v, i in zip(values_shown, sub.index, strict=True)],
                                        dtype=object)
            records = [None if r is None else {k: self.withhold(v, i) for k, v in r.items()}
                       for r, i in zip(records, sub.index, strict=True)]
        self.rows.append(pd.DataFrame({
            "line": sub["__line__"].to_numpy(),
            "column_name": column,
            "rule": rule,
            "value": values_shown,
            "record": records,
        }))
        self.failed |= bad

    def identifiers_in(self, columns: Sequence[str]) -> None:
        """Quarantine rows whose free text (in `columns`, which would land as given) holds an identifier:
        an NHS number, UPN or postcode, or the row's own id, name, date of birth or postcode (as words)."""
        if not self.clear_columns:
            return

        def spaced(s: pd.Series) -> pd.Series:  # " a b c ": words between single spaces
            words = s.fillna("").astype(str).str.lower().str.replace(r"[^a-z0-9]+", " ", regex=True)
            return " " + words.str.strip() + " "

        own = [_strings(spaced(self.frame[c])) for c in self.clear_columns]
        long = [np.strings.str_len(o) > 4 for o in own]
        for col in columns:
            if col not in self.frame:
                continue
            text = _strings(spaced(self.frame[col]))
            shaped = self.frame[col].fillna("").astype(str).str.contains(IDENTIFIER_SHAPES)
            held = shaped.to_numpy(dtype=bool, copy=True)
            for values, usable in zip(own, long, strict=True):  # a row's own id, name, birth date or postcode
                held |= usable & (np.strings.find(text, values) >= 0)
            self.rule(pd.Series(held, index=self.frame.index), col, "identifier in free text",
                      pd.Series(WITHHELD, index=self.frame.index))

    def withhold(self, value: object, row: object) -> object:
        """`value`, or WITHHELD if it holds an identifier: an identifier's shape, any word of any
        identifying column of the file (ids, names, postcodes) or this row's date of birth."""
        if not isinstance(value, str) or not value.strip():
            return value
        if self._clear_words is None:
            words = [c for c in self.clear_columns if norm(c) not in ("dob", "date_of_birth")]
            self._clear_words = set().union(*(_column_words(self.frame[c]) for c in words))
        own = {str(self.frame.at[row, c]).strip() for c in self.clear_columns}
        if IDENTIFIER_SHAPES.search(value) or not self._clear_words.isdisjoint(_words(value)) or any(
                o and o in value for o in own):
            return WITHHELD
        return value

    def validate(self, schema: pa.DataFrameSchema) -> None:
        """Apply a pandera contract lazily; rows failing any check are quarantined with the check's name."""
        ok = self.frame.loc[~self.failed]
        try:
            schema.validate(ok, lazy=True)
        except pa.errors.SchemaErrors as exc:
            cases = exc.failure_cases.dropna(subset=["index"])
            for (column, check), grp in cases.groupby(["column", "check"], sort=False, dropna=False):
                mask = pd.Series(False, index=self.frame.index)
                mask.loc[grp["index"].astype(int).unique()] = True
                self.rule(mask, None if pd.isna(column) else str(column), f"contract: {column} {check}")
            unindexed = exc.failure_cases[exc.failure_cases["index"].isna()]
            if len(unindexed):
                first = unindexed.iloc[0]
                raise SourceError("(contract)", f"column {first['column']} fails {first['check']}.") from exc

    def split(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        good = self.frame.loc[~self.failed]
        quarantine = pd.concat(self.rows, ignore_index=True) if self.rows else empty_quarantine()
        return good, quarantine
