"""Case-level EHC needs assessment extracts as SEN case-management systems export them: one row per
request, with the decision, the assessment outcome, draft and final issue dates, exceptions, primary
need, setting, plan status, legacy transfers and ceasing. A child whose home cannot be placed (postcode
missing or unknown) lands without an LSOA and counts in the configured authority's figures only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from jsna.schemas.ehcp_cases import EHCP_CASES
from jsna.schemas.vocab import DECISIONS, OUTCOMES, PLACEMENTS, TRANSFERS
from jsna.sources.base import Parsed, Screen, match_columns, parse_flag, parse_number, read_table
from jsna.sources.context import ReadContext
from jsna.sources.people import (
    HOME_COLUMNS,
    ID_COLUMNS,
    age_at_31_august,
    age_on,
    child_keys,
    parse_dates,
    place_homes,
    screen_people,
    unplaced,
)
from jsna.sources.records import local_keys
from jsna.sources.screening import extract_date, flag_nhs_numbers, screen_future

RAW_TABLE = "ehcp_cases"
REQUIRED = {
    "request_date": ["Request Date", "Date of Request", "request_date"],
    "dob": ["Date of Birth", "DOB", "date_of_birth"],
}
OPTIONAL = {
    **ID_COLUMNS, **HOME_COLUMNS,
    "sex": ["Sex", "Gender"],
    "decision_date": ["Decision Date", "Date of Decision to Assess"],
    "decision": ["Decision", "Decision to Assess"],
    "assessment_outcome": ["Assessment Outcome", "Outcome"],
    "assessment_date": ["Assessment Outcome Date", "Assessment Date", "Date of Assessment Outcome"],
    "draft_date": ["Draft Issue Date", "Draft Plan Date"],
    "issue_date": ["Final Issue Date", "Issue Date", "Final Plan Date"],
    "exception": ["Exception", "Exceptions", "20 Week Exception"],
    "primary_need": ["Primary Need", "Primary SEN Type"],
    "setting_urn": ["Setting URN", "URN"],
    "placement": ["Placement Type", "Placement"],
    "plan_status": ["Plan Status", "Status"],
    "transfer": ["Transfer", "Transfer Type"],
    "ceased_date": ["Ceased Date", "Date Ceased"],
    "ceased_reason": ["Ceased Reason", "Reason Ceased"],
    "transfer_la": ["Transferred From LA", "Transfer LA", "TransferLA"],
    "team": ["Team", "Casework Team", "SEN Team", "Locality Team"],
    "last_review": ["Last Review Date", "Last Annual Review", "Annual Review Date"],
}
DATES = ["request_date", "decision_date", "assessment_date", "draft_date", "issue_date", "ceased_date", "last_review"]
# Coded fields: the values accepted (lower case) -> the code kept (`jsna sources describe ehcp_cases`).
VOCABULARIES = {"decision": DECISIONS, "assessment_outcome": OUTCOMES, "placement": PLACEMENTS, "transfer": TRANSFERS}
RECORD = ["child_key", "request_date", "decision_date", "decision", "assessment_outcome", "issue_date",
          "primary_need", "placement", "plan_status"]


def _coded(s: pd.Series, mapping: dict[str, str]) -> tuple[pd.Series, pd.Series]:
    """(code, unknown) for a text column against a vocabulary; blanks are missing, not unknown."""
    t = s.str.strip().str.lower()
    code = t.map(mapping)
    return code, code.isna() & (t != "")


def read(path: Path, options: dict[str, Any], context: ReadContext | None = None) -> Parsed:
    assert context is not None, "ehcp_cases needs a ReadContext"
    frame = read_table(path, [*REQUIRED.values(), OPTIONAL["decision"], OPTIONAL["issue_date"]],
                       identifying=True, columns=options.get("columns"))
    frame = match_columns(frame, path, REQUIRED, OPTIONAL, options.get("columns"))
    frame["child_key"] = child_keys(frame, context, path)
    # the key of the authority's own case reference alone: how trusts' advice returns name the child
    frame["case_key"] = local_keys(frame["child_id"], context, path).where(frame["child_id"].str.strip() != "", None)
    frame["lsoa_code"] = place_homes(frame, context)
    screen = Screen(frame, record_columns=RECORD)
    dates = parse_dates(frame, DATES, screen)
    screen_future(screen, dates, extract_date(path, options), DATES)
    for col, parsed in dates.items():
        frame[col + "_parsed"] = parsed
    frame["dob_parsed"] = pd.to_datetime(frame["dob"], format="%d/%m/%Y", errors="coerce").fillna(
        pd.to_datetime(frame["dob"].str[:10], format="%Y-%m-%d", errors="coerce")
    )
    # a home that cannot be placed: the row lands unplaced, counted in the configured authority only
    screen_people(screen, frame, unplaced_land=context.authority is not None)

    req = frame["request_date_parsed"]
    screen.rule(req.isna(), "request_date", "request date missing")
    age = age_on(frame["dob_parsed"], req)
    # A child born after the 31 August that began the academic year counts as age 0 (DfE's age groups).
    frame["age_at_request"] = age
    frame["age_at_31aug"] = age_at_31_august(frame["dob_parsed"], req).clip(lower=0)
    screen.rule(age < 0, "dob", "date of birth after the request", pd.Series("[withheld]", index=frame.index))
    screen.rule(age > 25, "dob", "over 25 at the request", pd.Series("[withheld]", index=frame.index))
    screen.rule(frame["decision_date_parsed"] < req, "decision_date", "decision before the request")
    screen.rule(frame["issue_date_parsed"] < req, "issue_date", "plan issued before the request")
    screen.rule(frame["assessment_date_parsed"] < req, "assessment_date", "assessment outcome before the request")
    screen.rule(frame["draft_date_parsed"] > frame["issue_date_parsed"], "draft_date", "draft after the final plan")
    screen.rule(frame["ceased_date_parsed"] < frame["issue_date_parsed"], "ceased_date",
                "plan ceased before it was issued")
    screen.rule(frame["last_review_parsed"] < frame["issue_date_parsed"], "last_review",
                "annual review before the plan was issued")

    coded = {}
    for col, vocab in VOCABULARIES.items():
        coded[col], unknown = _coded(frame[col], vocab)
        screen.rule(unknown, col, f"unknown {col.replace('_', ' ')}")
    need = frame["primary_need"].str.strip().str.upper()
    exception = parse_flag(frame["exception"])
    screen.rule(exception.isna() & (frame["exception"].str.strip() != ""), "exception", "exception flag not Y/N")
    screen.rule(frame.duplicated(["child_key", "request_date"], keep="first"), "request_date",
                "duplicate request (same child and request date)")

    out = pd.DataFrame({
        "line": frame["__line__"], "child_key": frame["child_key"], "case_key": frame["case_key"],
        **{c: frame[c + "_parsed"] for c in DATES if c != "draft_date"},
        "draft_date": frame["draft_date_parsed"],
        "decision": coded["decision"], "assessment_outcome": coded["assessment_outcome"],
        "exception": exception.eq(True),  # a flag not given is no exception
        "age_at_request": frame["age_at_request"], "age_at_31aug": frame["age_at_31aug"],
        "sex": frame["sex"].str.strip().str.upper().str[:1].where(lambda s: s.isin(["F", "M"]), None),
        "primary_need": need.where(need != "", None),
        "setting_urn": parse_number(frame["setting_urn"]).astype("Int64"),
        "placement": coded["placement"],
        "plan_status": frame["plan_status"].str.strip().str.lower().where(lambda s: s != "", None),
        "transfer": coded["transfer"],
        "ceased_reason": frame["ceased_reason"].str.strip().where(lambda s: s != "", None),
        "lsoa_code": frame["lsoa_code"], "vintage": context.placement.vintage,
        "la_code": context.authority, "old_la_code": None, "return_year": None,
        "transfer_la": frame["transfer_la"].str.strip().str[:12].where(lambda s: s != "", None),
        "team": frame["team"].str.strip().str[:60].where(lambda s: s != "", None),
    })
    screen.frame = screen.frame.assign(**{c: out[c] for c in ("age_at_request", "age_at_31aug", "primary_need",
                                                              "placement", "decision", "assessment_outcome",
                                                              "transfer", "sex")})
    screen.identifiers_in(["ceased_reason", "team"])
    screen.validate(EHCP_CASES)
    good, quarantine = screen.split()
    out = out.loc[good.index]
    out["age_at_request"] = out["age_at_request"].astype("int64")
    out["age_at_31aug"] = out["age_at_31aug"].astype("int64")
    parsed = Parsed(out, quarantine, len(frame), RAW_TABLE, extras=unplaced(out.loc[out["lsoa_code"].isna(), "line"]))
    return flag_nhs_numbers(parsed, frame)
