"""Role URLs (issue 14, point 2): the loader, the analyst and the reader never carry the owner's password;
each has its own setting, its own generated password on the local cluster, or no password at all."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from jsna.config import Settings
from jsna.warehouse.cluster import LocalCluster
from jsna.warehouse.engine import analyst_url, database_url, loader_url, reader_url

REPO = Path(__file__).resolve().parents[2]
OWNER = "postgresql://o:owner-secret@db.example.org/jsna"
ROLE_SETTINGS = ("JSNA_READER_DATABASE_URL", "JSNA_ANALYST_DATABASE_URL", "JSNA_LOADER_DATABASE_URL")


@pytest.fixture(autouse=True)
def _no_role_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ROLE_SETTINGS:
        monkeypatch.delenv(name, raising=False)


def _db_url(*flags: str, env: dict[str, str]) -> str:
    clean = {k: v for k, v in os.environ.items() if k not in ROLE_SETTINGS}
    proc = subprocess.run([sys.executable, "-m", "jsna.cli", "db", "url", *flags], capture_output=True, text=True,
                          cwd=REPO, env={**clean, **env}, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def test_jsna_db_url_never_prints_the_owners_password_for_a_role() -> None:
    """Given JSNA_DATABASE_URL with the owner's password, when `jsna db url --reader|--analyst|--loader`
    runs, then each prints its role's URL with no password; `jsna db url` alone prints the owner's."""
    env = {"JSNA_DATABASE_URL": OWNER}
    for flag, role in (("--reader", "jsna_reader"), ("--analyst", "jsna_analyst"), ("--loader", "jsna_loader")):
        printed = _db_url(flag, env=env)
        assert printed == f"postgresql+psycopg://{role}@db.example.org/jsna"
        assert "owner-secret" not in printed
    assert _db_url(env=env) == "postgresql+psycopg://o:owner-secret@db.example.org/jsna"


def test_a_password_given_in_the_query_is_not_passed_on_either() -> None:
    """Given the owner's password (and user) in the URL's query, then the role URLs drop them."""
    settings = Settings(database_url="postgresql://db.example.org/jsna?user=o&password=owner-secret&sslmode=require")
    for build, role in ((reader_url, "jsna_reader"), (analyst_url, "jsna_analyst"), (loader_url, "jsna_loader")):
        assert build(settings) == f"postgresql+psycopg://{role}@db.example.org/jsna?sslmode=require"


def test_each_role_may_have_its_own_url() -> None:
    """Given JSNA_READER/ANALYST/LOADER_DATABASE_URL, then each role uses its own, password included."""
    settings = Settings(database_url=OWNER,
                        reader_database_url="postgresql://jsna_reader:reader-secret@ro.example.org/jsna",
                        analyst_database_url="postgresql://jsna_analyst:analyst-secret@db.example.org/jsna",
                        loader_database_url="postgresql://jsna_loader:loader-secret@db.example.org/jsna")
    assert reader_url(settings) == "postgresql+psycopg://jsna_reader:reader-secret@ro.example.org/jsna"
    assert analyst_url(settings) == "postgresql+psycopg://jsna_analyst:analyst-secret@db.example.org/jsna"
    assert loader_url(settings) == "postgresql+psycopg://jsna_loader:loader-secret@db.example.org/jsna"


def test_on_the_local_cluster_each_role_carries_its_own_generated_password(tmp_path: Path) -> None:
    """Given the local cluster's passwords file, then the owner's URL carries the superuser's password and
    each role's URL its own; the same holds when JSNA_DATABASE_URL points at that cluster (a test database
    on it, over the socket or TCP), and no password is passed to another server on another port."""
    local = Settings(data_dir=tmp_path, pg_port=55999, database_url=None)
    cluster = LocalCluster.from_settings(local)
    cluster.pg_dir.mkdir(parents=True)
    (cluster.passwords_file).write_text('postgres = "pw-super"\njsna_loader = "pw-load"\n'
                                        'jsna_analyst = "pw-analyse"\njsna_reader = "pw-read"\n')
    assert sa.engine.make_url(database_url(local)).password == "pw-super"
    socket_db = sa.engine.make_url(database_url(local)).set(database="jsna_test_x")
    for owner, database in ((None, "jsna"), (socket_db.render_as_string(hide_password=False), "jsna_test_x"),
                            ("postgresql://postgres:pw-super@127.0.0.1:55999/other", "other")):
        settings = Settings(data_dir=tmp_path, pg_port=55999, database_url=owner)
        for build, role, password in ((reader_url, "jsna_reader", "pw-read"), (analyst_url, "jsna_analyst",
                                      "pw-analyse"), (loader_url, "jsna_loader", "pw-load")):
            url = sa.engine.make_url(build(settings))
            assert (url.username, url.password, url.database) == (role, password, database)
    elsewhere = Settings(data_dir=tmp_path, pg_port=55999, database_url="postgresql://postgres:pw-super@127.0.0.1:5432/x")
    assert sa.engine.make_url(reader_url(elsewhere)).password is None
