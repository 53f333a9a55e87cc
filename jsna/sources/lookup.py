"""ONS lookup CSVs (LSOA -> MSOA -> LAD, LTLA -> UTLA, LSOA -> CCG -> STP, ...), as published.

The leftmost area code column is the child; every other code column is one of its parents. Rows land
in a long form (child, parent) so that any lookup, old or new, fits; retired codes such as the 2017
CCGs reach current areas by chaining lookups, never through tables written in code. The NHS's own
(ODS) code of an area, in the column beside its GSS code (SICBL22CDH, ICB22CDH, CCG17CDH), lands as
a pair of that area and parent level `ods`: NHS England publishes its statistics by ODS code.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from jsna.errors import SourceError
from jsna.geography.codes import code_column_level, is_gss
from jsna.sources.base import Parsed, Screen, detect_encoding, norm, read_delimited

RAW_TABLE = "lookup"
ODS = "ods"  # the parent level of an area's NHS (ODS) code


def _code_columns(columns: list[str]) -> list[tuple[str, str, int | None]]:
    found = []
    for col in columns:
        hit = code_column_level(str(col).replace("\ufeff", ""))
        if hit:
            found.append((col, hit[0], hit[1]))
    return found


def read(path: Path, options: dict[str, Any], context: object = None) -> Parsed:
    data = path.read_bytes()
    if not data.strip():
        raise SourceError(path, "the file is empty.")
    first = next(csv.reader(io.StringIO(data.decode(detect_encoding(data)).split("\n", 1)[0])))
    codes = _code_columns(first)
    if len(codes) < 2:
        raise SourceError(
            path, f"a lookup needs at least two area code columns such as LSOA21CD and LAD23CD "
            f"(the file has: {', '.join(first)[:300]})."
        )
    frame = read_delimited(path, [[c] for c, _, _ in codes])
    columns = {norm(c): c for c in frame.columns}
    child_col, child_level, child_yy = codes[0]
    child_col = columns[norm(child_col)]
    name_of = {norm(c): columns.get(norm(c[:-2] + "NM")) if c.upper().endswith("CD") else None for c, _, _ in codes}
    vintage = int(options.get("vintage") or child_yy or 0)
    if not vintage:
        raise SourceError(path, f"cannot tell the vintage from {child_col}; set `vintage` in jsna.toml.")

    child = frame[child_col].str.strip()
    screen = Screen(frame.assign(child_code=child))
    screen.rule(~is_gss(child), child_col, "not a GSS code")
    screen.rule(child.duplicated(keep="first"), child_col, "duplicate child code")
    good, quarantine = screen.split()

    child_name_col = name_of[norm(codes[0][0])]
    no_name = pd.Series(None, index=good.index, dtype=object)
    parts = []
    for col, level, yy in codes[1:]:
        col = columns[norm(col)]
        if level == child_level and (yy or vintage) == vintage:  # the same areas again (LADCD_ACTIVE ...)
            continue
        name_col = name_of[norm(col)]
        parent = good[col].str.strip()
        keep = is_gss(parent)
        parts.append(pd.DataFrame({
            "line": good["__line__"][keep].to_numpy(),
            "child_level": child_level,
            "child_code": good["child_code"][keep].to_numpy(),
            "child_name": (good[child_name_col] if child_name_col else no_name)[keep].to_numpy(),
            "vintage": vintage,
            "parent_level": level,
            "parent_code": parent[keep].to_numpy(),
            "parent_name": (good[name_col] if name_col else no_name)[keep].to_numpy(),
            "parent_vintage": yy or vintage,
        }))
    parts += _ods_pairs(good, codes, columns, vintage)
    long = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    long = long.drop_duplicates(["child_code", "parent_level"], keep="first")
    # Rows in are input rows; each loaded input row may yield several (child, parent) pairs.
    loaded_lines = np.unique(long["line"].to_numpy()) if len(long) else np.array([], dtype=np.int64)
    no_parent = good.loc[~good["__line__"].isin(loaded_lines)]
    if len(no_parent):
        extra = Screen(no_parent)
        extra.rule(pd.Series(True, index=no_parent.index), None, "no parent area code on the row")
        quarantine = pd.concat([quarantine, extra.split()[1]], ignore_index=True)
    return Parsed(long, quarantine, len(frame), RAW_TABLE, rows_loaded=len(good) - len(no_parent))


def _ods_pairs(good: pd.DataFrame, codes: list[tuple[str, str, int | None]], columns: dict[str, str],
               vintage: int) -> list[pd.DataFrame]:
    """(area, its ODS code) pairs for every code column with an ODS column beside it (XXCD and XXCDH)."""
    parts = []
    for col, level, yy in codes:
        ods_col = columns.get(norm(col) + "h")
        if ods_col is None:
            continue
        code, ods = good[columns[norm(col)]].str.strip(), good[ods_col].str.strip()
        keep = is_gss(code) & (ods != "")
        parts.append(pd.DataFrame({
            "line": good["__line__"][keep].to_numpy(), "child_level": level, "child_code": code[keep].to_numpy(),
            "child_name": None, "vintage": yy or vintage, "parent_level": ODS, "parent_code": ods[keep].to_numpy(),
            "parent_name": None, "parent_vintage": yy or vintage,
        }).drop_duplicates("child_code"))
    return parts
