"""Commissioned places at special schools by need (the local authority's places file: urn, need,
places), for place-sufficiency planning."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from jsna.schemas.vocab import PRIMARY_NEEDS
from jsna.sources.base import Parsed, Screen, match_columns, parse_number, read_table

RAW_TABLE = "school_places"
COLUMNS = {"urn": ["URN"], "need": ["Need", "Primary Need", "SEN type"], "places": ["Places", "Commissioned places"]}


def read(path: Path, options: dict[str, Any], context: object = None) -> Parsed:
    frame = match_columns(read_table(path, list(COLUMNS.values())), path, COLUMNS)
    frame = frame.assign(urn_n=parse_number(frame["urn"]), places_n=parse_number(frame["places"]),
                         need_code=frame["need"].str.strip().str.upper())
    screen = Screen(frame, record_columns=["urn", "need", "places"])
    screen.rule(frame["urn_n"].isna(), "urn", "URN missing or not a number")
    screen.rule(~frame["need_code"].isin(list(PRIMARY_NEEDS)), "need", "not an SEN2 need code (ASD, SEMH, MLD ...)")
    screen.rule(frame["places_n"].isna() | (frame["places_n"] < 0), "places", "places missing or negative")
    screen.rule(frame.duplicated(["urn_n", "need_code"], keep="first"), "need", "duplicate school and need")
    good, quarantine = screen.split()
    out = pd.DataFrame({"line": good["__line__"], "urn": good["urn_n"].astype("int64"), "need": good["need_code"],
                        "places": good["places_n"].round().astype("int64")})
    return Parsed(out, quarantine, len(frame), RAW_TABLE)
