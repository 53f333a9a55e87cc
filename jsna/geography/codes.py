"""ONS GSS codes: the keys of every area. Nine characters, an entity prefix and a serial number.

The demo county uses the prefix X in place of E, so its codes can never be mistaken for real ones.
"""

from __future__ import annotations

import re

import pandas as pd

GSS = re.compile(r"^[EWSNKX]\d{8}$")

# Column-name stems in ONS files (LSOA21CD, CTYUA23CD, LADCD_ACTIVE ...) -> our area levels.
LEVEL_STEMS = {
    "LSOA": "lsoa", "MSOA": "msoa", "OA": "oa", "WD": "ward", "LAD": "lad", "LTLA": "lad",
    "UTLA": "utla", "CTYUA": "utla", "CTY": "county", "RGN": "region", "CTRY": "country",
    "CCG": "ccg", "SICBL": "sicbl", "LOC": "sicbl", "ICB": "icb", "STP": "stp", "NHSER": "nhs_region",
}
CODE_COLUMN = re.compile(r"^(?P<stem>[A-Z]+?)(?P<yy>\d\d)?CD(?:_ACTIVE)?$")
NAME_COLUMN = re.compile(r"^(?P<stem>[A-Z]+?)(?P<yy>\d\d)?NM$")

# Entity prefixes of GSS codes -> level (the first three characters, country letter ignored).
PREFIX_LEVEL = {
    "01": "lsoa", "02": "msoa", "05": "ward", "06": "lad", "07": "lad", "08": "lad", "09": "lad",
    "10": "utla", "11": "utla", "12": "region", "38": "sicbl", "54": "icb", "92": "country",
}

LEVEL_LABELS = {
    "lsoa": "LSOA", "msoa": "MSOA", "ward": "Ward", "lad": "District", "utla": "County / unitary",
    "region": "Region", "country": "Country", "ccg": "CCG", "sicbl": "Sub-ICB location", "icb": "ICB",
}


def code_column_level(column: str) -> tuple[str, int | None] | None:
    """('lsoa', 2021) for 'LSOA21CD'; None when the column is not an area code column."""
    m = CODE_COLUMN.match(column.strip().upper())
    if not m or m["stem"] not in LEVEL_STEMS:
        return None
    yy = m["yy"]
    return LEVEL_STEMS[m["stem"]], (2000 + int(yy) if yy else None)


def is_gss(codes: pd.Series) -> pd.Series:
    return codes.astype(str).str.match(GSS.pattern)
