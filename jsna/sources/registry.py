"""The readers of every kind declared in jsna.kinds: each adapter behind the size and line
limits, a published release read file by file (jsna.sources.releases), and a case-level extract's
`columns` mapping checked against the fields its adapter takes."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsna.config import get_settings
from jsna.errors import SourceError
from jsna.kinds import CHILD_LEVEL, COLUMNS, KINDS, PLACED, READS_FOLDERS, Kind
from jsna.sources.base import Parsed
from jsna.sources.limits import check_file
from jsna.sources.releases import is_release, read_release

__all__ = ["CHILD_LEVEL", "PLACED", "READERS", "READS_FOLDERS", "check_path", "reader_version", "supported"]

Reader = Callable[[Path, dict[str, Any], Any], Parsed]


def _reader(kind: Kind) -> Reader:
    """What the pipeline and `jsna sources check` call for `kind`: a file over either limit
    (JSNA_MAX_FILE_BYTES, JSNA_MAX_LINE_BYTES) is refused before the adapter reads it; a release's
    zip or folder is read file by file; a `columns` mapping is checked before the file is read."""
    def read(path: Path, options: dict[str, Any], context: Any = None) -> Parsed:
        settings = get_settings()
        adapter = kind.adapter
        if kind.maps_columns and options.get(COLUMNS):
            check_columns(kind, options[COLUMNS], path)
        if kind.release and is_release(path):
            known = getattr(kind.module, "RELEASE_FILES", {}).get(kind.name, ())
            return read_release(path, adapter, options, context, known, settings.max_file_bytes,
                                settings.max_line_bytes)
        check_file(path, settings.max_file_bytes, settings.max_line_bytes)
        parsed: Parsed = adapter(path, options, context)
        return parsed

    read.__name__ = read.__qualname__ = f"read_{kind.name}"
    return read


READERS: Mapping[str, Reader] = {name: _reader(kind) for name, kind in KINDS.items()}


def fields(kind: Kind) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """(required, optional) columns of a kind whose adapter declares them: canonical field -> the
    headers accepted for it."""
    module = kind.module
    if not hasattr(module, "REQUIRED"):  # read in its publisher's layout, columns found by name
        return {}, {}
    return dict(module.REQUIRED), dict(getattr(module, "OPTIONAL", {}))


def describe(kind: Kind) -> list[dict[str, str]]:
    """The fields a kind takes, one row each: field, required or optional, the headers accepted for it
    (any of them, in any case; or the file's own, mapped in jsna.toml's `columns`), and its values
    (codes and the values accepted for each, dates, identifiers)."""
    from jsna.sources.base import IDENTIFIER_COLUMNS

    required, optional = fields(kind)
    vocabularies = getattr(kind.module, "VOCABULARIES", {})
    dates = set(getattr(kind.module, "DATES", ()))
    rows = []
    for field, headers in [*required.items(), *optional.items()]:
        if field in vocabularies:
            codes: dict[str, list[str]] = {}
            for label, code in vocabularies[field].items():
                codes.setdefault(code, []).append(label)
            values = "; ".join(f"{code}: {', '.join(labels)}" for code, labels in codes.items())
        elif field in dates:
            values = "date: dd/mm/yyyy or yyyy-mm-dd"
        elif field in ("dob", "date_of_birth"):
            values = "date of birth: ages at the file's dates kept, never the date"
        elif field == "postcode":
            values = "placed in its LSOA, never stored"
        elif field in IDENTIFIER_COLUMNS:
            values = "identifier: keyed hash, never stored"
        else:
            values = ""
        rows.append({"field": field, "use": "required" if field in required else "optional",
                     "headers": "; ".join(dict.fromkeys([*headers, field])), "values": values})
    return rows


def check_columns(kind: Kind, columns: Mapping[str, str], path: Path) -> None:
    """Refuse, in one sentence naming the file, a `columns` entry naming a field the kind does not take."""
    required, optional = fields(kind)
    known = {*required, *optional}
    unknown = [f for f in columns if f not in known]
    if unknown:
        field = unknown[0]
        raise SourceError(path, f"columns maps the field '{field}' to the header '{columns[field]}', but "
                                f"{kind.name} has no field '{field}'; its fields: {', '.join(sorted(known))} "
                                f"(jsna sources describe {kind.name}).")


@lru_cache(maxsize=1)
def reader_version() -> str:
    """A fingerprint of the code that reads files (adapters, contracts, placement): a file landed by
    other code is read again, so that a changed adapter never leaves stale rows behind."""
    root = Path(__file__).resolve().parents[1]
    files = sorted([*root.glob("sources/*.py"), *root.glob("sources/*/*.py"), *root.glob("schemas/*.py"),
                    root / "geography" / "place.py", root / "geography" / "codes.py", root / "kinds.py"])
    digest = hashlib.sha256()
    for f in files:
        digest.update(f.name.encode())
        digest.update(f.read_bytes())
    return digest.hexdigest()[:16]


def supported(kind: str) -> bool:
    return kind in READERS


def check_path(kind: str, path: Path) -> None:
    """Refuse, in one sentence, a path that does not exist or is a folder where the kind reads a file."""
    if not path.exists():
        raise SourceError(path, "does not exist.")
    if path.is_dir() and kind not in READS_FOLDERS:
        raise SourceError(path, f"is a folder, and a source of kind {kind} is read from one file: "
                                "give the file's path.")
