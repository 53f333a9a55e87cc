"""Schools from Get Information About Schools (the edubasealldata layout, or the snake_case
extract of it), as points placed in their LSOA by point-in-polygon."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from jsna.errors import SourceError
from jsna.sources.base import Parsed, Screen, match_columns, parse_number, read_delimited
from jsna.sources.context import ReadContext

RAW_TABLE = "schools"
REQUIRED = {
    "urn": ["URN"],
    "name": ["EstablishmentName", "establishment_name"],
    "type": ["TypeOfEstablishment (name)", "establishment_type"],
    "easting": ["Easting"],
    "northing": ["Northing"],
}
OPTIONAL = {
    "la_code": ["LA (code)", "la_code"],
    "type_group": ["EstablishmentTypeGroup (name)", "establishment_type_group"],
    "phase": ["PhaseOfEducation (name)", "education_phase"],
    "status": ["EstablishmentStatus (name)", "establishment_status"],
    "capacity": ["SchoolCapacity", "school_capacity"],
    "pupils": ["NumberOfPupils", "number_of_pupils"],
    "resourced_capacity": ["ResourcedProvisionCapacity", "resourced_provision_capacity"],
    "sen_unit_capacity": ["SENUnitCapacity", "sen_unit_capacity"],
    "sen1": ["SEN1 (name)"], "sen2": ["SEN2 (name)"], "sen3": ["SEN3 (name)"], "sen4": ["SEN4 (name)"],
}


def is_special(types: pd.Series) -> pd.Series:
    """Special schools in GIAS's vocabulary: every establishment type with 'special' in its name."""
    return types.str.contains("special", case=False, na=False)


def read(path: Path, options: dict[str, Any], context: ReadContext | None = None) -> Parsed:
    if context is None or context.placement.lsoas is None:
        raise SourceError(path, "schools are placed in LSOAs: declare an LSOA boundaries source first.")
    frame = match_columns(read_delimited(path, list(REQUIRED.values())), path, REQUIRED, OPTIONAL)
    frame = frame.assign(
        urn_n=parse_number(frame["urn"]), e=parse_number(frame["easting"]), n=parse_number(frame["northing"])
    )
    frame["lsoa_code"] = context.placement.points(frame["e"], frame["n"])
    screen = Screen(frame, record_columns=["urn", "name", "type", "easting", "northing"])
    screen.rule(frame["urn_n"].isna(), "urn", "URN missing or not a number")
    screen.rule(frame["urn_n"].duplicated(keep="first"), "urn", "duplicate URN")
    screen.rule(frame["status"].str.startswith("Closed"), "status", "school is closed")
    screen.rule(frame["e"].isna() | frame["n"].isna(), "easting", "no easting/northing")
    screen.rule(frame["lsoa_code"].isna(), "easting", "outside every loaded LSOA")
    good, quarantine = screen.split()
    sen = good[["sen1", "sen2", "sen3", "sen4"]].apply(lambda col: col.str.strip())
    provision = sen.where(sen != "").stack().dropna().groupby(level=0).agg("; ".join).reindex(good.index)
    out = pd.DataFrame({
        "line": good["__line__"], "urn": good["urn_n"].astype("int64"), "name": good["name"].str.strip(),
        "la_code": good["la_code"], "type": good["type"].str.strip(), "type_group": good["type_group"],
        "phase": good["phase"], "is_special": is_special(good["type"]),
        "capacity": parse_number(good["capacity"]).round().astype("Int64"),
        "pupils": parse_number(good["pupils"]).round().astype("Int64"),
        "sen_provision": provision,
        "resourced_capacity": parse_number(good["resourced_capacity"]).round().astype("Int64"),
        "sen_unit_capacity": parse_number(good["sen_unit_capacity"]).round().astype("Int64"),
        "easting": good["e"], "northing": good["n"], "lsoa_code": good["lsoa_code"],
        "vintage": context.placement.vintage,
    })
    return Parsed(out, quarantine, len(frame), RAW_TABLE)
