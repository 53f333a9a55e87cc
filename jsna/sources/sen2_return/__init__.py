"""The SEN2 person-level return (kind `sen2_return`): DfE's XML (collections 2023 to 2026), or COLLECT's
Blade Export CSVs (a folder or a zip), read into its modules (jsna.sources.sen2_return.xml, .blade) and
turned into the rows the bespoke EHC extract lands (jsna.sources.sen2_return.rows)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jsna.errors import SourceError
from jsna.sources.base import Parsed
from jsna.sources.context import ReadContext
from jsna.sources.sen2_return.blade import read_blade
from jsna.sources.sen2_return.rows import rows
from jsna.sources.sen2_return.xml import Modules, read_xml


def read_modules(path: Path) -> Modules:
    """The return's header and module tables: from its XML, or from a Blade Export folder or zip."""
    if path.is_dir() or path.suffix.lower() == ".zip":
        return read_blade(path)
    return read_xml(path)


def read(path: Path, options: dict[str, Any], context: ReadContext | None = None) -> Parsed:
    if context is None:
        raise SourceError(path, "child-level files need a read context (run them through the pipeline).")
    return rows(path, read_modules(path), context)
