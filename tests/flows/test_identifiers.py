"""A record-level round trip: after the demo county's child-level files are loaded, no identifier
from them is anywhere in the database in clear, and each role sees only what it should."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import psycopg
import pytest
import sqlalchemy as sa

from jsna.config import Settings
from jsna.warehouse.engine import analyst_url, libpq_conninfo, reader_url

pytestmark = [pytest.mark.db, pytest.mark.flow]

FILES = {  # file -> its clear identifiers (names are checked as whole values and as "forename surname")
    "education/ehcp_cases.csv": ["Child ID", "UPN", "NHS Number"],
    "health/waiting_list.csv": ["Referral ID", "NHS Number"],
    "social_care/disabled_children_team.csv": ["Person ID", "NHS Number"],
    "health/ehc_advice_returns.csv": ["LA Case Reference", "UPN"],
}


def clear_identifiers(demo_dir: Path) -> set[str]:
    found: set[str] = set()
    for rel, cols in FILES.items():
        frame = pd.read_csv(demo_dir / rel, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        for col in cols:
            found |= set(frame[col][frame[col] != ""])
        if "Surname" in frame:
            found |= set(frame["Surname"]) | set(frame["Forename"] + " " + frame["Surname"])
    return found


def test_no_identifier_in_clear_in_any_text_column(refreshed: dict, engine: sa.Engine, demo_dir: Path) -> None:
    """Given every NHS number, UPN, local id and name in the demo's child-level files, when every text,
    varchar and jsonb column of every table in meta, raw, core and published is scanned, then none
    holds any of them, as a whole value or inside a value (quarantine records included)."""
    secrets = clear_identifiers(demo_dir)
    assert len(secrets) > 50_000
    longer = {s for s in secrets if len(s) >= 8}
    lengths = sorted({len(s) for s in longer})

    def inside(v: str) -> str | None:
        """The identifier held inside `v`, if any: every substring of an identifier's length looked up."""
        return next((v[i:i + n] for n in lengths for i in range(len(v) - n + 1) if v[i:i + n] in longer), None)

    with engine.connect() as conn:
        cols = conn.execute(sa.text(
            "SELECT c.table_schema, c.table_name, c.column_name, c.data_type FROM information_schema.columns c "
            "JOIN information_schema.tables t USING (table_schema, table_name) WHERE t.table_type = 'BASE TABLE' "
            "AND c.table_schema IN ('meta', 'raw', 'core', 'published') "
            "AND c.data_type IN ('text', 'character varying', 'character', 'jsonb')")).all()
        scanned = 0
        for schema, table, column, dtype in cols:
            if schema == "raw" and table.startswith("postcodes"):
                continue  # the public postcode directory
            expr = f'"{column}"::text' if dtype == "jsonb" else f'"{column}"'
            values = conn.execute(sa.text(f'SELECT DISTINCT {expr} FROM {schema}."{table}" WHERE {expr} IS NOT NULL'
                                          )).scalars().all()
            scanned += len(values)
            assert not secrets.intersection(values), f"{schema}.{table}.{column} holds identifiers in clear"
            long_values = [v for v in values if len(v) > 40]
            for v in long_values:  # identifiers inside longer text (json records, messages)
                assert inside(v) is None, f"{schema}.{table}.{column}: {v[:80]}"
    assert scanned > 10_000


def test_each_role_reads_what_it_should(refreshed: dict, warehouse_url: str) -> None:
    """The dashboards' reader sees published only; the analyst also the core model (unsuppressed
    figures), never raw landings or meta; unsuppressed small counts exist only in core."""
    def connect(role: str) -> psycopg.Connection:
        url = {"jsna_analyst": analyst_url, "jsna_reader": reader_url}[role](Settings(database_url=warehouse_url))
        return psycopg.connect(libpq_conninfo(url), autocommit=True)

    with connect("jsna_analyst") as conn:
        small = conn.execute("SELECT count(*) FROM core.indicator_values WHERE numerator BETWEEN 1 AND 4").fetchone()
        assert small is not None and small[0] > 0
        assert conn.execute("SELECT count(*) FROM published.indicator_values").fetchone()
        for table in ("raw.ehcp_cases", "meta.quarantine"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(f"SELECT 1 FROM {table} LIMIT 1")
    with connect("jsna_reader") as conn:
        for table in ("core.indicator_values", "core.ehcp_cases", "raw.ehcp_cases"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(f"SELECT 1 FROM {table} LIMIT 1")
