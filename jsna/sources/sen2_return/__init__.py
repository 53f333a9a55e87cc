"""The SEN2 person-level return (kind `sen2_return`): DfE's XML (collections 2023 to 2026), or COLLECT's
Blade Export CSVs (a folder or a zip), read into its modules (jsna.sources.sen2_return.xml, .blade) and
turned into the rows the bespoke EHC extract lands (jsna.sources.sen2_return.rows). DfE's validation rules
(jsna.sources.sen2_return.rules) are checked first: requests an error rule rejects go to quarantine under it,
and every rule broken is reported in the parsed file's extras."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from jsna.errors import SourceError
from jsna.sources.base import Parsed
from jsna.sources.context import ReadContext
from jsna.sources.sen2_return import rules
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
    modules = read_modules(path)
    found = rules.findings(modules)
    kept, rejected = rules.reject(modules, found)
    parsed = rows(path, kept, context)
    quarantine = pd.concat([q for q in (rejected, parsed.quarantine) if len(q)], ignore_index=True) \
        if len(rejected) else parsed.quarantine
    return Parsed(parsed.frame, quarantine, parsed.rows_in + len(rejected), parsed.raw_table, parsed.rows_loaded,
                  {**parsed.extras, rules.EXTRA: rules.summary(found)})
