"""The refresh flow end to end under prefect_test_harness, on the demo county and a real PostGIS."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

pytestmark = [pytest.mark.db, pytest.mark.flow]

REPO = Path(__file__).resolve().parents[2]


# Columns of a published table that say when and by which run, not what: left out of its fingerprint.
SNAPSHOT_ROWS = {"alerts": "(SELECT (rule, what, title, area_code, detail, direction, threshold, value, period, since, "
                           "status) AS x FROM published.alerts)"}


def published_snapshot(engine: sa.Engine) -> dict[str, str]:
    """A fingerprint of every published table's rows (an alert's without its times and runs), but the run history
    (HISTORY_TABLES: every run's ending, failed or not, adds itself there by design; a build is what the other
    tables hold)."""
    from jsna.warehouse.runs import HISTORY_TABLES

    with engine.connect() as conn:
        tables = [t for t in conn.execute(sa.text(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'published' ORDER BY 1"
        )).scalars().all() if t not in HISTORY_TABLES]
        return {t: conn.execute(sa.text(
            f"SELECT count(*) || ':' || coalesce(md5(string_agg(x::text, '|' ORDER BY x::text)), '') "
            f"FROM {SNAPSHOT_ROWS.get(t, f'published.{t}')} x")).scalar_one() for t in tables}


def raw_counts(engine: sa.Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t: conn.execute(sa.text(f"SELECT count(*) FROM raw.{t}")).scalar_one()
                for t in ("boundaries", "ehcp_cases", "schools", "postcodes")}


def demo_cases(demo_dir: Path) -> pd.DataFrame:
    cases = pd.read_csv(demo_dir / "education" / "ehcp_cases.csv", dtype=str, keep_default_na=False,
                        encoding="utf-8-sig")
    for col in ("Request Date", "Final Issue Date", "Ceased Date"):
        cases[col] = pd.to_datetime(cases[col].replace("", None), format="%d/%m/%Y")
    return cases


def published(engine: sa.Engine, indicator: str, level: str) -> pd.DataFrame:
    """The demo's own areas at `level` (DfE's files hold every English authority too)."""
    sql = ("SELECT * FROM published.indicator_values WHERE indicator_id = :i AND area_level = :l AND breakdown = 'all' "
           "AND area_code IN (SELECT area_code FROM published.areas)")
    return pd.read_sql(sa.text(sql), engine, params={"i": indicator, "l": level})


def test_every_demo_row_is_loaded_or_quarantined(refreshed: dict, engine: sa.Engine) -> None:
    """Given the demo refreshed, then each file's rows in equal rows loaded plus quarantined, and the
    case-level files (clean synthetic data) lose none."""
    files = pd.read_sql("SELECT source_name, rows_in, rows_loaded, rows_quarantined FROM meta.files", engine)
    assert (files["rows_in"] == files["rows_loaded"] + files["rows_quarantined"]).all()
    cases = files.set_index("source_name").loc["ehcp_cases"]
    assert cases["rows_in"] > 30_000 and cases["rows_quarantined"] == 0
    with engine.connect() as conn:
        raw_rows = conn.execute(sa.text("SELECT count(*) FROM raw.ehcp_cases")).scalar_one()
        placed = conn.execute(sa.text("SELECT count(*) FROM core.ehcp_cases WHERE lad_code IS NOT NULL")).scalar_one()
    assert raw_rows == cases["rows_loaded"] == placed


def test_timeliness_matches_the_case_file(refreshed: dict, engine: sa.Engine, demo_dir: Path) -> None:
    """Given the case-level file, when the county's 20-week figures are recounted with pandas from the
    file itself, then they equal the published numerators and denominators for every year."""
    cases = demo_cases(demo_dir)
    new = cases[(cases["Assessment Outcome"] == "Plan") & (cases["Transfer"] == "")
                & cases["Final Issue Date"].notna()]
    within = (new["Final Issue Date"] - new["Request Date"]).dt.days <= 140
    expected = pd.DataFrame({"year": new["Final Issue Date"].dt.year, "within": within}).groupby("year")["within"].agg(
        ["sum", "count"])
    got = published(engine, "ehcp_20_weeks", "utla").set_index("period")
    assert len(got) == 11
    for year, row in got.iterrows():
        assert (row["numerator"], row["denominator"]) == tuple(expected.loc[int(year)]), year
    assert got.loc["2017", "value"] < 8 and got.loc["2023", "value"] > 65


def test_caseload_matches_the_case_file(refreshed: dict, engine: sa.Engine, demo_dir: Path) -> None:
    """Plans maintained on the January 2025 census day (16 January 2025), recounted from the file."""
    cases = demo_cases(demo_dir)
    day = pd.Timestamp("2025-01-16")
    holding = cases[((cases["Assessment Outcome"] == "Plan") | (cases["Transfer"] != ""))
                    & (cases["Final Issue Date"] <= day)
                    & (cases["Ceased Date"].isna() | (cases["Ceased Date"] > day))]
    got = published(engine, "ehcp_rate_0_25", "utla").set_index("period")
    assert got.loc["202425", "numerator"] == len(holding)
    districts = published(engine, "ehcp_rate_0_25", "lad")
    assert districts["area_code"].nunique() == 11
    assert districts[districts["period"] == "202425"]["numerator"].sum() == len(holding)


def test_nothing_small_or_recoverable_is_published(refreshed: dict, engine: sa.Engine) -> None:
    """The disclosure scanner finds nothing in what the demo county published (tens of thousands of
    small-area values, many suppressed)."""
    from tests.scanner import disclosure_problems

    problems = disclosure_problems(engine)
    assert all(p.empty for p in problems.values()), {k: len(p) for k, p in problems.items()}
    hidden = pd.read_sql("SELECT count(*) AS n FROM published.indicator_values WHERE symbol = 'c'", engine)
    assert hidden["n"].iloc[0] > 1000


def test_quality_artifact_is_created(refreshed: dict) -> None:
    from prefect import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["data-quality"])))
    assert artifacts and "ehcp_cases" in str(artifacts[-1].data)


def test_a_second_refresh_changes_nothing(refreshed: dict, engine: sa.Engine, demo_dir: Path) -> None:
    """Given the demo already refreshed, when refreshed again with the same files, configuration and code, then
    no file loads again, nothing is rebuilt (the run is recorded as unchanged since the build it kept) and every
    published table is identical. (A rebuild of the same files publishing the same: the Dask refresh's test.)"""
    from flows.refresh import refresh

    before, raw_before = published_snapshot(engine), raw_counts(engine)
    summary = refresh(config=str(demo_dir / "jsna.toml"))
    assert summary["new_files"] == 0 and summary["run_id"] > refreshed["run_id"]
    assert summary["unchanged_since"] is not None and summary["indicator_values"] is None
    with engine.connect() as conn:
        status, message = conn.execute(sa.text("SELECT status, message FROM meta.runs WHERE run_id = :r"),
                                       {"r": summary["run_id"]}).one()
        used = conn.execute(sa.text("SELECT count(*) FROM meta.run_files WHERE run_id = :r"),
                            {"r": summary["run_id"]}).scalar_one()
    assert (status, message, used) == ("succeeded", "unchanged", summary["files"])
    assert published_snapshot(engine) == before
    assert raw_counts(engine) == raw_before


def test_a_run_is_unchanged_only_with_the_same_files_configuration_and_code(refreshed: dict,
                                                                           warehouse_url: str) -> None:
    """Given the demo committed, when a run opens on the files the last build used, then it is unchanged only
    if its configuration and code are the same: another configuration, other code or one file fewer rebuild."""
    from jsna import pipeline
    from jsna.warehouse import runs
    from jsna.warehouse.engine import get_engine, loader_url

    engine = get_engine(warehouse_url)
    with engine.connect() as conn:
        last, sha, version = conn.execute(sa.text(
            "SELECT run_id, config_sha256, jsna_version FROM meta.runs WHERE status = 'succeeded' "
            "AND message IS DISTINCT FROM 'unchanged' ORDER BY run_id DESC LIMIT 1")).one()
        files = conn.execute(sa.text("SELECT file_id FROM meta.run_files WHERE run_id = :r"), {"r": last}
                             ).scalars().all()
    assert version == pipeline.build_version()
    outcomes = {}
    for case, (config_sha, code, used) in {"same": (sha, version, files), "configuration": ("other", version, files),
                                           "code": (sha, version + "x", files), "a file fewer": (sha, version,
                                                                                                files[1:])}.items():
        run = runs.begin_run(loader_url(), None, config_sha, code)
        try:
            runs.use_files(run, used)
            outcomes[case] = pipeline.unchanged_since(run, [])
        finally:
            runs.fail_run(run, "test")
    assert outcomes == {"same": last, "configuration": None, "code": None, "a file fewer": None}


def test_a_failing_refresh_leaves_the_warehouse_as_it_was(refreshed: dict, engine: sa.Engine, demo_dir: Path,
                                                         tmp_path: Path) -> None:
    """Given a delivery whose case file is of the wrong kind, when refreshed, then the refresh fails
    naming the file and the warehouse is unchanged."""
    from flows.refresh import refresh
    from jsna.errors import SourceError

    broken = tmp_path / "demo"
    shutil.copytree(demo_dir, broken)
    (broken / "education" / "sen2_return_2026.xml").write_text("<Message><Header><CollectionDetails>"
                                                            "<Collection>SEN2</Collection><Year>2026")
    (broken / "schools" / "edubasealldata_demo.csv").write_bytes(
        (demo_dir / "schools" / "edubasealldata_demo.csv").read_bytes() + b"\r\n")  # a new file lands first
    before, raw_before = published_snapshot(engine), raw_counts(engine)
    with pytest.raises(SourceError, match=r"sen2_return_2026\.xml: is not well-formed XML \(line 1"):
        refresh(config=str(broken / "jsna.toml"))
    assert published_snapshot(engine) == before
    assert raw_counts(engine) == raw_before


def test_a_refresh_killed_in_the_middle_leaves_published_as_it_was(threaded_refreshed: dict, tiny_dir: Path,
                                                                  tmp_path: Path) -> None:
    """Given `jsna refresh` on changed files, when the process is killed (SIGKILL) while it builds the
    core model, then published and raw are unchanged, and the next refresh succeeds."""
    from jsna.warehouse.engine import get_engine
    from tests.conftest import warehouse_env

    warehouse_url = str(threaded_refreshed["url"])
    engine = get_engine(warehouse_url)
    changed = tmp_path / "demo"
    shutil.copytree(tiny_dir, changed)
    with (changed / "education" / "sen2_return_2026.xml").open("a", encoding="utf-8") as fh:
        fh.write("\n")  # same rows, new content: every step runs again
    before, raw_before = published_snapshot(engine), raw_counts(engine)
    from prefect.settings import PREFECT_API_URL

    # the session's Prefect server (a new PREFECT_HOME's ephemeral server takes ~30 s to migrate its database)
    env = {**os.environ, "JSNA_DATABASE_URL": warehouse_url, "PREFECT_HOME": str(tmp_path / "prefect"),
           "PREFECT_API_URL": str(PREFECT_API_URL.value()), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    log = tmp_path / "refresh.log"
    proc = subprocess.Popen([sys.executable, "-m", "jsna.cli", "refresh", "--config", str(changed / "jsna.toml")],
                            env=env, cwd=REPO, stdout=log.open("w"), stderr=subprocess.STDOUT,
                            start_new_session=True)  # its own process group: the kill takes all of it
    try:
        deadline = time.monotonic() + 180
        killed_at = None
        while time.monotonic() < deadline and proc.poll() is None:
            with engine.connect() as conn:
                building = conn.execute(sa.text(
                    "SELECT count(*) FROM information_schema.tables WHERE table_schema ~ '^run_[0-9]+$' "
                    "AND table_name LIKE 'core\\_\\_%'")).scalar_one()
            if building:
                os.killpg(proc.pid, signal.SIGKILL)
                killed_at = "core build"
                break
            time.sleep(0.05)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert killed_at == "core build", ("the refresh finished or failed before it could be killed: "
                                       + log.read_text()[-3000:])
    assert published_snapshot(engine) == before
    assert raw_counts(engine) == raw_before

    from flows.refresh import refresh

    with warehouse_env(warehouse_url):
        summary = refresh(config=str(changed / "jsna.toml"))
    assert summary["new_files"] == 1
    with engine.connect() as conn:
        abandoned = conn.execute(sa.text("SELECT count(*) FROM meta.runs WHERE status = 'abandoned'")).scalar_one()
    assert abandoned >= 1
    assert published_snapshot(engine)["indicator_values"] == before["indicator_values"]


def test_a_refresh_on_dask_publishes_the_same(threaded_refreshed: dict, dask_refreshed: dict) -> None:
    """Given a fresh warehouse and a Dask cluster of two worker processes already running, when the demo county is
    refreshed on it by its scheduler's address (files, indicator families, forecasts, access and the districts'
    simulations as tasks of their own) with its SEN2 return sent as two (one pattern, two sources), then every file
    lands once and it publishes exactly what the threaded run of the one return did, Monte Carlo figures too."""
    expected, got, summary = threaded_refreshed["published"], dask_refreshed["published"], dask_refreshed["summary"]
    assert summary["new_files"] == summary["files"] == threaded_refreshed["summary"]["files"] + 1  # type: ignore
    # load times differ; each names the run that built it (published.build); files are listed one by one
    differing = {k for k in expected if got[k] != expected[k]} - {"sources", "build", "source_rules"}
    assert not differing
    from jsna.warehouse.engine import get_engine

    rules = ("SELECT kind, rule, severity, sum(rows) AS n FROM published.source_rules GROUP BY 1, 2, 3 "
             "ORDER BY 1, 2, 3")
    one, two = (pd.read_sql(rules, get_engine(r["url"])) for r in (threaded_refreshed, dask_refreshed))
    assert len(one) and one[one["kind"] == "sen2_return"]["n"].sum() > 0
    pd.testing.assert_frame_equal(one, two)  # the same rules broken by as many records, over the two returns
