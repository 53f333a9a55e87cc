"""NHS trusts' returns of health advice for EHC needs assessments: one row per trust asked about each
assessment, with the date asked, the date due (six weeks later unless stated) and the date returned.

The child is known by the local authority's case reference, hashed as a local id, or by the UPN where the
return gives one (hashed as every other file's UPN, so the request joins the child's SEN2 record). Returns
are by trust, so no home is placed here: the child's home is the EHC case's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from jsna.schemas.cases import ADVICE_RETURNS
from jsna.sources.base import Parsed, Screen
from jsna.sources.context import ReadContext
from jsna.sources.people import parse_dates
from jsna.sources.records import finish, key_children, local_keys, read_records, text
from jsna.sources.screening import extract_date, screen_future

RAW_TABLE = "advice_returns"
DUE_DAYS = 42  # SEND Regulations 2014, reg. 8(2): advice within six weeks of the request
CHILD_ID = ["LA Case Reference", "LA Case Ref", "Case Reference", "LA Reference", "LA Child ID", "Child ID",
            "Person ID", "child_id"]
REQUIRED = {
    "trust_code": ["Trust Code", "Provider Code", "Organisation Code", "ODS Code", "Org Code"],
    "child_id": CHILD_ID,
    "request_date": ["Request Date", "Date Requested", "Advice Request Date", "Date of Request",
                     "Date Advice Requested"],
}
OPTIONAL = {
    "trust_name": ["Trust Name", "Provider Name", "Organisation Name", "Trust", "Provider"],
    "due_date": ["Advice Due Date", "Due Date", "Date Due"],
    "returned_date": ["Advice Returned Date", "Returned Date", "Date Returned", "Advice Received Date",
                      "Date Advice Received"],
    "upn": ["UPN", "Unique Pupil Number", "Pupil UPN"],
}
DATES = ["request_date", "due_date", "returned_date"]
RECORD = ["trust_code", "trust_name", "case_key", "child_key", *DATES]
CHECKED = ["case_key", "trust_code"]


def read(path: Path, options: dict[str, Any], context: ReadContext | None = None) -> Parsed:
    frame = read_records(path, REQUIRED, OPTIONAL, also_expect=["returned_date"], columns=options.get("columns"))
    # Trusts name the child by the authority's case reference (its key joins ehcp_cases.case_key) and, where the
    # return gives it, the UPN too (child_key, the strongest identifier's key, joins ehcp_cases.child_key)
    key_children(frame, context, path, place=False)  # refuses a missing context
    assert context is not None
    frame["case_key"] = local_keys(frame["child_id"], context, path)
    screen = Screen(frame, record_columns=RECORD)
    trust = frame["trust_code"].str.strip().str.upper()
    screen.rule(trust == "", "trust_code", "trust code missing")
    no_id = frame["child_id"].str.strip() == ""
    screen.rule(no_id, "child_id", "no child identifier (LA case reference)", pd.Series("", index=frame.index))
    dates = parse_dates(frame, DATES, screen)
    screen_future(screen, dates, extract_date(path, options), ["request_date", "returned_date"])  # due may be ahead
    request = dates["request_date"]
    screen.rule(request.isna(), "request_date", "request date missing")
    due = dates["due_date"].fillna(request + pd.Timedelta(days=DUE_DAYS))
    screen.rule(due < request, "due_date", "advice due before it was requested")
    screen.rule(dates["returned_date"] < request, "returned_date", "advice returned before it was requested")

    out = pd.DataFrame({
        "line": frame["__line__"], "trust_code": trust.astype(object).where(trust != "", None),
        "trust_name": text(frame["trust_name"]), "case_key": frame["case_key"], "child_key": frame["child_key"],
        "request_date": request, "due_date": due, "returned_date": dates["returned_date"],
    })
    return finish(screen, out, ADVICE_RETURNS, CHECKED, RAW_TABLE,
                  unique=(["trust_code", "case_key", "request_date"], "request_date",
                          "duplicate return (same trust, child and request date)"),
                  free_text=["trust_name", "trust_code"])
