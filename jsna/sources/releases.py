"""Published releases as downloaded: the "download all" zip of a release (explore-education-statistics,
NHS England) or its extracted folder, read as one source of a published-statistics kind.

Each file is read by the kind's adapter when its header holds the kind's columns; a file named as one
of the release's own data files (the kind's RELEASE_FILES) must read, or the source stops naming it.
Anything else (metadata, data guidance, a readme, another publication's table) is listed as not read,
with why, and is never fatal. Every row of every file read is loaded or quarantined; a quarantined
row's rule names its file, as its line number counts within that file."""

from __future__ import annotations

import hashlib
import tempfile
import zipfile
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

from jsna.errors import SourceError
from jsna.sources.base import LayoutError, Parsed, empty_quarantine
from jsna.sources.ees import file_stem
from jsna.sources.limits import check_file, size_text

DATA_SUFFIXES = (".csv", ".csv.gz", ".xlsx", ".xlsm")
NOT_READ = "not_read"  # Parsed.extras key: [(file in the release, why it was not read)]
FILES_READ = "files_read"  # Parsed.extras key: [file in the release read]


def is_release(path: Path) -> bool:
    """A folder, or a zip that is not a zipped Shapefile or workbook: a release as downloaded."""
    return path.is_dir() or path.suffix.lower() == ".zip"


def content_sha256(path: Path) -> str:
    """The sha256 of a file's bytes; for a folder, of its files' names and digests (so a changed,
    added or removed file changes it)."""
    if not path.is_dir():
        return _file_sha256(path)
    digest = hashlib.sha256()
    for f in sorted(p for p in path.rglob("*") if p.is_file()):
        digest.update(f.relative_to(path).as_posix().encode() + b"\0" + _file_sha256(f).encode() + b"\n")
    return digest.hexdigest()


def _file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@contextmanager
def _unpacked(path: Path, max_file_bytes: int) -> Iterator[Path]:
    """The release's folder: the folder itself, or the zip extracted to a temporary folder (refused,
    unread, when its files would add up to more than the size limit)."""
    if path.is_dir():
        yield path
        return
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise SourceError(path, f"is not a readable zip file ({type(exc).__name__}).") from exc
    with archive, tempfile.TemporaryDirectory(prefix="jsna-release-") as tmp:
        size = sum(i.file_size for i in archive.infolist())
        if size > max_file_bytes:
            raise SourceError(path, f"the zip's files add up to {size_text(size)}, over the limit of "
                                    f"{size_text(max_file_bytes)} (JSNA_MAX_FILE_BYTES), so it was not read.")
        try:
            archive.extractall(tmp)  # member names are made safe (no absolute paths, no ..)
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise SourceError(path, f"is not a complete zip file ({type(exc).__name__}).") from exc
        yield Path(tmp)


def read_release(path: Path, read_one: Callable[[Path, dict[str, Any], Any], Parsed], options: dict[str, Any],
                 context: Any, known: Collection[str], max_file_bytes: int, max_line_bytes: int) -> Parsed:
    """Every data file of the release at `path` read by `read_one`, as one Parsed; `known` are the file
    stems (caseload, requests ...) that are the kind's own files."""
    parts: list[Parsed] = []
    read: list[str] = []
    not_read: list[tuple[str, str]] = []
    with _unpacked(path, max_file_bytes) as folder:
        files = sorted(p for p in folder.rglob("*") if p.is_file())
        for f in files:
            name = f.relative_to(folder).as_posix()
            shown = path / name if path.is_dir() else Path(f"{path}!{name}")
            if not f.name.lower().endswith(DATA_SUFFIXES):
                not_read.append((name, "not a data file (CSV or workbook)"))
                continue
            try:
                check_file(f, max_file_bytes, max_line_bytes)
                parsed = read_one(f, options, context)
            except LayoutError as exc:
                if file_stem(f) in known:
                    raise SourceError(shown, _reason(exc)) from exc
                not_read.append((name, _reason(exc).split(" (")[0]))  # "missing columns a, b" or "no header row ..."
                continue
            except SourceError as exc:
                raise SourceError(shown, _reason(exc)) from exc
            parts.append(_tagged(parsed, name))
            read.append(name)
    if not parts:
        listed = "; ".join(f"{n} ({why})" for n, why in not_read[:5]) or "it holds no files"
        raise SourceError(path, f"holds no data file of this kind ({listed}).")
    raw = {p.raw_table for p in parts}
    if len(raw) != 1:
        raise AssertionError(f"{path}: one release lands in one raw table, not {sorted(raw)}")
    quarantines = [p.quarantine for p in parts if len(p.quarantine)]
    extras: dict[str, object] = {NOT_READ: not_read, FILES_READ: read}
    return Parsed(
        frame=pd.concat([p.frame for p in parts], ignore_index=True),
        quarantine=pd.concat(quarantines, ignore_index=True) if quarantines else empty_quarantine(),
        rows_in=sum(p.rows_in for p in parts), raw_table=raw.pop(),
        rows_loaded=sum(p.rows_loaded for p in parts), extras=extras,
    )


def release_notes(extras: dict[str, object]) -> list[str]:
    """A release's data files read, and each file not read with why (metadata, guidance, another table)."""
    read, not_read = extras.get(FILES_READ), extras.get(NOT_READ)
    out = []
    if isinstance(read, list) and read:
        out.append(f"read {len(read)} data file{'s' if len(read) > 1 else ''} of the release: {', '.join(read)}")
    if isinstance(not_read, list):
        out += [f"not read: {name} ({why})" for name, why in not_read]
    return out


def _reason(exc: SourceError) -> str:
    """The adapter's sentence without the (temporary) path it named."""
    text = str(exc)
    prefix = f"{exc.path}: "
    return text[len(prefix):] if text.startswith(prefix) else text


def _tagged(parsed: Parsed, name: str) -> Parsed:
    """The file's quarantined rows with their file named in the rule (line numbers count within it)."""
    if len(parsed.quarantine):
        parsed.quarantine = parsed.quarantine.assign(rule=name + ": " + parsed.quarantine["rule"].astype(str))
    return parsed
