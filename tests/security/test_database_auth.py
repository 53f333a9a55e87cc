"""The local cluster's own security (issue 14, point 1): every connection proves a password, the socket
is closed to other OS users, the passwords are generated and kept private, and jsna_reader can neither
make temporary tables nor connect to other databases. Checked on a cluster `jsna db up` makes afresh and
on one made by the old code (trust authentication) that `jsna db up` upgrades in place."""

from __future__ import annotations

import os
import shutil
import socket
import stat
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa

from jsna.config import Settings
from jsna.errors import DatabaseError
from jsna.warehouse.cluster import ROLES, SERVER_OPTIONS, SUPERUSER, LocalCluster, find_pg_bin
from jsna.warehouse.engine import analyst_url, libpq_conninfo, loader_url, reader_url

pytestmark = [
    pytest.mark.db,
    pytest.mark.skipif(os.geteuid() != 0, reason="acts as the OS users postgres and nobody (runuser needs root)"),
]
ALL_ROLES = (SUPERUSER, *ROLES)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as(user: str, args: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    return subprocess.run(["runuser", "-u", user, "--", *args], capture_output=True, text=True, cwd="/",
                          env={**clean, **(env or {})}, timeout=60)


def _psql_as_nobody(host: str, port: int, user: str, sql: str = "SELECT 1", password: str | None = None,
                    database: str = "postgres") -> subprocess.CompletedProcess[str]:
    return _as("nobody", ["psql", "-X", "-w", "-h", host, "-p", str(port), "-U", user, "-d", database, "-c", sql],
               env={"PGPASSWORD": password} if password else None)


def _connect(cluster: LocalCluster, role: str, database: str = "postgres") -> psycopg.Connection:
    """As `role` over TCP with its generated password."""
    return psycopg.connect(host="127.0.0.1", port=cluster.port, user=role, dbname=database,
                           password=cluster.passwords()[role], autocommit=True, connect_timeout=10)


@pytest.fixture(scope="module")
def workdir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="jsna-auth-"))
    os.chmod(path, 0o711)  # the postgres OS user must reach its data below
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="module")
def fresh(workdir: Path) -> Iterator[LocalCluster]:
    """`jsna db up` on a data directory that holds nothing yet."""
    cluster = LocalCluster(workdir / "fresh" / "pg", _free_port(), "jsna")
    try:
        cluster.up()
        yield cluster
    finally:
        cluster.stop()


def make_trust_cluster(cluster: LocalCluster) -> None:
    """A cluster as the old `jsna db up` made it: initdb --auth=trust, an open socket directory, passwordless
    roles, and some data."""
    for d in (cluster.pg_dir, cluster.socket_dir):
        d.mkdir(parents=True)
        shutil.chown(d, "postgres", "postgres")
        os.chmod(d, 0o755)
    bin_dir = find_pg_bin()
    initdb = _as("postgres", [str(bin_dir / "initdb"), "-D", str(cluster.data_dir), "-U", "postgres", "--auth=trust",
                              "-E", "UTF8", "--locale=C.UTF-8"])
    assert initdb.returncode == 0, initdb.stderr
    with (cluster.data_dir / "postgresql.conf").open("a", encoding="utf-8") as fh:
        fh.writelines(f"{key} = {value}\n" for key, value in SERVER_OPTIONS.items())
    start = _as("postgres", [str(bin_dir / "pg_ctl"), "-D", str(cluster.data_dir), "-o",
                             f"-p {cluster.port} -k {cluster.socket_dir}", "-l", str(cluster.log_file), "-w", "start"])
    assert start.returncode == 0, start.stderr
    info = {"host": str(cluster.socket_dir), "port": cluster.port, "user": "postgres", "autocommit": True}
    with psycopg.connect(dbname="postgres", **info) as conn:  # type: ignore[arg-type]
        conn.execute("CREATE ROLE jsna_reader LOGIN")
        conn.execute("CREATE DATABASE jsna")
    with psycopg.connect(dbname="jsna", **info) as conn:  # type: ignore[arg-type]
        conn.execute("CREATE TABLE kept AS SELECT 42 AS answer")


@pytest.fixture(scope="module")
def upgraded(workdir: Path) -> Iterator[LocalCluster]:
    """`jsna db up` on a running cluster made by the old code, after checking that it was open."""
    cluster = LocalCluster(workdir / "old" / "pg", _free_port(), "jsna")
    try:
        make_trust_cluster(cluster)
        before = _psql_as_nobody("127.0.0.1", cluster.port, "postgres", "COPY (SELECT 1) TO PROGRAM 'cat >/dev/null'")
        assert before.returncode == 0, f"the old cluster should have trusted nobody: {before.stderr}"
        cluster.up()
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="module", params=["fresh", "upgraded"])
def cluster(request: pytest.FixtureRequest) -> LocalCluster:
    return request.getfixturevalue(request.param)  # type: ignore[no-any-return]


def test_no_password_or_a_wrong_one_connects_nobody(cluster: LocalCluster) -> None:
    """Given the cluster, when the OS user nobody connects over TCP as any of its roles with no password
    or a wrong one, then the server refuses; with the role's generated password it answers."""
    for role in ALL_ROLES:
        none = _psql_as_nobody("127.0.0.1", cluster.port, role, "COPY (SELECT 1) TO PROGRAM 'id'")
        assert none.returncode != 0 and "no password supplied" in none.stderr, (role, none.stdout, none.stderr)
        wrong = _psql_as_nobody("127.0.0.1", cluster.port, role, password="not-the-password")
        assert wrong.returncode != 0, (role, wrong.stdout)
        assert f'password authentication failed for user "{role}"' in wrong.stderr
        with _connect(cluster, role, "jsna") as conn:
            assert conn.execute("SELECT current_user").fetchone() == (role,)


def test_the_socket_directory_is_closed_to_other_users(cluster: LocalCluster) -> None:
    """Given the cluster, then its socket directory is mode 0700 and the server's OS user's, and nobody
    cannot even reach the socket; the server listens on 127.0.0.1 only."""
    info = cluster.socket_dir.stat()
    assert stat.S_IMODE(info.st_mode) == 0o700
    assert info.st_uid == os.stat(cluster.data_dir).st_uid  # the server's OS user (postgres)
    proc = _psql_as_nobody(str(cluster.socket_dir), cluster.port, "postgres")
    assert proc.returncode != 0 and "Permission denied" in proc.stderr, proc.stderr
    with _connect(cluster, SUPERUSER) as conn:
        assert conn.execute("SHOW listen_addresses").fetchone() == ("127.0.0.1",)


def test_pg_hba_asks_every_connection_for_a_scram_password(cluster: LocalCluster) -> None:
    """Given the cluster, then pg_hba.conf has no trust line and every rule, socket and TCP, is scram-sha-256."""
    rules = [line.split() for line in (cluster.data_dir / "pg_hba.conf").read_text().splitlines()
             if line.split("#", 1)[0].strip()]
    assert {r[0] for r in rules} == {"local", "host"}
    assert all(r[-1] == "scram-sha-256" for r in rules), rules
    assert not any("trust" in r for r in rules)


def test_the_passwords_are_generated_private_and_stored_as_scram(cluster: LocalCluster) -> None:
    """Given the cluster, then one file under data/pg, mode 0600 and ours, holds a long random password
    for each of the four roles; the server keeps only SCRAM verifiers; initdb's password file is gone."""
    info = cluster.passwords_file.stat()
    assert cluster.passwords_file.parent == cluster.pg_dir
    assert stat.S_IMODE(info.st_mode) == 0o600 and info.st_uid == os.geteuid()
    passwords = cluster.passwords()
    assert set(passwords) == set(ALL_ROLES)
    assert all(len(p) >= 40 for p in passwords.values()) and len(set(passwords.values())) == 4
    with _connect(cluster, SUPERUSER) as conn:
        stored = dict(conn.execute("SELECT rolname, rolpassword FROM pg_authid WHERE rolname = ANY(%s)",
                                   (list(ALL_ROLES),)).fetchall())
    assert set(stored) == set(ALL_ROLES)
    assert all(v.startswith("SCRAM-SHA-256$") for v in stored.values()), stored
    assert not list(cluster.pg_dir.glob(".pwfile-*"))
    assert "SCRAM-SHA-256$" not in cluster.log_file.read_text() and not any(
        p in cluster.log_file.read_text() for p in passwords.values())


def test_the_reader_cannot_connect_to_the_maintenance_databases(cluster: LocalCluster) -> None:
    """Given the cluster, when jsna_reader (or the analyst, or the loader) connects to postgres or
    template1 with its own password, then it is refused."""
    for role in ROLES:
        for database in ("postgres", "template1"):
            with pytest.raises(psycopg.OperationalError, match=f'permission denied for database "{database}"'):
                _connect(cluster, role, database)


def test_an_upgraded_cluster_keeps_its_data_and_roles(upgraded: LocalCluster) -> None:
    """Given a cluster made by the old code, after `jsna db up` its data are still there and its
    passwordless reader now has its password."""
    with _connect(upgraded, SUPERUSER, "jsna") as conn:
        assert conn.execute("SELECT answer FROM kept").fetchone() == (42,)
    with _connect(upgraded, "jsna_reader", "jsna") as conn:
        assert conn.execute("SELECT current_user").fetchone() == ("jsna_reader",)


def test_up_again_is_harmless_and_a_lost_passwords_file_is_one_clear_sentence(fresh: LocalCluster) -> None:
    """Given a running cluster, `jsna db up` again keeps the passwords; without its passwords file it
    stops with one sentence naming the file instead of making new passwords it could not set."""
    before = fresh.passwords()
    fresh.up()
    assert fresh.passwords() == before
    aside = fresh.passwords_file.with_name("aside.toml")
    fresh.passwords_file.rename(aside)
    try:
        with pytest.raises(DatabaseError, match=rf"{fresh.passwords_file} is missing; restore it"):
            fresh.up()
    finally:
        aside.rename(fresh.passwords_file)
    with _connect(fresh, SUPERUSER) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)


def test_in_the_warehouse_the_reader_makes_no_temporary_tables(warehouse_url: str) -> None:
    """Given a migrated warehouse on the project's cluster, then jsna_reader cannot create a temporary table
    nor connect to the maintenance database, while jsna_loader (refreshes use temporary tables) and
    jsna_analyst can."""
    settings = Settings(database_url=warehouse_url)
    with psycopg.connect(libpq_conninfo(reader_url(settings)), autocommit=True) as conn:
        assert conn.execute("SELECT current_user").fetchone() == ("jsna_reader",)
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied to create temporary"):
            conn.execute("CREATE TEMP TABLE t (i int)")
        public = conn.execute("SELECT count(*) FROM pg_database, aclexplode(datacl) a "
                              "WHERE datname = current_database() AND a.grantee = 0").fetchone()
        assert public == (0,)  # PUBLIC may neither connect nor make temporary tables
    for url in (loader_url(settings), analyst_url(settings)):
        with psycopg.connect(libpq_conninfo(url), autocommit=True) as conn:
            conn.execute("CREATE TEMP TABLE t (i int)")
    elsewhere = sa.engine.make_url(reader_url(settings)).set(database="postgres")
    with pytest.raises(psycopg.OperationalError, match='permission denied for database "postgres"'):
        psycopg.connect(libpq_conninfo(elsewhere.render_as_string(hide_password=False)))
