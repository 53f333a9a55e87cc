"""The 0-25 pathway's published releases (DfE early years SEN, key stage 4 destinations) read from small files
written in the publishers' documented layouts (tests/fixtures/pathway/, synthetic numbers), and the indicator
counts built from them."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from jsna.errors import SourceError
from jsna.indicators import pathway
from jsna.indicators.inputs import Inputs
from jsna.sources import datasets, ees
from jsna.sources.base import Parsed
from jsna.sources.releases import read_release
from tests.frames import one

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "pathway"
EY = FIXTURES / "early_years"
KS4 = FIXTURES / "ks4_destinations"
EY_TOPIC = "entitlement_type; year_group; age; ethnicity_major; sen_status; sen_provision"
KS4_KEEP = "State-funded mainstream & special schools; Total; Local education authority area; Number of pupils; Revised"


def release(folder: Path, reader: Any) -> Parsed:
    return read_release(folder, reader, {}, None, frozenset(), 10**8, 10**6)


def test_early_years_file_4_is_read_in_its_2026_layout_and_other_files_of_the_release_are_not() -> None:
    """Given the release folder with file 4 (2026 layout) and another of its tables, when read, then every row of
    file 4 lands (two measures each: the count and the percentage), its filters '; '-joined as the breakdown,
    and the other table is listed as not read, with the columns it lacks."""
    parsed = release(EY, ees.read_early_years_sen)
    assert (parsed.rows_in, parsed.rows_loaded, len(parsed.quarantine)) == (35, 35, 0)
    assert parsed.extras["files_read"] == ["4_children_registered_by_ethnicity_and_sen_provision.csv"]
    assert parsed.extras["not_read"] == [("1_not_this_table.csv",
                                          "missing columns sen_provision, registered_children_count")]
    f = parsed.frame
    assert set(f["dataset"]) == {datasets.EARLY_YEARS_SEN}
    assert set(f["measure"]) == {"registered_children_count", "registered_children_percent"}
    ehc = one(f, area_code="E10000014", time_period="2026", measure="registered_children_count",
              breakdown="15-hour entitlement; Total; Total; Total; SEN; EHC plan")
    assert (ehc["value"], ehc["breakdown_topic"], ehc["geographic_level"], ehc["old_la_code"]) == (
        90, EY_TOPIC, "Local authority", "850")


@pytest.mark.parametrize(("area", "period", "breakdown", "measure", "symbol"), [
    ("E06000045", "2026", "15-hour entitlement; Total; Total; Total; SEN; SEN support", "registered_children_count",
     "c"),
    ("E06000045", "2026", "Working parents; Total; Total; Total; Total; Total", "registered_children_count", "x"),
    ("E10000014", "2026", "Working parents; Total; Total; Total; Total; Total", "registered_children_percent", "z"),
    ("E92000001", "2026", "Working parents; Total; Total; Total; SEN; EHC plan", "registered_children_percent", "low"),
])
def test_early_years_suppression_symbols_stay_symbols(area: str, period: str, breakdown: str, measure: str,
                                                       symbol: str) -> None:
    """Given DfE's symbols in file 4 (c suppressed, x not available, z not applicable, low rounds to zero), when
    read, then each is kept as its symbol with no value, never as a zero."""
    got = one(release(EY, ees.read_early_years_sen).frame, area_code=area, time_period=period, breakdown=breakdown,
              measure=measure)
    assert got["symbol"] == symbol and math.isnan(got["value"])


def test_early_years_2025_names_are_read_as_the_2026_ones(tmp_path: Path) -> None:
    """Given file 4 as 2025 published it (sen, number_children, percentage_children), when read, then its count
    is the 2026 measure registered_children_count and its SEN status a filter of the breakdown."""
    path = tmp_path / "4_children_registered_by_ethnicity_and_sen_provision.csv"
    path.write_text(
        "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,old_la_code,"
        "new_la_code,la_name,entitlement_type,year_group,age,ethnicity_major,sen,sen_provision,number_children,"
        "percentage_children\n"
        "2025,Reporting year,National,E92000001,England,,,,,,15-hour entitlement,Total,Total,Total,SEN,EHC plan,"
        "4500,0.375\n", encoding="utf-8")
    f = ees.read_early_years_sen(path, {}).frame
    got = one(f, measure="registered_children_count")
    assert got["value"] == 4500
    assert got["breakdown_topic"] == "entitlement_type; year_group; age; ethnicity_major; sen; sen_provision"
    assert set(f["measure"]) == {"registered_children_count", "percentage_children"}


def test_ks4_destination_files_keep_their_filters_beside_the_published_breakdown() -> None:
    """Given the LA and national files of the key stage 4 destination measures, when read, then every row lands
    (one long row per measure), the institution group, type, level methodology, data type and version follow the
    published breakdown, and districts are kept with their district codes."""
    parsed = release(KS4, ees.read_ks4_destinations)
    assert (parsed.rows_in, parsed.rows_loaded, len(parsed.quarantine)) == (17, 17, 0)
    assert sorted(parsed.extras["files_read"]) == ["ks4_dm_ud_la.csv", "ks4_dm_ud_nat.csv"]
    f = parsed.frame
    overall = one(f, area_code="E10000014", time_period="202223", measure="overall",
                  breakdown=f"EHC plan; {KS4_KEEP}")
    assert overall["value"] == 440
    assert overall["breakdown_topic"] == ("SEN Provision; institution_group; institution_type; level_methodology; "
                                          "data_type; version")
    lad = one(f, area_code="E07000084", time_period="202223", measure="cohort",
              breakdown="EHC plan; State-funded mainstream & special schools; Total; Provider location; "
                        "Number of pupils; Revised")
    assert (lad["value"], lad["geographic_level"], lad["area_name"]) == (60, "Local authority district",
                                                                        "Basingstoke and Deane")
    national = one(f, area_code="E92000001", time_period="202223", measure="overall",
                   breakdown="SEN support; State-funded mainstream & special schools; Total; Number of pupils; Revised")
    assert national["value"] == 98000 and national["breakdown_topic"].count(";") == 4  # no level_methodology


@pytest.mark.parametrize(("area", "period", "breakdown", "measure", "symbol"), [
    ("E06000045", "202223", "EHC plan", "overall", "c"),
    ("E10000014", "202122", "EHC plan", "appl3", "x"),
    ("E06000045", "202122", "EHC plan", "appl2", "z"),
    ("E12000008", "202223", "Total", "other_edu", "low"),
])
def test_ks4_suppression_symbols_stay_symbols(area: str, period: str, breakdown: str, measure: str,
                                              symbol: str) -> None:
    """Given c, x, z and low in the destination measures, when read, then each stays its symbol with no value."""
    f = release(KS4, ees.read_ks4_destinations).frame
    hit = f[(f["area_code"] == area) & (f["time_period"] == period) & (f["measure"] == measure)
            & f["breakdown"].str.startswith(f"{breakdown};")]
    assert len(hit) and set(hit["symbol"]) == {symbol} and hit["value"].isna().all()


def test_a_cell_neither_number_nor_symbol_quarantines_its_row(tmp_path: Path) -> None:
    """Given a destination file with 'n/a' in a count, when read, then that row is quarantined whole, naming the
    column, and the other rows load."""
    text = (KS4 / "ks4_dm_ud_nat.csv").read_text(encoding="utf-8").replace(",110000,98000,", ",110000,n/a,")
    path = tmp_path / "ks4_dm_ud_nat.csv"
    path.write_text(text, encoding="utf-8")
    parsed = ees.read_ks4_destinations(path, {})
    assert (parsed.rows_in, parsed.rows_loaded) == (3, 2)
    assert list(parsed.quarantine["column_name"]) == ["overall"] and list(parsed.quarantine["line"]) == [4]


def test_a_file_of_another_layout_stops_with_the_columns_it_lacks(tmp_path: Path) -> None:
    path = tmp_path / "ks4.csv"
    path.write_text("time_period,time_identifier,geographic_level,country_code,country_name,cohort\n"
                    "202223,Academic year,National,E92000001,England,5\n", encoding="utf-8")
    with pytest.raises(SourceError, match="breakdown_topic"):
        ees.read_ks4_destinations(path, {})


# -- indicator counts from the fixture files --------------------------------------------------------------
def inputs() -> Inputs:
    stats = pd.concat([release(EY, ees.read_early_years_sen).frame, release(KS4, ees.read_ks4_destinations).frame])
    lookup = pd.DataFrame({"lsoa_code": ["E01000001"], "msoa_code": ["E02000001"], "lad_code": ["E07000084"],
                           "utla_code": ["E10000014"], "region_code": ["E12000008"]})

    def fetch(name: str, **params: Any) -> pd.DataFrame:
        if name == "statistics":
            rows = stats[stats["dataset"] == params["dataset"]]
            return rows.drop(columns=["line", "dataset"]).reset_index(drop=True)
        assert name == "lsoa_levels", name
        return lookup

    return Inputs(fetch=fetch, first_year=2020, last_year=2026)


def counts(frame: pd.DataFrame, area: str, period: str) -> dict[str, tuple[float, float]]:
    rows = frame[(frame["area_code"] == area) & (frame["period"] == period)]
    return {b: (n, d) for b, n, d in zip(rows["breakdown"], rows["numerator"], rows["denominator"], strict=True)}


def test_early_years_sen_counts_by_hand() -> None:
    """Given file 4, then children with SEN among those registered for the universal entitlement are the published
    SEN total over all registered (Hampshire 2026: 690 of 30,000), by provision too; Southampton's suppressed
    provisions give no figure by provision but its published SEN total gives one overall; the working parents'
    entitlement and the ethnicity rows are not counted."""
    got = pathway.build(inputs())["early_years_sen_pct"]
    assert counts(got, "E10000014", "2026") == {"all": (690, 30000), "provision=sen_support": (600, 30000),
                                                "provision=ehc_plan": (90, 30000)}
    assert counts(got, "E06000045", "2026") == {"all": (120, 5000)}
    assert counts(got, "E06000045", "2025") == {"all": (102, 5100)}
    assert counts(got, "E92000001", "2025") == {"all": (30000, 1200000), "provision=sen_support": (25500, 1200000),
                                                "provision=ehc_plan": (4500, 1200000)}
    assert counts(got, "E12000008", "2026")["all"] == (4500, 180000)
    assert set(got["area_level"]) == {"country", "region", "utla"}


def test_ks4_destination_counts_by_hand() -> None:
    """Given the destination files, then leavers with an EHC plan sustaining a destination are counted over their
    cohort from the state-funded mainstream and special schools' rows in numbers, by the schools' authority for
    authorities (Hampshire 440 of 500, not the provider-location 455 of 520 nor mainstream's 184 of 200) and by
    location for the run's districts; suppressed counts give no figure; SEN support alike."""
    built = pathway.build(inputs())
    ehcp = built["ks4_destination_ehcp"]
    assert counts(ehcp, "E10000014", "202223") == {
        "all": (440, 500), "destination=education": (410, 500), "destination=apprenticeship": (10, 500),
        "destination=employment": (20, 500), "destination=not_sustained": (45, 500),
        "destination=not_captured": (15, 500)}
    assert counts(ehcp, "E10000014", "202122")["all"] == (420, 480)
    assert counts(ehcp, "E07000084", "202223") == {"all": (52, 60), "destination=education": (49, 60),
                                                   "destination=not_sustained": (6, 60),
                                                   "destination=not_captured": (2, 60)}
    assert counts(ehcp, "E06000045", "202223") == {"destination=apprenticeship": (0, 8),
                                                   "destination=not_captured": (0, 8)}
    assert counts(ehcp, "E92000001", "202223")["all"] == (35600, 40000)
    assert counts(ehcp, "E12000008", "202223")["all"] == (2640, 3000)
    assert set(ehcp.loc[ehcp["area_code"] == "E07000084", "area_level"]) == {"lad"}
    support = built["ks4_destination_sen_support"]
    assert counts(support, "E10000014", "202223") == {"all": (1350, 1500)}
    assert counts(support, "E92000001", "202223") == {"all": (98000, 110000)}


def test_the_download_all_zip_reads_as_its_folder(tmp_path: Path) -> None:
    """Given the key stage 4 release as its "download all" zip (data files under data/), when read, then it gives
    the folder's rows."""
    import zipfile

    archive = tmp_path / "key-stage-4-destination-measures_2022-23.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for f in KS4.iterdir():
            z.write(f, f"data/{f.name}")
    zipped, folder = release(archive, ees.read_ks4_destinations), release(KS4, ees.read_ks4_destinations)
    assert (zipped.rows_in, zipped.rows_loaded) == (folder.rows_in, folder.rows_loaded) == (17, 17)
    assert zipped.frame.drop(columns="line").equals(folder.frame.drop(columns="line"))
