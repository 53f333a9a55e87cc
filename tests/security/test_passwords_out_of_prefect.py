"""The warehouse's passwords travel with a refresh (the loading role's URL is in every task's run) but never
reach Prefect's database: not as a parameter, a log line, a state message or a task run's name."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from jsna.config import Settings
from jsna.warehouse.engine import analyst_url, loader_url, reader_url

pytestmark = [pytest.mark.db, pytest.mark.flow]


def test_no_password_reaches_prefects_database(refreshed: dict, warehouse_url: str) -> None:
    """Given the demo county refreshed through the real flow, when Prefect's database (and its write-ahead
    log) is read byte by byte, then the flow's runs are in it and none of the warehouse's passwords is."""
    from prefect.settings import PREFECT_SERVER_DATABASE_CONNECTION_URL

    settings = Settings(database_url=warehouse_url)
    passwords = {sa.engine.make_url(url).password for url in
                 (warehouse_url, loader_url(settings), analyst_url(settings), reader_url(settings))}
    assert None not in passwords and len(passwords) == 4  # the local cluster's: each role has its own
    db = Path(str(PREFECT_SERVER_DATABASE_CONNECTION_URL.value()).removeprefix("sqlite+aiosqlite:///"))
    content = b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))
    assert b"jsna-refresh-run" in content  # the right database: the refresh's flow runs are recorded in it
    leaked = [p[:4] + "..." for p in passwords if p and p.encode() in content]
    assert not leaked, f"passwords in Prefect's database: {leaked}"
