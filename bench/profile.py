"""A refresh's steps against their floors: for each step of a demo refresh (the library steps the Prefect flow calls,
in its order) its seconds, the driver's peak memory, its rows in and out, and beside each heavy step its floor,
measured in the same run over the same rows: the same work done once, as one vectorised numpy pass or one SQL
statement, with no framework around it. The distance of each step from what the machine can do is then plain.

Memory: the resident set (RSS) of this Python process, sampled every 5 ms by a thread (psutil), the peak during the
step and its growth above the step's start. The database server's own memory is not in it. tracemalloc was not used:
it slows numpy- and pandas-heavy steps several times and misses memory allocated outside Python's allocator.

The floors (each a lower bound: it leaves out work the step must do, so a step can come near it, never beat it):
- land files: each file parsed alone (pyarrow's CSV reader; ElementTree.iterparse for XML; pyogrio's Arrow reader for
  geometry files; openpyxl read-only for workbooks) and each CSV sent once to the server by COPY into a table of
  text columns; no contract checks, no pseudonymising, no placement in small areas.
- build core: each core table written once more by one `CREATE TABLE ... AS SELECT *` of it (its rows, no joins).
- compute indicators: the named queries the step read, run again as they are, plus one numpy pass computing the
  Wilson 95% and 99.8% limits of every value it produced (no comparisons, trends or SII).
- publish: the primary suppression of every value and the hidden counts of its area and breakdown sum groups, as
  one vectorised pass (numpy bincount), and one COPY of the same rows; no secondary suppression rounds.
- plan places: the named queries the step read, run again, plus the transition simulation's random draws (a
  binomial leaving draw, a move among settings and a Poisson joining draw for every cell of every district, every
  simulated path and year) as one numpy pass; no estimation, forecasting models or access distances.
"""

from __future__ import annotations

import threading
import time
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import psutil
from psycopg import sql

from jsna import pipeline
from jsna.config import Settings, get_settings
from jsna.warehouse.runs import LandedFile, Run
from jsna.warehouse.sqlfiles import query_frame

MB = 1024 * 1024


@dataclass
class Step:
    """One step of the refresh: wall seconds, the driver's peak RSS (MB) and its growth over the step, rows in and
    out, and the floor's seconds and what it is (None: a light step, no floor)."""

    step: str
    seconds: float
    peak_mb: float
    grew_mb: float
    rows_in: int | None = None
    rows_out: int | None = None
    floor_seconds: float | None = None
    floor: str | None = None

    @property
    def distance(self) -> float | None:
        return self.seconds / self.floor_seconds if self.floor_seconds else None


class Meter:
    """Wall time and peak RSS of this process over a block (a thread samples RSS every `interval` seconds)."""

    def __init__(self, interval: float = 0.005) -> None:
        self.interval, self.process = interval, psutil.Process()
        self.start_rss = self.peak_rss = 0
        self.seconds = 0.0
        self._stop = threading.Event()

    def _sample(self) -> None:
        while not self._stop.wait(self.interval):
            self.peak_rss = max(self.peak_rss, self.process.memory_info().rss)

    def __enter__(self) -> Meter:
        self.start_rss = self.peak_rss = self.process.memory_info().rss
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        self._t0 = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self._t0
        self._stop.set()
        self._thread.join()
        self.peak_rss = max(self.peak_rss, self.process.memory_info().rss)


class Recorder:
    """The named queries a step reads (name, parameters, rows), recorded by wrapping pipeline.query_frame."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str | None, dict[str, Any] | None, int]] = []

    @contextmanager
    def recording(self) -> Iterator[None]:
        original = pipeline.query_frame

        def recorded(engine: Any, name: str, schema: str | None = None, params: dict[str, Any] | None = None
                     ) -> pd.DataFrame:
            frame = original(engine, name, schema, params)
            if name.startswith("queries/"):
                self.calls.append((name, schema, dict(params or {}), len(frame)))
            return frame

        pipeline.query_frame = recorded  # type: ignore[assignment]
        try:
            yield
        finally:
            pipeline.query_frame = original  # type: ignore[assignment]

    @property
    def rows(self) -> int:
        return sum(c[3] for c in self.calls)

    def replay(self, run: Run) -> None:
        for name, schema, params, _ in self.calls:
            query_frame(run.engine, name, schema, params)


def timed(work: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    work()
    return time.perf_counter() - t0


# -- the floors ----------------------------------------------------------------------------------------------------
def _files(path: Path) -> list[Path]:
    return sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]


def _parse_floor(run: Run, path: Path) -> None:
    """Parse one file alone (and COPY a CSV's rows to the server as text): see the module's docstring."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        import pyarrow.csv as pacsv

        try:  # the demo writes UTF-8 and, as some systems export, Windows-1252
            path.read_bytes().decode("utf-8")
            encoding = "utf8"
        except UnicodeDecodeError:
            encoding = "cp1252"
        header = pacsv.read_csv(path, read_options=pacsv.ReadOptions(encoding=encoding)).column_names
        _copy_csv(run, path, len(header), "UTF8" if encoding == "utf8" else "WIN1252")
    elif suffix == ".xml":
        for _, elem in ET.iterparse(path):
            elem.clear()
    elif suffix in (".geojson", ".gpkg", ".shp", ".json"):
        import pyogrio

        pyogrio.read_arrow(path)
    elif suffix == ".xlsx":
        import openpyxl

        book = openpyxl.load_workbook(path, read_only=True)
        for sheet in book.worksheets:
            for _ in sheet.iter_rows(values_only=True):
                pass
        book.close()
    elif suffix == ".zip":
        with zipfile.ZipFile(path) as z:
            for name in z.namelist():
                z.read(name)


def _copy_csv(run: Run, path: Path, columns: int, encoding: str) -> None:
    raw = run.engine.raw_connection()
    try:
        with raw.cursor() as cur:  # type: ignore[attr-defined]
            cols = sql.SQL(", ").join(sql.SQL("{} text").format(sql.Identifier(f"c{i}")) for i in range(columns))
            cur.execute(sql.SQL("CREATE TEMP TABLE bench_floor ({})").format(cols))
            stmt = sql.SQL("COPY bench_floor FROM STDIN (FORMAT csv, HEADER true, ENCODING {})").format(
                sql.Literal(encoding))
            with cur.copy(stmt) as copy, path.open("rb") as fh:
                while block := fh.read(1 << 20):
                    copy.write(block)
        raw.rollback()
    finally:
        raw.close()


def land_floor(run: Run, paths: list[Path]) -> float:
    def work() -> None:
        for p in paths:
            for f in _files(p):
                _parse_floor(run, f)

    return timed(work)


def core_floor(run: Run, tables: list[str]) -> float:
    """Each core table written once more by one CREATE TABLE AS SELECT * (rolled back)."""
    raw = run.engine.raw_connection()
    try:
        with raw.cursor() as cur:  # type: ignore[attr-defined]
            t0 = time.perf_counter()
            for i, table in enumerate(tables):
                cur.execute(sql.SQL("CREATE TEMP TABLE {} AS SELECT * FROM {}").format(
                    sql.Identifier(f"bench_floor_{i}"), sql.Identifier(run.schema, table)))
            seconds = time.perf_counter() - t0
        raw.rollback()
    finally:
        raw.close()
    return seconds


def wilson(x: np.ndarray, n: np.ndarray, z: float) -> tuple[np.ndarray, np.ndarray]:
    with np.errstate(invalid="ignore", divide="ignore"):
        p = x / n
        centre = p + z * z / (2 * n)
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
        scale = 1 + z * z / n
        return (centre - half) / scale, (centre + half) / scale


def indicators_floor(run: Run, recorder: Recorder, values: pd.DataFrame) -> float:
    def work() -> None:
        recorder.replay(run)
        x, n = values["numerator"].to_numpy(float), values["denominator"].to_numpy(float)
        for z in (1.959964, 3.090232):
            wilson(x, n, z)

    return timed(work)


def publish_floor(run: Run, values: pd.DataFrame, nesting: pd.DataFrame, min_count: int) -> float:
    def work() -> None:
        x = values["numerator"].to_numpy(float)
        hidden = (x > 0) & (x < min_count)
        nest = nesting.drop_duplicates(["child_level", "child_code"])[["child_level", "child_code", "parent_code"]]
        rows = values[["indicator_id", "period", "breakdown", "area_level", "area_code"]].merge(
            nest, left_on=["area_level", "area_code"], right_on=["child_level", "child_code"], how="left")
        for keys in (["indicator_id", "period", "breakdown", "parent_code"], ["indicator_id", "period", "area_code"]):
            g = rows.groupby(keys, sort=False, dropna=False).ngroup().to_numpy()
            np.bincount(g, hidden)  # hidden rows per sum group
            np.bincount(g, np.where(hidden, x, 0.0))  # and their sum
        raw = run.engine.raw_connection()
        try:
            with raw.cursor() as cur:  # type: ignore[attr-defined]
                cur.execute(sql.SQL("CREATE TEMP TABLE bench_floor (LIKE {})").format(
                    sql.Identifier(run.schema, "published__indicator_values")))
                cols = [c for c in values.columns if c != "symbol"]
                stmt = sql.SQL("COPY bench_floor ({}) FROM STDIN").format(
                    sql.SQL(", ").join(sql.Identifier(c) for c in cols))
                with cur.copy(stmt) as copy:
                    for row in values[cols].itertuples(index=False, name=None):
                        copy.write_row(row)
            raw.rollback()
        finally:
            raw.close()

    return timed(work)


def planning_floor(run: Run, recorder: Recorder, sims: int = 300, years: int = 5) -> float:
    """The named queries again, and the simulation's draws in every occupied cell (district, need, setting, age)
    of every path and year as one numpy pass: who leaves (binomial), who stays put (binomial), who joins
    (Poisson)."""
    cases = query_frame(run.engine, "queries/planning_cases", run.schema)
    keys = [c for c in ("lad_code", "primary_need", "placement", "age_at_31aug") if c in cases]
    cells = max(1, cases.groupby(keys, dropna=False).ngroups) if len(cases) else 1
    n0 = np.full((sims, cells), max(1, len(cases) // cells), dtype=np.int64)

    def work() -> None:
        recorder.replay(run)
        rng = np.random.default_rng(0)
        n = n0
        for _ in range(years):
            stay = n - rng.binomial(n, 0.1)
            n = rng.binomial(stay, 0.95) + rng.poisson(0.5, size=n.shape)

    return timed(work)


# -- the profile -------------------------------------------------------------------------------------------------
def _rows(run: Run, prefix: str, schema: str | None = None) -> dict[str, int]:
    frame = query_frame(run.engine, "bench/table_rows", params={"schema": schema or run.schema, "prefix": prefix})
    return dict(zip(frame["table_name"], frame["rows"].astype(int), strict=True))


def _file_rows(run: Run, landed: list[LandedFile]) -> tuple[int, int]:
    frame = query_frame(run.engine, "bench/file_rows", run.schema, {"file_ids": [f.file_id for f in landed]})
    return int(frame["rows_in"].iloc[0]), int(frame["rows_out"].iloc[0])


def _step(name: str, m: Meter, **kw: Any) -> Step:
    return Step(name, m.seconds, m.peak_rss / MB, (m.peak_rss - m.start_rss) / MB, **kw)


def profile_refresh(config: Path, url: str) -> list[Step]:
    """A first refresh of the demo at `config` into the database at `url`, step by step (see the module)."""
    steps: list[Step] = []
    with Meter() as m:
        run, cfg = pipeline.start(config, Settings(database_url=url))
    steps.append(_step("start (migrate, open run)", m))
    try:
        plan = pipeline.plan_sources(cfg)
        with Meter() as m:
            landed = [pipeline.land(run, cfg, entry) for entry in plan.reference]
        rows_in, rows_out = _file_rows(run, landed)
        steps.append(_step(f"land reference files ({len(plan.reference)})", m, rows_in=rows_in, rows_out=rows_out,
                           floor_seconds=land_floor(run, [cfg.resolve(e) for e in plan.reference]),
                           floor="parse alone; CSV: one COPY as text"))
        with Meter() as m:
            fresh = pipeline.needs_reading(run, cfg, plan.placed)
            context = pipeline.read_context(run, cfg, get_settings(), fresh) if fresh else None
        steps.append(_step("placement context (LSOAs, postcodes)", m))
        with Meter() as m:
            placed = [pipeline.land(run, cfg, entry, context) for entry in plan.placed]
        rows_in, rows_out = _file_rows(run, placed)
        steps.append(_step(f"land placed records ({len(plan.placed)})", m, rows_in=rows_in, rows_out=rows_out,
                           floor_seconds=land_floor(run, [cfg.resolve(e) for e in plan.placed]),
                           floor="parse alone; CSV: one COPY as text"))
        landed += placed
        with Meter() as m:
            pipeline.unchanged_since(run, landed)
            scope = pipeline.scope(run)
        steps.append(_step("unchanged? what to redo", m))
        with Meter() as m:
            pipeline.build_core(run, scope)
        raw = _rows(run, "raw__")  # the run's raw views (and its files' partitions: __f<id>, not counted twice)
        raw_rows = sum(raw.get(f"raw__{t}", 0) for t in {f.raw_table for f in landed})
        core = _rows(run, "core__")
        steps.append(_step("build core", m, rows_in=raw_rows, rows_out=sum(core.values()),
                           floor_seconds=core_floor(run, sorted(core)),
                           floor="each core table written once by CREATE TABLE AS SELECT *"))
        recorder = Recorder()
        with Meter() as m, recorder.recording():
            computed = pipeline.compute_indicators(run, cfg, scope)
        values = pipeline.computed_rows(run.engine, run, "values")  # as publish reads them, all at once here
        steps.append(_step("compute indicators", m, rows_in=recorder.rows,
                           rows_out=computed.values + computed.comparisons,
                           floor_seconds=indicators_floor(run, recorder, values),
                           floor="its queries again + Wilson limits of every value (numpy)"))
        with Meter() as m:
            published = pipeline.publish(run, cfg, computed)
        nesting = query_frame(run.engine, "queries/area_nesting", run.schema)
        steps.append(_step("publish (disclosure control)", m, rows_in=len(values), rows_out=published,
                           floor_seconds=publish_floor(run, values, nesting, cfg.disclosure.min_count),
                           floor="primary + sum groups' hidden counts (numpy) + one COPY"))
        recorder = Recorder()
        with Meter() as m, recorder.recording():
            written = pipeline.plan_places(run, cfg, scope=scope)
        steps.append(_step("plan places (forecasts, sufficiency, access)", m, rows_in=recorder.rows,
                           rows_out=sum((written or {}).values()), floor_seconds=planning_floor(run, recorder),
                           floor="its queries again + the simulation's draws (numpy)"))
        with Meter() as m:
            milestones = pipeline.publish_milestones(run, cfg, scope)
        steps.append(_step("milestones", m, rows_out=milestones))
        with Meter() as m:
            pipeline.commit(run)
        steps.append(_step("commit (atomic swap)", m))
    except BaseException as exc:
        pipeline.abort(run, exc)
        raise
    return steps


def total(steps: list[Step]) -> Step:
    """The library's time over every step (and the highest peak)."""
    return Step("total (library time)", sum(s.seconds for s in steps), max(s.peak_mb for s in steps),
                max(s.grew_mb for s in steps))


def as_dicts(steps: list[Step]) -> list[dict[str, Any]]:
    return [asdict(s) | {"distance": s.distance} for s in steps]
