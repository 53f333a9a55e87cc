"""The refresh, step by step, as the methodology reads:

1. start      bring the warehouse schema up to date and open a run (its own schema, the refresh lock)
2. land       read each declared file with its adapter, check it against its contract, pseudonymise,
              and land its rows (bad rows to quarantine with the reason). Files already landed with
              the same content are not read again. Reference files (boundaries, lookups, population,
              deprivation, postcodes) land first; records that must be placed in small areas after.
              A delivery smaller than the one published now stops the run (check_deliveries).
3. build      rebuild the core model from the landed rows (sql/core/*.sql)
4. indicators compute every indicator from core counts (jsna.indicators)
5. publish    apply disclosure control and build the published tables (sql/published/*.sql)
6. commit     swap everything in at once; a run that fails before this changes nothing

Prefect flows (flows/refresh.py) call these steps as tasks; nothing here knows about Prefect.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from sqlalchemy.engine import Connection, Engine

from jsna import __version__, rebuild
from jsna.config import JsnaConfig, Settings, SourceEntry, get_settings, require_demo_areas
from jsna.errors import JsnaError
from jsna.forecasting import planner
from jsna.forecasting.planner import PlanInputs
from jsna.geography.bestfit import best_fit
from jsna.geography.simplify import WEB_TOLERANCES, simplify_coverage
from jsna.indicators import milestones
from jsna.indicators.catalogue import catalogue_frame, load_catalogue
from jsna.indicators.compute import COMPARISON_COLUMNS, LIMITS, VALUE_COLUMNS
from jsna.indicators.inputs import Inputs
from jsna.indicators.registry import compute_all, unit_of, units
from jsna.indicators.targets import with_local_targets
from jsna.kinds import CORE_BUILD, RAW_TABLES
from jsna.preflight import check_refresh
from jsna.publish.disclosure import declared, linked_indicators, protect
from jsna.publish.headline_history import HEADLINES, headline_rows
from jsna.rebuild import FULL, Scope, keep_reads, last_reads, rebuild_scope, record_reads
from jsna.sources import datasets
from jsna.sources.context import Placement, ReadContext
from jsna.sources.identity import Pseudonymiser
from jsna.sources.people import unplaced_notes
from jsna.sources.registry import CHILD_LEVEL, PLACED, READERS, reader_version
from jsna.sources.releases import content_sha256, release_notes
from jsna.sources.sen2_return.rules import validation_rules
from jsna.warehouse import deliveries, migrate, runs
from jsna.warehouse.copy import copy_frame
from jsna.warehouse.engine import database_url, get_engine, loader_url
from jsna.warehouse.runs import LandedFile, Run
from jsna.warehouse.sqlfiles import execute_file, query_frame, query_geoframe, query_records, statement, statements

log = logging.getLogger(__name__)  # each step, for Prefect's run log and the terminal's progress line

# RAW_TABLES and CORE_BUILD (the order core tables are built in) follow from jsna.kinds.
PUBLISHED_BUILD = ["areas", "schools", "service_sites", "sources", "source_rules", "build"]


@dataclass(frozen=True)
class SourcePlan:
    """Sources in the order they must land: reference first, then records placed in small areas."""

    reference: list[SourceEntry]
    placed: list[SourceEntry]
    unsupported: list[SourceEntry]


def plan_sources(cfg: JsnaConfig) -> SourcePlan:
    supported = [s for s in cfg.sources if s.kind in READERS]
    return SourcePlan(
        reference=[s for s in supported if s.kind not in PLACED],
        placed=[s for s in supported if s.kind in PLACED],
        unsupported=[s for s in cfg.sources if s.kind not in READERS],
    )


# -- 1. start ----------------------------------------------------------------------------------------
REPO = Path(__file__).resolve().parents[1]


def build_version() -> str:
    """The package version and a fingerprint of the code that turns files into published tables (the
    library, its SQL, catalogue and schemas, the flows): a refresh by other code rebuilds everything."""
    files = sorted(p for pattern in ("jsna/**/*.py", "jsna/**/*.toml", "jsna/**/*.xsd", "sql/**/*.sql", "flows/*.py")
                   for p in REPO.glob(pattern))
    digest = hashlib.sha256()
    for f in files:
        digest.update(str(f.relative_to(REPO)).encode())
        digest.update(f.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:12]}"


def start(config_path: Path, settings: Settings, accept_shrink: Sequence[str] = ()) -> tuple[Run, JsnaConfig]:
    """Check the configuration, migrate (as the owner), and open a run (as the loading role)."""
    cfg = check_refresh(config_path, settings, accept_shrink)
    log.info("configuration %s checked: %d sources", Path(config_path).name, len(cfg.sources))
    migrate.upgrade(get_engine(database_url(settings)))
    run = runs.begin_run(loader_url(settings), Path(config_path).resolve(), cfg.build_digest(), build_version(),
                         cfg.disclosure.min_count)
    log.info("run %d opened", run.run_id)
    return run, cfg


# -- 2. land -----------------------------------------------------------------------------------------
def read_as(entry: SourceEntry) -> str:
    """The reading a landing is found by: the code that reads files, the source's kind and its options
    (columns, extract date, areas ...). A file landed by other code or read with other options is read again."""
    options = json.dumps(entry.options, sort_keys=True, default=str)
    return hashlib.sha256(f"{reader_version()}|{entry.kind}|{options}".encode()).hexdigest()[:16]


def land(run: Run, cfg: JsnaConfig, entry: SourceEntry, context: ReadContext | None = None) -> LandedFile:
    """Land one declared file (or find its earlier landing by content)."""
    path = cfg.resolve(entry)
    sha = content_sha256(path)  # a release's folder: its files' names and contents
    earlier = runs.find_landed(run, entry.name, sha, read_as(entry))
    if earlier is not None:
        log.info("source %s: %s already landed (file %d), not read again", entry.name, path.name, earlier.file_id)
        return earlier
    if context is None and entry.kind in PLACED:
        context = run_context(run, cfg, get_settings())
    log.info("source %s: reading %s as %s", entry.name, path.name, entry.kind)
    parsed = READERS[entry.kind](path, entry.options, context)
    landed = runs.land_frame(
        run, source_name=entry.name, kind=entry.kind, path=path, sha256=sha, reader_version=read_as(entry),
        raw_table=parsed.raw_table,
        frame=parsed.frame.rename(columns={"__line__": "line"}), quarantine=parsed.quarantine,
        rows_in=parsed.rows_in, rows_loaded=parsed.rows_loaded,
        validation=validation_rules(parsed.extras),
    )
    deliveries.record_period(run, landed)
    log.info("source %s: %d rows in, %d loaded, %d quarantined", entry.name, parsed.rows_in,
             parsed.rows_loaded if parsed.rows_loaded is not None else len(parsed.frame), len(parsed.quarantine))
    # a release's files read and not read, rows landed unplaced: in the run record
    noted = [*release_notes(parsed.extras), *unplaced_notes(parsed.extras)]
    if noted:
        with run.engine.begin() as conn:
            conn.execute(statement("pipeline/file_notes", run.schema), {"notes": noted, "file_id": landed.file_id})
    return landed


def needs_reading(run: Run, cfg: JsnaConfig, entries: list[SourceEntry]) -> list[SourceEntry]:
    """The entries whose current content has not been landed before."""
    fresh = []
    for entry in entries:
        if runs.find_landed(run, entry.name, content_sha256(cfg.resolve(entry)), read_as(entry)) is None:
            fresh.append(entry)
    return fresh


def read_context(run: Run, cfg: JsnaConfig, settings: Settings, entries: list[SourceEntry]) -> ReadContext:
    """What placed records need: the run's LSOAs and postcode directory, and the pseudonymisation key."""
    runs.create_raw_views(run, RAW_TABLES)
    return _placement_context(run, cfg, settings, entries)


def prepare_placement(run: Run) -> None:
    """Before placed files land side by side: the run's views of the reference files landed (each process that
    lands a placed file reads its small areas and postcodes through them, `run_context`)."""
    runs.create_raw_views(run, RAW_TABLES)


_contexts: dict[tuple[int, str], ReadContext] = {}
_contexts_guard = threading.Lock()


def run_context(run: Run, cfg: JsnaConfig, settings: Settings) -> ReadContext:
    """The run's read context, built once in this process (after `prepare_placement`): a Dask worker builds its
    own from the warehouse when it first lands a placed file, rather than be sent the small areas, the postcode
    directory and the key with every file (at England scale a copy of some hundreds of MB per file, held by the
    flow's process and the workers until the files land). Threads landing side by side share it."""
    key = (run.run_id, run.schema)
    with _contexts_guard:
        if key not in _contexts:
            _contexts.clear()  # an earlier run's
            _contexts[key] = _placement_context(run, cfg, settings, plan_sources(cfg).placed)
        return _contexts[key]


def forget_context() -> None:
    """Let this process's read context go (landing is over)."""
    with _contexts_guard:
        _contexts.clear()


def _placement_context(run: Run, cfg: JsnaConfig, settings: Settings, entries: list[SourceEntry]) -> ReadContext:
    log.info("reading the run's small areas and postcodes to place %d sources' records", len(entries))
    engine = run.engine
    lsoas = query_geoframe(engine, "pipeline/lsoa_boundaries", run.schema)
    vintage_row = query_frame(engine, "pipeline/lsoa_vintage", run.schema)
    vintage = int(vintage_row["v"].iloc[0]) if vintage_row["v"].notna().all() else None
    postcodes = query_frame(engine, "pipeline/postcode_lsoas", run.schema)
    placement = Placement(
        lsoas=lsoas if len(lsoas) else None, vintage=vintage,
        postcodes=pd.Series(postcodes["lsoa_code"].to_numpy(), index=postcodes["postcode"].to_numpy())
        if len(postcodes) else None,
        known=set(lsoas["area_code"]),
    )
    needs_key = any(e.kind in CHILD_LEVEL for e in entries)
    if needs_key and cfg.project.demo:
        require_demo_areas(placement.known, "The LSOA boundaries of this refresh hold")
    pseudonymiser = Pseudonymiser(settings.pseudonym_key, demo=cfg.project.demo) if needs_key else None
    return ReadContext(placement, pseudonymiser, cfg.project.area_code)


def check_deliveries(run: Run, cfg: JsnaConfig, landed: Sequence[LandedFile],
                     accept_shrink: Sequence[str] = ()) -> None:
    """Stop before anything is built when a source's delivery is smaller than the one published now
    (jsna.warehouse.deliveries), unless that source's shrink was accepted."""
    log.info("checking %d deliveries against those the published figures came from", len(landed))
    deliveries.check_shrink(run, landed, cfg.refresh.min_share, cfg.named(accept_shrink))


def unchanged_since(run: Run, landed: Sequence[LandedFile]) -> int | None:
    """The run whose published tables this one would rebuild as they are: the last committed build, if it
    used the same files (none new) under the same configuration and code. None: something changed."""
    if any(f.new for f in landed):
        return None
    with run.engine.connect() as conn:
        last = conn.execute(statement("pipeline/last_committed"), {"run_id": run.run_id}).one_or_none()
        mine = conn.execute(statement("pipeline/used_files", run.schema)).scalars().all()
    if last is None or not last.same_build or list(last.file_ids) != list(mine):
        return None
    return int(last.run_id)


def keep_published(run: Run) -> None:
    """End a run with nothing to rebuild; the warehouse stays as it is."""
    log.info("run %d: files, settings and code unchanged; published kept", run.run_id)
    runs.keep_published(run)


def scope(run: Run, force: bool = False) -> Scope:
    """What this run redoes (jsna.rebuild): everything when forced or when the configuration or code changed;
    else only what reads the sources whose files changed since the last build."""
    found = FULL if force else rebuild_scope(run)
    log.info("run %d redoes %s", run.run_id, "everything" if found.full else f"what reads {found.describe()}")
    return found


# -- 3. build ----------------------------------------------------------------------------------------
def build_core(run: Run, scope: Scope = FULL) -> None:
    """Rebuild the core tables `scope` names; the others are read as the last build left them."""
    runs.create_raw_views(run, RAW_TABLES)
    runs.stage_table(run, "core", "build_reads")
    rebuilt = scope.core
    kept = [t for t in CORE_BUILD if t not in rebuilt]
    runs.keep_tables(run, "core", kept + (["lsoa_bestfit"] if "areas" in kept else []))
    for i, table in enumerate(rebuilt, 1):
        log.info("core model: building %s (%d of %d)", table, i, len(rebuilt))
        runs.stage_table(run, "core", table)
        with run.engine.begin() as conn:
            execute_file(conn, f"core/{table}", run.schema)
        if table == "areas":
            web_geometry(run)
            lsoa_bestfit(run)
    with run.engine.begin() as conn:
        execute_file(conn, "pipeline/analyze_core", run.schema)


def web_geometry(run: Run) -> None:
    """Each level's areas simplified together for the web, shared boundaries simplified once so that
    neighbours keep meeting exactly (no slivers, no gaps), reprojected to WGS84."""
    areas = query_geoframe(run.engine, "pipeline/area_geometries", run.schema)
    parts = []
    for (level, vintage), group in areas.groupby(["area_level", "vintage"]):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                simple = simplify_coverage(group.geometry, WEB_TOLERANCES.get(str(level), 100.0))
        except ValueError:  # not a coverage this can handle: keep the per-polygon web copy
            continue
        web = gpd.GeoSeries(shapely.force_2d(np.asarray(simple.values, dtype=object)), crs=group.crs).to_crs(4326)
        multi = [g if g is None or g.geom_type == "MultiPolygon" else shapely.MultiPolygon([g]) for g in web]
        parts.append(gpd.GeoDataFrame({"area_level": level, "area_code": group["area_code"].to_numpy(),
                                       "vintage": vintage}, geometry=gpd.GeoSeries(multi, crs=4326)))
    if not parts:
        return
    web = pd.concat(parts, ignore_index=True).rename_geometry("geom_web")
    with run.engine.begin() as conn:
        execute_file(conn, "pipeline/web_geometry_table", run.schema)
        copy_frame(conn, "web", web)
        execute_file(conn, "pipeline/web_geometry_update", run.schema)


def lsoa_bestfit(run: Run) -> None:
    """For each LSOA 2021, its best-fitting LSOA 2011: from ONS's lookup where one was loaded, else
    derived from the 2011 and 2021 boundaries (the LSOA 2011 its area lies most within)."""
    runs.stage_table(run, "core", "lsoa_bestfit")
    ons = query_frame(run.engine, "pipeline/lsoa_bestfit_lookup", run.schema)
    if len(ons):
        fit = ons.assign(share=np.nan, method="ons lookup")
    else:
        areas = query_geoframe(run.engine, "pipeline/lsoa_boundaries_2011_2021", run.schema)
        new, old = areas[areas["vintage"] == 2021], areas[areas["vintage"] == 2011]
        if new.empty or old.empty:
            return
        best = best_fit(new[["area_code", "geom"]], old[["area_code", "geom"]], source_code="area_code",
                        target_code="area_code")
        fit = pd.DataFrame({"lsoa21_code": best["source_code"], "lsoa11_code": best["target_code"],
                            "share": best["share_of_source"], "method": "boundaries"})
    with run.engine.begin() as conn:
        copy_frame(conn, "core__lsoa_bestfit", fit[["lsoa21_code", "lsoa11_code", "share", "method"]],
                   schema=run.schema)


def settle(run: Run, cfg: JsnaConfig, scope: Scope) -> Scope:
    """Once the core is rebuilt: `scope` with the named queries that read a rebuilt table but return the rows they
    did in the last build (jsna.rebuild.settle); a step that reads nothing else computes what it did, and is kept."""
    if scope.full:
        return scope
    years = {"first_year": cfg.project.first_year, "last_year": cfg.project.last_year}  # as Inputs.years asks
    settled = rebuild.settle(run, scope, last_reads(run), years)
    if settled.same:
        log.info("run %d: %s return what they did in the last build", run.run_id, ", ".join(sorted(settled.same)))
    return settled


# -- 4. indicators -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Computed:
    """What computing indicators leaves for publishing: how many values and comparisons were computed before
    disclosure control (their rows wait in the run's work tables: `stage_computed`), the named queries each family
    read (`reads`) and the families taken from the last build as they are (`kept`)."""

    values: int
    comparisons: int
    reads: dict[str, list[str]]
    kept: tuple[str, ...] = ()


# the run's own tables of the values and comparisons computed, before disclosure control (never swapped in), each
# like a live table; publish reads them a run of periods at a time, so no process holds all of them at once
WORK_TABLES = {"values": ("core", "indicator_values"), "comparisons": ("published", "comparisons")}
PART = 2**40  # a part's rows are numbered (seq) from its place among the parts computed apart times this
FLOATS = ["numerator", "denominator", "comparator_value", *LIMITS]  # typed as floats however few rows are read


def stage_computed(run: Run) -> None:
    """The run's empty tables of computed values and comparisons (WORK_TABLES), before any is computed."""
    for table, like in WORK_TABLES.items():
        runs.stage_work(run, table, like)


def compute_indicators(run: Run, cfg: JsnaConfig, scope: Scope = FULL) -> Computed:
    """Every catalogued indicator the data support, before disclosure control, but for the families (or a family's
    parts: jsna.indicators.registry.units) whose queries read nothing `scope` changed (and that share no
    protection with one that did)."""
    redo, kept = indicator_families(run, scope)
    stage_computed(run)
    return combine_computed([compute_families(run, cfg, redo)], kept)


def indicator_families(run: Run, scope: Scope = FULL) -> tuple[list[str], tuple[str, ...]]:
    """The families to compute now (in the registry's order) and those kept from the last build (`scope`)."""
    redo = families_to_compute(scope, {} if scope.full else last_reads(run))
    kept = tuple(u.name for u in units() if u.name not in redo)
    log.info("computing indicators: %s%s", ", ".join(sorted(redo)) or "none",
             f" (kept from the last build: {', '.join(kept)})" if kept else "")
    return [u.name for u in units() if u.name in redo], kept


def compute_families(run: Run, cfg: JsnaConfig, families: Sequence[str], place: int = 0) -> Computed:
    """The indicators of `families` (by name), before disclosure control, written to the run's work tables
    (`stage_computed`): one part of the run's indicators, which can be computed apart from the others (in another
    process) and joined to them by `combine_computed`. `place`: the part's place among the parts (in the registry's
    order), which numbers its rows so that publish reads all parts' in the order of one computation of them all."""
    engine, s = run.engine, run.schema

    def fetch(name: str, **params: object) -> pd.DataFrame:
        return query_records(engine, f"queries/{name}", s, params)

    reads: dict[str, list[str]] = {}
    written = {"values": 0, "comparisons": 0}  # rows written to each table so far
    with engine.begin() as conn:  # every unit's rows, or none

        def emit(values: pd.DataFrame, comps: pd.DataFrame) -> None:  # each unit's, once computed
            for table, frame in (("values", values), ("comparisons", comps)):
                seq = place * PART + np.arange(written[table], written[table] + len(frame))
                copy_frame(conn, f"work__{table}", frame.assign(seq=seq), schema=s)
                written[table] += len(frame)

        compute_all(Inputs(fetch, cfg.project.first_year, cfg.project.last_year), with_local_targets(cfg.targets),
                    families=set(families), reads=reads, emit=emit)
    return Computed(written["values"], written["comparisons"], {f"indicators:{f}": q for f, q in reads.items()})


def combine_computed(parts: Sequence[Computed], kept: tuple[str, ...] = ()) -> Computed:
    """Parts computed apart (`compute_families`) as one run's indicators."""
    reads = {k: v for p in parts for k, v in p.reads.items()}
    return Computed(sum(p.values for p in parts), sum(p.comparisons for p in parts), reads, kept)


def computed_rows(conn: Engine | Connection, run: Run, table: str, periods: Sequence[str] | None = None
                  ) -> pd.DataFrame:
    """The values or comparisons (`table`) this run computed, of `periods` (None: every period), in the order of
    one computation of them all (VALUE_COLUMNS or COMPARISON_COLUMNS)."""
    frame = query_records(conn, f"pipeline/work_{table}", run.schema,
                          {"periods": None if periods is None else list(periods)})
    if frame.empty:
        return pd.DataFrame(columns=VALUE_COLUMNS if table == "values" else COMPARISON_COLUMNS)
    return frame.astype({c: float for c in FLOATS if c in frame})


def families_to_compute(scope: Scope, last: dict[str, list[str]]) -> set[str]:
    """The indicator families, or a family's parts (jsna.indicators.registry.units), that read something `scope`
    changed (by `last`, what each read in the last build), with every one disclosure control links to one of them
    (protected together, they are computed together)."""
    redo = {u.name for u in units() if scope.redo(last.get(f"indicators:{u.name}"))}
    families = unit_of()
    derived = {i.id: i.derived_from for i in load_catalogue().values() if i.derived_from}
    links = [{families[i] for i in linked if i in families} for linked in linked_indicators(derived)]
    while grown := {f for together in links if together & redo for f in together} - redo:
        redo |= grown
    return redo


# -- 5. publish --------------------------------------------------------------------------------------
# the sums disclosure control works along (publish): a refresh that changes what they read protects every period
NESTING_QUERIES = ("area_nesting", "health_nesting")
# the tables of indicator values publish fills (many rows: staged without their indexes, built once filled)
VALUE_TABLES = (("core", "indicator_values"), ("published", "indicator_values"), ("published", "comparisons"))


def publish(run: Run, cfg: JsnaConfig, computed: Computed, scope: Scope = FULL) -> int:
    """Disclosure control, then the published tables; the kept families' rows as the last build published them.
    The values and comparisons computed (in the run's work tables) are taken a run of whole periods at a time
    (`period_chunks`). In a partial refresh (`scope`), only the periods whose computed values changed are protected
    anew (`changed_periods`); the others' published rows are the last build's. Returns the number of indicator values
    computed now."""
    catalogue = load_catalogue().values()
    methods = {i.id: i.method for i in catalogue}
    derived = {i.id: i.derived_from for i in catalogue if i.derived_from}
    # the areas' nesting, and the NHS geography's, which cuts the same children another way: both sums protected
    nesting, health = (query_frame(run.engine, f"queries/{q}", run.schema) for q in NESTING_QUERIES)
    sums = pd.concat([nesting, health], ignore_index=True)
    for table in ["indicators", "area_hierarchy", "indicator_coverage", *PUBLISHED_BUILD]:
        runs.stage_table(run, "published", table)
    for layer, table in VALUE_TABLES:  # indexed once filled
        runs.stage_table(run, layer, table, indexed=False)
    rows = get_settings().protect_rows
    with run.engine.begin() as conn:
        conn.execute(statement("pipeline/work_fill_core", run.schema))  # unsuppressed: analysts only
        # every indicator of the families computed now, those with no values now too (gone from a period, it changed)
        ids = sorted({*conn.execute(statement("pipeline/work_ids", run.schema)).scalars(),
                      *(i for i, u in unit_of().items() if u not in computed.kept)})
        periods = changed_periods(conn, run, ids, scope)
        sizes = query_records(conn, "pipeline/work_periods", run.schema, {"periods": periods})
        counts = {kind: sizes[sizes["kind"] == kind].set_index("period")["rows"] for kind in WORK_TABLES}
        log.info("disclosure control over %d indicator values%s", counts["values"].sum(), "" if periods is None else
                 f" (of {computed.values}: the periods whose values changed, {', '.join(periods) or 'none'})")
        suppressed = 0
        for chunk in period_chunks(counts["values"], rows):  # each period is protected apart from the others
            part = computed_rows(conn, run, "values", chunk)
            safe = protect("indicator_values", part, cfg.disclosure, hierarchy=sums,
                           counts_children=part["indicator_id"].map(methods).eq("proportion_wilson"), derived=derived)
            copy_frame(conn, "published__indicator_values", safe, schema=run.schema)
            suppressed += int((safe["symbol"] == cfg.disclosure.symbol).sum())
            del part, safe
        indicators = catalogue_frame(with_local_targets(cfg.targets))  # the area's own targets where it sets them
        copy_frame(conn, "published__indicators", protect("indicators", indicators, cfg.disclosure), schema=run.schema)
        copy_frame(conn, "published__area_hierarchy",  # what counts add up along
                   protect("area_hierarchy", nesting, cfg.disclosure), schema=run.schema)
        if periods is not None:  # the other periods as the last build published them
            conn.execute(statement("pipeline/keep_periods", run.schema), {"ids": ids, "periods": periods})
        hidden = pd.read_sql(statement("pipeline/staged_hidden", run.schema), conn,
                             params={"ids": ids, "symbol": cfg.disclosure.symbol})
        for chunk in period_chunks(counts["comparisons"], rows):  # a suppressed value is compared with nothing
            part = computed_rows(conn, run, "comparisons", chunk)
            copy_frame(conn, "published__comparisons", protect(
                "comparisons", part, cfg.disclosure, hidden=hidden[hidden["period"].isin(chunk)]), schema=run.schema)
        for table in PUBLISHED_BUILD:
            execute_file(conn, f"published/{declared(table)}", run.schema)
        if computed.kept:
            kept_ids = [i for i, u in unit_of().items() if u in computed.kept]
            for stmt in statements("pipeline/keep_indicators", run.schema):
                conn.execute(stmt, {"ids": kept_ids})
        execute_file(conn, f"published/{declared('indicator_coverage')}", run.schema)  # of every value published
    for layer, table in VALUE_TABLES:
        runs.index_staged(run, layer, table)
    record_reads(run, computed.reads)
    keep_reads(run, [f"indicators:{f}" for f in computed.kept])
    publish_headlines(run, cfg, query_frame(run.engine, "pipeline/staged_values", run.schema,
                                            {"area": cfg.project.area_code, "ids": list(HEADLINES)}))
    log.info("%d indicator values staged for publishing (%d suppressed of those protected now)", computed.values,
             suppressed)
    return computed.values


def period_chunks(sizes: pd.Series, rows: int) -> list[list[str]]:
    """The periods of `sizes` (rows by period, in order) in runs of whole periods of at most `rows` rows each where
    a period allows (one is never split): disclosure control protects each period apart from the others (see
    `changed_periods`), so it may take them a run at a time and hold a run's working rows only (Settings.protect_rows:
    all of England's at once outgrow a worker's memory)."""
    out: list[list[str]] = []
    size = rows + 1
    for period, n in sizes.items():
        if size + n > rows:
            out.append([])
            size = 0
        out[-1].append(str(period))
        size += int(n)
    return out


def changed_periods(conn: Connection, run: Run, ids: Sequence[str], scope: Scope) -> list[str] | None:
    """In a partial refresh, the periods in which the values of `ids` staged now (core__indicator_values) differ
    from the last build's: only these are protected anew. Disclosure control protects each period apart from the
    others (every sum group, remainder, derived value and comparison it works with lies within one period), so the
    others' published rows are the last build's. None: every period is protected (a full refresh, or one that
    changed what the sums are worked along)."""
    if scope.full or scope.redo(NESTING_QUERIES) or not ids:
        return None
    return list(conn.execute(statement("pipeline/changed_periods", run.schema), {"ids": list(ids)}).scalars())


def publish_headlines(run: Run, cfg: JsnaConfig, safe: pd.DataFrame) -> None:
    """This build's headline figures (already disclosure-controlled) beside the earlier builds' in
    published.headline_history, for the Data updates page's 'what changed'."""
    runs.stage_table(run, "published", "headline_history")
    rows = protect("headline_history", headline_rows(safe, cfg.project.area_code, run.run_id), cfg.disclosure)
    with run.engine.begin() as conn:
        execute_file(conn, f"published/{declared('headline_history')}", run.schema)
        copy_frame(conn, "published__headline_history", rows, schema=run.schema)


# -- 5b. place planning ------------------------------------------------------------------------------
PLANNING_TABLES = ["school_places", "forecasts", "sufficiency", "access", "access_summary", "candidate_sites"]


# what the authorities' forecasts from DfE's statistics read (planner.authority_forecasts)
AUTHORITY_QUERIES = ("statistics", "population_0_17_areas")


def plan_places(run: Run, cfg: JsnaConfig, sims: int = 300, scope: Scope = FULL) -> dict[str, int] | None:
    """Forecasts, place sufficiency and access (jsna.forecasting.planner), published through the same
    disclosure policy; the authorities' forecasts from DfE's statistics as the last build published them where
    nothing they read changed (`kept_authorities`). Returns the rows written per table; None where the last build's
    stand (nothing they read changed, `scope`)."""
    read = planning_inputs(run, cfg, scope)
    if read is None:
        return None
    inputs, queries = read
    log.info("place planning: forecasts, sufficiency and access (%d simulations)", sims)
    prep = planner.prepare(inputs)
    districts = planner.district_forecasts(inputs, prep.children)
    kept = kept_authorities(run, scope, districts)
    authorities = planner.authority_forecasts(inputs) if kept is None else pd.DataFrame()
    sim = planner.simulate(prep.placed, sims, planner.district_totals(districts))
    built = planner.assemble(inputs, authorities, districts, [sim], planner.access(inputs, prep.panel))
    return write_planning(run, cfg, built, queries, kept)


def authorities_may_stand(scope: Scope) -> bool:
    """Whether the authorities' forecasts from DfE's statistics may be the last build's: nothing they read changed."""
    return not scope.full and not any(scope.stale(q) for q in AUTHORITY_QUERIES)


def kept_authorities(run: Run, scope: Scope, districts: pd.DataFrame) -> list[str] | None:
    """Where the authorities' forecasts from DfE's statistics are taken from the last build as it published them
    (`authorities_may_stand`, and the same areas summed from their districts as then, whose own are not published):
    those areas (`planner.summed_areas`), to leave out of them. Disclosure control protects each area's forecasts
    apart from the others' (a sum lies within an area, or joins its districts to it), so the rows kept are those a
    full refresh publishes. None: they are computed again."""
    if not authorities_may_stand(scope):
        return None
    summed = planner.summed_areas(districts)
    then = query_frame(run.engine, "pipeline/summed_areas", params={"method": planner.SUMMED})
    if sorted(then["area_code"]) != summed:
        return None
    log.info("place planning: the authorities' forecasts from DfE's statistics read nothing that changed; the last "
             "build's stand")
    return summed


def planning_inputs(run: Run, cfg: JsnaConfig, scope: Scope = FULL) -> tuple[PlanInputs, list[str]] | None:
    """What place planning reads, and the named queries it read; None where the last build's tables stand
    (nothing they read changed, `scope`)."""
    engine, s = run.engine, run.schema
    if not scope.redo(last_reads(run).get("planning") if not scope.full else None):
        log.info("place planning: nothing it reads changed; the last build's tables stand")
        keep_reads(run, ["planning"])
        return None
    read: set[str] = set()

    def fetch(name: str, **params: object) -> pd.DataFrame:  # rows in a fixed order: results do not vary
        read.add(name)
        frame = query_records(engine, f"queries/{name}", s, params)
        return frame.sort_values(list(frame.columns), kind="stable").reset_index(drop=True) if len(frame) else frame

    def dated(frame: pd.DataFrame) -> pd.DataFrame:
        for col in ("request_date", "issue_date", "ceased_date"):
            frame[col] = pd.to_datetime(frame[col])
        return frame

    names = fetch("area_names").drop_duplicates("area_code").set_index("area_code")["area_name"]
    stats = fetch("statistics", dataset=datasets.CASELOAD)
    old = fetch("statistics", dataset=datasets.SEN2_AGE_CASELOAD)
    requests = fetch("statistics", dataset=datasets.REQUESTS)
    mi = fetch("statistics", dataset=datasets.SEN2_MI)
    newplans = fetch("statistics", dataset=datasets.NEWPLANS)
    population = fetch("population_0_17_areas")
    cases = dated(fetch("planning_cases"))
    inputs = PlanInputs(
        caseload_stats=stats if len(stats) else None, sen2_caseload=old if len(old) else None,
        cases=cases if len(cases) else None, schools=fetch("planning_schools"), places=fetch("planning_places"),
        lsoas=fetch("planning_lsoas"), names=names, last_year=cfg.project.last_year,
        requests_stats=requests if len(requests) else None, sen2_mi=mi if len(mi) else None,
        newplans_stats=newplans if len(newplans) else None, population=population if len(population) else None,
    )
    return inputs, sorted(read)


def write_planning(run: Run, cfg: JsnaConfig, built: dict[str, pd.DataFrame], read: Sequence[str],
                   kept: Sequence[str] | None = None) -> dict[str, int]:
    """The planning tables (`planner.assemble`d from its parts) through disclosure
    control into the run's published tables; with the last build's forecasts of the authorities but the areas `kept`
    names (`kept_authorities`) where they were not computed now. The rows written per table."""
    engine, s = run.engine, run.schema
    tables = {name: protect(name, frame, cfg.disclosure) for name, frame in built.items()}
    if len(tables["sufficiency"]):
        tables["sufficiency"] = planner.first_short_years(tables["sufficiency"])
    sites = tables["candidate_sites"]
    if len(sites):
        points = gpd.GeoSeries(gpd.points_from_xy(sites["x"], sites["y"]), crs=27700).to_crs(4326)
        tables["candidate_sites"] = gpd.GeoDataFrame(sites.drop(columns=["x", "y"]), geometry=points.values,
                                                     crs=4326).rename_geometry("geom")
    written = {}
    for table in PLANNING_TABLES:
        runs.stage_table(run, "published", table)
        frame = tables[table]
        with engine.begin() as conn:
            cols = conn.execute(statement("pipeline/staged_columns"),
                                {"s": s, "t": f"published__{table}"}).scalars().all()
            if len(frame):
                copy_frame(conn, f"published__{table}", frame[[c for c in cols if c in frame.columns]], schema=s)
            written[table] = len(frame)
            if table == "forecasts" and kept is not None:
                written[table] += conn.execute(statement("pipeline/keep_authority_forecasts", s),
                                               {"summed": list(kept)}).rowcount
        log.info("place planning: %s, %d rows", table, written[table])
    record_reads(run, {"planning": read})
    return written


# -- 5c. statutory milestones -------------------------------------------------------------------------
MILESTONE_QUERIES = ("milestone_cases", "milestone_advice", "milestone_districts")


def publish_milestones(run: Run, cfg: JsnaConfig, scope: Scope = FULL) -> int | None:
    """Children whose statutory step (jsna.indicators.milestones) is overdue or due soon, counted by area, team
    and week as at the configured date or the latest date in the case data, published through disclosure
    control. The child-level due dates stay in memory. Returns the rows published; None where the last build's
    stand (nothing they read changed, `scope`)."""
    engine, s, area = run.engine, run.schema, cfg.project.area_code
    if not scope.redo(last_reads(run).get("milestones") if not scope.full else None):
        log.info("milestones: nothing they read changed; the last build's stand")
        keep_reads(run, ["milestones"])
        return None
    record_reads(run, {"milestones": MILESTONE_QUERIES})
    runs.stage_table(run, "published", "milestones")
    cases = query_records(engine, "queries/milestone_cases", s)
    advice = query_records(engine, "queries/milestone_advice", s)
    if cases.empty and advice.empty:
        return 0
    for frame in (cases, advice):
        for col in frame.columns:
            if col.endswith(("_date", "_review")):
                frame[col] = pd.to_datetime(frame[col])
    configured = pd.Timestamp(cfg.milestones.as_at) if cfg.milestones.as_at else None
    as_at = milestones.reference_date(cases, advice, configured)
    districts = query_frame(engine, "queries/milestone_districts", s, {"area": area})["lad_code"].tolist()
    counts = milestones.count_due(milestones.due_dates(cases, advice, as_at, area), as_at, area, districts)
    safe = protect("milestones", counts, cfg.disclosure)
    with engine.begin() as conn:
        copy_frame(conn, "published__milestones", safe, schema=s)
    return len(safe)


# -- 6. commit ---------------------------------------------------------------------------------------
def commit(run: Run) -> None:
    log.info("run %d: swapping the new tables in", run.run_id)
    runs.commit_run(run)
    log.info("run %d committed", run.run_id)


def abort(run: Run, error: BaseException) -> None:
    log.warning("run %d failed (%s); the warehouse is left as it was", run.run_id, type(error).__name__)
    runs.fail_run(run, f"{type(error).__name__}: {error}", failure_reason(error))


def failure_reason(error: BaseException) -> str:
    """The one sentence readers see for a failed run: a refresh's own error (written for people, never quoting
    a record) as it is; anything else by its kind only, its details left to the operations log."""
    if isinstance(error, JsnaError):
        return str(error)
    if isinstance(error, KeyboardInterrupt | SystemExit) or type(error).__name__ in ("CancelledError", "Abort"):
        return "The refresh was stopped before it finished; nothing was published."
    return (f"An unexpected error ({type(error).__name__}) stopped the refresh; nothing was published, and the "
            "operations team has the details in the refresh log.")
