"""Issue 17, points 4 and 5: the run history readers see (published.runs, published.run_files) and what Prefect
shows of a refresh (run names, the step log lines, a summary artifact), for a committed run and a failed one.

The failed run: the demo's files with 7 waiting-list rows given an unknown pathway and 3 an impossible referral
date (quarantined), and the advice returns cut to 1,000 rows, which stops the refresh after landing (a delivery
smaller than the one published). Nothing is published; the run is recorded for readers with its files."""

from __future__ import annotations

import csv
import io
import logging
import shutil
import threading
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import sqlalchemy as sa

from jsna.errors import RefreshError

pytestmark = pytest.mark.db

APP = Path(__file__).resolve().parents[2] / "dashboards" / "app.py"
BAD_PATHWAY, BAD_DATE, KEPT_ADVICE = 7, 3, 1000


def _rewrite_csv(path: Path, change: Any) -> int:
    """Rewrite a CSV (BOM kept) with `change(rows)` applied to its data rows; returns its data rows after."""
    text = path.read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], change(rows[0], rows[1:])
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *body])
    path.write_text("\ufeff" + out.getvalue(), encoding="utf-8")
    return len(body)


def _spoil_waits(header: list[str], body: list[list[str]]) -> list[list[str]]:
    pathway, referred = header.index("Pathway"), header.index("Referral Date")
    for row in body[:BAD_PATHWAY]:
        row[pathway] = "XYZ"
    for row in body[BAD_PATHWAY:BAD_PATHWAY + BAD_DATE]:
        row[referred] = "31/02/2015"
    return body


@pytest.fixture(scope="module")
def failed(refreshed: dict, demo_dir: Path, tmp_path_factory: pytest.TempPathFactory, engine: sa.Engine) -> dict:
    """The failed refresh described above, through the real flow: its run id and the rows of the files."""
    from flows.refresh import refresh

    broken = tmp_path_factory.mktemp("broken") / "demo"
    shutil.copytree(demo_dir, broken)
    waits = _rewrite_csv(broken / "health" / "waiting_list.csv", _spoil_waits)
    advice = _rewrite_csv(broken / "health" / "ehc_advice_returns.csv", lambda h, b: b[:KEPT_ADVICE])
    runs_logs = [logging.getLogger(name) for name in ("prefect.flow_runs", "prefect.task_runs")]
    levels = [lg.level for lg in runs_logs]
    for lg in runs_logs:  # the session keeps Prefect at WARNING; a worker's default is INFO
        lg.setLevel(logging.INFO)
    try:
        with pytest.raises(RefreshError, match=r"ehc_advice_returns\.csv has 1,000 rows") as raised:
            refresh(config=str(broken / "jsna.toml"))
    finally:
        for lg, level in zip(runs_logs, levels, strict=True):
            lg.setLevel(level)
    with engine.connect() as conn:
        run_id = conn.execute(sa.text("SELECT max(run_id) FROM meta.runs WHERE status = 'failed'")).scalar_one()
    return {"run_id": int(run_id), "waits": waits, "advice": advice, "message": str(raised.value),
            "sources": sources(demo_dir)}


def sources(demo_dir: Path) -> int:
    """How many sources the demo's jsna.toml declares (one file each)."""
    from jsna.config import load_config

    return len(load_config(demo_dir / "jsna.toml").sources)


def test_a_committed_runs_files_are_those_of_meta_files(refreshed: dict, engine: sa.Engine, demo_dir: Path) -> None:
    """Given the demo refreshed, then published.run_files of its run holds every file the run used with the row
    accounting, fingerprint and period of meta.files, and published.runs says it succeeded with those counts."""
    run_id = refreshed["run_id"]
    shown = pd.read_sql(sa.text("SELECT * FROM published.run_files WHERE run_id = :r"), engine,
                        params={"r": run_id})
    truth = pd.read_sql(sa.text("SELECT f.* FROM meta.files f JOIN meta.run_files r USING (file_id) "
                                "WHERE r.run_id = :r"), engine, params={"r": run_id})
    cols = ["source_name", "sha256", "rows_in", "rows_loaded", "rows_quarantined", "period"]
    got = shown[cols].sort_values("source_name").reset_index(drop=True)
    want = truth[cols].sort_values("source_name").reset_index(drop=True)
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    assert len(got) == refreshed["files"] == sources(demo_dir)
    assert shown["file_name"].tolist() == [p.rsplit("/", 1)[-1] for p in
                                           truth.set_index("source_name").loc[shown["source_name"], "path"]]
    run = pd.read_sql(sa.text("SELECT * FROM published.runs WHERE run_id = :r"), engine, params={"r": run_id}).iloc[0]
    assert (run["status"], run["files"], run["new_files"]) == ("succeeded", sources(demo_dir), sources(demo_dir))
    periods = dict(zip(shown["source_name"], shown["period"], strict=True))
    assert periods["population_mye"] == "2015 to 2025" and periods["lsoa21_boundaries"] == "2021"
    waits = shown.loc[shown["kind"] == "waiting_list", "publisher"].tolist()
    assert waits == ["local NHS trusts' waiting-list extracts"]


def test_a_failed_run_is_recorded_with_its_files_and_quarantine_reasons(failed: dict, engine: sa.Engine,
                                                                         demo_dir: Path) -> None:
    """Given the failed refresh, then published.runs has it as failed with the refresh's own sentence, and
    published.run_files its files: the spoilt waiting list with 10 rows quarantined under two rules (7 rows, and
    3, a count under the disclosure threshold of 5 that is left out), the cut advice returns with 1,000 rows,
    the others as already landed (meta.files)."""
    run_id = failed["run_id"]
    with engine.connect() as conn:
        run = conn.execute(sa.text("SELECT status, reason, files, new_files FROM published.runs WHERE run_id = :r"),
                           {"r": run_id}).one()
        message = conn.execute(sa.text("SELECT message FROM meta.runs WHERE run_id = :r"), {"r": run_id}).scalar_one()
    files = pd.read_sql(sa.text("SELECT * FROM published.run_files WHERE run_id = :r"), engine,
                        params={"r": run_id}).set_index("source_name")
    assert run.status == "failed" and run.reason == failed["message"] and message == f"RefreshError: {run.reason}"
    assert (run.files, run.new_files) == (failed["sources"], 2)
    waits = files.loc["waiting_list"]
    assert bool(waits["new"]) and waits["rows_in"] == failed["waits"] == 90844
    assert (waits["rows_loaded"], waits["rows_quarantined"]) == (failed["waits"] - 10, BAD_PATHWAY + BAD_DATE)
    assert waits["reason_1_rows"] == BAD_PATHWAY and pd.isna(waits["reason_2_rows"]) and pd.isna(waits["reason_3"])
    assert "date" in str(waits["reason_2"]).lower() and "31/02" not in str(waits["reason_2"])
    assert "XYZ" not in str(waits["reason_1"]) and "pathway" in str(waits["reason_1"]).lower()
    advice = files.loc["advice_returns"]
    assert bool(advice["new"]) and advice["rows_in"] == KEPT_ADVICE == failed["advice"]
    old = files[~files["new"]]
    meta = pd.read_sql(sa.text("SELECT source_name, sha256, rows_in, rows_loaded, rows_quarantined FROM meta.files "
                               "WHERE sha256 = ANY(:s)"), engine, params={"s": list(old["sha256"])})
    pd.testing.assert_frame_equal(
        old.reset_index()[meta.columns].sort_values("source_name").reset_index(drop=True),
        meta.sort_values("source_name").reset_index(drop=True), check_dtype=False)


def test_the_data_updates_page_shows_the_failed_runs_reason_and_files(failed: dict) -> None:
    """Given the failed refresh, when the Data updates page opens (AppTest, as the reader role), then its
    reason is the latest refresh's sentence, and its files table has the spoilt waiting list's rows."""
    from streamlit.testing.v1 import AppTest

    from tests.e2e.html_tables import page_tables

    at = AppTest.from_file(str(APP), default_timeout=120).run()
    at.switch_page("views/updates.py").run()
    assert not at.exception, at.exception[0].value if at.exception else ""
    assert at.title[0].value == "Data updates"
    assert at.error and failed["message"] in at.error[0].value and f"run {failed['run_id']}" in at.error[0].value
    tables = page_tables(at)
    runs = next(t for t in tables if t.attrs["caption"].startswith("The latest refreshes"))
    assert runs.iloc[0]["Run"] == str(failed["run_id"]) and runs.iloc[0]["Status"] == "Failed"
    assert runs.iloc[0]["Reason"] == failed["message"]
    mine = next(t for t in tables if t.attrs["caption"] == f"Files of run {failed['run_id']}").set_index("Source")
    assert mine.loc["waiting_list", "Rows in"] == f"{failed['waits']:,}"
    assert mine.loc["waiting_list", "Quarantined"] == str(BAD_PATHWAY + BAD_DATE)
    reasons = mine.loc["waiting_list", "Commonest quarantine reasons"]
    assert f"({BAD_PATHWAY:,} rows)" in reasons and "(fewer rows than the disclosure threshold)" in reasons
    assert f"({BAD_DATE} rows)" not in reasons


def _drain() -> None:
    from prefect.logging.handlers import APILogWorker

    worker = threading.Thread(target=lambda: APILogWorker.drain_all(timeout=60))  # no event loop in a thread
    worker.start()
    worker.join()


def test_prefect_names_logs_and_summarises_the_failed_run(failed: dict) -> None:
    """Given the failed refresh, then Prefect has its flow runs named for the project and time, a step the
    library logged ('checking 28 deliveries ...', one per source) in the refresh's logs, and a Markdown summary
    artifact that says it failed, why, and lists its files."""
    from prefect import get_client
    from prefect.client.schemas.filters import (
        ArtifactFilter,
        ArtifactFilterKey,
        FlowRunFilter,
        FlowRunFilterName,
        LogFilter,
        LogFilterFlowRunId,
    )
    from prefect.client.schemas.sorting import FlowRunSort

    _drain()
    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(flow_run_filter=FlowRunFilter(name=FlowRunFilterName(like_="Demoshire")),
                                     sort=FlowRunSort.START_TIME_DESC)
        names = [r.name for r in runs]
        inner = next(r for r in runs if r.name.startswith("refresh run Demoshire ") and r.state
                     and r.state.is_failed())
        logs = client.read_logs(log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[inner.id])))
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["refresh-summary"])))
    assert any(n.startswith("refresh Demoshire 20") and n.endswith(" UTC") for n in names)
    messages = [log.message for log in logs]
    assert f"checking {failed['sources']} deliveries against those the published figures came from" in messages
    assert not [m for m in messages if "worker thread" in m]  # no timeout Prefect could not keep
    assert "source waiting_list: reading waiting_list.csv as waiting_list" in messages
    summary = next(str(a.data) for a in artifacts if f"# Refresh run {failed['run_id']}: FAILED" in str(a.data))
    assert failed["message"].split(";")[0] in summary
    assert f"| waiting_list | local NHS trusts' waiting-list extracts | 2015 to 2025 | waiting_list.csv | yes | " \
           f"{failed['waits']:,} | {failed['waits'] - 10:,} | 10 |" in summary


def test_an_unchanged_refresh_is_recorded_for_readers(failed: dict, demo_dir: Path, engine: sa.Engine) -> None:
    """Given the demo committed (and the failed run after it), when refreshed again with the same files, then
    readers see the run as unchanged with the files the build used (one per source), none read again, and no new
    headline figures are kept (nothing was built)."""
    from flows.refresh import refresh

    with engine.connect() as conn:
        builds_before = conn.execute(sa.text("SELECT count(DISTINCT run_id) FROM published.headline_history")
                                     ).scalar_one()
    summary = refresh(config=str(demo_dir / "jsna.toml"))
    assert summary["unchanged_since"] is not None
    with engine.connect() as conn:
        run = conn.execute(sa.text("SELECT status, reason, files, new_files FROM published.runs WHERE run_id = :r"),
                           {"r": summary["run_id"]}).one()
        files = conn.execute(sa.text("SELECT count(*) FROM published.run_files f JOIN meta.files m USING (sha256) "
                                     "JOIN meta.run_files u ON u.file_id = m.file_id AND u.run_id = f.run_id "
                                     "WHERE f.run_id = :r AND f.rows_in = m.rows_in"),
                             {"r": summary["run_id"]}).scalar_one()
        builds = conn.execute(sa.text("SELECT count(DISTINCT run_id) FROM published.headline_history")).scalar_one()
    assert run.status == "unchanged" and run.reason.startswith("Nothing changed since the last build")
    assert (run.files, run.new_files, files) == (failed["sources"], 0, failed["sources"])
    assert builds == builds_before == 1
