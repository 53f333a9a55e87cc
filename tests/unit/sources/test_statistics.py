"""Published aggregate statistics (DfE explore-education-statistics files, NHS England long files and
community health workbooks) as one long frame: numbers, symbols, quarantine and wrong files."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from jsna.demo.school_census import COLUMNS as DEMO_SCHOOL_CENSUS_COLUMNS
from jsna.errors import SourceError
from jsna.schemas.statistics import LONG_COLUMNS
from jsna.sources import ees, nhs_stats
from tests.frames import one as row

EES_HEADER = ("time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
              "new_la_code,old_la_code,la_name,breakdown_topic,breakdown,ehcplans,mainstream_total_pc\n")
NATIONAL = "202425,Academic year,National,E92000001,England,,,,,,All EHC plans,All EHC plans,"
HAMPSHIRE = "202425,Academic year,Local authority,E92000001,England,E12000008,South East,E10000014,850,Hampshire,"
NHS_HEADER = ("REPORTING_PERIOD_START,REPORTING_PERIOD_END,STATUS,BREAKDOWN,PRIMARY_LEVEL,PRIMARY_LEVEL_DESCRIPTION,"
              "SECONDARY_LEVEL,SECONDARY_LEVEL_DESCRIPTION,MEASURE_ID,MEASURE_NAME,MEASURE_VALUE\n")


def write(tmp_path: Path, text: str, name: str = "caseload.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_thousands_separators_parse_and_every_measure_becomes_a_long_row(tmp_path: Path) -> None:
    """Given an EHCP caseload file with "638,745" in a quoted cell, when read, then the value is 638745
    and each input row lands as one long row per measure, with the long frame's columns."""
    path = write(tmp_path, EES_HEADER + NATIONAL + '"638,745",40.1\n' + HAMPSHIRE + 'Sex,Female,"5,021",38.2\n')
    parsed = ees.read_ees_ehcp(path, {})
    assert list(parsed.frame.columns) == LONG_COLUMNS
    assert (parsed.rows_in, parsed.rows_loaded, len(parsed.quarantine), len(parsed.frame)) == (2, 2, 0, 4)
    england = row(parsed.frame, area_code="E92000001", measure="ehcplans")
    assert england["value"] == 638745 and england["dataset"] == "ees_ehcp:caseload" and england["line"] == 2
    hampshire = row(parsed.frame, area_code="E10000014", measure="ehcplans")
    assert (hampshire["old_la_code"], hampshire["breakdown_topic"], hampshire["breakdown"]) == ("850", "Sex", "Female")
    assert hampshire["value"] == 5021 and pd.isna(hampshire["symbol"])


@pytest.mark.parametrize("cell", ["x", "c", "z", "low", " k ", "u", ":", "X"])
def test_a_suppression_symbol_is_kept_as_the_symbol_never_as_zero(tmp_path: Path, cell: str) -> None:
    """Given a measure cell holding a DfE symbol, when read, then the symbol is kept and the value is missing."""
    path = write(tmp_path, EES_HEADER + NATIONAL + f"638745,{cell}\n")
    got = row(ees.read_ees_ehcp(path, {}).frame, measure="mainstream_total_pc")
    assert got["symbol"] == cell.strip().lower()
    assert math.isnan(got["value"])


def test_a_garbage_value_quarantines_its_row_naming_line_and_column(tmp_path: Path) -> None:
    """Given a Hampshire row with 'n/a' in ehcplans, when read, then that input row is quarantined whole,
    with its line, the column and the value, and the other row loads."""
    garbage = HAMPSHIRE + "All EHC plans,All EHC plans,n/a,38.2\n"
    path = write(tmp_path, EES_HEADER + NATIONAL + "638745,40.1\n" + garbage)
    parsed = ees.read_ees_ehcp(path, {})
    assert (parsed.rows_in, parsed.rows_loaded, len(parsed.quarantine)) == (2, 1, 1)
    q = parsed.quarantine.iloc[0]
    assert (q["line"], q["column_name"], q["value"]) == (3, "ehcplans", "n/a")
    assert "not a number" in q["rule"]
    assert set(parsed.frame["area_code"]) == {"E92000001"}


def test_structurally_broken_rows_are_quarantined_with_the_reason(tmp_path: Path) -> None:
    """Given rows with a period '2024/25', a Local authority row without new_la_code, a period 202427
    (not consecutive years) and a blank cell, when read, then the first three are quarantined (the last
    by the contract) and the blank cell gives no long row."""
    rows = [
        HAMPSHIRE.replace("202425", "2024/25") + "Sex,Male,1,2\n",
        HAMPSHIRE.replace("E10000014", "") + "Sex,Male,1,2\n",
        HAMPSHIRE.replace("202425", "202427") + "Sex,Male,1,2\n",
        HAMPSHIRE + "Sex,Male,1,\n",
    ]
    parsed = ees.read_ees_ehcp(write(tmp_path, EES_HEADER + "".join(rows)), {})
    q = parsed.quarantine.set_index("line")
    assert (parsed.rows_in, parsed.rows_loaded) == (4, 1)
    assert q.loc[2, "column_name"] == "time_period" and q.loc[2, "value"] == "2024/25"
    assert q.loc[3, "column_name"] == "new_la_code"
    assert q.loc[4, "rule"] == "contract: time_period two_year_period_consecutive"
    assert parsed.frame["measure"].tolist() == ["ehcplans"]


def test_a_file_of_the_wrong_kind_stops_with_one_error_naming_the_missing_columns(tmp_path: Path) -> None:
    """Given a children-in-need table (no breakdown_topic/breakdown) read as ees_ehcp, when read, then one
    SourceError names both missing columns; an EHCP file read as MHSDS names the NHS columns it expected."""
    cin = write(tmp_path, "time_period,time_identifier,geographic_level,country_code,country_name,region_code,"
                          "region_name,old_la_code,new_la_code,la_name,category,Anypoint_child\n"
                          "2025,Reporting year,National,E92000001,England,,,,,,Children in Need,704430\n", "b1.csv")
    with pytest.raises(SourceError, match=r"b1\.csv: missing columns breakdown_topic, breakdown"):
        ees.read_ees_ehcp(cin, {})
    ehcp = write(tmp_path, EES_HEADER + NATIONAL + "638745,40.1\n")
    with pytest.raises(SourceError, match=r"REPORTING_PERIOD_START, REPORTING_PERIOD_END"):
        nhs_stats.read_mhsds(ehcp, {})


def test_older_sen2_layout_turns_its_filter_into_the_breakdown(tmp_path: Path) -> None:
    """Given the 2022 sen2_age_caseload layout (filter characteristic_age, 'z' for no statements), when
    read, then Total rows have breakdown Total and the age bands sit under their filter's name."""
    path = write(tmp_path,
                 "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
                 "old_la_code,new_la_code,la_name,characteristic_age,Total_st,Total_ehc\n"
                 "2022,Calendar year,Local authority,E92000001,England,E12000008,South East,850,E10000014,Hampshire,"
                 "Total,z,12750\n"
                 "2022,Calendar year,Local authority,E92000001,England,E12000008,South East,850,E10000014,Hampshire,"
                 "Under 5,z,450\n", "sen2_age_caseload.csv")
    frame = ees.read_sen2_mi(path, {}).frame
    assert set(frame["dataset"]) == {"sen2_mi:age_caseload"}
    assert row(frame, breakdown="Total", measure="total_ehc")["value"] == 12750
    under5 = row(frame, breakdown="Under 5", measure="total_st")
    assert under5["breakdown_topic"] == "characteristic_age" and under5["symbol"] == "z"


def test_school_level_census_uses_the_urn_and_la_level_its_gss_code(tmp_path: Path) -> None:
    """Given the demo generator's school-level layout and the published LA-level layout, when read as
    school_census_sen, then school rows are keyed by URN and named by the school, LA rows by new_la_code."""
    header = ",".join(DEMO_SCHOOL_CENSUS_COLUMNS) + "\n"
    school = write(tmp_path, header + "202425,Academic year,School,X92000001,England,X12000008,South East,850,"
                                      "X10000014,Demoshire,116123,Oakfield Primary,State-funded primary,"
                                      "Academy converter,\"1,210\",151,12.5,48,4\n", "school_census_sen.csv")
    frame = ees.read_school_census_sen(school, {}).frame
    ehc = row(frame, measure="ehc_plan")
    assert (ehc["geographic_level"], ehc["area_code"], ehc["area_name"], ehc["value"]) == (
        "School", "116123", "Oakfield Primary", 48)
    assert row(frame, measure="total_pupils")["value"] == 1210
    assert ehc["breakdown"] == "State-funded primary; Academy converter"

    la = write(tmp_path, "time_period,time_identifier,geographic_level,country_code,country_name,region_code,"
                         "region_name,old_la_code,new_la_code,la_name,phase_type_grouping,total_pupils,sen_support,"
                         "ehc_plan\n202425,Academic year,Local authority,E92000001,England,E12000008,South East,850,"
                         "E10000014,Hampshire,Total,\"190,000\",c,\"9,100\"\n", "sen_la.csv")
    frame = ees.read_school_census_sen(la, {}).frame
    assert row(frame, measure="ehc_plan")[["area_code", "breakdown", "value"]].tolist() == ["E10000014", "Total", 9100]
    assert row(frame, measure="sen_support")["symbol"] == "c"


def test_nhs_long_file_periods_levels_breakdowns_and_areas(tmp_path: Path) -> None:
    """Given an MHSDS-like file (a month, a rolling quarter, an England ethnicity breakdown, a '*', and a
    one-day period), when read, then periods are end months with their length, '*' is a symbol, the
    broken period is quarantined, and `areas` keeps only the named organisations."""
    path = write(tmp_path, NHS_HEADER + "\n".join([
        "01/11/2022,30/11/2022,Performance,Provider,RW1,SOUTHERN HEALTH NHS FOUNDATION TRUST,NONE,NONE,MHS01,"
        "People in contact,\"17,335\"",
        "01/09/2022,30/11/2022,Performance,Sub ICB - GP Practice or Residence,D9Y0V,NHS HIOW ICB - D9Y0V,NONE,NONE,"
        "ED86,Urgent ED referrals,*",
        "01/07/2022,31/07/2022,Performance,England; Ethnicity,England,England,White,White,MHS01,People in contact,99",
        "01/07/2022,01/07/2022,Performance,Provider,RW1,SOUTHERN HEALTH NHS FOUNDATION TRUST,NONE,NONE,MHS01,"
        "People in contact,5",
    ]) + "\n", "mhsds.csv")
    parsed = nhs_stats.read_mhsds(path, {})
    frame = parsed.frame
    assert (parsed.rows_in, parsed.rows_loaded) == (4, 3)
    assert parsed.quarantine.iloc[0]["line"] == 5
    assert parsed.quarantine.iloc[0]["rule"] == "reporting period is not whole calendar months"
    rw1 = row(frame, area_code="RW1")
    assert (rw1["time_period"], rw1["time_identifier"], rw1["measure"], rw1["value"]) == ("2022-11", "Month",
                                                                                          "mhs01", 17335)
    icb = row(frame, area_code="D9Y0V")
    assert (icb["geographic_level"], icb["time_identifier"], icb["symbol"]) == ("Sub-ICB", "Rolling 3 months", "*")
    assert math.isnan(icb["value"])
    white = row(frame, geographic_level="National")
    assert (white["area_code"], white["breakdown_topic"], white["breakdown"]) == ("E92000001", "Ethnicity", "White")
    assert parsed.extras["measures"]["mhs01"] == "People in contact"

    only = nhs_stats.read_mhsds(path, {"areas": ["D9Y0V"]})
    assert set(only.frame["area_code"]) == {"D9Y0V"}
    assert (only.rows_in, only.extras["rows_outside_areas"]) == (1, 3)


def test_community_health_workbook_month_bands_and_symbols(tmp_path: Path) -> None:
    """Given a workbook with title rows, Table 4 (total) and Table 4g (over 52 weeks) by organisation
    type/code/name and service, when read, then the month comes from the title, each band is a measure,
    each service a breakdown, '*' a symbol and a blank cell no row."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    header = ["Organisation Type", "Organisation Code", "Organisation Name", "(A) Audiology",
              "(CYP) Audiology", "(CYP) Community paediatric service"]
    for sheet, title, values in (("Table 4", "Total waiting list by service, October 2023", [5, "*", 97]),
                                 ("Table 4g", "Number waiting over 52 weeks (over 365 days) by service, "
                                              "October 2023", [0, None, 3])):
        ws = wb.create_sheet(sheet)
        ws.append([title])
        ws.append(["Blanks indicate no organisation submitted for the service line."])
        ws.append(header)
        ws.append(["National", None, "England", 20380, 1500, 60000])
        ws.append(["ICB", "QRL", "HAMPSHIRE AND ISLE OF WIGHT", *values])
    path = tmp_path / "community_health_2023-12-01.xlsx"
    wb.save(path)

    parsed = nhs_stats.read_community_health(path, {})
    frame = parsed.frame
    assert (parsed.rows_in, parsed.rows_loaded, len(frame)) == (4, 4, 11)
    assert set(frame["time_period"]) == {"2023-10"}
    paed = row(frame, area_code="QRL", breakdown="(CYP) Community paediatric service", measure="waiting >52 weeks")
    assert (paed["geographic_level"], paed["breakdown_topic"], paed["value"]) == ("ICB", "Service", 3)
    assert row(frame, area_code="QRL", breakdown="(CYP) Audiology", measure="total waiting list")["symbol"] == "*"
    assert row(frame, geographic_level="National", breakdown="(A) Audiology",
               measure="total waiting list")["area_code"] == "E92000001"


def test_community_health_derived_series_reads_r_na_as_nothing_published(tmp_path: Path) -> None:
    """Given DfE's derived CSV series with R's NA, when read, then NA cells give no row and the rest load."""
    path = write(tmp_path, '"","Organisation Type","Organisation Name","Date","formattedDate","Therapy",'
                           '"Total waiting list","Waiting >52 weeks"\n'
                           '"1",NA,"England","January 2023",2023-01-01,"Audiology",17272,508\n'
                           '"2","Organisation","Solent NHS Trust","January 2023",2023-01-01,"Audiology",NA,NA\n',
                 "la_ch_time_series_derived.csv")
    parsed = nhs_stats.read_community_health(path, {})
    assert (parsed.rows_in, parsed.rows_loaded, len(parsed.frame)) == (2, 2, 2)
    got = row(parsed.frame, measure="total waiting list")
    assert (got["geographic_level"], got["time_period"], got["breakdown"], got["value"]) == (
        "National", "2023-01", "Audiology", 17272)
