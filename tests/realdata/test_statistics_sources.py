"""Published statistics read from the real public files (read in place, never copied): the DfE EHC plans
releases (2025 and the older 2022 SEN2 layout), children in need census tables, NHS Autism Statistics,
MHSDS and community health waiting lists. Every file loads; DfE's published figures come out exactly;
suppression symbols stay symbols."""

from __future__ import annotations

import csv
import functools
import gzip
import io
import itertools
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from jsna.schemas.statistics import LONG_COLUMNS
from jsna.sources import ees, nhs_stats
from jsna.sources.base import Parsed
from tests.frames import one

pytestmark = pytest.mark.realdata

REALDATA = (Path(__file__).resolve().parents[2] / ".." / "shared" / "realdata").resolve()
READERS: dict[str, Callable[[Path, dict[str, Any]], Parsed]] = {
    "ees_ehcp": ees.read_ees_ehcp, "sen2_mi": ees.read_sen2_mi, "cin_census": ees.read_cin_census,
    "autism_stats": nhs_stats.read_autism_stats, "mhsds": nhs_stats.read_mhsds,
    "community_health": nhs_stats.read_community_health,
}
FOLDERS = {
    "ees_ehcp": "education/ehcp_sen2_2025/data/*.csv", "sen2_mi": "education/ehcp_sen2_2022/data/*.csv",
    "cin_census": "social_care/**/*.csv", "autism_stats": "health/nhs_autism_stats/*",
    "mhsds": "health/nhs_mhsds/*", "community_health": "health/nhs_community_health/*",
}
FILES = sorted((kind, p.relative_to(REALDATA).as_posix()) for kind, pattern in FOLDERS.items()
               for p in REALDATA.glob(pattern) if p.is_file())
MHSDS = "health/nhs_mhsds/MHSDS Time_Series_data_Apr_2016_NovPrf_2022.csv.gz"
AUTISM = "health/nhs_autism_stats/AutismStatsDec22_subICB.csv.gz"
EHCP = "education/ehcp_sen2_2025/data/"
CH = "health/nhs_community_health/community_health_2023-{:02d}-01.xlsx"


@functools.cache
def load(kind: str, rel: str) -> Parsed:
    """Each file is read once per test session, however many tests look at it."""
    return READERS[kind](REALDATA / rel, {})


@pytest.fixture(scope="module")
def mhsds() -> Parsed:
    return load("mhsds", MHSDS)


def manifest_rows() -> dict[str, int]:
    with open(REALDATA / "MANIFEST.csv", encoding="utf-8") as f:
        return {r["local_path"]: int(r["rows_or_features"]) for r in csv.DictReader(f)
                if r["rows_or_features"].isdigit()}


def raw_cell(rel: str, line: int, column: str) -> str:
    """The cell as written in the file (read with the csv module, independently of the adapters)."""
    path = REALDATA / rel
    data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    reader = csv.reader(io.StringIO(data.decode("utf-8-sig")))
    header = next(reader)
    cells = next(itertools.islice(reader, line - 2, None))
    return cells[header.index(column)]


def test_the_files_to_load_are_all_there() -> None:
    """Given the real-data folders, then the 38 files this suite covers are found (none silently missing)."""
    assert len(FILES) == 38, FILES


@pytest.mark.parametrize(("kind", "rel"), FILES, ids=[rel for _, rel in FILES])
def test_every_file_loads_and_accounts_for_every_row(kind: str, rel: str) -> None:
    """Given a published file, when read by its kind's adapter, then every input row is either loaded or
    quarantined (CSV rows matching the manifest's count), the long frame has the shared columns, and no
    symbol carries a value. Only the autism file's one-day period is quarantined."""
    parsed = load(kind, rel)
    assert parsed.rows_in == parsed.rows_loaded + len(parsed.quarantine)
    assert list(parsed.frame.columns) == LONG_COLUMNS
    assert parsed.raw_table == "statistics"
    if rel in manifest_rows():
        assert parsed.rows_in == manifest_rows()[rel]
    assert len(parsed.quarantine) == (1 if rel == AUTISM else 0)
    frame = parsed.frame
    assert len(frame) > 0
    assert (frame["value"].isna() == frame["symbol"].notna()).all()
    key = ["time_period", "time_identifier", "geographic_level", "area_code", "breakdown_topic", "breakdown", "measure"]
    assert not frame.duplicated(key).any()


def test_hampshire_and_england_ehc_plans_as_published() -> None:
    """Given the 2025 caseload file, when read, then Hampshire (E10000014, LA 850) held 17,784 EHC plans in
    January 2025 and 8,271 in January 2019, and England 638,745 in January 2025."""
    frame = load("ees_ehcp", EHCP + "caseload.csv").frame
    plans = frame[(frame["measure"] == "ehcplans") & (frame["breakdown"] == "All EHC plans")]
    hampshire = one(plans, area_code="E10000014", time_period="202425")
    assert (hampshire["value"], hampshire["old_la_code"], hampshire["area_name"]) == (17784, "850", "Hampshire")
    assert hampshire["dataset"] == "ees_ehcp:caseload" and hampshire["time_identifier"] == "Academic year"
    assert one(plans, area_code="E10000014", time_period="201819")["value"] == 8271
    assert one(plans, geographic_level="National", time_period="202425")["value"] == 638745


def test_hampshire_twenty_week_timeliness_as_published() -> None:
    """Given the 2025 timeliness file, when read, then Hampshire issued 41.0% of new plans within 20 weeks
    in calendar year 2024 (959 of 2,340) and 75.4% in 2023."""
    frame = load("ees_ehcp", EHCP + "timeliness_20_week.csv").frame
    hampshire = frame[(frame["area_code"] == "E10000014") & (frame["breakdown"] == "All EHC plans issued")]
    y2024 = hampshire[hampshire["time_period"] == "2024"].set_index("measure")["value"]
    assert (y2024["plans_issued_within_20_weeks"], y2024["plans_issued_den"]) == (959, 2340)
    assert y2024["pc_plans_issued_within_20_weeks"] == pytest.approx(41.0)
    assert round(100 * 959 / 2340, 1) == 41.0
    y2023 = one(hampshire, time_period="2023", measure="pc_plans_issued_within_20_weeks")
    assert y2023["value"] == pytest.approx(75.4) and y2023["time_identifier"] == "Calendar year"


@pytest.mark.parametrize(("kind", "rel", "line", "column", "symbol"), [
    ("ees_ehcp", EHCP + "caseload.csv", 2, "ukrlp_provider", "x"),  # England 2018/19: not available
    ("ees_ehcp", EHCP + "assessments.csv", 2, "assess_in_year", "x"),
    ("sen2_mi", "education/ehcp_sen2_2022/data/sen2_mi.csv", 2, "Assnone", "z"),  # not applicable
    ("cin_census", "social_care/cin/sen_la.csv", 12, "t_MSI", "c"),  # suppressed
    ("cin_census", "social_care/cin/sen_national.csv", 11, "pt_PMLD_ss", "k"),
    ("cin_census", "social_care/dfe_csc_outcomes_enablers/b1_children_in_need_2013_to_2025.csv", 243,
     "Started_episodes", "u"),  # low reliability
    ("cin_census", "social_care/dfe_csc_outcomes_enablers/c3_factors_identified_at_end_of_assessment_2018_to_2025.csv",
     1108, "Alcohol_Misuse_child", "z"),
    ("autism_stats", AUTISM, 152, "METRIC_VALUE", "*"),  # NHS small-number suppression
])
def test_published_symbols_stay_symbols_never_zero(kind: str, rel: str, line: int, column: str, symbol: str) -> None:
    """Given a real cell holding a suppression symbol, when its file is read, then the long row for that
    line and column has the symbol and a missing value (never 0)."""
    assert raw_cell(rel, line, column) == symbol
    frame = load(kind, rel).frame
    at = frame[frame["line"] == line]
    got = one(at, measure=column.lower()) if kind != "autism_stats" else one(at)
    assert got["symbol"] == symbol
    assert math.isnan(got["value"])


def test_children_in_need_assessment_factors_include_disability() -> None:
    """Given the c3 factors at end of assessment table, when read, then Hampshire's 2025 disability factors
    are measures (learning disability of the child 2,089) and its 2024 figures are 'u' (low reliability)."""
    frame = load("cin_census", "social_care/dfe_csc_outcomes_enablers/"
                               "c3_factors_identified_at_end_of_assessment_2018_to_2025.csv").frame
    hampshire = frame[frame["area_code"] == "E10000014"]
    assert one(hampshire, time_period="2025", measure="learning_disability_child")["value"] == 2089
    assert one(hampshire, time_period="2025", measure="physical_disability_child")["value"] == 690
    assert one(hampshire, time_period="2024", measure="learning_disability_child")["symbol"] == "u"
    assert set(frame["dataset"]) == {"cin_census:c3_factors_identified_at_end_of_assessment_2018_to_2025"}


def test_older_sen2_layout_matches_the_2025_release_for_january_2022() -> None:
    """Given the 2022 release's age file and the 2025 caseload, when read, then Hampshire's January 2022
    total (12,750) is the same in both layouts, and the age bands sit under characteristic_age."""
    old = load("sen2_mi", "education/ehcp_sen2_2022/data/sen2_age_caseload.csv").frame
    hampshire = old[(old["area_code"] == "E10000014") & (old["time_period"] == "2022")
                    & (old["measure"] == "total_ehc")]
    assert one(hampshire, breakdown="Total")["value"] == 12750
    assert one(hampshire, breakdown="Under 5")[["breakdown_topic", "value"]].tolist() == ["characteristic_age", 450]
    new = load("ees_ehcp", EHCP + "caseload.csv").frame
    assert one(new, area_code="E10000014", time_period="202122", measure="ehcplans",
               breakdown="All EHC plans")["value"] == 12750


def test_autism_statistics_by_sub_icb() -> None:
    """Given NHS Autism Statistics, when read, then the Hampshire and Isle of Wight sub-ICB D9Y0V had 2,545
    patients with an open suspected-autism referral in July 2022, age groups are breakdowns, and the row
    whose period is one day (line 6) is quarantined."""
    parsed = load("autism_stats", AUTISM)
    frame = parsed.frame
    got = one(frame, area_code="D9Y0V", time_period="2022-07", measure="asd16", breakdown="Total")
    assert (got["value"], got["geographic_level"], got["time_identifier"]) == (2545, "Sub-ICB", "Month")
    assert "Age Group" in set(frame["breakdown_topic"])
    assert "suspected autism" in parsed.extras["measures"]["asd16"]
    q = parsed.quarantine.iloc[0]
    assert (q["line"], q["rule"]) == (6, "reporting period is not whole calendar months")


def test_mhsds_keeps_the_five_hampshire_ccgs_and_its_period_lengths(mhsds: Parsed) -> None:
    """Given the MHSDS time series, when read, then the five 2017 Hampshire CCGs are there, North Hampshire
    CCG (10J) had 4,300 people in contact with services in March 2021, Southern Health 17,335 in November
    2022, and monthly, rolling 3 and 12 month measures are told apart."""
    frame = mhsds.frame
    ccgs = frame[frame["area_code"].isin(["10J", "10K", "10V", "11A", "99M"])]
    assert ccgs.groupby("area_code").size().to_dict() == {c: 418 for c in ["10J", "10K", "10V", "11A", "99M"]}
    assert one(ccgs, area_code="10J", measure="mhs01", time_period="2021-03")["value"] == 4300
    assert one(frame, area_code="RW1", measure="mhs01", time_period="2022-11")["value"] == 17335
    assert set(frame["time_identifier"]) == {"Month", "Rolling 3 months", "Rolling 12 months"}
    suppressed = frame[frame["symbol"] == "*"]
    assert len(suppressed) > 0 and suppressed["value"].isna().all()


def test_community_health_months_and_hampshire_waiting_lists() -> None:
    """Given the monthly community health workbooks, when read, then each reports the month two before its
    file's (March 2023 -> January 2023, the April file from its Table 2 series), Southern Health had 574
    waiting for community nursing in January 2023, and Hampshire and Isle of Wight ICB 97 waiting for a
    community paediatric service in October 2023, 3 of them over 52 weeks."""
    months = {m: set(load("community_health", CH.format(m)).frame["time_period"]) for m in range(3, 13)}
    assert months == {m: {f"2023-{m - 2:02d}"} for m in range(3, 13)}
    january = load("community_health", CH.format(3)).frame
    assert one(january, area_name="Southern Health NHS Foundation Trust", breakdown="(A) Community nursing services",
               measure="total waiting list")["value"] == 574
    october = load("community_health", CH.format(12)).frame
    paed = october[(october["area_code"] == "QRL") & (october["breakdown"] == "(CYP) Community paediatric service")]
    assert one(paed, measure="total waiting list")["value"] == 97
    assert one(paed, measure="waiting >52 weeks")["value"] == 3
    assert one(october, area_name="SOUTHERN HEALTH NHS FOUNDATION TRUST", measure="total waiting list",
               breakdown="(CYP) Wheelchair, orthotics, prosthetics and equipment")["area_code"] == "RW1"
    safeguarding = one(january, geographic_level="NHS region", area_name="East of England",
                       breakdown="(A) Adult safeguarding", measure="total waiting list")
    assert safeguarding["symbol"] == "*" and math.isnan(safeguarding["value"])


def test_community_health_derived_series() -> None:
    """Given DfE's derived national series, when read, then England's CYP audiology waiting list in January
    2023 is 17,272 (508 over 52 weeks)."""
    frame = load("community_health", "health/nhs_community_health/eng_ch_time_series_derived.csv").frame
    audiology = frame[(frame["time_period"] == "2023-01") & (frame["breakdown"] == "Audiology")]
    assert one(audiology, measure="total waiting list")["value"] == 17272
    assert one(audiology, measure="waiting >52 weeks")["value"] == 508
