"""A refresh run: everything it writes goes to its own schema `run_<id>` and reaches the warehouse
in one final transaction (commit_run), so a run that fails or is killed at any point leaves raw,
core, published and meta exactly as they were.

Inside the run schema:
  raw__<table>__f<file_id>   a landed file, shaped like raw.<table> (attached as a partition at commit)
  raw__<table>               a view over the files this run builds from (landed before or now)
  core__<table>              the next core.<table>
  published__<table>         the next published.<table>
  files, quarantine          the next rows of meta.files and meta.quarantine
  validation                 the next rows of meta.validation (the validation rules each new file breaks)
"""

from __future__ import annotations

import hashlib
import itertools
import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from threading import Lock
from typing import Any

import pandas as pd
import psycopg
import sqlalchemy as sa
from psycopg import sql
from sqlalchemy.engine import Connection, Engine

from jsna import __version__
from jsna.errors import RefreshError
from jsna.kinds import PUBLISHERS
from jsna.warehouse.copy import copy_frame
from jsna.warehouse.engine import get_engine, libpq_conninfo
from jsna.warehouse.sqlfiles import execute_file, statement, statements

LOCK_KEY = 4_242_017  # advisory lock held by the process running a refresh
_locks: dict[int, psycopg.Connection[Any]] = {}
_locks_guard = Lock()


@dataclass(frozen=True)
class Run:
    """A refresh in progress; small and picklable so that tasks on other workers can use it."""

    run_id: int
    url: str = field(repr=False)  # carries the loading role's password
    min_count: int = 5  # the disclosure policy's: a quarantine reason's count under it is not shown to readers

    @property
    def schema(self) -> str:
        return f"run_{self.run_id}"

    @property
    def engine(self) -> Engine:
        return get_engine(self.url)

    def staged(self, layer: str, table: str) -> str:
        """Qualified name of the run's next version of layer.table."""
        return f'{self.schema}."{layer}__{table}"'

    def staged_id(self, layer: str, table: str) -> sql.Identifier:
        """The same name as an identifier to compose DDL with (psycopg.sql)."""
        return sql.Identifier(self.schema, f"{layer}__{table}")


@dataclass(frozen=True)
class LandedFile:
    """A source file as the run sees it: landed now, or landed by an earlier run (same sha256)."""

    file_id: int
    source_name: str
    kind: str
    path: str
    sha256: str
    raw_table: str
    new: bool


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# -- lifecycle ----------------------------------------------------------------------------------
def begin_run(url: str, config_path: Path | None = None, config_sha: str | None = None,
              version: str = __version__, min_count: int = 5) -> Run:
    """Take the refresh lock, tidy up after runs that died, and open a run schema. `version`: the code's
    (see `jsna.pipeline.build_version`), recorded with the run; `min_count`: the disclosure policy's."""
    lock_conn = psycopg.connect(libpq_conninfo(url), autocommit=True)
    got = lock_conn.execute("SELECT pg_try_advisory_lock(%s)", (LOCK_KEY,)).fetchone()
    if not got or not got[0]:
        lock_conn.close()
        raise RefreshError("Another refresh is running on this warehouse; wait for it to finish.")
    engine = get_engine(url)
    with engine.begin() as conn:
        _abandon_dead_runs(conn)
        run_id = conn.execute(
            sa.text(
                "INSERT INTO meta.runs (config_path, config_sha256, jsna_version) "
                "VALUES (:p, :s, :v) RETURNING run_id"
            ),
            {"p": str(config_path) if config_path else None, "s": config_sha, "v": version},
        ).scalar_one()
        run = Run(int(run_id), url, min_count)
        for stmt in statements("runs/open_run", run.schema):
            conn.execute(stmt)
    with _locks_guard:
        _locks[run.run_id] = lock_conn
    return run


def _abandon_dead_runs(conn: Connection) -> None:
    """Runs still marked running while we hold the lock were killed: mark them (for readers too), drop their
    schemas."""
    dead = conn.execute(statement("runs/dead_runs")).scalars().all()
    conn.execute(
        sa.text(
            "UPDATE meta.runs SET status = 'abandoned', finished_at = now(), "
            "message = 'the process running it stopped before it finished' WHERE status = 'running'"
        )
    )
    for run_id in dead:
        record_run(conn, int(run_id), "abandoned", ABANDONED)  # while its schema still holds its files
    execute_file(conn, "runs/drop_stale_schemas")  # theirs, and those of runs whose bookkeeping rolled back


def _release(run: Run) -> None:
    with _locks_guard:
        lock_conn = _locks.pop(run.run_id, None)
    if lock_conn is not None:
        try:  # unlocked now: a closed connection's lock goes only when its server process has ended, and a
            lock_conn.execute("SELECT pg_advisory_unlock(%s)", (LOCK_KEY,))  # refresh right after would be refused
        except psycopg.Error:
            pass  # the connection is gone already, and its lock with it
        finally:
            lock_conn.close()


def keep_published(run: Run) -> None:
    """End a run that found nothing to rebuild: record the files it used, mark it succeeded as 'unchanged'
    (for readers too) and drop its schema; published, core and raw stay exactly as they are."""
    try:
        with run.engine.begin() as conn:
            for stmt in statements("pipeline/keep_published", run.schema):
                conn.execute(stmt, {"run_id": run.run_id})
            record_run(conn, run.run_id, "unchanged", UNCHANGED, run.min_count)
            conn.execute(statement("runs/drop_run", run.schema))
    finally:
        _release(run)


def fail_run(run: Run, message: str, reason: str = "") -> None:
    """Record the failure (`message` for operations in meta.runs; `reason`, one sentence for readers, in
    published.runs with the files the run had) and drop the run schema; nothing else in the warehouse changes."""
    try:
        with run.engine.begin() as conn:
            conn.execute(
                sa.text(
                    "UPDATE meta.runs SET status = 'failed', finished_at = now(), message = :m "
                    "WHERE run_id = :r"
                ),
                {"m": message[:2000], "r": run.run_id},
            )
            record_run(conn, run.run_id, "failed", reason or FAILED, run.min_count)
            conn.execute(statement("runs/drop_run", run.schema))
    finally:
        _release(run)


# -- the record readers see (published.runs, published.run_files) ---------------------------------------
HISTORY_TABLES = ("runs", "run_files")  # published tables each run's ending adds to, whatever became of the run
SUCCEEDED = "New or changed files were loaded and the figures republished."
UNCHANGED = "Nothing changed since the last build (files, settings and code): the published figures were kept."
ABANDONED = "The process running it stopped before it finished; nothing was published."
FAILED = "The refresh failed; nothing was published."


def record_run(conn: Connection, run_id: int, status: str, reason: str, min_count: int = 5) -> None:
    """Write how a run ended into published.runs and, while its run schema exists, the files it used or landed
    into published.run_files (publisher, period, row accounting, top quarantine rules; a rule's count under
    `min_count` left out). In the ending's own
    transaction, never through the run schema's swap: failed and abandoned runs are recorded too."""
    conn.execute(statement("runs/record_run"), {"run_id": run_id, "status": status, "reason": reason[:600]})
    if conn.execute(statement("runs/schema_exists"), {"s": f"run_{run_id}"}).scalar_one():
        for stmt in statements("runs/record_run_files", f"run_{run_id}"):
            conn.execute(stmt, {"run_id": run_id, "publishers": json.dumps(PUBLISHERS), "min_count": min_count})


# -- landing --------------------------------------------------------------------------------------
def find_landed(run: Run, source_name: str, sha256: str, reader_version: str = "") -> LandedFile | None:
    """The earlier landing of this exact content for this source, read by the same code, if any."""
    with run.engine.connect() as conn:
        row = conn.execute(
            sa.text(
                "SELECT file_id, source_name, kind, path, sha256, raw_table FROM meta.files "
                "WHERE source_name = :n AND sha256 = :s AND reader_version = :v"
            ),
            {"n": source_name, "s": sha256, "v": reader_version},
        ).one_or_none()
    if row is None:
        return None
    file_id, name, kind, path, sha, raw_table = row
    landed = LandedFile(file_id, name, kind, path, sha, raw_table, new=False)
    use_files(run, [landed.file_id])
    return landed


def use_files(run: Run, file_ids: Iterable[int]) -> None:
    ids = [{"f": int(f)} for f in file_ids]
    if ids:
        with run.engine.begin() as conn:
            conn.execute(statement("runs/use_files", run.schema), ids)


def land_frame(
    run: Run,
    *,
    source_name: str,
    kind: str,
    path: Path,
    sha256: str,
    raw_table: str,
    frame: pd.DataFrame,
    reader_version: str = "",
    quarantine: pd.DataFrame,
    rows_in: int,
    rows_loaded: int | None = None,
    validation: Sequence[dict[str, object]] = (),
) -> LandedFile:
    """Land a parsed file: its rows into a new partition of raw.<raw_table> in the run schema, its
    quarantined rows and its row accounting beside them, and the validation rules it breaks (`validation`:
    rule, reference, dfe, severity, module, item, message, rows, lines). Rows in must equal rows loaded +
    quarantined."""
    rows_loaded = len(frame) if rows_loaded is None else rows_loaded
    if rows_in != rows_loaded + len(quarantine):
        raise RefreshError(
            f"{path}: {rows_in} rows read but {rows_loaded} loaded and {len(quarantine)} quarantined."
        )
    engine = run.engine
    loaded_at = datetime.now(UTC)
    with engine.begin() as conn:
        file_id = int(conn.execute(sa.text("SELECT nextval('meta.file_ids')")).scalar_one())
        part = run.staged_id("raw", f"{raw_table}__f{file_id}")
        ddl(conn, "CREATE TABLE {} (LIKE {} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)",
            part, sql.Identifier("raw", raw_table))
        defaults = {"file_id": file_id, "run_id": run.run_id, "source_file": str(path), "sha256": sha256,
                    "loaded_at": loaded_at.isoformat()}
        for col, value in defaults.items():
            ddl(conn, "ALTER TABLE {} ALTER COLUMN {} SET DEFAULT {}", part, sql.Identifier(col), sql.Literal(value))
        ddl(conn, "ALTER TABLE {} ADD CONSTRAINT {} CHECK (file_id = {})",
            part, sql.Identifier(f"f{file_id}_only"), sql.Literal(file_id))
        copy_frame(conn, f"raw__{raw_table}__f{file_id}", frame, schema=run.schema)
        if len(quarantine):
            q = quarantine.assign(file_id=file_id)
            q["record"] = [json.dumps(r, default=str) if r is not None else None for r in q["record"]]
            copy_frame(conn, "quarantine", q, ["file_id", "line", "column_name", "rule", "value", "record"],
                       schema=run.schema)
        conn.execute(
            statement("runs/land_file", run.schema),
            {"f": file_id, "r": run.run_id, "n": source_name, "k": kind, "p": str(path), "s": sha256,
             "b": path.stat().st_size if path.exists() else 0, "t": raw_table, "i": rows_in,
             "l": rows_loaded, "q": len(quarantine), "a": loaded_at, "v": reader_version},
        )
        if validation:  # the rules broken, in one round trip
            conn.execute(statement("pipeline/file_validation", run.schema),
                         [{"file_id": file_id, **v} for v in validation])
        conn.execute(statement("runs/use_files", run.schema), {"f": file_id})
    return LandedFile(file_id, source_name, kind, str(path), sha256, raw_table, new=True)


def ddl(conn: Connection, template: str, *parts: sql.Composable) -> None:
    """Run one statement composed by psycopg.sql from a constant template and quoted identifiers or literals."""
    raw = conn.connection.driver_connection
    assert raw is not None
    raw.execute(sql.SQL(template).format(*parts))


def temp_view(conn: Connection, name: str, source: sql.Identifier) -> None:
    """A view for this session only, `name`, of every row of `source` (a table's last build, read in its place)."""
    ddl(conn, "CREATE TEMP VIEW {} AS SELECT * FROM {}", sql.Identifier(name), source)


def create_raw_views(run: Run, raw_tables: Sequence[str]) -> None:
    """run_<id>.raw__<table>: the rows of the files this run uses, landed earlier or now."""
    with run.engine.begin() as conn:
        new = conn.execute(statement("runs/run_files", run.schema)).all()
        for table in raw_tables:
            parts = [sql.SQL("SELECT * FROM {} WHERE file_id IN (SELECT file_id FROM {})").format(
                sql.Identifier("raw", table), sql.Identifier(run.schema, "used_files"))]
            parts += [sql.SQL("SELECT * FROM {}").format(run.staged_id("raw", f"{table}__f{f}"))
                      for f, t in new if t == table]
            ddl(conn, "CREATE OR REPLACE VIEW {} AS {}", run.staged_id("raw", table),
                sql.SQL(" UNION ALL ").join(parts))


def stage_table(run: Run, layer: str, table: str, indexed: bool = True) -> str:
    """Create the run's empty next version of layer.table (same columns, keys and indexes). Not `indexed`: its keys
    and indexes come once it is filled (`index_staged`); building an index once over many rows is faster than
    keeping it up to date row by row."""
    like = "CREATE TABLE {} (LIKE {} INCLUDING ALL)" if indexed else \
        "CREATE TABLE {} (LIKE {} INCLUDING ALL EXCLUDING INDEXES)"
    with run.engine.begin() as conn:
        ddl(conn, "DROP TABLE IF EXISTS {}", run.staged_id(layer, table))
        ddl(conn, like, run.staged_id(layer, table), sql.Identifier(layer, table))
    return run.staged(layer, table)


def stage_work(run: Run, table: str, like: tuple[str, str]) -> None:
    """The run's own empty table work__<table>: a `seq` column (the order rows were written in) and the columns of
    the live table `like` (layer, table). Never swapped in: it goes with the run's schema."""
    with run.engine.begin() as conn:
        ddl(conn, "DROP TABLE IF EXISTS {}", run.staged_id("work", table))
        ddl(conn, "CREATE TABLE {} (seq bigint NOT NULL, LIKE {})", run.staged_id("work", table), sql.Identifier(*like))


def index_staged(run: Run, layer: str, table: str) -> None:
    """The keys and indexes of layer.table built on the run's filled next version of it (staged without them:
    `stage_table`), in the same order and so under the names the server gives them when it copies them (LIKE ...
    INCLUDING ALL). A duplicate key fails here, before anything is swapped in."""
    with run.engine.begin() as conn:
        for index in conn.execute(statement("runs/live_indexes"), {"layer": layer, "table": table}).all():
            if not index.plain:
                raise ValueError(f"{layer}.{table}: index {index.name} is not on plain columns; stage it indexed")
            columns = sql.SQL(", ").join(map(sql.Identifier, index.columns))
            if index.is_primary:
                ddl(conn, "ALTER TABLE {} ADD PRIMARY KEY ({})", run.staged_id(layer, table), columns)
            else:
                ddl(conn, "CREATE UNIQUE INDEX ON {} ({})" if index.is_unique else "CREATE INDEX ON {} ({})",
                    run.staged_id(layer, table), columns)


def keep_tables(run: Run, layer: str, tables: Sequence[str]) -> None:
    """run_<id>.<layer>__<table> as a view of the warehouse's layer.<table>, for each table this run does not
    rebuild: what it builds reads them as they are, and the commit leaves them in place (views are dropped)."""
    with run.engine.begin() as conn:
        for table in tables:
            ddl(conn, "CREATE VIEW {} AS SELECT * FROM {}", run.staged_id(layer, table), sql.Identifier(layer, table))


# -- commit ---------------------------------------------------------------------------------------
SWAP_LOCK_WAIT = "200ms"  # under PostgreSQL's deadlock_timeout (1 s): the commit gives way before a check ends it
SWAP_PATIENCE_S = 300.0  # how long a commit keeps asking for the tables readers hold
LOCK_NOT_AVAILABLE = "55P03"  # SQLSTATE: lock_timeout ran out


def commit_run(run: Run) -> None:
    """Make the run's work the warehouse's, all at once: attach landed partitions, record files and
    quarantine, swap in every staged core and published table, mark the run succeeded. The tables it
    replaces are taken first, waiting briefly (`swap_locks`): while readers hold one, it tries again."""
    try:
        deadline = time.monotonic() + SWAP_PATIENCE_S
        for attempt in itertools.count():
            try:
                _swap(run)
                return
            except (sa.exc.OperationalError, psycopg.errors.LockNotAvailable) as exc:
                if getattr(getattr(exc, "orig", exc), "sqlstate", None) != LOCK_NOT_AVAILABLE:
                    raise
                if time.monotonic() > deadline:
                    raise RefreshError("The refresh could not publish: readers kept the published tables for "
                                       f"{SWAP_PATIENCE_S:.0f} s; nothing was changed, run it again.") from None
                time.sleep(min(0.05 * 2**attempt, 1.0))
    finally:
        _release(run)


def _swap(run: Run) -> None:
    with run.engine.begin() as conn:
        conn.execute(sa.text("SELECT set_config('lock_timeout', :wait, true)"), {"wait": SWAP_LOCK_WAIT})
        execute_file(conn, "runs/swap_locks", run.schema)
        conn.execute(sa.text("SELECT set_config('lock_timeout', '0', true)"))  # the rest waits as it always did
        execute_file(conn, "runs/swap_in", run.schema)
        conn.execute(statement("runs/used_files", run.schema), {"run_id": run.run_id})
        conn.execute(
            sa.text("UPDATE meta.runs SET status = 'succeeded', finished_at = now() WHERE run_id = :r"),
            {"r": run.run_id},
        )
        record_run(conn, run.run_id, "succeeded", SUCCEEDED, run.min_count)
        _grant_reader(conn)
        conn.execute(statement("runs/drop_run", run.schema))


def _grant_reader(conn: Connection) -> None:
    """Tables moved in by SET SCHEMA miss the default privileges: grant them again."""
    if conn.execute(sa.text("SELECT 1 FROM pg_roles WHERE rolname = 'jsna_reader'")).first():
        conn.execute(sa.text("GRANT USAGE ON SCHEMA published TO jsna_reader"))
        conn.execute(sa.text("GRANT SELECT ON ALL TABLES IN SCHEMA published TO jsna_reader"))
    if conn.execute(sa.text("SELECT 1 FROM pg_roles WHERE rolname = 'jsna_analyst'")).first():
        conn.execute(sa.text("GRANT USAGE ON SCHEMA published, core TO jsna_analyst"))
        conn.execute(sa.text("GRANT SELECT ON ALL TABLES IN SCHEMA published, core TO jsna_analyst"))
