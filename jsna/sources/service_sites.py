"""Where services are delivered: urgent care hubs, integrated care team bases, CAMHS clinics, child development
centres (a list the local area keeps: site name, service, provider, opening date, and easting/northing or a
postcode). Each site is placed in its LSOA; a site with only a postcode is drawn at its small area's centre.
Public information about services, not about children."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from jsna.errors import SourceError
from jsna.sources.base import Parsed, Screen, match_columns, parse_date, parse_number, read_table
from jsna.sources.context import ReadContext

RAW_TABLE = "service_sites"
REQUIRED = {"name": ["Site name", "Site", "Name"], "service": ["Service", "Service type", "Type"]}
OPTIONAL = {
    "provider": ["Provider", "Organisation"],
    "opened": ["Opened", "Opening date", "Open from"],
    "closed": ["Closed", "Closing date"],
    "easting": ["Easting", "X"],
    "northing": ["Northing", "Y"],
    "postcode": ["Postcode", "Post code"],
}


def read(path: Path, options: dict[str, Any], context: ReadContext | None = None) -> Parsed:
    if context is None or context.placement.lsoas is None:
        raise SourceError(path, "service sites are placed in LSOAs: declare an LSOA boundaries source first.")
    frame = match_columns(read_table(path, list(REQUIRED.values())), path, REQUIRED, OPTIONAL)
    e, n = parse_number(frame["easting"]), parse_number(frame["northing"])
    located = e.notna() & n.notna()
    by_point = context.placement.points(e.fillna(0), n.fillna(0)).where(located, None)
    by_postcode = context.placement.postcode(frame["postcode"])
    frame = frame.assign(e=e, n=n, lsoa_code=by_point.where(located, by_postcode),
                         opened_d=parse_date(frame["opened"]), closed_d=parse_date(frame["closed"]),
                         name_s=frame["name"].str.strip(), service_s=frame["service"].str.strip())
    screen = Screen(frame, record_columns=["name", "service", "easting", "northing", "postcode"])
    screen.rule(frame["name_s"] == "", "name", "site name missing")
    screen.rule(frame["service_s"] == "", "service", "service missing")
    screen.rule(~located & (frame["postcode"].str.strip() == ""), "easting", "no easting/northing and no postcode")
    screen.rule(located & frame["lsoa_code"].isna(), "easting", "outside every loaded LSOA")
    screen.rule(~located & frame["lsoa_code"].isna(), "postcode", "postcode not in the postcode directory")
    screen.rule((frame["opened"].str.strip() != "") & frame["opened_d"].isna(), "opened", "not a date")
    screen.rule((frame["closed"].str.strip() != "") & frame["closed_d"].isna(), "closed", "not a date")
    screen.rule(frame["closed_d"] < frame["opened_d"], "closed", "closed before it opened")
    screen.rule(frame.duplicated(["name_s", "service_s"], keep="first"), "name", "duplicate site and service")
    good, quarantine = screen.split()
    out = pd.DataFrame({
        "line": good["__line__"], "name": good["name_s"], "service": good["service_s"],
        "provider": good["provider"].str.strip().replace("", None), "opened": good["opened_d"],
        "closed": good["closed_d"], "easting": good["e"], "northing": good["n"],
        "lsoa_code": good["lsoa_code"], "vintage": context.placement.vintage,
    })
    return Parsed(out, quarantine, len(frame), RAW_TABLE)
