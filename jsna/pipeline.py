"""The refresh, step by step, as the methodology reads:

1. start      bring the warehouse schema up to date and open a run (its own schema, the refresh lock)
2. land       read each declared file with its adapter, check it against its contract, pseudonymise,
              and land its rows (bad rows to quarantine with the reason). Files already landed with
              the same content are not read again. Reference files (boundaries, lookups, population,
              deprivation, postcodes) land first; records that must be placed in small areas after.
3. build      rebuild the core model from the landed rows (sql/core/*.sql)
4. indicators compute every indicator from core counts (jsna.indicators)
5. publish    apply disclosure control and build the published tables (sql/published/*.sql)
6. commit     swap everything in at once; a run that fails before this changes nothing

Prefect flows (flows/refresh.py) call these steps as tasks; nothing here knows about Prefect.
"""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd

from jsna.config import JsnaConfig, Settings, SourceEntry, load_config
from jsna.errors import SourceError
from jsna.indicators import send
from jsna.indicators.catalogue import catalogue_frame, load_catalogue
from jsna.publish.disclosure import suppress
from jsna.sources.context import Placement, ReadContext
from jsna.sources.identity import Pseudonymiser
from jsna.sources.registry import CHILD_LEVEL, PLACED, READERS, reader_version
from jsna.warehouse import migrate, runs
from jsna.warehouse.copy import copy_frame
from jsna.warehouse.engine import database_url, get_engine, loader_url
from jsna.warehouse.runs import LandedFile, Run
from jsna.warehouse.sqlfiles import execute_file, query_frame

RAW_TABLES = ["boundaries", "lookup", "population_mye", "population_census", "imd", "postcodes", "schools",
              "ehcp_cases", "statistics", "waiting_list", "advice_returns", "social_care_cases"]
CORE_BUILD = ["areas", "lsoa_lookup", "population", "deprivation", "schools", "ehcp_cases", "statistics",
              "waiting_list", "advice_returns", "social_care_cases"]
PUBLISHED_BUILD = ["areas", "area_hierarchy", "schools", "sources"]


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
def start(config_path: Path, settings: Settings) -> tuple[Run, JsnaConfig]:
    """Check the configuration, migrate (as the owner), and open a run (as the loading role)."""
    cfg = load_config(config_path)
    for entry in cfg.sources:
        if not cfg.resolve(entry).exists():
            raise SourceError(cfg.resolve(entry), f"declared as source '{entry.name}' but does not exist.")
    migrate.upgrade(get_engine(database_url(settings)))
    sha = hashlib.sha256(Path(config_path).read_bytes()).hexdigest()
    return runs.begin_run(loader_url(settings), Path(config_path).resolve(), sha), cfg


# -- 2. land -----------------------------------------------------------------------------------------
def land(run: Run, cfg: JsnaConfig, entry: SourceEntry, context: ReadContext | None = None) -> LandedFile:
    """Land one declared file (or find its earlier landing by content)."""
    path = cfg.resolve(entry)
    sha = runs.file_sha256(path)
    earlier = runs.find_landed(run, entry.name, sha, reader_version())
    if earlier is not None:
        return earlier
    parsed = READERS[entry.kind](path, entry.options, context)
    return runs.land_frame(
        run, source_name=entry.name, kind=entry.kind, path=path, sha256=sha, reader_version=reader_version(),
        raw_table=parsed.raw_table,
        frame=parsed.frame.rename(columns={"__line__": "line"}), quarantine=parsed.quarantine,
        rows_in=parsed.rows_in, rows_loaded=parsed.rows_loaded,
    )


def needs_reading(run: Run, cfg: JsnaConfig, entries: list[SourceEntry]) -> list[SourceEntry]:
    """The entries whose current content has not been landed before."""
    fresh = []
    for entry in entries:
        if runs.find_landed(run, entry.name, runs.file_sha256(cfg.resolve(entry)), reader_version()) is None:
            fresh.append(entry)
    return fresh


def read_context(run: Run, cfg: JsnaConfig, settings: Settings, entries: list[SourceEntry]) -> ReadContext:
    """What placed records need: the run's LSOAs and postcode directory, and the pseudonymisation key."""
    runs.create_raw_views(run, RAW_TABLES)
    engine = run.engine
    lsoas = gpd.read_postgis(
        f"""SELECT area_code, geom FROM {run.staged('raw', 'boundaries')}
            WHERE area_level = 'lsoa' AND vintage = (SELECT max(vintage) FROM {run.staged('raw', 'boundaries')}
                                                      WHERE area_level = 'lsoa')
            ORDER BY area_code""",
        engine, geom_col="geom",
    )
    vintage_row = pd.read_sql(
        f"SELECT max(vintage) AS v FROM {run.staged('raw', 'boundaries')} WHERE area_level = 'lsoa'", engine
    )
    vintage = int(vintage_row["v"].iloc[0]) if vintage_row["v"].notna().all() else None
    postcodes = pd.read_sql(
        f"""SELECT DISTINCT ON (postcode) postcode, lsoa_code FROM {run.staged('raw', 'postcodes')}
            WHERE lsoa_code IS NOT NULL ORDER BY postcode, file_id DESC""",
        engine,
    )
    placement = Placement(
        lsoas=lsoas if len(lsoas) else None, vintage=vintage,
        postcodes=pd.Series(postcodes["lsoa_code"].to_numpy(), index=postcodes["postcode"].to_numpy())
        if len(postcodes) else None,
        known=set(lsoas["area_code"]),
    )
    needs_key = any(e.kind in CHILD_LEVEL for e in entries)
    pseudonymiser = Pseudonymiser(settings.pseudonym_key, demo=cfg.project.demo) if needs_key else None
    return ReadContext(placement, pseudonymiser)


# -- 3. build ----------------------------------------------------------------------------------------
def build_core(run: Run) -> None:
    runs.create_raw_views(run, RAW_TABLES)
    for table in CORE_BUILD:
        runs.stage_table(run, "core", table)
        with run.engine.begin() as conn:
            execute_file(conn, f"core/{table}", run.schema)
    with run.engine.begin() as conn:
        for table in CORE_BUILD:
            conn.exec_driver_sql(f"ANALYZE {run.staged('core', table)}")


# -- 4. indicators -----------------------------------------------------------------------------------
def compute_indicators(run: Run, cfg: JsnaConfig) -> pd.DataFrame:
    """Every catalogued indicator, before disclosure control."""
    engine, s = run.engine, run.schema
    years = {"first_year": cfg.project.first_year, "last_year": cfg.project.last_year}
    lookup = query_frame(engine, "queries/lsoa_levels", s)
    names = query_frame(engine, "queries/area_names", s)
    parent_of = dict(lookup.dropna(subset=["lad_code", "utla_code"]).drop_duplicates("lad_code")
                     .set_index("lad_code")["utla_code"])
    caseload = query_frame(engine, "queries/ehcp_caseload", s, years)
    population = pd.read_sql(
        f"SELECT year, lsoa_code, age, sum(population) AS population FROM {run.staged('core', 'population')} "
        "GROUP BY 1, 2, 3", engine,
    )
    issued = query_frame(engine, "queries/ehcp_timeliness", s)
    issued = issued[issued["year"].between(cfg.project.first_year, cfg.project.last_year)]
    parts = [
        send.ehcp_rate(caseload, population, lookup, names, parent_of),
        send.ehcp_timeliness(issued, lookup, names, parent_of),
    ]
    parts = [p for p in parts if len(p)]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=send.VALUE_COLUMNS)


# -- 5. publish --------------------------------------------------------------------------------------
LEVEL_CHAIN = ["lsoa", "msoa", "lad", "utla", "region"]


def area_nesting(lookup: pd.DataFrame) -> pd.DataFrame:
    """child -> parent pairs between adjacent levels of the chain, from the LSOA lookup."""
    pairs = []
    for child, parent in itertools.pairwise(LEVEL_CHAIN):
        c, p = f"{child}_code", f"{parent}_code"
        if c in lookup and p in lookup:
            sub = lookup[[c, p]].dropna().drop_duplicates()
            pairs.append(pd.DataFrame({"child_level": child, "child_code": sub[c], "parent_level": parent,
                                       "parent_code": sub[p]}))
    return pd.concat(pairs, ignore_index=True)


def publish(run: Run, cfg: JsnaConfig, values: pd.DataFrame) -> int:
    """Disclosure control, then the published tables. Returns the number of indicator values."""
    methods = {i.id: i.method for i in load_catalogue().values()}
    counts_children = values["indicator_id"].map(methods).eq("proportion_wilson")
    nesting = area_nesting(query_frame(run.engine, "queries/lsoa_levels", run.schema))
    safe = suppress(values, cfg.disclosure, counts_children, nesting)
    for table in ["indicators", "indicator_values", *PUBLISHED_BUILD]:
        runs.stage_table(run, "published", table)
    with run.engine.begin() as conn:
        copy_frame(conn, "published__indicators", catalogue_frame(), schema=run.schema)
        copy_frame(conn, "published__indicator_values", safe, schema=run.schema)
        for table in PUBLISHED_BUILD:
            execute_file(conn, f"published/{table}", run.schema)
    return len(safe)


# -- 6. commit ---------------------------------------------------------------------------------------
def commit(run: Run) -> None:
    runs.commit_run(run)


def abort(run: Run, error: BaseException) -> None:
    runs.fail_run(run, f"{type(error).__name__}: {error}")
