"""Shared fixtures. One throwaway PostGIS database per test session serves every database test
(datasette's way); the demo county is generated once per session.

Database tests need a real PostgreSQL + PostGIS. On a laptop without one they skip politely; with
JSNA_REQUIRE_DB=1 (set by `make test`, hence in CI) any skipped test fails the run (geopandas's way).
"""

from __future__ import annotations

import fcntl
import os
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("JSNA_SHARED_DIR") or REPO.parent / "shared")  # ../shared, or where a worktree finds it
REALDATA = SHARED / "realdata"
REFERENCE = SHARED / "reference"

# Prefect offline, in a project-local home, with no telemetry: set before anything imports prefect. Each
# pytest-xdist worker has its own (it inherits the controller's environment, where one may already be set).
_PREFECT_HOME = Path(tempfile.mkdtemp(prefix="jsna-prefect-"))
if os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ["PREFECT_HOME"] = str(_PREFECT_HOME)
os.environ.setdefault("PREFECT_HOME", str(_PREFECT_HOME))
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ["DO_NOT_TRACK"] = "1"
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

REQUIRE_DB = os.environ.get("JSNA_REQUIRE_DB") == "1"


# Under `pytest -n 2 --dist loadgroup` (make test) each group runs on one worker: the tests sharing a session
# warehouse (one demo refresh per group, not one per worker), else a module's tests (its fixtures built once).
# The session's demo warehouse serves the tests that only read it (pages, figures, scans); the tests that
# refresh again (killed, shrunk, on Dask) use warehouses of their own, built on the other worker meanwhile.
GROUPS = {"refreshed": "demo", "threaded_refreshed": "own warehouses", "dask_refreshed": "own warehouses"}


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups from the marks
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        used = getattr(item, "fixturenames", ())
        group = next((g for fixture, g in GROUPS.items() if fixture in used), item.nodeid.split("::")[0])
        item.add_marker(pytest.mark.xdist_group(group))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Under `make test` nothing may skip: a skipped test is a test that did not run."""
    if not REQUIRE_DB:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        reporter.write_line(f"JSNA_REQUIRE_DB=1: {len(skipped)} test(s) skipped; failing the run.", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def _skip_or_fail(reason: str) -> None:
    if REQUIRE_DB:
        pytest.fail(f"{reason} (JSNA_REQUIRE_DB=1: database tests may not skip)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def server_url() -> str:
    """A PostGIS server: JSNA_DATABASE_URL's, or the project's own local cluster (started if needed)."""
    from jsna.config import get_settings
    from jsna.errors import DatabaseError
    from jsna.warehouse.cluster import LocalCluster

    settings = get_settings()
    if settings.database_url:
        return settings.database_url
    try:
        cluster = LocalCluster.from_settings(settings)
        # one pytest-xdist worker at a time: bringing the cluster up also sets its roles' passwords
        lock_path = Path(tempfile.gettempdir()) / f"jsna-tests-{settings.pg_port}.lock"
        with lock_path.open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            cluster.up()
    except (DatabaseError, OSError) as exc:
        _skip_or_fail(f"no PostgreSQL + PostGIS available: {exc}")
    return cluster.url()


@contextmanager
def throwaway_database(server_url: str) -> Iterator[str]:
    """A new database on the server, migrated to head; dropped afterwards."""
    import psycopg
    import sqlalchemy as sa

    from jsna.config import Settings
    from jsna.warehouse import migrate
    from jsna.warehouse.engine import analyst_url, get_engine, libpq_conninfo, loader_url, reader_url

    name = f"jsna_test_{uuid.uuid4().hex[:10]}"
    admin = sa.engine.make_url(server_url).set(database="postgres")
    admin_info = libpq_conninfo(admin.render_as_string(hide_password=False))
    with psycopg.connect(admin_info, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = sa.engine.make_url(server_url).set(database=name).render_as_string(hide_password=False)
    try:
        # roles and their grants are the server's: pytest-xdist workers migrating at once would race on them
        with psycopg.connect(admin_info, autocommit=True) as lock:
            lock.execute("SELECT pg_advisory_lock(hashtext('jsna tests: migrate'))")
            migrate.upgrade(get_engine(url))
        yield url
    finally:
        roles = Settings(database_url=url)
        for u in (url, loader_url(roles), analyst_url(roles), reader_url(roles)):
            get_engine(u).dispose()
        with psycopg.connect(admin_info, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def warehouse_env(url: str) -> Iterator[None]:
    """JSNA_DATABASE_URL pointing at `url` for the duration (flows and the CLI read it)."""
    previous = os.environ.get("JSNA_DATABASE_URL")
    os.environ["JSNA_DATABASE_URL"] = url
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("JSNA_DATABASE_URL", None)
        else:
            os.environ["JSNA_DATABASE_URL"] = previous


@pytest.fixture(scope="session")
def warehouse_url(server_url: str) -> Iterator[str]:
    """The session's throwaway warehouse (the demo county is refreshed into it)."""
    with throwaway_database(server_url) as url, warehouse_env(url):
        yield url


@pytest.fixture(scope="session")
def engine(warehouse_url: str):  # type: ignore[no-untyped-def]
    from jsna.warehouse.engine import get_engine

    return get_engine(warehouse_url)


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo county, generated once per session."""
    from jsna.demo import generate

    out = tmp_path_factory.mktemp("demo")
    generate(out, scale="county", seed=2017)
    return out


@pytest.fixture(scope="session")
def tiny_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo at its tiny scale (90 small areas, three districts; every source, layout and step of the county's),
    generated once per session: the warehouses that test the refresh's own mechanics (killed, shrunk, partial, on
    Dask) are built from it, a full refresh of it taking a seventh of the county's."""
    from jsna.demo.generator import generate_spec
    from jsna.demo.spec import TINY

    out = tmp_path_factory.mktemp("tiny")
    generate_spec(out, TINY, 2017)
    return out


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session")
def refreshed(warehouse_url: str, demo_dir: Path, prefect_harness: None) -> dict[str, object]:
    """The demo county refreshed into the session's warehouse through the real Prefect flow."""
    from flows.refresh import refresh

    return refresh(config=str(demo_dir / "jsna.toml"))


_MAIN = sys.modules["__main__"]  # the worker's own


@pytest.fixture(autouse=True)
def _own_main() -> Iterator[None]:
    """Each test ends with the worker's own __main__: Streamlit's AppTest leaves its page script in its place,
    and processes spawned later (Dask's workers) import __main__ again."""
    yield
    sys.modules["__main__"] = _MAIN


def _refreshed_apart(server_url: str, demo_dir: Path, workers: int, cluster: bool = False
                     ) -> Iterator[dict[str, object]]:
    """With `cluster`, the refresh is sent to a Dask cluster already running (`workers` worker processes, started
    here with the warehouse's settings in their environment, and disclosure control set to protect one period at a
    time: Settings.protect_rows) by its scheduler's address."""
    from flows.refresh import refresh
    from jsna.warehouse.engine import get_engine
    from tests.flows.test_partial_refresh import core_snapshot, latest_headlines
    from tests.flows.test_refresh_flow import published_snapshot

    with throwaway_database(server_url) as url:
        with warehouse_env(url):
            if cluster:
                from distributed import LocalCluster

                # its workers' disclosure control takes one period at a time (the threaded run's, all at once)
                with mock.patch.dict(os.environ, {"JSNA_PROTECT_ROWS": "1"}), LocalCluster(
                        n_workers=workers, processes=True, threads_per_worker=1, dashboard_address=None) as running:
                    summary = refresh(config=str(demo_dir / "jsna.toml"), dask_address=running.scheduler_address)
            else:
                summary = refresh(config=str(demo_dir / "jsna.toml"), workers=workers)
        engine = get_engine(url)
        yield {"url": url, "summary": summary, "published": published_snapshot(engine),
               "core": core_snapshot(engine), "headlines": latest_headlines(engine)}


@pytest.fixture(scope="session")
def threaded_refreshed(server_url: str, tiny_dir: Path, prefect_harness: None) -> Iterator[dict[str, object]]:
    """A warehouse of its own with the tiny demo committed by the threaded flow, for the tests that refresh
    it again (a killed refresh, shrunken deliveries, partial refreshes): its url, the flow's summary, every
    published table's fingerprint at commit (what the Dask refresh must publish too), every core table's and
    the headline rows (what a partial refresh back to the demo's files must leave)."""
    yield from _refreshed_apart(server_url, tiny_dir, 1)


def split_returns(demo: Path, out: Path, parts: int = 2) -> Path:
    """A copy of a demo whose SEN2 return is sent as `parts` returns (its Person elements dealt out in turn, the
    same header each), declared by one pattern, as a region's authorities send theirs."""
    import shutil

    from lxml import etree

    from jsna.demo import sen2

    shutil.copytree(demo, out)
    whole = out / sen2.PATH
    tree = etree.parse(str(whole))
    persons = tree.getroot().find("Persons")
    people = list(persons)
    (out / sen2.FOLDER).mkdir()
    for k in range(parts):
        persons[:] = people[k::parts]
        tree.write(str(out / sen2.FOLDER / f"sen2_{k}.xml"), xml_declaration=True, encoding="UTF-8")
    whole.unlink()
    config = out / "jsna.toml"
    config.write_text(config.read_text().replace(f'path = "{sen2.PATH}"', f'path = "{sen2.PATTERN}"'))
    return out


@pytest.fixture(scope="session")
def dask_refreshed(server_url: str, tiny_dir: Path, prefect_harness: None,
                   tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    """A warehouse with the tiny demo committed by a refresh whose tasks run on an existing Dask cluster of two
    worker processes, reached by its scheduler's address, its SEN2 return sent as two returns (as a region's
    authorities send theirs, landed side by side), its indicator values protected a period at a time: its url, the
    flow's summary and every published table's fingerprint at commit."""
    split = split_returns(tiny_dir, tmp_path_factory.mktemp("tiny_split") / "demo")
    yield from _refreshed_apart(server_url, split, 2, cluster=True)


@pytest.fixture(scope="session")
def realdata() -> Path:
    if not REALDATA.is_dir():
        pytest.fail(f"{REALDATA} is missing: the real public files must sit beside the repository")
    return REALDATA
