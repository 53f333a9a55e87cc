"""Broken and awkward deliveries of the case-level files, built from a few demo rows: each has one
documented outcome, and no row is ever lost (rows in = loaded + quarantined) unless one SourceError
names the file. Quarantined rows never show an identifier, a name, a postcode or a date of birth."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from jsna.errors import SourceError
from jsna.sources.base import Parsed
from jsna.sources.context import ReadContext
from tests.unit.sources.test_case_adapters import FILES, IDENTIFYING, demo_context

N = 6  # demo rows in each broken file
Row = dict[str, str]
Edit = Callable[[Row], Row]
ALL = list(FILES)
PLACED = ["ehcp_cases", "waiting_list", "social_care_cases"]
# Shuffled columns under other names each adapter accepts (as other case systems export them).
ALIASES = {
    "ehcp_cases": {"Child ID": "LA Child ID", "UPN": "Unique Pupil Number", "NHS Number": "NHS No",
                   "Date of Birth": "DOB", "Sex": "Gender", "Postcode": "Home Postcode",
                   "Request Date": "Date of Request", "Decision Date": "Date of Decision to Assess",
                   "Final Issue Date": "Final Plan Date", "Primary Need": "Primary SEN Type",
                   "Placement Type": "Placement", "Ceased Date": "Date Ceased"},
    "waiting_list": {"Referral ID": "Referral Number", "NHS Number": "NHS No.", "Date of Birth": "DOB",
                     "Sex": "Gender", "GP Practice": "GP Practice Code", "Pathway": "Service Line",
                     "Provider": "Provider Name", "Referral Date": "Date of Referral",
                     "First Contact Date": "Date of First Contact", "Assessment Completed Date": "Assessment Date",
                     "Diagnosis Outcome": "Outcome", "Discharge Date": "Date Discharged"},
    "advice_returns": {"Trust Code": "Provider Code", "Trust Name": "Provider Name",
                       "LA Case Reference": "Case Reference", "Request Date": "Date Requested",
                       "Advice Due Date": "Due Date", "Advice Returned Date": "Date Returned"},
    "social_care_cases": {"Person ID": "LA Child ID", "NHS Number": "NHS No", "Date of Birth": "DOB",
                          "Sex": "Gender", "Start Date": "Episode Start Date", "End Date": "Episode End Date",
                          "Primary Disability": "Disability", "Short Breaks": "Short Break"},
}
# A date column of every row, cut mid-value when the file is truncated.
CUT_IN = {"ehcp_cases": "Decision Date", "waiting_list": "First Contact Date", "advice_returns": "Advice Due Date",
          "social_care_cases": "Start Date"}


# -- building the corpus -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def context(demo_dir: Path) -> ReadContext:
    return demo_context(demo_dir)


@pytest.fixture(scope="module")
def samples(demo_dir: Path) -> dict[str, tuple[list[str], list[Row]]]:
    """The header and first N rows of each demo file."""
    out = {}
    for kind, (_, rel) in FILES.items():
        with open(demo_dir / rel, encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            rows = [next(reader) for _ in range(N)]
        out[kind] = (list(rows[0]), rows)
    return out


def csv_bytes(header: list[str], rows: list[Row], newline: str = "\n", encoding: str = "utf-8",
              rename: dict[str, str] | None = None) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator=newline)
    writer.writerow([(rename or {}).get(c, c) for c in header])
    writer.writerows([[r.get(c, "") for c in header] for r in rows])
    return buf.getvalue().encode(encoding)


def put(tmp_path: Path, data: bytes, name: str = "delivery.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def read(kind: str, path: Path, context: ReadContext) -> Parsed:
    return FILES[kind][0](path, {}, context)


def clear_values(rows: list[Row]) -> set[str]:
    return {r[c].strip() for r in rows for c in IDENTIFYING if r.get(c, "").strip()}


def accounted(parsed: Parsed, rows_written: int, rows: list[Row]) -> None:
    """Nothing lost: every data row written is loaded or quarantined, and the quarantine shows no
    identifier, name, postcode or date of birth of the input."""
    assert parsed.rows_in == rows_written == parsed.rows_loaded + len(parsed.quarantine)
    shown = json.dumps({"values": parsed.quarantine["value"].tolist(), "records": parsed.quarantine["record"].tolist()},
                       default=str)
    leaked = {v for v in clear_values(rows) if v in shown}
    assert not leaked, f"quarantine shows {leaked}"


def without_line(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.drop(columns="line").reset_index(drop=True)


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory, samples: dict[str, tuple[list[str], list[Row]]],
             context: ReadContext) -> dict[str, Parsed]:
    """The sample rows as a plain UTF-8 CSV with LF line ends, read by each adapter."""
    out = {}
    for kind, (header, rows) in samples.items():
        out[kind] = read(kind, put(tmp_path_factory.mktemp(kind), csv_bytes(header, rows)), context)
        assert out[kind].rows_loaded == N and out[kind].quarantine.empty
    return out


def day_before(value: str) -> str:
    return (dt.datetime.strptime(value, "%d/%m/%Y") - dt.timedelta(days=1)).strftime("%d/%m/%Y")


# -- encodings and layouts -----------------------------------------------------------------------
@pytest.mark.parametrize("kind", ALL)
def test_utf8_bom_and_crlf_read_like_plain_utf8(tmp_path: Path, kind: str, samples: dict, context: ReadContext,
                                                baseline: dict[str, Parsed]) -> None:
    """Given the rows as Excel saves them (UTF-8 with a BOM, CRLF line ends),
    when read, then every row loads exactly as from plain UTF-8 with LF, on the same lines."""
    header, rows = samples[kind]
    parsed = read(kind, put(tmp_path, b"\xef\xbb\xbf" + csv_bytes(header, rows, newline="\r\n")), context)
    accounted(parsed, N, rows)
    pd.testing.assert_frame_equal(parsed.frame, baseline[kind].frame)


@pytest.mark.parametrize("kind", ALL)
def test_windows_1252_text_is_decoded(tmp_path: Path, kind: str, samples: dict, context: ReadContext,
                                      baseline: dict[str, Parsed]) -> None:
    """Given a Windows-1252 file whose text holds accented letters and curly apostrophes
    (children called Zoë O’Neill; a trust called St Mary’s),
    when read, then every row loads as from UTF-8, the names do not appear and the trust name survives."""
    header, rows = samples[kind]
    rows = [dict(r) for r in rows]
    if kind == "advice_returns":
        rows[0]["Trust Name"] = "St Mary’s Hospital NHS Trust"
    else:
        rows[0].update({"Forename": "Zoë", "Surname": "O’Neill"})
    data = csv_bytes(header, rows, encoding="cp1252")
    assert b"\x92" in data  # the curly apostrophe's Windows-1252 byte: not valid UTF-8
    parsed = read(kind, put(tmp_path, data), context)
    accounted(parsed, N, rows)
    expected = baseline[kind].frame.copy()
    if kind == "advice_returns":
        expected.loc[0, "trust_name"] = "St Mary’s Hospital NHS Trust"
    pd.testing.assert_frame_equal(parsed.frame, expected)


def workbook(path: Path, header: list[str], rows: list[Row]) -> Path:
    """An .xlsx as case systems export it: two title rows and a blank row above the header, dates as
    date cells and identifiers of digits as numbers."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Caseload extract"])
    ws.append(["Run on 31/12/2025 - OFFICIAL SENSITIVE"])
    ws.append([])
    ws.append(header)
    for r in rows:
        cells: list[object] = []
        for c in header:
            v = r[c]
            if re.fullmatch(r"\d\d/\d\d/\d{4}", v):
                cells.append(dt.datetime.strptime(v, "%d/%m/%Y"))
            elif re.fullmatch(r"\d+", v):
                cells.append(int(v))
            else:
                cells.append(v or None)
        ws.append(cells)
    wb.save(path)
    return path


XLSX = ["ehcp_cases", "waiting_list", "advice_returns", "social_care_cases"]


@pytest.mark.parametrize("kind", XLSX)
def test_workbook_with_title_rows_reads_like_the_csv(tmp_path: Path, kind: str, samples: dict,
                                                     context: ReadContext, baseline: dict[str, Parsed]) -> None:
    """Given the rows in an .xlsx workbook below two title rows and a blank row, with date cells,
    when read, then every row loads as from the CSV, each on its sheet row (5 onwards)."""
    header, rows = samples[kind]
    parsed = read(kind, workbook(tmp_path / "delivery.xlsx", header, rows), context)
    accounted(parsed, N, rows)
    assert parsed.frame["line"].tolist() == list(range(5, 5 + N))
    pd.testing.assert_frame_equal(without_line(parsed.frame), without_line(baseline[kind].frame))


@pytest.mark.parametrize("kind", ["ehcp_cases", "waiting_list", "social_care_cases"])
def test_thousands_separators_and_spaced_numbers(tmp_path: Path, kind: str, samples: dict, context: ReadContext,
                                                 baseline: dict[str, Parsed]) -> None:
    """Given numbers written for people to read (a URN as "900,608"; NHS numbers as "999 123 4567"),
    when read, then they mean the same numbers: same setting URN, same child keys.
    (Advice returns hold no number column.)"""
    header, rows = samples[kind]
    rows = [dict(r) for r in rows]
    for r in rows:
        if r.get("Setting URN"):
            r["Setting URN"] = f"{int(r['Setting URN']):,}"
        if r.get("NHS Number"):
            n = r["NHS Number"]
            r["NHS Number"] = f"{n[:3]} {n[3:6]} {n[6:]}"
    data = csv_bytes(header, rows)
    assert b'"900,' in data if kind == "ehcp_cases" else rows[0]["NHS Number"].count(" ") == 2
    parsed = read(kind, put(tmp_path, data), context)
    accounted(parsed, N, rows)
    pd.testing.assert_frame_equal(parsed.frame, baseline[kind].frame)


@pytest.mark.parametrize("kind", ALL)
def test_shuffled_and_renamed_columns(tmp_path: Path, kind: str, samples: dict, context: ReadContext,
                                      baseline: dict[str, Parsed]) -> None:
    """Given the columns in reverse order under other names case systems use (DOB, NHS No, Gender ...),
    when read, then every row loads exactly as from the standard layout."""
    header, rows = samples[kind]
    parsed = read(kind, put(tmp_path, csv_bytes(header[::-1], rows, rename=ALIASES[kind])), context)
    accounted(parsed, N, rows)
    pd.testing.assert_frame_equal(parsed.frame, baseline[kind].frame)


def test_homes_given_as_lsoa_codes_instead_of_postcodes(tmp_path: Path, samples: dict, context: ReadContext,
                                                        baseline: dict[str, Parsed]) -> None:
    """Given a waiting list that places homes by an LSOA column instead of a postcode,
    when read, then every row loads in the same LSOA as through the postcode."""
    header, rows = samples["waiting_list"]
    lsoas = baseline["waiting_list"].frame["lsoa_code"].tolist()
    rows = [{**{k: v for k, v in r.items() if k != "Postcode"}, "LSOA21CD": code} for r, code in zip(rows, lsoas,
                                                                                                     strict=True)]
    header = [c if c != "Postcode" else "LSOA21CD" for c in header]
    parsed = read("waiting_list", put(tmp_path, csv_bytes(header, rows)), context)
    accounted(parsed, N, rows)
    pd.testing.assert_frame_equal(parsed.frame, baseline["waiting_list"].frame)


# -- truncated, empty and wrong files ------------------------------------------------------------
@pytest.mark.parametrize("kind", ALL)
def test_truncated_last_row_is_quarantined(tmp_path: Path, kind: str, samples: dict, context: ReadContext) -> None:
    """Given a file whose last line was cut mid-row (inside a date, no final newline),
    when read, then the earlier rows load and the cut row is quarantined on its line: not lost, no crash."""
    header, rows = samples[kind]
    data = csv_bytes(header, rows).decode()
    last = data.rstrip("\n").rsplit("\n", 1)[1]
    assert '"' not in last and len(rows[-1][CUT_IN[kind]]) == 10
    cut = sum(len(rows[-1][c]) + 1 for c in header[: header.index(CUT_IN[kind])]) + 4  # "dd/m"
    data = data[: len(data) - len(last) - 1] + last[:cut]
    parsed = read(kind, put(tmp_path, data.encode()), context)
    accounted(parsed, N, rows)
    assert parsed.rows_loaded == N - 1
    assert parsed.quarantine["line"].tolist() == [N + 1]


@pytest.mark.parametrize("kind", ["ehcp_cases", "waiting_list"])
def test_truncated_inside_a_quoted_field(tmp_path: Path, kind: str, samples: dict, context: ReadContext) -> None:
    """Given a file whose last line was cut inside a quoted value (a name holding a comma),
    when read, then the cut row is quarantined as malformed (it has too few fields)."""
    header, rows = samples[kind]
    rows = [dict(r) for r in rows]
    column = "Provider" if kind == "waiting_list" else "Ceased Reason"
    rows[-1][column] = "Demoshire Community Health NHS Trust, Children's Services"
    data = csv_bytes(header, rows).decode()
    data = data[: data.index('"Demoshire Community') + 12]
    parsed = read(kind, put(tmp_path, data.encode()), context)
    accounted(parsed, N, rows)
    assert parsed.quarantine["line"].tolist() == [N + 1]
    assert parsed.quarantine["rule"].tolist() == ["malformed row"]


def test_truncated_at_a_field_boundary(tmp_path: Path, samples: dict, context: ReadContext) -> None:
    """Given advice returns whose last line was cut just after the due date (no returned date, no final
    newline, one field short of the header), when read, then the cut row is quarantined, not loaded as
    'advice not returned'."""
    header, rows = samples["advice_returns"]
    data = csv_bytes(header, rows).decode().rstrip("\n")
    data = data[: data.rindex(",")]
    parsed = read("advice_returns", put(tmp_path, data.encode()), context)
    accounted(parsed, N, rows)
    assert parsed.quarantine["line"].tolist() == [N + 1]


@pytest.mark.parametrize("kind", ["waiting_list", "social_care_cases"])
def test_a_row_with_an_unquoted_comma(tmp_path: Path, kind: str, samples: dict, context: ReadContext) -> None:
    """Given a hand-edited file where one row's surname holds an unquoted comma (one field too many),
    when read, then that row is quarantined, keeping none of its shifted fields, and the others load."""
    header, rows = samples[kind]
    lines = csv_bytes(header, rows).decode().split("\n")
    lines[2] = lines[2].replace(rows[1]["Surname"], rows[1]["Surname"] + ",Jr", 1)
    parsed = read(kind, put(tmp_path, "\n".join(lines).encode()), context)
    accounted(parsed, N, rows)
    assert parsed.quarantine["line"].tolist() == [3]
    width = len(header)
    assert parsed.quarantine["value"].tolist() == [f"row has {width + 1} fields where the header has {width}"]
    assert parsed.quarantine["record"].tolist() == [None]  # shifted fields: nothing of the row is kept


def test_a_byte_windows_1252_cannot_decode(tmp_path: Path, samples: dict, context: ReadContext) -> None:
    """Given a file in neither UTF-8 nor Windows-1252 (a stray 0x81 byte in a surname),
    when read, then the rows load (the text read as Latin-1)."""
    header, rows = samples["waiting_list"]
    data = csv_bytes(header, rows).replace(rows[0]["Surname"].encode(), b"M\x81ller", 1)
    parsed = read("waiting_list", put(tmp_path, data), context)
    accounted(parsed, N, rows)
    assert parsed.rows_loaded == N  # decoded as Latin-1: the surname is dropped anyway


@pytest.mark.parametrize("kind", ALL)
def test_empty_file_stops_with_its_name(tmp_path: Path, kind: str, context: ReadContext) -> None:
    """Given an empty file (no bytes, or only blank lines), when read, then one SourceError names the file."""
    for i, data in enumerate((b"", b"\r\n\r\n")):
        path = put(tmp_path, data, f"empty{i}.csv")
        with pytest.raises(SourceError, match=rf"empty{i}\.csv: the file is empty"):
            read(kind, path, context)


@pytest.mark.parametrize("kind", ALL)
def test_header_only_file_loads_nothing(tmp_path: Path, kind: str, samples: dict, context: ReadContext) -> None:
    """Given a file with the header and no rows, when read, then nothing is loaded or quarantined."""
    header, _ = samples[kind]
    parsed = read(kind, put(tmp_path, csv_bytes(header, [])), context)
    assert parsed.rows_in == parsed.rows_loaded == len(parsed.frame) == 0 and parsed.quarantine.empty


@pytest.mark.parametrize(("kind", "given", "missing"), [
    ("ehcp_cases", "social_care_cases", r"Request Date"),
    ("waiting_list", "ehcp_cases", r"Referral ID.*Pathway.*Referral Date"),
    ("advice_returns", "social_care_cases", r"Trust Code.*Request Date"),
    ("social_care_cases", "ehcp_cases", r"Start Date"),
])
def test_a_file_of_the_wrong_kind_stops_naming_the_missing_columns(
    tmp_path: Path, kind: str, given: str, missing: str, samples: dict, context: ReadContext
) -> None:
    """Given another kind's file declared as this kind, when read, then one SourceError names the file
    and the columns this kind needs that it lacks."""
    header, rows = samples[given]
    path = put(tmp_path, csv_bytes(header, rows), f"{given}.csv")
    with pytest.raises(SourceError, match=rf"{given}\.csv: .*{missing}"):
        read(kind, path, context)


# -- rows that break a rule ----------------------------------------------------------------------
RULES: list[tuple[str, str, Edit, str, str]] = [
    # (kind, case, edit of the second row, column, rule)
    ("ehcp_cases", "impossible date", lambda r: {"Final Issue Date": day_before(r["Request Date"])},
     "issue_date", "plan issued before the request"),
    ("waiting_list", "impossible date", lambda r: {"Assessment Completed Date": day_before(r["Referral Date"])},
     "assessment_date", "assessment completed before the referral"),
    ("waiting_list", "impossible date", lambda r: {"First Contact Date": day_before(r["Referral Date"])},
     "first_contact_date", "first contact before the referral"),
    ("waiting_list", "impossible date", lambda r: {"Discharge Date": day_before(r["Referral Date"])},
     "discharge_date", "discharge before the referral"),
    ("advice_returns", "impossible date", lambda r: {"Advice Returned Date": day_before(r["Request Date"])},
     "returned_date", "advice returned before it was requested"),
    ("social_care_cases", "impossible date", lambda r: {"End Date": day_before(r["Start Date"])},
     "end_date", "episode ended before it started"),
    ("ehcp_cases", "not a date", lambda r: {"Request Date": "31/02/2019"}, "request_date", "not a date (dd/mm/yyyy)"),
    ("waiting_list", "not a date", lambda r: {"Referral Date": "2019-13-01"}, "referral_date",
     "not a date (dd/mm/yyyy)"),
    ("advice_returns", "not a date", lambda r: {"Request Date": "Jan 2019"}, "request_date",
     "not a date (dd/mm/yyyy)"),
    ("social_care_cases", "not a date", lambda r: {"Start Date": "32/01/2019"}, "start_date",
     "not a date (dd/mm/yyyy)"),
    ("waiting_list", "date of birth not a date", lambda r: {"Date of Birth": "29/02/2011"}, "dob",
     "date of birth missing or not a date"),
    ("ehcp_cases", "unknown postcode", lambda r: {"Postcode": "XZ99 9ZZ"}, "postcode",
     "postcode not in the postcode directory"),
    ("waiting_list", "unknown postcode", lambda r: {"Postcode": "XZ99 9ZZ"}, "postcode",
     "postcode not in the postcode directory"),
    ("social_care_cases", "unknown postcode", lambda r: {"Postcode": "XZ99 9ZZ"}, "postcode",
     "postcode not in the postcode directory"),
    ("social_care_cases", "no home", lambda r: {"Postcode": ""}, "postcode", "no postcode or LSOA to place the home"),
    ("waiting_list", "no identifier", lambda r: {"NHS Number": ""}, "child_id",
     "no child identifier (child id, UPN or NHS number)"),
    ("waiting_list", "NHS number too short", lambda r: {"NHS Number": r["NHS Number"][:9]}, "child_id",
     "identifier not usable (NHS number must have 10 digits and pass the modulus 11 check)"),
    ("social_care_cases", "no identifier", lambda r: {"Person ID": "", "NHS Number": ""}, "child_id",
     "no child identifier (child id, UPN or NHS number)"),
    ("advice_returns", "no identifier", lambda r: {"LA Case Reference": " "}, "child_id",
     "no child identifier (LA case reference)"),
    ("advice_returns", "no trust", lambda r: {"Trust Code": ""}, "trust_code", "trust code missing"),
    ("waiting_list", "no referral id", lambda r: {"Referral ID": ""}, "referral_id", "no referral id"),
    ("waiting_list", "unknown pathway", lambda r: {"Pathway": "Physiotherapy"}, "pathway", "unknown pathway"),
    ("waiting_list", "unknown outcome", lambda r: {"Diagnosis Outcome": "Maybe"}, "outcome",
     "unknown diagnosis outcome"),
    ("waiting_list", "over 25", lambda r: {"Date of Birth": "01/01/1980"}, "dob", "over 25 at the referral"),
    ("waiting_list", "born after the referral", lambda r: {"Date of Birth": "01/01/2020"}, "dob",
     "date of birth after the referral"),
    ("social_care_cases", "over 25", lambda r: {"Date of Birth": "01/01/1970"}, "dob", "over 25 at the start"),
    ("social_care_cases", "unknown disability", lambda r: {"Primary Disability": "Tall"}, "primary_disability",
     "unknown primary disability"),
    ("social_care_cases", "bad flag", lambda r: {"Short Breaks": "Sometimes"}, "short_breaks",
     "short breaks flag not Y/N"),
]


@pytest.mark.parametrize(("kind", "case", "edit", "column", "rule"), RULES,
                         ids=[f"{k}-{c}-{col}" for k, c, _, col, _ in RULES])
def test_a_row_breaking_a_rule_is_quarantined(tmp_path: Path, kind: str, case: str, edit: Edit, column: str,
                                              rule: str, samples: dict, context: ReadContext) -> None:
    """Given one row that breaks a rule (a date before the event it follows, a value that is not a date,
    a postcode the directory does not know, no identifier, an unknown code, an age outside 0-25),
    when read, then that row alone is quarantined on its line with the column and the rule, the others
    load, and the quarantine shows no identifier."""
    header, rows = samples[kind]
    rows = [dict(r) for r in rows]
    rows[1].update(edit(rows[1]))
    parsed = read(kind, put(tmp_path, csv_bytes(header, rows)), context)
    accounted(parsed, N, rows)
    q = parsed.quarantine
    assert q[["line", "column_name", "rule"]].values.tolist() == [[3, column, rule]]
    assert parsed.frame["line"].tolist() == [2, *range(4, N + 2)]
    if column in ("dob", "postcode", "child_id"):
        assert q["value"].iloc[0] in ("[withheld]", "[identifier withheld]", "", None)


@pytest.mark.parametrize(("kind", "rule"), [
    ("ehcp_cases", "duplicate request (same child and request date)"),
    ("waiting_list", "duplicate referral (same referral id)"),
    ("advice_returns", "duplicate return (same trust, child and request date)"),
    ("social_care_cases", "duplicate episode (same child and start date)"),
])
def test_a_duplicated_row_is_quarantined_once(tmp_path: Path, kind: str, rule: str, samples: dict,
                                              context: ReadContext, baseline: dict[str, Parsed]) -> None:
    """Given a file where one row appears twice (the copy at the end), when read, then the first copy
    loads, the second is quarantined as a duplicate on its own line, and the loaded rows are unchanged."""
    header, rows = samples[kind]
    rows = [*rows, rows[1]]
    parsed = read(kind, put(tmp_path, csv_bytes(header, rows)), context)
    accounted(parsed, N + 1, rows)
    assert parsed.quarantine[["line", "rule"]].values.tolist() == [[N + 2, rule]]
    pd.testing.assert_frame_equal(parsed.frame, baseline[kind].frame)


def test_a_duplicate_never_displaces_a_good_row(tmp_path: Path, samples: dict, context: ReadContext) -> None:
    """Given a referral listed twice where the first copy is broken (first contact before the referral),
    when read, then the first copy is quarantined for that reason and the second, good copy loads."""
    header, rows = samples["waiting_list"]
    rows = [dict(r) for r in rows]
    broken = {**rows[1], "First Contact Date": day_before(rows[1]["Referral Date"])}
    rows = [rows[0], broken, *rows[1:]]
    parsed = read("waiting_list", put(tmp_path, csv_bytes(header, rows)), context)
    accounted(parsed, N + 1, rows)
    assert parsed.quarantine[["line", "rule"]].values.tolist() == [[3, "first contact before the referral"]]
    assert parsed.rows_loaded == N


# -- identifiers where they do not belong ----------------------------------------------------------
@pytest.mark.parametrize("kind", ALL)
def test_a_file_without_its_header_stops_without_quoting_it(tmp_path: Path, kind: str, samples: dict,
                                                            context: ReadContext) -> None:
    """Given a file that lost its header row (its first line is a child's record), when read, then one
    SourceError names the file, the rule and line 1 by its number of fields, and quotes no value of the file."""
    header, rows = samples[kind]
    data = csv_bytes(header, rows).split(b"\n", 1)[1]
    path = put(tmp_path, data)
    with pytest.raises(SourceError) as caught:
        read(kind, path, context)
    message = str(caught.value)
    filled = sum(1 for c in header if rows[0][c])
    assert message.startswith(f"{path}: no header row with the expected columns in the first 30 rows (expected ")
    assert f"line 1 has {filled} filled fields but is not the header; its values are withheld" in message
    cells = {r[c] for r in rows for c in header if len(r[c]) > 2}
    assert not {v for v in cells if v in message}


# Identifiers typed into the wrong columns (a hand-edited or misaligned export), row by row:
# column -> the identifying column whose value it receives ("Forename+Surname" for the full name).
MISPLACED = {
    "ehcp_cases": [{"Decision": "Forename+Surname"}, {"Request Date": "Postcode"}, {"Placement Type": "NHS Number"},
                   {"Ceased Reason": "Forename+Surname"}, {"Primary Need": "Child ID"}],
    "waiting_list": [{"Pathway": "Forename+Surname"}, {"Diagnosis Outcome": "Postcode"},
                     {"Provider": "NHS Number"}, {"GP Practice": "Surname"}, {"First Contact Date": "Date of Birth"}],
    "advice_returns": [{"Trust Name": "LA Case Reference"}, {"Request Date": "LA Case Reference"},
                       {"Trust Code": "LA Case Reference"}],
    "social_care_cases": [{"Primary Disability": "Forename+Surname"}, {"Short Breaks": "Postcode"},
                          {"Start Date": "NHS Number"}, {"End Date": "Date of Birth"}],
}


def misplace(rows: list[Row], kind: str) -> list[Row]:
    out = [dict(r) for r in rows]
    for r, edit in zip(out, MISPLACED[kind], strict=False):
        for column, source in edit.items():
            r[column] = " ".join(r[s] for s in source.split("+"))
    return out


@pytest.mark.parametrize("kind", ALL)
def test_identifiers_in_the_wrong_columns_are_never_shown_or_landed(tmp_path: Path, kind: str, samples: dict,
                                                                    context: ReadContext) -> None:
    """Given rows whose coded, date and free-text columns hold a child's name, postcode, NHS number or
    id, when read, then each such row is quarantined, its value and record withheld, and no identifier
    reaches the rows to load."""
    header, rows = samples[kind]
    rows = misplace(rows, kind)
    parsed = read(kind, put(tmp_path, csv_bytes(header, rows)), context)
    accounted(parsed, N, rows)
    assert sorted(parsed.quarantine["line"]) == list(range(2, 2 + len(MISPLACED[kind])))
    loaded = [str(cell) for cell in parsed.frame.to_numpy().ravel()]
    assert not {v for v in clear_values(rows) if any(v in cell for cell in loaded)}
