"""Postcode -> LSOA through a file in the ONS Postcode Directory (ONSPD) layout."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from jsna.geography.codes import is_gss
from jsna.geography.place import normalise_postcode
from jsna.sources.base import Parsed, Screen, match_columns, parse_number, read_delimited

RAW_TABLE = "postcodes"
REQUIRED = {"postcode": ["pcds", "pcd", "pcd2", "postcode"]}
OPTIONAL = {"lsoa21": ["lsoa21", "lsoa21cd"], "lsoa11": ["lsoa11", "lsoa11cd"],
            "easting": ["oseast1m", "easting"], "northing": ["osnrth1m", "northing"], "doterm": ["doterm"]}


def read(path: Path, options: dict[str, Any], context: object = None) -> Parsed:
    frame = read_delimited(path, [REQUIRED["postcode"], ["lsoa21", "lsoa11"], ["oseast1m"]])
    frame = match_columns(frame, path, REQUIRED, OPTIONAL)
    vintage = int(options.get("vintage") or (2021 if (frame["lsoa21"] != "").any() else 2011))
    lsoa = frame["lsoa21"] if vintage == 2021 else frame["lsoa11"]
    frame = frame.assign(pc=normalise_postcode(frame["postcode"]), lsoa=lsoa.str.strip())
    screen = Screen(frame, record_columns=["postcode", "lsoa"])
    screen.rule(frame["pc"] == "", "postcode", "not a postcode")
    screen.rule(frame["pc"].duplicated(keep="first"), "postcode", "duplicate postcode")
    good, quarantine = screen.split()
    term = pd.to_datetime(good["doterm"].str.strip() + "01", format="%Y%m%d", errors="coerce")
    out = pd.DataFrame({
        "line": good["__line__"], "postcode": good["pc"],
        "lsoa_code": good["lsoa"].where(is_gss(good["lsoa"]), None), "vintage": vintage,
        "easting": parse_number(good["easting"]).astype("Int64"),
        "northing": parse_number(good["northing"]).astype("Int64"), "terminated": term,
    })
    return Parsed(out, quarantine, len(frame), RAW_TABLE)


def directory(parsed_or_frame: pd.DataFrame) -> pd.Series:
    """Postcode -> LSOA code, for placing records."""
    f = parsed_or_frame.dropna(subset=["lsoa_code"])
    return pd.Series(f["lsoa_code"].to_numpy(), index=f["postcode"].to_numpy())
