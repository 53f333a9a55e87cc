"""The warehouse on a real PostGIS: migrations, roles, COPY loads and atomic runs."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd
import psycopg
import pytest
import sqlalchemy as sa
from shapely import MultiPolygon, Point, box

from jsna.warehouse import migrate, runs
from jsna.warehouse.copy import copy_frame
from jsna.warehouse.engine import libpq_conninfo, reader_url

pytestmark = pytest.mark.db


def test_migrations_reach_head_with_four_schemas(engine: sa.Engine) -> None:
    assert migrate.current_revision(engine) == migrate.head_revision()
    with engine.connect() as conn:
        schemas = set(conn.execute(sa.text("SELECT nspname FROM pg_namespace")).scalars())
        postgis = conn.execute(sa.text("SELECT postgis_lib_version()")).scalar_one()
    assert {"meta", "raw", "core", "published"} <= schemas
    assert postgis.startswith("3.")


def test_the_reader_sees_published_and_is_refused_raw_and_core(warehouse_url: str) -> None:
    """Given the dashboards' role, then published tables read and raw, core and meta are refused."""
    with psycopg.connect(libpq_conninfo(reader_url()), autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM published.indicators").fetchone() is not None
        for table in ("raw.ehcp_cases", "core.ehcp_cases", "meta.files"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(f"SELECT 1 FROM {table} LIMIT 1")


def test_copy_round_trips_types_nulls_and_geometry(engine: sa.Engine) -> None:
    """Given a frame with text, ints, floats, dates, booleans, nulls and points, when copied, then it reads back."""
    frame = gpd.GeoDataFrame({
        "t": ["a,b", 'q"uote', None], "i": pd.array([1, None, 3], dtype="Int64"), "f": [1.5, float("nan"), -2.0],
        "d": pd.to_datetime(["2020-01-31", None, "2024-02-29"]), "b": [True, False, True],
    }, geometry=[Point(1, 2), Point(3, 4), None], crs=27700)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TEMP TABLE t (t text, i int, f float8, d date, b bool, "
                             "geometry geometry(Point, 27700))"))
        assert copy_frame(conn, "t", frame) == 3
        back = conn.execute(sa.text("SELECT t, i, f, d, b, ST_AsText(geometry), ST_SRID(geometry) FROM t")).all()
    assert back[0] == ("a,b", 1, 1.5, date(2020, 1, 31), True, "POINT(1 2)", 27700)
    assert back[1][:5] == ('q"uote', None, None, None, False)
    assert back[2][0] is None and back[2][5] is None


def _landed_rows(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT count(*) FROM raw.boundaries")).scalar_one()


def test_a_failed_run_leaves_raw_meta_and_published_as_they_were(warehouse_url: str, engine: sa.Engine,
                                                                tmp_path: Path) -> None:
    """Given a run that lands a file and then fails, then nothing it did is visible afterwards."""
    before = _landed_rows(engine)
    with engine.connect() as conn:
        files_before = conn.execute(sa.text("SELECT count(*) FROM meta.files")).scalar_one()
    run = runs.begin_run(warehouse_url)
    frame = gpd.GeoDataFrame({"line": [1], "area_code": ["X01000001"], "area_name": ["A"], "area_level": ["lsoa"],
                              "vintage": [2021]}, geometry=[MultiPolygon([box(0, 0, 1, 1)])], crs=27700)
    src = tmp_path / "a.geojson"
    src.write_text("{}")
    runs.land_frame(run, source_name="t", kind="boundaries", path=src, sha256="0" * 64, raw_table="boundaries",
                    frame=frame.rename_geometry("geom"),
                    quarantine=pd.DataFrame(columns=["line", "column_name", "rule", "value", "record"]), rows_in=1)
    runs.fail_run(run, "deliberate")
    assert _landed_rows(engine) == before
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM meta.files")).scalar_one() == files_before
        status = conn.execute(sa.text("SELECT status, message FROM meta.runs WHERE run_id = :r"),
                              {"r": run.run_id}).one()
        leftover = conn.execute(sa.text("SELECT count(*) FROM pg_namespace WHERE nspname = :s"),
                                {"s": run.schema}).scalar_one()
    assert tuple(status) == ("failed", "deliberate") and leftover == 0


def test_a_second_refresh_waits_its_turn(warehouse_url: str) -> None:
    run = runs.begin_run(warehouse_url)
    try:
        with pytest.raises(Exception, match="Another refresh is running"):
            runs.begin_run(warehouse_url)
    finally:
        runs.fail_run(run, "done")


def test_a_run_killed_without_cleanup_is_abandoned_by_the_next(warehouse_url: str, engine: sa.Engine) -> None:
    """Given a run whose process vanished (schema and 'running' row left behind), then the next run
    marks it abandoned and drops its schema."""
    dead = runs.begin_run(warehouse_url)
    runs._release(dead)  # the process died: its lock connection is gone, nothing else was cleaned
    nxt = runs.begin_run(warehouse_url)
    runs.fail_run(nxt, "done")
    with engine.connect() as conn:
        status = conn.execute(sa.text("SELECT status FROM meta.runs WHERE run_id = :r"), {"r": dead.run_id}).scalar()
        left = conn.execute(sa.text("SELECT count(*) FROM pg_namespace WHERE nspname = :s"),
                            {"s": dead.schema}).scalar_one()
    assert status == "abandoned" and left == 0


def test_refreshes_run_as_the_loading_role_which_owns_the_warehouse(warehouse_url: str, engine: sa.Engine) -> None:
    """Given a run opened the way refreshes open them, then it runs as jsna_loader, a role that is not
    a superuser and owns every table in the warehouse's schemas."""
    from jsna.config import Settings
    from jsna.warehouse.engine import loader_url

    run = runs.begin_run(loader_url(Settings(database_url=warehouse_url)))
    runs.fail_run(run, "done")
    with engine.connect() as conn:
        run_by = conn.execute(sa.text("SELECT run_by FROM meta.runs WHERE run_id = :r"), {"r": run.run_id}).scalar()
        superuser = conn.execute(sa.text("SELECT rolsuper FROM pg_roles WHERE rolname = 'jsna_loader'")).scalar()
        others = conn.execute(sa.text(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname IN "
            "('meta', 'raw', 'core', 'published') AND pg_get_userbyid(c.relowner) <> 'jsna_loader' "
            "AND c.relkind IN ('r', 'p', 'S')")).scalar_one()
    assert run_by == "jsna_loader" and superuser is False and others == 0


def test_a_file_read_by_other_code_is_landed_again(warehouse_url: str, tmp_path: Path) -> None:
    """Given a file landed under one reader version, then the same content is not found under another."""
    from jsna.config import Settings
    from jsna.warehouse.engine import loader_url

    run = runs.begin_run(loader_url(Settings(database_url=warehouse_url)))
    try:
        src = tmp_path / "f.csv"
        src.write_text("x")
        empty = pd.DataFrame(columns=["line", "column_name", "rule", "value", "record"])
        runs.land_frame(run, source_name="v", kind="imd", path=src, sha256="f" * 64, raw_table="imd",
                        frame=pd.DataFrame({"line": [1], "lsoa_code": ["X01000001"], "vintage": [2021],
                                            "imd_rank": [5], "imd_decile": [1]}),
                        quarantine=empty, rows_in=1, reader_version="old")
        assert runs.find_landed(run, "v", "f" * 64, "old") is None  # landed, but not committed yet
        runs.commit_run(run)
        run = runs.begin_run(loader_url(Settings(database_url=warehouse_url)))
        assert runs.find_landed(run, "v", "f" * 64, "old") is not None
        assert runs.find_landed(run, "v", "f" * 64, "new") is None
    finally:
        runs.fail_run(run, "done")


def test_copy_writes_jsonb_and_text_with_nulls_and_unicode(engine: sa.Engine) -> None:
    """Quarantine records travel as jsonb: the binary writer puts jsonb's version byte before each."""
    frame = pd.DataFrame({"j": ['{"a": 1}', None, '{"b": "é"}'], "t": ["x", "ü", None]})
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TEMP TABLE tj (j jsonb, t text)"))
        copy_frame(conn, "tj", frame)
        back = conn.execute(sa.text("SELECT j ->> 'a', j ->> 'b', t FROM tj")).all()
    assert back == [("1", None, "x"), (None, None, "ü"), (None, "é", None)]


def test_core_statistics_keeps_each_figure_once_the_later_delivery_winning(engine: sa.Engine) -> None:
    """core.statistics (sql/core/statistics.sql) on a scratch schema: a figure delivered twice keeps the later
    file's value (and, within a file, the later line's); figures differing in any one part of their identity
    stay apart; a missing area code and an empty one are the same figure."""
    from jsna.warehouse.sqlfiles import execute_file

    cols = ["dataset", "time_period", "time_identifier", "geographic_level", "area_code", "area_name",
            "old_la_code", "breakdown_topic", "breakdown", "measure", "value", "symbol", "file_id", "line"]
    base = {"dataset": "d", "time_period": "2024", "time_identifier": "", "geographic_level": "Local authority",
            "area_code": "E1", "area_name": "A", "old_la_code": None, "breakdown_topic": "Total",
            "breakdown": "Total", "measure": "plans", "symbol": None}
    rows = [
        {**base, "value": 1.0, "file_id": 1, "line": 2},
        {**base, "value": 2.0, "file_id": 2, "line": 9},   # the corrected re-delivery wins
        {**base, "value": 3.0, "file_id": 2, "line": 5},
        *({**base, part: other, "value": 10.0 + i, "file_id": 1, "line": 3 + i} for i, (part, other) in enumerate(
            [("dataset", "e"), ("time_period", "2023"), ("time_identifier", "Q1"), ("geographic_level", "National"),
             ("area_code", "E2"), ("breakdown_topic", "Age"), ("breakdown", "5"), ("measure", "rate")])),
        {**base, "area_code": None, "value": 20.0, "file_id": 1, "line": 20},
        {**base, "area_code": "", "value": 21.0, "file_id": 3, "line": 1},  # the same figure as the one above
    ]
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA IF EXISTS scratch_stats CASCADE; CREATE SCHEMA scratch_stats"))
        conn.execute(sa.text("CREATE TABLE scratch_stats.raw__statistics (dataset text, time_period text, "
                             "time_identifier text, geographic_level text, area_code text, area_name text, "
                             "old_la_code text, breakdown_topic text, breakdown text, measure text, "
                             "value double precision, symbol text, file_id bigint, line bigint)"))
        conn.execute(sa.text("CREATE TABLE scratch_stats.core__statistics (LIKE scratch_stats.raw__statistics)"))
        conn.execute(sa.text(f"INSERT INTO scratch_stats.raw__statistics ({', '.join(cols)}) "
                             f"VALUES ({', '.join(':' + c for c in cols)})"), rows)
        execute_file(conn, "core/statistics", "scratch_stats")
        got = pd.read_sql(sa.text("SELECT * FROM scratch_stats.core__statistics"), conn)
        conn.execute(sa.text("DROP SCHEMA scratch_stats CASCADE"))
    assert len(got) == 1 + 8 + 1
    main = got[(got["dataset"] == "d") & (got["time_period"] == "2024") & (got["area_code"] == "E1")
               & (got["measure"] == "plans") & (got["breakdown"] == "Total") & (got["time_identifier"] == "")
               & (got["geographic_level"] == "Local authority") & (got["breakdown_topic"] == "Total")]
    assert main[["value", "file_id", "line"]].values.tolist() == [[2.0, 2, 9]]
    assert sorted(got["value"]) == [2.0, *(10.0 + i for i in range(8)), 21.0]
    assert got.loc[got["value"] == 21.0, "area_code"].tolist() == [""]


def test_a_commit_gives_way_to_a_reader_instead_of_deadlocking(server_url: str) -> None:
    """Given a reader holding the published figures that then asks for the areas (as one dashboard statement
    reading two tables may), and a refresh committing meanwhile (its swap takes the areas before the figures),
    when both go on, then PostgreSQL's deadlock check ends neither: the commit gives the areas up, the reader
    reads them, and the commit publishes once the reader is done."""
    import threading
    import time

    from jsna.warehouse.engine import get_engine
    from tests.conftest import throwaway_database

    with throwaway_database(server_url) as url:
        run = runs.begin_run(url)
        for table in ("areas", "indicator_values"):
            runs.stage_table(run, "published", table)
        failed: list[BaseException] = []

        def commit() -> None:
            try:
                runs.commit_run(run)
            except BaseException as exc:  # reported by the assertion below
                failed.append(exc)

        engine = get_engine(url)
        with engine.connect() as reader, reader.begin():
            reader.execute(sa.text("SELECT count(*) FROM published.indicator_values"))
            swap = threading.Thread(target=commit)
            swap.start()
            time.sleep(1.5)  # the commit asks for the areas, then for the figures the reader holds
            assert swap.is_alive(), failed  # it waits for the reader
            assert reader.execute(sa.text("SELECT count(*) FROM published.areas")).scalar_one() == 0
        swap.join(timeout=60)
        assert not swap.is_alive() and failed == []
        with engine.connect() as conn:
            status = conn.execute(sa.text("SELECT status FROM meta.runs WHERE run_id = :r"),
                                  {"r": run.run_id}).scalar_one()
        assert status == "succeeded"
        get_engine(url).dispose()
