"""English Indices of Deprivation 2019 by LSOA 2011 (File 1: ranks and deciles), as published:
the rank column carries thousands separators ("29,199")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from jsna.geography.codes import is_gss
from jsna.sources.base import Parsed, Screen, match_columns, parse_number, read_delimited

RAW_TABLE = "imd"
COLUMNS = {
    "lsoa_code": ["LSOA code (2011)", "lsoa11cd", "lsoa_code", "LSOA code (2021)"],
    "imd_rank": ["Index of Multiple Deprivation (IMD) Rank", "IMD19_rank", "imd_rank",
                 "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)"],
    "imd_decile": ["Index of Multiple Deprivation (IMD) Decile", "IMD19_decile", "imd_decile",
                   "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)"],
}


def read(path: Path, options: dict[str, Any], context: object = None) -> Parsed:
    frame = match_columns(read_delimited(path, list(COLUMNS.values())), path, COLUMNS)
    vintage = int(options.get("vintage", 2011))
    frame = frame.assign(
        lsoa_code=frame["lsoa_code"].str.strip(),
        rank=parse_number(frame["imd_rank"]), decile=parse_number(frame["imd_decile"]),
    )
    screen = Screen(frame, record_columns=["lsoa_code", "imd_rank", "imd_decile"])
    screen.rule(~is_gss(frame["lsoa_code"]), "lsoa_code", "not a GSS code")
    screen.rule(frame["rank"].isna() | (frame["rank"] < 1), "imd_rank", "rank missing or below 1")
    screen.rule(frame["decile"].isna() | ~frame["decile"].between(1, 10), "imd_decile", "decile not 1-10")
    screen.rule(frame["lsoa_code"].duplicated(keep="first"), "lsoa_code", "duplicate LSOA")
    good, quarantine = screen.split()
    out = pd.DataFrame({
        "line": good["__line__"], "lsoa_code": good["lsoa_code"], "vintage": vintage,
        "imd_rank": good["rank"].astype("int64"), "imd_decile": good["decile"].astype("int64"),
    })
    return Parsed(out, quarantine, len(frame), RAW_TABLE)
