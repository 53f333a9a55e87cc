"""DfE's children's services statistical neighbours: each authority's ten closest authorities, as
published (the 2021 groupings with 'LA num' and SN1..SN10, or the 2025 model with SN_1..SN_10).
Authorities are named by their three-digit DfE number; the core model maps them to GSS codes."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd

from jsna.errors import SourceError
from jsna.sources.base import Parsed, Screen, norm, parse_number, read_table

RAW_TABLE = "neighbours"


def read(path: Path, options: dict[str, Any], context: object = None) -> Parsed:
    frame = read_table(path, [["LA num", "old_la_code", "LA number"], ["SN1", "SN_1"], ["SN2", "SN_2"]])
    names = [norm(c) for c in frame.columns]
    cols = dict(zip(names, frame.columns, strict=True))
    la_col = cols.get("la_num") or cols.get("old_la_code") or cols.get("la_number")
    ranks = sorted((int(m.group(1)), i) for i, n in enumerate(names) if (m := re.fullmatch(r"sn_?(\d+)", n)))
    if la_col is None or not ranks:
        raise SourceError(path, "no 'LA num' / 'old_la_code' column with SN1..SN10 beside it.")
    frame = frame.assign(la=parse_number(frame[la_col]))
    screen = Screen(frame, record_columns=[la_col])
    screen.rule(frame["la"].isna(), la_col, "authority number missing")
    good, quarantine = screen.split()
    # each SNk column is followed by its closeness ('SNP', repeated, or 'SN_kP'): taken by position
    parts = []
    for rank, i in ranks:
        parts.append(pd.DataFrame({
            "line": good["__line__"], "la_number": good["la"].astype(int), "rank": rank,
            "neighbour_number": parse_number(good.iloc[:, i]), "closeness": good.iloc[:, i + 1].str.strip(),
        }))
    long = pd.concat(parts, ignore_index=True).dropna(subset=["neighbour_number"])
    long["neighbour_number"] = long["neighbour_number"].astype(int)
    return Parsed(long, quarantine, len(frame), RAW_TABLE, rows_loaded=len(good))
