"""Autism (ASC), ADHD and CAMHS waiting-list extracts as community and mental health trusts export
them: one row per referral, with first contact, completed assessment, diagnosis outcome and discharge.

Children are keyed by NHS number (the key ehcp_cases and social care give the same child); the referral
id is hashed too. Names, NHS numbers, dates of birth and postcodes stop here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from jsna.schemas.cases import WAITING_LIST
from jsna.schemas.health_vocab import DIAGNOSIS_OUTCOMES, PATHWAYS
from jsna.sources.base import Parsed, Screen
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
    text,
)
from jsna.sources.screening import extract_date, flag_nhs_numbers, screen_future

RAW_TABLE = "waiting_list"
REQUIRED = {
    "referral_id": ["Referral ID", "Referral Id", "Referral Number", "Referral Reference", "Referral Ref"],
    "nhs_number": [*ID_COLUMNS["nhs_number"], "NHS No.", "NHSNumber", "Patient NHS Number"],
    "dob": ["Date of Birth", "DOB", "Birth Date", "date_of_birth"],
    "pathway": ["Pathway", "Referral Pathway", "Service Line", "Service"],
    "referral_date": ["Referral Date", "Date of Referral", "Referral Received Date", "Date Referred"],
}
OPTIONAL = {
    **HOME_COLUMNS,
    "sex": ["Sex", "Gender"],
    "gp_practice": ["GP Practice", "GP Practice Code", "Registered GP Practice", "Practice Code"],
    "provider": ["Provider", "Provider Name", "Trust", "Trust Name"],
    "first_contact_date": ["First Contact Date", "Date of First Contact", "First Appointment Date", "First Seen Date"],
    "assessment_date": ["Assessment Completed Date", "Assessment Date", "Date Assessment Completed",
                        "Assessment Completion Date"],
    "outcome": ["Diagnosis Outcome", "Outcome", "Assessment Outcome", "Diagnosis"],
    "discharge_date": ["Discharge Date", "Date of Discharge", "Date Discharged"],
}
DATES = ["referral_date", "first_contact_date", "assessment_date", "discharge_date"]
VOCABULARIES = {"pathway": PATHWAYS, "outcome": DIAGNOSIS_OUTCOMES}  # values accepted -> code kept
RECORD = ["child_key", "referral_key", "pathway", "provider", "gp_practice", *DATES, "outcome", "sex", "lsoa_code"]
CHECKED = ["child_key", "referral_key", "pathway", "outcome", "age_at_referral", "sex", "lsoa_code"]


def read(path: Path, options: dict[str, Any], context: ReadContext | None = None) -> Parsed:
    frame = read_records(path, REQUIRED, OPTIONAL, also_expect=["postcode", "assessment_date"],
                         columns=options.get("columns"))
    key_children(frame, context, path)
    assert context is not None and context.pseudonymiser is not None  # key_children stops the file otherwise
    rid = frame["referral_id"].str.strip().str.upper()
    frame["referral_key"] = context.pseudonymiser.hash_values(("ref:" + rid).where(rid != "", ""))
    screen = Screen(frame, record_columns=RECORD)
    screen.rule(rid == "", "referral_id", "no referral id")
    dates = parse_dates(frame, DATES, screen)
    screen_future(screen, dates, extract_date(path, options), DATES)
    for col, parsed in dates.items():
        frame[col + "_parsed"] = parsed
    screen_people(screen, frame)
    screen_unkeyed(screen, frame)

    referral = frame["referral_date_parsed"]
    screen.rule(referral.isna(), "referral_date", "referral date missing")
    age = age_on(frame["dob_parsed"], referral)
    screen_age(screen, age, "referral")
    screen_after(screen, frame, "first_contact_date", "referral_date", "first contact before the referral")
    screen_after(screen, frame, "assessment_date", "referral_date", "assessment completed before the referral")
    screen_after(screen, frame, "discharge_date", "referral_date", "discharge before the referral")
    pathway, unknown = coded(frame["pathway"], PATHWAYS)
    screen.rule(unknown, "pathway", "unknown pathway")
    screen.rule(pathway.isna(), "pathway", "pathway missing")
    outcome, unknown = coded(frame["outcome"], DIAGNOSIS_OUTCOMES)
    screen.rule(unknown, "outcome", "unknown diagnosis outcome")

    out = pd.DataFrame({
        "line": frame["__line__"], "child_key": frame["child_key"], "referral_key": frame["referral_key"],
        "pathway": pathway, "provider": text(frame["provider"]), "gp_practice": text(frame["gp_practice"], upper=True),
        "referral_date": dates["referral_date"], "first_contact_date": dates["first_contact_date"],
        "assessment_date": dates["assessment_date"], "outcome": outcome, "discharge_date": dates["discharge_date"],
        "age_at_referral": age, "sex": sex_codes(frame["sex"]), "lsoa_code": frame["lsoa_code"],
        "vintage": context.placement.vintage,
    })
    parsed = finish(screen, out, WAITING_LIST, CHECKED, RAW_TABLE,
                    unique=(["referral_key"], "referral_key", "duplicate referral (same referral id)"),
                    integers=["age_at_referral"], free_text=["provider", "gp_practice"])
    return flag_nhs_numbers(parsed, frame)

