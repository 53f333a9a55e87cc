"""What a refresh must redo: the tables its changed sources land in, and everything that reads them.

A refresh built by the same configuration and code as the last build, from the same files but for some
sources, redoes only what reads those sources: the core tables whose SQL reads a changed table (in build order,
so that what reads a rebuilt table is rebuilt too), and the steps after it (an indicator family, place planning,
the milestones) whose named queries read a changed table. A step's queries are those it read when it last ran
(recorded in core.build_reads): what it computes follows from them, so a step none of whose queries changed
would compute the same again. Finer still (`settle`), once the core is rebuilt: a query that reads a rebuilt table
but returns the rows it returned in the last build (run over both builds' tables, compared on the server) changes
nothing either, so a step whose queries all do so is kept too. What is not redone is taken from the last build as
it is; the result is that of a full refresh of the same files (tests/flows/test_partial_refresh.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

import pandas as pd
from psycopg import sql
from sqlalchemy.engine import Connection

from jsna.kinds import CORE_BUILD
from jsna.warehouse.copy import copy_frame
from jsna.warehouse.runs import Run, temp_view
from jsna.warehouse.sqlfiles import query_frame, same_rows, sql_text, statement

_TABLE = re.compile(r'\{run\}\."?((?:raw|core)__[a-z0-9_]+)"?')
# built in the same step as core.areas (jsna.pipeline.build_core): it changes when they do
_BUILT_WITH = {"core__lsoa_bestfit": "core__areas"}


@lru_cache(maxsize=256)
def reads(sql_name: str) -> frozenset[str]:
    """The run's tables a named SQL file reads ('raw__lookup', 'core__areas' ...), its own output left out."""
    found = {_BUILT_WITH.get(t, t) for t in _TABLE.findall(sql_text(sql_name))}
    return frozenset(found - {f"core__{sql_name.removeprefix('core/')}"})


# the areas step reads the ONS lookup for the best-fitting LSOA 2011 of each LSOA 2021 too
_CORE_READS = {"areas": frozenset({"raw__lookup"})}


def core_reads(table: str) -> frozenset[str]:
    """What building core.<table> reads."""
    return reads(f"core/{table}") | _CORE_READS.get(table, frozenset())


@dataclass(frozen=True)
class Scope:
    """What a refresh redoes. `full`: everything (no earlier build of the same configuration and code to start
    from, or a forced refresh); else `changed` holds the raw tables whose files changed and the core tables
    rebuilt because of them."""

    full: bool
    changed: frozenset[str] = frozenset()
    same: frozenset[str] = frozenset()  # named queries reading a changed table that return what they did (`settle`)

    @property
    def core(self) -> list[str]:
        """The core tables to rebuild, in build order."""
        return [t for t in CORE_BUILD if self.full or f"core__{t}" in self.changed]

    def redo(self, queries: Iterable[str] | None) -> bool:
        """Whether a step that read these named queries (sql/queries) when it last ran must run again; None: it
        has no record, so it runs."""
        if self.full or queries is None:
            return True
        return any(self.stale(q) for q in queries)

    def stale(self, query: str) -> bool:
        """Whether a named query may return other rows than it did in the last build: it reads a changed table,
        and was not found to return the same rows (`settle`)."""
        return self.full or (query not in self.same and bool(reads(f"queries/{query}") & self.changed))

    def describe(self) -> str:
        if self.full:
            return "everything"
        return ", ".join(sorted(self.changed)) or "nothing"


FULL = Scope(full=True)


def scope_of(changed_raw: Iterable[str]) -> Scope:
    """The raw tables `changed_raw` and every core table that reads them, directly or through another."""
    changed = {f"raw__{t}" for t in changed_raw}
    for table in CORE_BUILD:  # build order: a table comes after those it reads
        if core_reads(table) & changed:
            changed.add(f"core__{table}")
    return Scope(full=False, changed=frozenset(changed))


# -- the warehouse's side: the last build, and what each step read ------------------------------------------
def rebuild_scope(run: Run) -> Scope:
    """What this run redoes: everything unless the last build had the same configuration and code; then the
    raw tables whose files changed since, and what reads them."""
    with run.engine.connect() as conn:
        last = conn.execute(statement("pipeline/last_committed"), {"run_id": run.run_id}).one_or_none()
        if last is None or not last.same_build:
            return FULL
        changed = conn.execute(statement("pipeline/changed_raw", run.schema),
                               {"file_ids": list(last.file_ids)}).scalars().all()
    return scope_of(changed)


def last_reads(run: Run) -> dict[str, list[str]]:
    """The named queries each step of the last build read (core.build_reads), by step."""
    frame = query_frame(run.engine, "pipeline/last_reads")
    return {str(step): list(group["query"]) for step, group in frame.groupby("step")}


def record_reads(run: Run, reads: Mapping[str, Iterable[str]]) -> None:
    """What the steps this run computed read ({step: queries}), for the next refresh to check."""
    rows = pd.DataFrame([(step, q) for step, queries in reads.items() for q in sorted(set(queries))],
                        columns=["step", "query"])
    if len(rows):
        with run.engine.begin() as conn:
            copy_frame(conn, "core__build_reads", rows, schema=run.schema)


def keep_reads(run: Run, steps: Sequence[str]) -> None:
    """The steps taken from the last build keep its record of what they read."""
    if steps:
        with run.engine.begin() as conn:
            conn.execute(statement("pipeline/keep_reads", run.schema), {"steps": list(steps)})


# -- what reads a rebuilt table but returns what it did ---------------------------------------------------------
_PARAM = re.compile(r"(?<![:\w]):([a-z_][a-z0-9_]*)")  # a bound parameter (not a '::type' cast)
_RUN_OBJECT = re.compile(r'\{run\}\."?([a-z0-9_]+)"?')
LAST_BUILD = "pg_temp"  # where `settle` reads the last build's tables: views in the session's own schema


def settle(run: Run, scope: Scope, steps: Mapping[str, Sequence[str]], params: Mapping[str, object]) -> Scope:
    """`scope`, with the named queries found to return the same rows as in the last build (`Scope.same`). For each
    step it would redo (`steps`: the queries each read when it last ran), the queries that read a changed table run
    over this run's tables and over the last build's, until one returns other rows (the step is redone); where
    none does, the step computes what it did then and is kept. A query asked with parameters other than `params`
    (the run's years), or reading a raw table that changed (the last build's rows of it are not at hand), counts
    as changed. The rows are compared on the server, as a multiset (jsna.warehouse.sqlfiles.same_rows): the steps
    read them in a fixed order, so the same rows in any order compute the same."""
    if scope.full:
        return scope
    same: set[str] = set()
    with run.engine.connect() as conn, conn.begin() as tx:  # the views go with the transaction
        viewed: set[str] = set()
        for queries in steps.values():
            for query in queries:
                if not scope.stale(query) or query in same:
                    continue
                if not _same_rows(conn, run, scope, query, params, viewed):
                    break
                same.add(query)
        tx.rollback()
    return replace(scope, same=frozenset(same))


def _same_rows(conn: Connection, run: Run, scope: Scope, query: str, params: Mapping[str, object],
               viewed: set[str]) -> bool:
    """Whether a named query returns the same rows over this run's tables as over the last build's (LAST_BUILD)."""
    text = sql_text(f"queries/{query}")
    tables = set(_RUN_OBJECT.findall(text))
    if not set(_PARAM.findall(text)) <= set(params) or any(
            not t.startswith(("core__", "raw__")) or (t.startswith("raw__") and t in scope.changed) for t in tables):
        return False
    for table in sorted(tables - viewed):  # the last build's core tables; unchanged raw tables as this run reads them
        layer, _, name = table.partition("__")
        source = sql.Identifier("core", name) if layer == "core" else sql.Identifier(run.schema, table)
        temp_view(conn, table, source)
        viewed.add(table)
    bound = {k: v for k, v in params.items() if k in _PARAM.findall(text)}
    return same_rows(conn, f"queries/{query}", (run.schema, LAST_BUILD), bound)
