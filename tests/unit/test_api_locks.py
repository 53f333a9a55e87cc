"""The API's share locks (sql/api/snapshot.sql) against a refresh's swap (sql/runs/swap_in.sql): the swap takes the
published tables one by one in byte order of their names, and LOCK TABLE takes its list one by one as written; in
any other order a response and a swap each hold a table the other waits for, and the server stops one of them (seen
as 500s, or a failed commit, while refreshes ran beside readers: tests/flows/test_api_during_refreshes.py)."""

from __future__ import annotations

import re

from jsna.config import SQL_DIR


def locked() -> list[str]:
    text = (SQL_DIR / "api" / "snapshot.sql").read_text(encoding="utf-8")
    statement = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))
    listed = re.search(r"LOCK TABLE(.*?)IN ACCESS SHARE MODE", statement, re.S)
    assert listed is not None
    return [name.strip().removeprefix("published.") for name in listed.group(1).split(",")]


def test_the_api_locks_published_tables_in_the_order_the_swap_takes_them() -> None:
    """Given the swap's loop over the run's tables by name, then the API's LOCK lists its tables in byte order."""
    swap = (SQL_DIR / "runs" / "swap_in.sql").read_text(encoding="utf-8")
    assert "ORDER BY table_name LOOP" in swap  # information_schema names compare as bytes (type name, collation C)
    tables = locked()
    assert tables == sorted(tables, key=lambda t: t.encode()) and len(set(tables)) == len(tables)


def test_the_api_locks_every_published_table_it_reads() -> None:
    """Given every API statement, then each published table it reads is locked before the snapshot is taken."""
    read = {name for path in (SQL_DIR / "api").glob("*.sql") if path.name != "snapshot.sql"
            for name in re.findall(r"published\.(\w+)", path.read_text(encoding="utf-8"))}
    assert read and read <= set(locked()), sorted(read - set(locked()))
