"""A refresh's summary in Markdown (Prefect shows it as the run's artifact), written from the run history readers
see (published.runs and published.run_files): status, reason, and each file's row accounting and commonest
quarantine rules. Succeeded, unchanged and failed runs alike; no value or record of any file."""

from __future__ import annotations

from numbers import Real

import pandas as pd
from sqlalchemy.engine import Engine

from jsna.warehouse.sqlfiles import query_frame

STATUS = {"succeeded": "published", "unchanged": "unchanged (published kept)", "failed": "FAILED",
          "abandoned": "abandoned"}


def reasons_text(pairs: list[tuple[object, object]]) -> str:
    """A file's commonest quarantine rules, '; '-joined with their row counts; a count too small to show
    (left out of published.run_files) reads 'fewer rows than the disclosure threshold'."""
    parts = []
    for rule, n in pairs:
        if isinstance(rule, str):
            shown = f"{int(float(n)):,} rows" if isinstance(n, Real) and not pd.isna(n) \
                else "fewer rows than the disclosure threshold"
            parts.append(f"{rule} ({shown})")
    return "; ".join(parts)


def _cell(value: object) -> str:
    text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
    return text.replace("|", "\\|").replace("\n", " ")


def run_summary(engine: Engine, run_id: int) -> str:
    """The Markdown summary of run `run_id` (one heading, the reason, a table of its files)."""
    run = query_frame(engine, "queries/run_record", params={"run_id": run_id})
    if run.empty:
        return f"# Refresh run {run_id}\n\nThis run has not finished: no record yet.\n"
    r = run.iloc[0]
    files = query_frame(engine, "queries/run_record_files", params={"run_id": run_id})
    lines = [f"# Refresh run {run_id}: {STATUS.get(str(r['status']), str(r['status']))}", "",
             f"{r['reason']}", "",
             f"Started {pd.Timestamp(r['started_at']):%Y-%m-%d %H:%M:%S %Z}, finished "
             f"{pd.Timestamp(r['finished_at']):%Y-%m-%d %H:%M:%S %Z}; {int(r['files'])} files, "
             f"{int(r['new_files'])} read now.", ""]
    if len(files):
        lines += ["| source | publisher | period | file | read now | rows in | loaded | quarantined | commonest "
                  "quarantine reasons |", "|---|---|---|---|---|---:|---:|---:|---|"]
        for f in files.itertuples():
            reasons = reasons_text([(f.reason_1, f.reason_1_rows), (f.reason_2, f.reason_2_rows),
                                    (f.reason_3, f.reason_3_rows)])
            lines.append("| " + " | ".join(_cell(v) for v in (
                f.source_name, f.publisher, f.period, f.file_name, "yes" if f.new else "no",
                f"{int(f.rows_in):,}", f"{int(f.rows_loaded):,}", f"{int(f.rows_quarantined):,}", reasons)) + " |")
    return "\n".join(lines) + "\n"


def unstarted_summary(reason: str) -> str:
    """The summary of a refresh that could not open a run (its configuration or settings were refused)."""
    return f"# Refresh not started\n\n{reason}\n\nNothing was loaded and the published figures are as they were.\n"
