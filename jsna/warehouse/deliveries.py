"""A bad delivery never shrinks what is published. Before anything is built, each source's file in this run
is set against the delivery of the same source that the last committed refresh was built from; the run
stops (and so publishes nothing) when the new one

* has no rows, or fewer than `min_share` of the rows loaded from the last (jsna.toml `[refresh] min_share`),
* or no longer covers a period or an area the last covered (COVERAGE: what those are for each raw table),

unless the source was named to `jsna refresh --accept-shrink SOURCE` (the shrink is real).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import pandas as pd
import sqlalchemy as sa

from jsna.errors import RefreshError
from jsna.warehouse.runs import LandedFile, Run
from jsna.warehouse.sqlfiles import query_frame, sql_text, statement

# raw table: (period, area) of a landed row as SQL expressions; None where a table has no such thing
COVERAGE: dict[str, tuple[str | None, str | None]] = {
    "boundaries": ("vintage", "area_code"),
    "lookup": ("vintage", "child_code"),
    "population_mye": ("year", "area_code"),
    "population_census": ("vintage", "lsoa_code"),
    "imd": ("vintage", "lsoa_code"),
    "postcodes": (None, "lsoa_code"),
    "schools": (None, "la_code"),
    "ehcp_cases": ("extract(year FROM request_date)::int", "lsoa_code"),
    "statistics": ("time_period", "area_code"),
    "waiting_list": ("extract(year FROM referral_date)::int", "lsoa_code"),
    "advice_returns": ("extract(year FROM request_date)::int", "trust_code"),
    "social_care_cases": ("extract(year FROM start_date)::int", "lsoa_code"),
    "neighbours": (None, "la_number"),
    "school_places": (None, None),
    "service_sites": (None, None),
}


def check_shrink(run: Run, landed: Sequence[LandedFile], min_share: float, accept: Collection[str] = ()) -> None:
    """Raise one sentence naming every source whose delivery shrank (files and counts), unless accepted."""
    checked = [(f.source_name, shrinkage(run, f, min_share)) for f in landed if f.source_name not in accept]
    problems = [(name, p) for name, p in checked if p]
    if problems:
        names = " ".join(f"--accept-shrink {name}" for name, _ in problems)
        raise RefreshError("; ".join(f"Source {name}: {p}" for name, p in problems)
                           + f"; nothing was published. If the shrink is real, run `jsna refresh {names}`.")


def shrinkage(run: Run, file: LandedFile, min_share: float) -> str | None:
    """How `file` falls short of its source's last committed delivery, or None (same file, no earlier one,
    or not smaller)."""
    last = query_frame(run.engine, "deliveries/last_committed", params={"source": file.source_name})
    if last.empty or int(last["file_id"].iloc[0]) == file.file_id:
        return None
    before, then = int(last["rows_loaded"].iloc[0]), f"the last committed delivery ({last['path'].iloc[0]})"
    rows = int(query_frame(run.engine, "deliveries/rows_loaded", run.schema, {"file_id": file.file_id}).iloc[0, 0])
    if rows == 0 and before > 0:
        return f"{file.path} has no rows where {then} had {before:,}"
    short = []
    if rows < min_share * before:
        short.append(f"has {rows:,} rows, fewer than {min_share:.0%} of the {before:,} in {then}")
        then = "that delivery"
    old = coverage(run, file.raw_table, int(last["file_id"].iloc[0]), landed_now=False)
    new = coverage(run, file.raw_table, file.file_id, landed_now=file.new)
    for dimension in ("period", "area"):
        had = set(old.loc[old["dimension"] == dimension, "value"])
        lost = sorted(had - set(new.loc[new["dimension"] == dimension, "value"]))
        if lost:
            short.append(f"has no rows for {len(lost):,} of the {len(had):,} {dimension}s {then} had "
                         f"({_examples(lost)})")
            then = "that delivery"
    return f"{file.path} " + " and ".join(short) if short else None


def coverage(run: Run, raw_table: str, file_id: int, landed_now: bool) -> pd.DataFrame:
    """The distinct periods and areas of one file's rows (columns dimension, value)."""
    period, area = COVERAGE.get(raw_table, (None, None))
    rows = run.staged("raw", f"{raw_table}__f{file_id}") if landed_now else f"raw.{raw_table}"
    text = (sql_text("deliveries/coverage").replace("{rows}", rows).replace("{period}", period or "NULL")
            .replace("{area}", area or "NULL"))
    return pd.read_sql(sa.text(text), run.engine, params={"file_id": file_id})


def record_period(run: Run, file: LandedFile) -> str | None:
    """The first and last period a file landed now covers ("2015 to 2025", "202425"), kept in its run record
    (meta.files.period) for the run history; None where its rows have no period."""
    period, _ = COVERAGE.get(file.raw_table, (None, None))
    if period is None or not file.new:
        return None
    rows = run.staged("raw", f"{file.raw_table}__f{file.file_id}")
    text = sql_text("deliveries/period_range").replace("{rows}", rows).replace("{period}", period)
    with run.engine.begin() as conn:
        first, last = conn.execute(sa.text(text), {"file_id": file.file_id}).one()
        shown = None if first is None else first if first == last else f"{first} to {last}"
        if shown:
            conn.execute(statement("pipeline/file_period", run.schema), {"period": shown, "file_id": file.file_id})
    return shown


def _examples(values: list[str], shown: int = 3) -> str:
    return ", ".join(values[:shown]) + (", ..." if len(values) > shown else "")
