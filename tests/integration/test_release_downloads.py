"""Published releases as downloaded (issue 15, point 5): a release's "download all" zip or its extracted
folder is one source of a published-statistics kind; each data file in it is read by its name and columns,
the files it does not know are listed (in `jsna sources check` and in the run record), never fatal."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from jsna.config import Settings, load_config
from jsna.errors import SourceError
from jsna.sources.check import check_sources
from jsna.sources.registry import READERS
from tests.conftest import REALDATA

SEN2_2022 = REALDATA / "education" / "ehcp_sen2_2022"  # data/ (3 files) and data-guidance/
EHCP_2025 = REALDATA / "education" / "ehcp_sen2_2025"  # data/ (12 files), data-guidance/, supporting-files/
PROJECT = '[project]\nname = "Hampshire"\narea_code = "E10000014"\n'


def zipped(folder: Path, out: Path, names: list[str] | None = None) -> Path:
    """A zip of `folder`'s files (or of `names` in it), laid out as the folder is, built in the test."""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for f in sorted(p for p in folder.rglob("*") if p.is_file()):
            name = f.relative_to(folder).as_posix()
            if names is None or name in names:
                z.write(f, name)
    return out


def rows(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(list(frame.columns), kind="stable").reset_index(drop=True)


def test_a_release_folder_reads_every_data_file_as_file_by_file_reading_does() -> None:
    """Given the real SEN2 2022 release as extracted (data/ with three files, data-guidance/), when it is read as
    one sen2_mi source, then its three data files are read, the guidance is listed as not read, and its rows,
    rows loaded and quarantined are those of the three files read one by one."""
    read = READERS["sen2_mi"]
    whole = read(SEN2_2022, {}, None)
    parts = [read(f, {}, None) for f in sorted((SEN2_2022 / "data").glob("*.csv"))]
    assert whole.extras["files_read"] == ["data/sen2_age_caseload.csv", "data/sen2_age_new_plans.csv",
                                          "data/sen2_mi.csv"]
    assert whole.extras["not_read"] == [("data-guidance/data-guidance.txt", "not a data file (CSV or workbook)")]
    assert whole.rows_in == sum(p.rows_in for p in parts) > 20_000
    assert whole.rows_loaded == sum(p.rows_loaded for p in parts)
    assert len(whole.quarantine) == sum(len(p.quarantine) for p in parts)
    assert sorted(whole.frame["dataset"].unique()) == ["sen2_mi", "sen2_mi:age_caseload", "sen2_mi:age_new_plans"]
    pd.testing.assert_frame_equal(rows(whole.frame), rows(pd.concat([p.frame for p in parts], ignore_index=True)))


def test_the_download_all_zip_reads_as_its_folder(tmp_path: Path) -> None:
    """Given a zip of the real SEN2 2022 release built in the test, when read as sen2_mi, then it gives the same
    rows, files read and files not read as the extracted folder."""
    archive = zipped(SEN2_2022, tmp_path / "ehcp_sen2_2022.zip")
    from_zip, from_folder = READERS["sen2_mi"](archive, {}, None), READERS["sen2_mi"](SEN2_2022, {}, None)
    assert from_zip.extras == from_folder.extras
    assert (from_zip.rows_in, from_zip.rows_loaded) == (from_folder.rows_in, from_folder.rows_loaded)
    pd.testing.assert_frame_equal(rows(from_zip.frame), rows(from_folder.frame))


def test_files_of_another_layout_are_listed_with_why_and_the_quarantine_names_its_file(tmp_path: Path) -> None:
    """Given a zip of the real 2025 EHC plans release's timeliness file, its guidance and its supporting files
    (a tribunal table with title rows, a designated officers table without breakdown columns) plus a copy of
    the timeliness file with one bad count, when read as ees_ehcp, then the two timeliness files are read, the
    other three are listed with why, and the bad row is quarantined under a rule naming its file and line."""
    names = ["data/timeliness_20_week.csv", "data-guidance/data-guidance.txt",
             "supporting-files/SEND Tribunals and appeal rate 2014-2024.csv", "supporting-files/sen2_dmo_dco.csv"]
    archive = zipped(EHCP_2025, tmp_path / "ehcp.zip", names)
    frame = pd.read_csv(EHCP_2025 / "data" / "timeliness_20_week.csv", dtype=str, keep_default_na=False)
    la = frame.index[frame["geographic_level"] == "Regional"][5]  # an authority short would stop the period
    column = "plans_issued_den"  # not the headline count, whose authorities must add up to England
    frame.loc[la, column] = "lots"
    with zipfile.ZipFile(archive, "a") as z:
        z.writestr("corrected/timeliness_20_week_revised.csv", frame.to_csv(index=False))
    parsed = READERS["ees_ehcp"](archive, {}, None)
    assert parsed.extras["files_read"] == ["corrected/timeliness_20_week_revised.csv", "data/timeliness_20_week.csv"]
    assert parsed.extras["not_read"] == [
        ("data-guidance/data-guidance.txt", "not a data file (CSV or workbook)"),
        ("supporting-files/SEND Tribunals and appeal rate 2014-2024.csv",
         "no header row with the expected columns in the first 30 rows"),
        ("supporting-files/sen2_dmo_dco.csv", "missing columns breakdown_topic, breakdown"),
    ]
    one = READERS["ees_ehcp"](EHCP_2025 / "data" / "timeliness_20_week.csv", {}, None)
    assert parsed.rows_in == 2 * one.rows_in and parsed.rows_loaded == 2 * one.rows_loaded - 1
    [bad] = parsed.quarantine.to_dict("records")
    assert (bad["line"], bad["column_name"]) == (la + 2, column)
    assert bad["rule"] == "corrected/timeliness_20_week_revised.csv: not a number or a known symbol"


def test_a_release_file_of_the_kind_that_cannot_be_read_stops_the_source_naming_it(tmp_path: Path) -> None:
    """Given a release folder whose caseload.csv (one of the release's own files) lacks its ehcplans column,
    when read, then the source stops with one sentence naming that file in the folder and the column."""
    (tmp_path / "release" / "data").mkdir(parents=True)
    caseload = pd.read_csv(EHCP_2025 / "data" / "caseload.csv", dtype=str, keep_default_na=False, nrows=2000)
    caseload.drop(columns="ehcplans").to_csv(tmp_path / "release" / "data" / "caseload.csv", index=False)
    shutil.copy(EHCP_2025 / "data-guidance" / "data-guidance.txt", tmp_path / "release")
    with pytest.raises(SourceError) as err:
        READERS["ees_ehcp"](tmp_path / "release", {}, None)
    assert str(err.value).startswith(f"{tmp_path / 'release' / 'data' / 'caseload.csv'}: missing column ehcplans")
    zipped(tmp_path / "release", tmp_path / "release.zip")
    with pytest.raises(SourceError) as err:
        READERS["ees_ehcp"](tmp_path / "release.zip", {}, None)
    assert str(err.value).startswith(f"{tmp_path / 'release.zip'}!data/caseload.csv: missing column ehcplans")


def test_a_zip_over_the_size_limit_is_refused_unread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Given a zip whose files add up to more than JSNA_MAX_FILE_BYTES, then it is refused before extraction."""
    archive = zipped(SEN2_2022, tmp_path / "r.zip")
    monkeypatch.setenv("JSNA_MAX_FILE_BYTES", "1000000")
    with pytest.raises(SourceError, match=r"r\.zip: the zip's files add up to 3\.4 MB .* over the limit of 976\.6 KB"):
        READERS["sen2_mi"](archive, {}, None)


def test_sources_check_lists_the_files_read_and_not_read(tmp_path: Path) -> None:
    """Given a jsna.toml declaring the real CIN release folder and the SEN2 2022 release as a zip, when checked,
    then both load and their notes list the files read and each file not read."""
    archive = zipped(SEN2_2022, tmp_path / "sen2.zip")
    cin = REALDATA / "social_care" / "cin"
    toml = tmp_path / "jsna.toml"
    toml.write_text(PROJECT + f'[[sources]]\nname = "sen2"\nkind = "sen2_mi"\npath = "{archive}"\n'
                    f'[[sources]]\nname = "cin"\nkind = "cin_census"\npath = "{cin}"\n', encoding="utf-8")
    sen2, cin_result = check_sources(toml, Settings())
    assert sen2.error is None and cin_result.error is None
    assert sen2.notes == ["read 3 data files of the release: data/sen2_age_caseload.csv, "
                          "data/sen2_age_new_plans.csv, data/sen2_mi.csv",
                          "not read: data-guidance/data-guidance.txt (not a data file (CSV or workbook))"]
    assert cin_result.notes == ["read 2 data files of the release: sen_la.csv, sen_national.csv"]
    assert (cin_result.rows_in, cin_result.rows_quarantined) == (cin_result.rows_loaded, 0)
    assert (cin_result.rows_in or 0) > 3000


@pytest.mark.db
def test_the_run_record_keeps_the_files_not_read(warehouse_url: str, engine: sa.Engine, tmp_path: Path) -> None:
    """Given the SEN2 2022 release as a zip, when a run lands it, then its file row in the run record holds the
    files read and not read, its rows are accounted for, and the release lands once by its content."""
    from jsna import pipeline
    from jsna.warehouse import runs

    archive = zipped(SEN2_2022, tmp_path / "sen2.zip")
    toml = tmp_path / "jsna.toml"
    toml.write_text(PROJECT + f'[[sources]]\nname = "sen2"\nkind = "sen2_mi"\npath = "{archive}"\n', encoding="utf-8")
    cfg = load_config(toml)
    run = runs.begin_run(warehouse_url)
    try:
        landed = pipeline.land(run, cfg, cfg.sources[0])
        with engine.connect() as conn:
            row = conn.execute(sa.text(f"SELECT notes, rows_in, rows_loaded, rows_quarantined FROM {run.schema}.files "
                                       "WHERE file_id = :f"), {"f": landed.file_id}).one()
        assert row.notes[1] == "not read: data-guidance/data-guidance.txt (not a data file (CSV or workbook))"
        assert row.notes[0].startswith("read 3 data files of the release")
        assert row.rows_in == row.rows_loaded + row.rows_quarantined > 20_000
    finally:
        runs.fail_run(run, "test done")


def test_a_release_folder_lands_again_only_when_its_files_change(tmp_path: Path) -> None:
    """Given a release folder, then its content digest is stable, changes when a file changes, is added or is
    renamed, and a single file's digest is the one runs.file_sha256 gives (earlier landings are still found)."""
    from jsna.sources.releases import content_sha256
    from jsna.warehouse.runs import file_sha256

    folder = tmp_path / "release"
    shutil.copytree(SEN2_2022, folder)
    first = content_sha256(folder)
    assert content_sha256(folder) == first
    (folder / "data-guidance" / "data-guidance.txt").write_text("revised", encoding="utf-8")
    changed = content_sha256(folder)
    (folder / "data-guidance" / "data-guidance.txt").rename(folder / "data-guidance" / "guidance.txt")
    renamed = content_sha256(folder)
    (folder / "readme.txt").write_text("x", encoding="utf-8")
    assert len({first, changed, renamed, content_sha256(folder)}) == 4
    csv = SEN2_2022 / "data" / "sen2_mi.csv"
    assert content_sha256(csv) == file_sha256(csv)
