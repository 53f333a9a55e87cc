"""The read API (issue 19) as a client meets it: `jsna api` started as a real uvicorn server on the refreshed demo
county, read over HTTP with httpx. Every endpoint's rows equal a query of published written here and run as
jsna_reader; GeoJSON is valid and in WGS84; a suppressed figure is 'c'; ETags give 304 until the run changes;
bad requests say what to do; pandas reads a CSV URL; a response never mixes two runs, even mid-swap."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pandas as pd
import pyarrow.parquet as pq
import pytest
import shapely
import sqlalchemy as sa
from shapely.geometry import shape

pytestmark = pytest.mark.db
REPO = Path(__file__).resolve().parents[2]
INDICATOR = "ehcp_rate_0_25"  # published for every LSOA, many suppressed


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(warehouse_url: str) -> Iterator[httpx.Client]:
    """`jsna api` serving the warehouse at `warehouse_url` on a free port, and a client of it; what the server
    wrote (to a file: a full pipe would stop it) is shown with a failing test's output."""
    port = free_port()
    with tempfile.TemporaryFile("w+") as log:
        proc = subprocess.Popen([sys.executable, "-m", "jsna.cli", "api", "--port", str(port)], cwd=REPO,
                                env={**os.environ, "JSNA_DATABASE_URL": warehouse_url}, stdout=log,
                                stderr=subprocess.STDOUT, text=True)
        client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60)
        try:
            for _ in range(300):
                try:
                    if client.get("/levels").status_code == 200:
                        break
                except httpx.TransportError:
                    assert proc.poll() is None, (log.seek(0), log.read())[1]
                    time.sleep(0.1)
            else:
                pytest.fail("the API did not answer within 30 s")
            yield client
        finally:
            client.close()
            proc.terminate()
            proc.wait(timeout=20)
            log.seek(0)
            sys.stderr.write(log.read())


@pytest.fixture(scope="module")
def api(refreshed: dict, warehouse_url: str) -> Iterator[httpx.Client]:
    """`jsna api` serving the session's warehouse, and a client of it."""
    with serving(warehouse_url) as client:
        yield client


@pytest.fixture(scope="module")
def reader(warehouse_url: str) -> sa.Engine:
    from jsna.config import Settings
    from jsna.warehouse.engine import get_engine, reader_url

    return get_engine(reader_url(Settings(database_url=warehouse_url)))


def sql(reader: sa.Engine, query: str, **params: Any) -> pd.DataFrame:
    with reader.connect() as conn:
        return pd.read_sql(sa.text(query), conn, params=params)


def plain(frame: pd.DataFrame) -> list[list[Any]]:
    """Rows as lists of plain values: missing as None, times as ISO text (as JSON carries them)."""
    out = frame.astype(object).where(frame.notna(), None)
    return [[v.isoformat() if hasattr(v, "isoformat") else v for v in row] for row in out.itertuples(index=False)]


def rows(response: httpx.Response) -> pd.DataFrame:
    assert response.status_code == 200, response.text
    return pd.DataFrame.from_records(response.json()["rows"])


def same(api_rows: pd.DataFrame, expected: pd.DataFrame) -> None:
    assert len(expected) > 0
    assert sorted(api_rows.columns) == sorted(expected.columns)
    assert plain(api_rows[list(expected.columns)]) == plain(expected)


def run_id(reader: sa.Engine) -> int:
    return int(sql(reader, "SELECT max(run_id) AS r FROM published.build")["r"].iloc[0])


def latest(reader: sa.Engine, indicator: str) -> str:
    return str(sql(reader, "SELECT max(period) AS p FROM published.indicator_values WHERE indicator_id = :i",
                   i=indicator)["p"].iloc[0])


def test_every_endpoint_names_the_run_it_read(api: httpx.Client, reader: sa.Engine) -> None:
    """Given the refreshed demo, when each endpoint is read, then its header and body name published.build's run."""
    run = run_id(reader)
    paths = api.get("/").json()["endpoints"]
    concrete = {"/areas/{area_code}": "/areas/X07000001", "/areas/{area_code}/geometry": "/areas/X07000001/geometry",
                "/indicators/{indicator_id}": f"/indicators/{INDICATOR}", "/levels/{level}/geometry":
                "/levels/lad/geometry", "/figures": f"/figures?indicator={INDICATOR}&limit=5",
                "/comparisons": f"/comparisons?indicator={INDICATOR}&limit=5"}
    assert set(concrete) < set(paths) and len(paths) == 14
    for path in paths:
        response = api.get(concrete.get(path, path))
        assert response.status_code == 200, (path, response.text)
        assert response.headers["x-jsna-run"] == str(run) and response.headers["etag"].startswith(f'"run-{run}-')
        assert response.json()["run"]["run_id"] == run
        again = api.get(concrete.get(path, path), headers={"If-None-Match": response.headers["etag"]})
        assert again.status_code == 304, path


def test_figures_equal_the_published_rows_and_suppressed_are_c(api: httpx.Client, reader: sa.Engine) -> None:
    """Given one indicator for every LSOA in its latest period (all breakdowns), then the API's rows are
    published.indicator_values', and a suppressed figure has no numerator or value and the symbol 'c' (JSON, CSV)."""
    period = latest(reader, INDICATOR)
    expected = sql(reader, "SELECT indicator_id, period, area_level, area_code, area_name, breakdown, numerator, "
                           "denominator, value, lower_ci95, upper_ci95, lower_ci998, upper_ci998, comparator, "
                           "comparison, trend, symbol FROM published.indicator_values WHERE indicator_id = :i "
                           "AND area_level = 'lsoa' AND period = :p ORDER BY area_code, breakdown",
                   i=INDICATOR, p=period)
    got = rows(api.get("/figures", params={"indicator": INDICATOR, "level": "lsoa", "period": period, "limit": 10000}))
    same(got, expected)
    assert (got["breakdown"] == "all").sum() == 850
    assert (got["symbol"] == "c").sum() == (expected["symbol"] == "c").sum() > 100
    hidden = got[got["symbol"] == "c"].iloc[0]
    assert hidden[["numerator", "value", "lower_ci95"]].isna().all()
    one = api.get("/figures", params={"indicator": INDICATOR, "level": "lsoa", "period": period,
                                      "breakdown": hidden["breakdown"], "area": hidden["area_code"], "format": "csv"})
    header, line = (text.split(",") for text in one.text.splitlines())
    assert line[header.index("symbol")] == "c" and line[header.index("value")] == ""


def test_pandas_reads_a_csv_url_and_parquet_as_published(api: httpx.Client, reader: sa.Engine) -> None:
    """Given an API URL with ?format=csv (and Accept: parquet), then pandas reads the published rows from it."""
    period = latest(reader, INDICATOR)
    url = f"{api.base_url}/figures?indicator={INDICATOR}&level=lsoa&period={period}&breakdown=all&format=csv"
    frame = pd.read_csv(url, dtype={"period": str})
    expected = sql(reader, "SELECT area_code, value, symbol FROM published.indicator_values WHERE indicator_id = :i "
                           "AND area_level = 'lsoa' AND period = :p AND breakdown = 'all' ORDER BY area_code",
                   i=INDICATOR, p=period)
    assert plain(frame[["area_code", "value", "symbol"]]) == plain(expected)
    response = api.get(f"/figures?indicator={INDICATOR}&level=lsoa&period={period}&breakdown=all",
                       headers={"Accept": "application/vnd.apache.parquet"})
    assert response.headers["content-type"] == "application/vnd.apache.parquet"
    table = pq.read_table(io.BytesIO(response.content))
    assert str(run_id(reader)) in table.schema.metadata[b"jsna_run"].decode()
    assert plain(table.to_pandas()[["area_code", "value", "symbol"]]) == plain(expected)


def test_pages_follow_next_links_to_every_row(api: httpx.Client, reader: sa.Engine) -> None:
    """Given 7,000-row pages of an indicator's LSOA rows, then following `next` gives every row once, in order."""
    expected = sql(reader, "SELECT area_code, period, breakdown FROM published.indicator_values WHERE "
                           "indicator_id = :i AND area_level = 'lsoa' ORDER BY period, area_code, breakdown",
                   i=INDICATOR)
    url: str | None = f"/figures?indicator={INDICATOR}&level=lsoa&limit=7000"
    pages = []
    while url:
        body = api.get(url).json()
        pages.append(pd.DataFrame.from_records(body["rows"]))
        url = body["paging"]["next"]
    assert len(pages) == -(-len(expected) // 7000) > 1
    assert plain(pd.concat(pages)[["area_code", "period", "breakdown"]]) == plain(expected)


def test_catalogue_areas_and_planning_endpoints_equal_published(api: httpx.Client, reader: sa.Engine) -> None:
    """Given the catalogue, areas, comparisons, forecasts, sufficiency, alerts and runs, then each equals its table."""
    same(rows(api.get("/indicators")), sql(reader, "SELECT * FROM published.indicators ORDER BY indicator_id"))
    detail = api.get(f"/indicators/{INDICATOR}").json()
    assert detail["indicator"]["indicator_id"] == INDICATOR
    coverage = sql(reader, "SELECT area_level, breakdown, count(*) AS rows, min(period) AS first, max(period) AS last,"
                           " count(DISTINCT period) AS n FROM published.indicator_values WHERE indicator_id = :i "
                           "GROUP BY 1, 2 ORDER BY 1, 2", i=INDICATOR)
    got = pd.DataFrame.from_records(detail["rows"])
    assert plain(got[["area_level", "breakdown", "rows"]]) == plain(coverage[["area_level", "breakdown", "rows"]])
    assert [(p[0], p[-1], len(p)) for p in got["periods"]] == list(zip(coverage["first"], coverage["last"],
                                                                       coverage["n"], strict=True))
    lads = sql(reader, "SELECT a.area_code, a.area_name, a.area_level, a.vintage, a.parent_code, p.area_name AS "
                       "parent_name FROM published.areas a LEFT JOIN published.areas p ON p.area_code = a.parent_code"
                       " WHERE a.area_level = 'lad' ORDER BY a.area_code")
    got = rows(api.get("/areas", params={"level": "lad"}))
    same(got.drop(columns=["parent_levels", "parent_codes"]), lads)
    assert all(p == ["utla"] for p in got["parent_levels"]) and got["parent_codes"].str[0].eq(got["parent_code"]).all()
    lsoas = sql(reader, "SELECT h.child_code, h.parent_level, h.parent_code FROM published.area_hierarchy h "
                        "WHERE h.child_level = 'lsoa' ORDER BY 1, 2")
    got = rows(api.get("/areas", params={"level": "lsoa", "limit": 2000}))
    assert len(got) == 850
    flat = [(c, lv, pc) for c, lvs, pcs in zip(got["area_code"], got["parent_levels"], got["parent_codes"], strict=True)
            for lv, pc in zip(lvs, pcs, strict=True)]
    assert flat == list(lsoas.itertuples(index=False, name=None))
    levels = sql(reader, "SELECT area_level, max(vintage) AS vintage, count(*) AS areas, count(geom) AS with_geometry "
                         "FROM published.areas GROUP BY 1 ORDER BY 1")
    same(rows(api.get("/levels")), levels)
    same(rows(api.get("/comparisons", params={"indicator": INDICATOR, "level": "lad", "comparator": "parent",
                                      "limit": 10000})),
         sql(reader, "SELECT * FROM published.comparisons WHERE indicator_id = :i AND area_level = 'lad' AND "
                     "comparator_type = 'parent' ORDER BY period, area_code, breakdown", i=INDICATOR))
    same(rows(api.get("/forecasts", params={"limit": 5000})),
         sql(reader, "SELECT * FROM published.forecasts ORDER BY measure, area_level, area_code, breakdown_topic, "
                     "breakdown, year"))
    same(rows(api.get("/sufficiency", params={"limit": 5000})),
         sql(reader, "SELECT * FROM published.sufficiency ORDER BY area_code, need, provision, year"))
    same(rows(api.get("/alerts")), sql(reader, "SELECT * FROM published.alerts ORDER BY status = 'open' DESC, "
                                               "coalesce(closed_at, opened_at) DESC, alert_id DESC"))
    same(rows(api.get("/runs")), sql(reader, "SELECT * FROM published.runs ORDER BY run_id DESC"))


def test_geometry_is_valid_geojson_in_wgs84_as_published(api: httpx.Client, reader: sa.Engine) -> None:
    """Given every LSOA's boundary and one district's, then each is a valid (multi)polygon in WGS84 bounds, the
    same shape as published.areas' web geometry, and every LSOA is there once."""
    expected = sql(reader, "SELECT area_code, ST_AsText(geom) AS wkt FROM published.areas WHERE area_level = 'lsoa' "
                           "ORDER BY area_code")
    response = api.get("/levels/lsoa/geometry", params={"limit": 2000})
    assert response.headers["content-type"] == "application/geo+json"
    body = response.json()
    assert body["type"] == "FeatureCollection" and len(body["features"]) == len(expected) == 850
    shapes = [shape(f["geometry"]) for f in body["features"]]
    assert [f["properties"]["area_code"] for f in body["features"]] == list(expected["area_code"])
    assert all(s.is_valid and s.geom_type == "MultiPolygon" for s in shapes)
    minx, miny, maxx, maxy = shapely.total_bounds(shapes)
    assert -8 < minx < maxx < 2 and 49 < miny < maxy < 61  # degrees of longitude and latitude, in England
    published = shapely.from_wkt(expected["wkt"].to_numpy())
    assert all(shapely.equals_exact(shapes, published, tolerance=1e-5))
    one = api.get("/areas/X07000001/geometry").json()
    assert one["type"] == "Feature" and one["properties"]["area_level"] == "lad" and shape(one["geometry"]).is_valid


def test_etag_gives_304_until_the_run_changes(api: httpx.Client, reader: sa.Engine) -> None:
    """Given a response's ETag, when it is sent back as If-None-Match, then 304 with no body; another format has
    another tag; the tag carries the run."""
    first = api.get(f"/figures?indicator={INDICATOR}&level=lad")
    tag = first.headers["etag"]
    assert tag.startswith(f'"run-{run_id(reader)}-') and first.headers["cache-control"] == "public, no-cache"
    again = api.get(f"/figures?indicator={INDICATOR}&level=lad", headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == tag
    csv = api.get(f"/figures?indicator={INDICATOR}&level=lad&format=csv", headers={"If-None-Match": tag})
    assert csv.status_code == 200 and csv.headers["etag"] != tag
    stale = api.get(f"/figures?indicator={INDICATOR}&level=lad", headers={"If-None-Match": '"run-0-0"'})
    assert stale.status_code == 200


def test_bad_requests_say_what_to_do(api: httpx.Client) -> None:
    """Given unknown ids, then 404 naming the list to look in; given bad or unknown parameters, then 422 naming them."""
    cases = [("/indicators/no_such", 404, "/indicators"), ("/figures?indicator=no_such", 404, "/indicators"),
             ("/areas/E09999999", 404, "/areas"), ("/levels/parish/geometry", 404, "/levels"),
             (f"/figures?indicator={INDICATOR}&period=1999", 404, f"/indicators/{INDICATOR}"),
             ("/nowhere", 404, "see /"),
             ("/figures", 422, "indicator"), (f"/figures?indicator={INDICATOR}&limit=0", 422, "limit"),
             (f"/figures?indicator={INDICATOR}&limit=10001", 422, "limit"),
             (f"/figures?indicator={INDICATOR}&level=parish", 422, "level"),
             (f"/figures?indicator={INDICATOR}&format=xml", 422, "format"),
             (f"/figures?indicator={INDICATOR}&colour=red", 422, "colour"),
             ("/alerts?status=maybe", 422, "status")]
    for path, status, named in cases:
        response = api.get(path)
        assert response.status_code == status, (path, response.text)
        assert named in response.json()["detail"], (path, response.text)
        if status == 422:
            assert response.json()["parameters"] == [named.split("&")[0]]
    injected = api.get("/figures", params={"indicator": "x' OR '1'='1"})  # a value is bound, never text of SQL
    assert injected.status_code == 404


def test_docs_are_served_offline(api: httpx.Client) -> None:
    """Given /docs, then a page of every endpoint with no script or style sheet from elsewhere; no CDN pages."""
    page = api.get("/docs")
    assert page.status_code == 200 and "/figures" in page.text and "/levels/{level}/geometry" in page.text
    assert "<script" not in page.text and "<link" not in page.text and "cdn" not in page.text.lower()
    assert api.get("/openapi.json").json()["paths"]["/figures"]["get"]["summary"]
    assert api.get("/redoc").status_code == 404 and api.get("/docs/oauth2-redirect").status_code == 404


def test_a_response_never_mixes_two_runs_mid_swap(api: httpx.Client, reader: sa.Engine, engine: sa.Engine) -> None:
    """Given a snapshot open and a refresh swapping in the next published tables as commit_run does (tables staged
    and committed before, dropped and renamed in one transaction), then the swap waits for the snapshot, which
    reads the old run's figures to its end; the API then reads the new run with the new figures; all restored."""
    from jsna.api.snapshot import snapshot

    old = run_id(reader)
    key = sql(reader, "SELECT area_code, period FROM published.indicator_values WHERE indicator_id = :i AND "
                      "area_level = 'lad' AND symbol IS NULL AND breakdown = 'all' ORDER BY period DESC LIMIT 1",
              i=INDICATOR).iloc[0]
    where = {"i": INDICATOR, "a": key["area_code"], "p": key["period"]}
    figure = ("SELECT value FROM published.indicator_values WHERE indicator_id = :i AND area_level = 'lad' "
              "AND area_code = :a AND period = :p AND breakdown = 'all'")
    before = float(sql(reader, figure, **where)["value"].iloc[0])
    with engine.begin() as conn:  # the next run's tables, staged and committed as a refresh's are
        conn.execute(sa.text("CREATE SCHEMA api_test_next"))
        conn.execute(sa.text("CREATE TABLE api_test_next.build AS SELECT run_id + 1000 AS run_id, started_at, "
                             "jsna_version FROM published.build"))
        conn.execute(sa.text("CREATE TABLE api_test_next.indicator_values AS SELECT * FROM published.indicator_values"))
        conn.execute(sa.text(f"UPDATE api_test_next.indicator_values SET value = -1 WHERE {figure.split('WHERE')[1]}"),
                     where)

    def swap(forward: bool) -> None:
        with engine.begin() as conn:
            # a table before build (commit_run swaps in name order: areas before build): a reader locking as it
            # goes would deadlock with it or read one run's build with the next one's figures
            for table in ("indicator_values", "build"):
                park, bring = ("api_test_old", "api_test_next") if forward else ("api_test_next", "api_test_old")
                conn.execute(sa.text(f"CREATE SCHEMA IF NOT EXISTS {park}"))
                conn.execute(sa.text(f"ALTER TABLE published.{table} SET SCHEMA {park}"))
                conn.execute(sa.text(f"ALTER TABLE {bring}.{table} SET SCHEMA published"))
            conn.execute(sa.text("GRANT SELECT ON ALL TABLES IN SCHEMA published TO jsna_reader"))

    try:
        with snapshot(reader) as snap:
            seen = snap.run.run_id
            swapping = threading.Thread(target=swap, args=(True,))
            swapping.start()
            time.sleep(1.0)
            assert swapping.is_alive()  # the swap waits for the open snapshot
            mid = snap.conn.execute(sa.text(figure), where).scalar_one()
        swapping.join(timeout=30)
        assert (seen, mid) == (old, before)
        after = api.get("/figures", params={"indicator": INDICATOR, "level": "lad", "area": key["area_code"],
                                            "period": key["period"], "breakdown": "all"}).json()
        assert (after["run"]["run_id"], after["rows"][0]["value"]) == (old + 1000, -1)
    finally:
        if run_id(reader) != old:
            swap(False)
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA IF EXISTS api_test_next CASCADE"))
            conn.execute(sa.text("DROP SCHEMA IF EXISTS api_test_old CASCADE"))
    assert run_id(reader) == old and float(sql(reader, figure, **where)["value"].iloc[0]) == before


def test_a_response_held_up_by_a_swap_reads_all_of_the_next_run(api: httpx.Client, reader: sa.Engine,
                                                                   engine: sa.Engine) -> None:
    """Given a swap holding the published tables (the next build's staged and committed before it, the run recorded
    in published.runs inside it, as commit_run does), when /runs is asked meanwhile, then the answer waits for the
    swap and names the next run and lists it: its snapshot is taken after its locks, not before; all restored."""
    old = run_id(reader)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE SCHEMA api_test_next"))
        conn.execute(sa.text("CREATE TABLE api_test_next.build AS SELECT run_id + 1000 AS run_id, started_at, "
                             "jsna_version FROM published.build"))
    locked, release, answers = threading.Event(), threading.Event(), []

    def swap() -> None:
        with engine.begin() as conn:
            conn.execute(sa.text("CREATE SCHEMA api_test_old"))
            conn.execute(sa.text("ALTER TABLE published.build SET SCHEMA api_test_old"))
            conn.execute(sa.text("ALTER TABLE api_test_next.build SET SCHEMA published"))
            conn.execute(sa.text("GRANT SELECT ON published.build TO jsna_reader"))
            conn.execute(sa.text("INSERT INTO published.runs (run_id, started_at, finished_at, status, reason) "
                                 "SELECT run_id, started_at, now(), 'succeeded', 'test' FROM published.build"))
            locked.set()
            release.wait(timeout=30)

    swapping = threading.Thread(target=swap)
    asking = threading.Thread(target=lambda: answers.append(api.get("/runs").json()))
    try:
        swapping.start()
        assert locked.wait(timeout=30)
        asking.start()
        time.sleep(1.0)
        assert asking.is_alive()  # waiting for the swap
        release.set()
        swapping.join(timeout=30)
        asking.join(timeout=30)
        assert answers[0]["run"]["run_id"] == old + 1000
        assert answers[0]["rows"][0]["run_id"] == old + 1000  # the run's own record, written by the swap
    finally:
        release.set()
        with engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM published.runs WHERE run_id = :r"), {"r": old + 1000})
            if run_id(reader) != old:
                conn.execute(sa.text("DROP TABLE published.build"))
                conn.execute(sa.text("ALTER TABLE api_test_old.build SET SCHEMA published"))
            conn.execute(sa.text("GRANT SELECT ON published.build TO jsna_reader"))
            conn.execute(sa.text("DROP SCHEMA IF EXISTS api_test_next CASCADE"))
            conn.execute(sa.text("DROP SCHEMA IF EXISTS api_test_old CASCADE"))
    assert run_id(reader) == old


def test_a_read_that_takes_too_long_is_stopped_with_503(refreshed: dict, reader: sa.Engine,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Given the statements' time bound at 1 ms (in-process, the same app and database), when a big page is read,
    then the server stops it and answers 503 saying what to ask for instead, for a table and for geometry."""
    import functools

    from fastapi.testclient import TestClient

    import jsna.api.app as app_module
    from jsna.api.snapshot import snapshot

    monkeypatch.setattr(app_module, "snapshot", functools.partial(snapshot, timeout_ms=1))
    client = TestClient(app_module.create_app(reader.url.render_as_string(hide_password=False)))
    for path in (f"/figures?indicator={INDICATOR}&limit=10000", "/levels/lsoa/geometry?limit=10000"):
        response = client.get(path)
        assert response.status_code == 503 and "fewer rows" in response.json()["detail"], path


def test_a_read_held_up_by_a_swap_gives_up_with_503_and_retry_after(refreshed: dict, reader: sa.Engine,
                                                                     engine: sa.Engine,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Given a refresh's swap holding a published table (an ACCESS EXCLUSIVE lock, as commit_run's renames take)
    longer than the API waits for its locks (in-process, the wait at 200 ms), when a client asks, then the answer
    is 503 with Retry-After saying a refresh is publishing; once the swap ends, the same request is answered."""
    import functools

    from fastapi.testclient import TestClient

    import jsna.api.app as app_module
    from jsna.api.snapshot import snapshot

    monkeypatch.setattr(app_module, "snapshot", functools.partial(snapshot, lock_wait_ms=200))
    client = TestClient(app_module.create_app(reader.url.render_as_string(hide_password=False)))
    with engine.begin() as conn:
        conn.execute(sa.text("LOCK TABLE published.alerts IN ACCESS EXCLUSIVE MODE"))
        response = client.get("/alerts")  # the lock is held until after the answer: it gave up waiting
    assert response.status_code == 503 and response.headers["Retry-After"] == "60"
    assert response.json()["detail"].startswith("A refresh has been publishing new figures for over")
    answered = client.get("/alerts")
    assert answered.status_code == 200 and answered.json()["run"]["run_id"] == run_id(reader)
