"""Bounded resources: a file over the size limit, or a text file with a line over the line limit, is
refused before any adapter reads it. Sizes come from the file system; lines are found by scanning the
bytes in fixed-size chunks, so checking a file never holds more than one chunk in memory."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import numpy as np

from jsna.errors import SourceError

CHUNK = 1 << 20
# Files without lines to scan (archives, workbooks, geometry; GeoJSON may be one line): size only.
UNLINED = {".xlsx", ".xlsm", ".xls", ".gpkg", ".zip", ".shp", ".geojson", ".json", ".parquet",
           ".xml"}  # XML is streamed element by element, and returns are often written as one line


def size_text(n: int) -> str:
    """Bytes for people: '2.0 GB (2,147,483,648 bytes)'."""
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if n >= scale:
            return f"{n / scale:.1f} {unit} ({n:,} bytes)"
    return f"{n:,} bytes"


def file_size(path: Path) -> int:
    """Bytes on disk: a folder's files added up."""
    if path.is_dir():
        return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
    return path.stat().st_size


def check_size(path: Path, max_file_bytes: int) -> None:
    """Refuse a file (or folder) larger than `max_file_bytes`, from its size alone."""
    size = file_size(path)
    if size > max_file_bytes:
        raise SourceError(path, f"the file is {size_text(size)}, over the limit of {size_text(max_file_bytes)} "
                                f"(JSNA_MAX_FILE_BYTES), so it was not read.")


def _chunks(stream: BinaryIO, path: Path, max_bytes: int) -> Iterator[bytes]:
    total = 0
    try:
        for chunk in iter(lambda: stream.read(CHUNK), b""):
            total += len(chunk)
            if total > max_bytes:
                raise SourceError(path, f"the file decompresses to more than {size_text(max_bytes)} "
                                        f"(JSNA_MAX_FILE_BYTES), so it was not read.")
            yield chunk
    except (OSError, EOFError, zlib.error) as exc:
        raise SourceError(path, f"is not a complete gzip file ({type(exc).__name__}).") from exc


def first_long_line(chunks: Iterator[bytes], max_line_bytes: int) -> int | None:
    """Number of the first line longer than `max_line_bytes` (LF, CRLF or CR ends it), or None. Stops as
    soon as a line passes the limit, so a flood of NUL bytes is never read to its end."""
    line, run, prev_cr = 1, 0, False
    for chunk in chunks:
        a = np.frombuffer(chunk, np.uint8)
        lf, cr = a == 10, a == 13
        after_cr = np.zeros_like(lf)  # the LF of a CRLF: its line ended at the CR
        after_cr[1:] = cr[:-1] & lf[1:]
        after_cr[0] = prev_cr and bool(lf[0])
        ends = np.flatnonzero((lf & ~after_cr) | cr)
        if not len(ends):
            run += len(a)
            if run > max_line_bytes:
                return line
        else:
            lengths = np.diff(ends, prepend=-1 - run) - 1
            over = np.flatnonzero(lengths > max_line_bytes)
            if len(over):
                return line + int(over[0])
            line += len(ends)
            run = len(a) - int(ends[-1]) - 1
            if run > max_line_bytes:
                return line
        prev_cr = bool(cr[-1])
    return None


def check_file(path: Path, max_file_bytes: int, max_line_bytes: int) -> None:
    """Refuse a file over the size limit (compressed and, for .gz, decompressed) or a text file with a
    line over the line limit, each with one sentence naming the file, what broke the limit, and the limit."""
    check_size(path, max_file_bytes)
    suffix = path.suffix.lower()
    if path.is_dir() or suffix in UNLINED:
        return
    opener = gzip.open if suffix == ".gz" else open
    with opener(path, "rb") as stream:
        line = first_long_line(_chunks(stream, path, max_file_bytes), max_line_bytes)  # type: ignore[arg-type]
    if line is not None:
        raise SourceError(path, f"line {line:,} is longer than the limit of {size_text(max_line_bytes)} "
                                f"(JSNA_MAX_LINE_BYTES), so the file was not read; is it damaged "
                                f"(a run of NUL bytes, say) or not a delimited text file?")
