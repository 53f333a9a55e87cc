"""Issue 14, point 7: published layouts checked whole, values checked for sense.

Broken variants of the real DfE files (and of demo case-level extracts) are written to tmp_path: a
caseload.csv without its ehcplans column, the real caseload.csv cut in half, a period without its
England row, a county extract missing an authority, a pupil count of -7, 32 of 50 requests dated 2031,
and 40 children sharing the NHS number 1234567890."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd
import pytest

from jsna.errors import SourceError
from jsna.sources import ees, ehcp_cases, waiting_list
from jsna.sources.context import ReadContext
from jsna.sources.identity import Pseudonymiser
from tests.unit.sources.test_case_adapters import demo_context

REALDATA = (Path(__file__).resolve().parents[2] / ".." / "shared" / "realdata").resolve()
CASELOAD = REALDATA / "education" / "ehcp_sen2_2025" / "data" / "caseload.csv"
SEN_LA = REALDATA / "social_care" / "cin" / "sen_la.csv"
EHCP_DATES = ["Request Date", "Decision Date", "Draft Issue Date", "Final Issue Date", "Ceased Date", "Date of Birth"]


def read_text(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def write(frame: pd.DataFrame, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, quoting=csv.QUOTE_MINIMAL)
    return path


@pytest.fixture(scope="module")
def caseload() -> pd.DataFrame:
    if not CASELOAD.is_file():
        pytest.fail(f"{CASELOAD} is missing: the real public files must sit beside the repository")
    return read_text(CASELOAD)


@pytest.fixture(scope="module")
def context(demo_dir: Path) -> ReadContext:
    return demo_context(demo_dir)


# -- required columns and completeness -------------------------------------------------------------------
def test_a_caseload_file_without_ehcplans_is_stopped_naming_the_column(caseload: pd.DataFrame,
                                                                       tmp_path: Path) -> None:
    """Given the real caseload.csv without its ehcplans column, when read as ees_ehcp, then one SourceError
    names the file and the missing column (today it loads as "ok")."""
    path = write(caseload.drop(columns="ehcplans"), tmp_path / "caseload.csv")
    with pytest.raises(SourceError) as err:
        ees.read_ees_ehcp(path, {})
    message = str(err.value)
    assert message.startswith(f"{path}: missing column ehcplans,")
    assert "every ees_ehcp caseload file has" in message and message.count(".") >= 1


def test_the_real_caseload_cut_in_half_is_stopped_naming_the_incomplete_period(tmp_path: Path) -> None:
    """Given the real caseload.csv cut at half its bytes (12,638 of 25,339 rows left, the last one torn),
    when read, then a SourceError names the file, the period left half-written and the authorities
    missing from it, with the England figure they fail to add up to (today: "ok, with rows to quarantine")."""
    data = CASELOAD.read_bytes()
    path = tmp_path / "caseload.csv"
    path.write_bytes(data[: len(data) // 2])
    last_whole = data[: len(data) // 2].decode("utf-8-sig").split("\n")[-2]
    period = last_whole.split(",")[0]
    assert period == "202324"
    with pytest.raises(SourceError) as err:
        ees.read_ees_ehcp(path, {})
    message = str(err.value)
    assert message.startswith(f"{path}: period 202324 (Academic year) is incomplete: it lacks ")
    assert re.search(r"named in the periods next to it, and holds \d+ authorities where England has at least 150\.$",
                     message)


def test_the_real_caseload_missing_one_authority_in_its_last_period_is_stopped(caseload: pd.DataFrame,
                                                                              tmp_path: Path) -> None:
    """Given the real caseload.csv without Hampshire's rows in 2024/25 (152 authorities left, so the count
    alone looks whole), when read, then a SourceError names the period and Hampshire, whose 17,784 plans
    are what the authorities fall short of England's 638,745 by."""
    cut = caseload[~((caseload["new_la_code"] == "E10000014") & (caseload["time_period"] == "202425"))]
    path = write(cut, tmp_path / "caseload.csv")
    with pytest.raises(SourceError) as err:
        ees.read_ees_ehcp(path, {})
    assert str(err.value) == (f"{path}: period 202425 (Academic year) is incomplete: it lacks 1 authority "
                              "(E10000014), named in the periods next to it, and its 152 authorities' ehcplans add "
                              f"up to {638745 - 17784:,} where its England row says 638,745.")


def test_the_whole_real_caseload_still_loads(caseload: pd.DataFrame) -> None:
    """Given the real caseload.csv as published (authorities reorganised in 2019, 2021 and 2023), when read,
    then every row loads: the completeness rules accept what DfE publishes."""
    parsed = ees.read_ees_ehcp(CASELOAD, {})
    assert (parsed.rows_in, parsed.rows_loaded, len(parsed.quarantine)) == (len(caseload), 25339, 0)


def test_a_period_without_its_england_row_is_stopped(caseload: pd.DataFrame, tmp_path: Path) -> None:
    """Given the real caseload.csv without its national rows for 2019/20, when read, then a SourceError
    names the file and the period that has no England row."""
    cut = caseload[~((caseload["geographic_level"] == "National") & (caseload["time_period"] == "201920"))]
    path = write(cut, tmp_path / "caseload.csv")
    with pytest.raises(SourceError, match=re.escape(f"{path}: period 201920 (Academic year) has no national "
                                                    "(England) row; is the file complete?")):
        ees.read_ees_ehcp(path, {})


def test_a_county_extract_missing_an_authority_in_one_period_is_stopped(caseload: pd.DataFrame,
                                                                       tmp_path: Path) -> None:
    """Given the South East's rows of caseload.csv (not all of England) without Hampshire's in 2021/22,
    when read, then a SourceError names the period and Hampshire's code, named in the periods either side;
    the whole South East (Buckinghamshire's code changing in 2020 and back in 2023) loads."""
    south_east = caseload[(caseload["region_name"] == "South East") | (caseload["geographic_level"] == "National")]
    cut = south_east[~((south_east["new_la_code"] == "E10000014") & (south_east["time_period"] == "202122"))]
    path = write(cut, tmp_path / "caseload.csv")
    with pytest.raises(SourceError, match=re.escape(f"{path}: period 202122 (Academic year) lacks 1 authority "
                                                    "(E10000014), named in the periods next to it; is the file "
                                                    "complete?")):
        ees.read_ees_ehcp(path, {})
    whole = ees.read_ees_ehcp(write(south_east, tmp_path / "whole" / "caseload.csv"), {})
    assert whole.rows_loaded == len(south_east) and whole.quarantine.empty


# -- values for sense ---------------------------------------------------------------------------------------
def test_a_negative_pupil_count_is_quarantined(tmp_path: Path) -> None:
    """Given the real children-in-need SEN table with one authority's pupils set to -7, when read, then that
    row is quarantined (column t_pupils, rule "negative count", its line) and every other row loads."""
    frame = read_text(SEN_LA)
    at = frame.index[frame["geographic_level"] == "Local authority"][10]
    frame.loc[at, "t_pupils"] = "-7"
    path = write(frame, tmp_path / "sen_la.csv")
    parsed = ees.read_cin_census(path, {})
    q = parsed.quarantine
    assert q[["line", "column_name", "rule", "value"]].values.tolist() == [[at + 2, "t_pupils", "negative count", "-7"]]
    assert parsed.rows_loaded == len(frame) - 1 and -7 not in parsed.frame["value"].tolist()


def shifted(rows: pd.DataFrame, years: int) -> pd.DataFrame:
    """The rows with every date moved `years` later (day and month kept)."""
    out = rows.copy()
    for column in EHCP_DATES:
        d = out[column].str.split("/", expand=True)
        keep = out[column] != ""
        out.loc[keep, column] = d[0] + "/" + d[1] + "/" + (d[2].astype("Int64") + years).astype(str)
    return out


@pytest.fixture(scope="module")
def fifty_requests(demo_dir: Path) -> pd.DataFrame:
    """50 requests from the demo (no 29 February, so every date shifts cleanly), of 50 different children."""
    rows = read_text(demo_dir / "education" / "ehcp_cases.csv")
    rows = rows[~rows[EHCP_DATES].apply(lambda c: c.str.startswith("29/02")).any(axis=1)]
    rows = rows[rows["Request Date"].str.endswith("2024")].drop_duplicates("Child ID")
    return rows.head(50).reset_index(drop=True)


def test_requests_dated_after_the_extract_are_quarantined(fifty_requests: pd.DataFrame, context: ReadContext,
                                                         tmp_path: Path) -> None:
    """Given 50 demo requests of 2024, 32 of them moved (with all their dates) to 2031, when read, then the
    32 are quarantined under request_date as dated after the extract date (the file's own date, today)
    and the 18 others load (today all 50 load)."""
    rows = pd.concat([shifted(fifty_requests.head(32), 7), fifty_requests.iloc[32:]], ignore_index=True)
    assert rows["Request Date"].str.endswith("2031").sum() == 32
    path = write(rows, tmp_path / "ehcp_cases.csv")
    parsed = ehcp_cases.read(path, {}, context)
    q = parsed.quarantine
    assert (parsed.rows_in, parsed.rows_loaded, len(q)) == (50, 18, 32)
    assert set(q["column_name"]) == {"request_date"} and sorted(q["line"]) == list(range(2, 34))
    assert set(q["rule"]) == {f"date after the extract date ({pd.Timestamp.now():%d/%m/%Y})"}


def test_the_extract_date_option_sets_the_limit(fifty_requests: pd.DataFrame, context: ReadContext,
                                               tmp_path: Path) -> None:
    """Given the 50 requests of 2024 and `extract_date = 2024-06-30`, when read, then those after 30 June
    2024 are quarantined as after the extract date, and a malformed extract_date stops the file."""
    path = write(fifty_requests, tmp_path / "ehcp_cases.csv")
    after = pd.to_datetime(fifty_requests[EHCP_DATES[:5]].stack(), format="%d/%m/%Y").unstack() > "2024-06-30"
    parsed = ehcp_cases.read(path, {"extract_date": "2024-06-30"}, context)
    q = parsed.quarantine
    assert 0 < after.any(axis=1).sum() == len(q) and set(q["rule"]) == {"date after the extract date (30/06/2024)"}
    with pytest.raises(SourceError, match=r"extract_date '30/06/2024' is not a date \(YYYY-MM-DD\)\."):
        ehcp_cases.read(path, {"extract_date": "30/06/2024"}, context)


# -- NHS numbers ------------------------------------------------------------------------------------------
def test_nhs_numbers_failing_modulus_11_or_of_one_digit_are_not_usable() -> None:
    """Given NHS numbers, then only those passing the modulus 11 check and not one digit repeated are usable."""
    from jsna.sources.identity import usable_nhs_number

    numbers = pd.Series(["943 476 5919", "1234567890", "1111111111", "9999999999", "9434765918", ""])
    assert usable_nhs_number(numbers).tolist() == [True, False, False, False, False, False]


@pytest.mark.parametrize("number", ["1234567890", "1111111111"])
def test_forty_children_sharing_a_bad_nhs_number_stay_forty_children(fifty_requests: pd.DataFrame,
                                                                     context: ReadContext, tmp_path: Path,
                                                                     number: str) -> None:
    """Given 40 requests of 40 children all given the NHS number 1234567890 (fails modulus 11) or 1111111111
    (a placeholder), when read, then the number is not used to link: they keep 40 different child keys
    (from their UPNs), the same keys as with no NHS number at all, and their lines are flagged (today: one
    child)."""
    rows = fifty_requests.head(40).assign(**{"NHS Number": number})
    parsed = ehcp_cases.read(write(rows, tmp_path / "ehcp_cases.csv"), {}, context)
    assert parsed.rows_loaded == 40 and parsed.frame["child_key"].nunique() == 40
    assert parsed.extras["nhs_not_usable"] == list(range(2, 42))  # flagged, line by line
    by_upn = Pseudonymiser(None, demo=True).child_key(upn=rows["UPN"], local_id=rows["Child ID"])
    assert parsed.frame["child_key"].tolist() == by_upn.tolist()


def test_a_waiting_list_row_with_only_a_bad_nhs_number_is_quarantined(demo_dir: Path, context: ReadContext,
                                                                      tmp_path: Path) -> None:
    """Given demo waiting-list rows (keyed by NHS number alone) where two carry 1234567890, when read, then
    those two are quarantined as not usable, naming the modulus 11 check, and never shown."""
    rows = read_text(demo_dir / "health" / "waiting_list.csv").head(10)
    rows.loc[[3, 7], "NHS Number"] = "1234567890"
    parsed = waiting_list.read(write(rows, tmp_path / "waiting_list.csv"), {}, context)
    q = parsed.quarantine
    assert q[["line", "column_name", "rule"]].values.tolist() == [
        [5, "child_id", "identifier not usable (NHS number must have 10 digits and pass the modulus 11 check)"],
        [9, "child_id", "identifier not usable (NHS number must have 10 digits and pass the modulus 11 check)"]]
    assert "1234567890" not in io.StringIO(q.to_csv()).getvalue()


def test_a_real_children_in_need_table_missing_one_authority_is_stopped(tmp_path: Path) -> None:
    """Given DfE's children in need table (b1, 2013-2025; England rounded to 10, authorities not) without
    Hampshire's rows in 2025, when read as cin_census, then a SourceError names the period and Hampshire,
    whose children in need at 31 March are what the authorities fall short of England's figure by; the
    table as published loads whole."""
    table = REALDATA / "social_care" / "dfe_csc_outcomes_enablers" / "b1_children_in_need_2013_to_2025.csv"
    whole = read_text(table)
    assert ees.read_cin_census(table, {}).quarantine.empty
    in_2025 = whole[whole["time_period"] == "2025"]
    england = int(in_2025.loc[in_2025["geographic_level"] == "National", "At31_episodes"].iloc[0])
    hampshire = (whole["new_la_code"] == "E10000014") & (whole["time_period"] == "2025")
    others = in_2025.loc[(in_2025["geographic_level"] == "Local authority") & ~hampshire, "At31_episodes"]
    path = write(whole[~hampshire], tmp_path / table.name)
    with pytest.raises(SourceError) as err:
        ees.read_cin_census(path, {})
    assert str(err.value) == (f"{path}: period 2025 (Reporting year) is incomplete: it lacks 1 authority "
                              f"(E10000014), named in the periods next to it, and its {len(others)} authorities' "
                              f"At31_episodes add up to {others.astype(int).sum():,} where its England row says "
                              f"{england:,}.")
