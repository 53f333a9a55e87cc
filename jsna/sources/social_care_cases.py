"""The disabled children's team caseload as children's social care systems export it: one row per
episode (start and end), with the child's primary disability (Children in Need census categories) and
whether the family receives short breaks.

Children are keyed like ehcp_cases (NHS number, else UPN, else the LA person id), so the same child
links across education, health and social care. Names, identifiers, dates of birth and postcodes stop here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from jsna.schemas.cases import SOCIAL_CARE_CASES
from jsna.schemas.health_vocab import DISABILITIES
from jsna.sources.base import Parsed, Screen, parse_flag
from jsna.sources.context import ReadContext
from jsna.sources.people import HOME_COLUMNS, ID_COLUMNS, age_on, parse_dates, screen_people
from jsna.sources.records import (
    coded,
    finish,
    key_children,
    read_records,
    screen_after,
    screen_age,
    screen_unkeyed,
    sex_codes,
)
from jsna.sources.screening import extract_date, flag_nhs_numbers, screen_future

RAW_TABLE = "social_care_cases"
REQUIRED = {
    "dob": ["Date of Birth", "DOB", "Birth Date", "date_of_birth"],
    "start_date": ["Start Date", "Episode Start Date", "Involvement Start Date", "Date Opened", "Open Date",
                   "Referral Date"],
}
OPTIONAL = {
    **ID_COLUMNS, **HOME_COLUMNS,
    "sex": ["Sex", "Gender"],
    "end_date": ["End Date", "Episode End Date", "Involvement End Date", "Date Closed", "Close Date"],
    "primary_disability": ["Primary Disability", "Disability", "Main Disability", "Disability Type"],
    "short_breaks": ["Short Breaks", "Short Break", "Receives Short Breaks", "Short Breaks (Y/N)"],
}
DATES = ["start_date", "end_date"]
VOCABULARIES = {"primary_disability": DISABILITIES}  # values accepted -> code kept
RECORD = ["child_key", *DATES, "primary_disability", "short_breaks", "sex", "lsoa_code"]
CHECKED = ["child_key", "age_at_start", "sex", "primary_disability", "lsoa_code"]


def read(path: Path, options: dict[str, Any], context: ReadContext | None = None) -> Parsed:
    frame = read_records(path, REQUIRED, OPTIONAL, also_expect=["child_id", "primary_disability"],
                         columns=options.get("columns"))
    key_children(frame, context, path)
    assert context is not None  # key_children stops the file otherwise
    screen = Screen(frame, record_columns=RECORD)
    dates = parse_dates(frame, DATES, screen)
    screen_future(screen, dates, extract_date(path, options), DATES)
    for col, parsed in dates.items():
        frame[col + "_parsed"] = parsed
    screen_people(screen, frame)
    screen_unkeyed(screen, frame)

    start = frame["start_date_parsed"]
    screen.rule(start.isna(), "start_date", "start date missing")
    age = age_on(frame["dob_parsed"], start)
    screen_age(screen, age, "start")
    screen_after(screen, frame, "end_date", "start_date", "episode ended before it started")
    disability, unknown = coded(frame["primary_disability"], DISABILITIES)
    screen.rule(unknown, "primary_disability", "unknown primary disability")
    breaks = parse_flag(frame["short_breaks"])
    screen.rule(breaks.isna() & (frame["short_breaks"].str.strip() != ""), "short_breaks",
                "short breaks flag not Y/N")

    out = pd.DataFrame({
        "line": frame["__line__"], "child_key": frame["child_key"],
        "start_date": start, "end_date": dates["end_date"], "age_at_start": age, "sex": sex_codes(frame["sex"]),
        "primary_disability": disability, "short_breaks": breaks.fillna(False).astype(bool),
        "lsoa_code": frame["lsoa_code"], "vintage": context.placement.vintage,
    })
    parsed = finish(screen, out, SOCIAL_CARE_CASES, CHECKED, RAW_TABLE,
                    unique=(["child_key", "start_date"], "start_date", "duplicate episode (same child and start date)"),
                    integers=["age_at_start"])
    return flag_nhs_numbers(parsed, frame)
