"""The refresh flow: thin Prefect wrappers around jsna.pipeline's steps.

Files land concurrently (reference files first, then records placed in small areas); the core model,
indicators and published tables follow; one final commit swaps everything in. On any failure the run
is abandoned and the warehouse is left exactly as it was.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import pandas as pd
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_link_artifact, create_table_artifact
from prefect.futures import PrefectFuture, wait
from prefect.states import State
from prefect_dask import DaskTaskRunner

from flows.alerts import alert_round, publish_milestones, tell_failure
from flows.ops import (
    forward_library_logs,
    pseudonym_key_from_secret,
    refresh_name,
    refresh_run_name,
    summary_artifact,
)
from jsna import pipeline
from jsna.config import JsnaConfig, SourceEntry, get_settings
from jsna.errors import JsnaError
from jsna.forecasting import planner
from jsna.forecasting.planner import PlanInputs
from jsna.publish.run_summary import run_summary, unstarted_summary
from jsna.rebuild import Scope
from jsna.sources.registry import PLACED
from jsna.warehouse.runs import LandedFile, Run

T = TypeVar("T")
TIMEOUT = get_settings().task_timeout_seconds  # JSNA_TASK_TIMEOUT_SECONDS: a step running longer fails the run


def _transient(task: object, task_run: object, state: State) -> bool:
    """Retry I/O hiccups (a dropped connection), never a file that is wrong: that needs a person."""
    try:
        state.result()
    except JsnaError:
        return False
    except Exception:
        return True
    return False


# no timeout: landings run side by side in worker threads, where Prefect cannot interrupt a task
@task(retries=2, retry_delay_seconds=[2, 10], retry_condition_fn=_transient, task_run_name="land {entry.name}")
def land(run: Run, cfg: JsnaConfig, entry: SourceEntry) -> LandedFile:
    """One file; a placed file with the read context its process builds once (pipeline.run_context), never sent
    with the task (it holds the pseudonymisation key, and at England scale some hundreds of MB)."""
    forward_library_logs()  # on a Dask worker too
    if entry.kind in PLACED:
        pseudonym_key_from_secret()  # a Dask worker's process too
    return pipeline.land(run, cfg, entry)


@task(timeout_seconds=TIMEOUT)
def prepare_placement(run: Run) -> None:
    pipeline.prepare_placement(run)


@task(timeout_seconds=TIMEOUT)
def check_deliveries(run: Run, cfg: JsnaConfig, landed: list[LandedFile], accept_shrink: list[str]) -> None:
    pipeline.check_deliveries(run, cfg, landed, accept_shrink)


@task(timeout_seconds=TIMEOUT)
def unchanged_since(run: Run, landed: list[LandedFile]) -> int | None:
    return pipeline.unchanged_since(run, landed)


@task(timeout_seconds=TIMEOUT)
def keep_published(run: Run) -> None:
    pipeline.keep_published(run)


@task(timeout_seconds=TIMEOUT)
def scope(run: Run, force: bool) -> Scope:
    return pipeline.scope(run, force)


@task(timeout_seconds=TIMEOUT)
def build_core(run: Run, scope: Scope) -> None:
    forward_library_logs()
    pipeline.build_core(run, scope)


@task(timeout_seconds=TIMEOUT)
def settle(run: Run, cfg: JsnaConfig, scope: Scope) -> Scope:
    forward_library_logs()
    return pipeline.settle(run, cfg, scope)


# unprotected counts and case rows pass between these tasks: never written to result storage, nor hashed for a
# cache key (persist_result=False is Prefect's NO_CACHE)
@task(persist_result=False, timeout_seconds=TIMEOUT)
def indicator_families(run: Run, scope: Scope) -> tuple[list[str], tuple[str, ...]]:
    forward_library_logs()
    pipeline.stage_computed(run)  # where each family's computation writes its values
    return pipeline.indicator_families(run, scope)


@task(persist_result=False, timeout_seconds=TIMEOUT, task_run_name="indicators: {families}")
def compute_families(run: Run, cfg: JsnaConfig, families: list[str], place: int) -> pipeline.Computed:
    forward_library_logs()
    return pipeline.compute_families(run, cfg, families, place)


@task(persist_result=False, timeout_seconds=TIMEOUT)
def publish(run: Run, cfg: JsnaConfig, parts: list[pipeline.Computed], kept: tuple[str, ...], scope: Scope) -> int:
    forward_library_logs()
    return pipeline.publish(run, cfg, pipeline.combine_computed(parts, kept), scope)


def compute_and_publish(run: Run, cfg: JsnaConfig, scope: Scope) -> int:
    """Each indicator family (those of its parts computed now) computed as a task of its own (side by side on a Dask
    cluster; a family's parts share what they read), which writes its values to the run's tables; then published
    together through disclosure control, a run of periods at a time (no process holds every value at once)."""
    redo, kept = indicator_families(run, scope)
    by_family: dict[str, list[str]] = {}
    for unit in redo:  # in the registry's order
        by_family.setdefault(unit.partition(".")[0], []).append(unit)
    parts = _results([compute_families.submit(run, cfg, units, place)
                      for place, units in enumerate(by_family.values())])
    return publish(run, cfg, parts, kept, scope)


SIMS = 300  # simulated paths of each district's caseload
PLANNING_PARTS = 8  # the districts' simulations in at most this many tasks (each district keeps its seed)


@task(persist_result=False, timeout_seconds=TIMEOUT)
def planning_inputs(run: Run, cfg: JsnaConfig, scope: Scope) -> tuple[PlanInputs, list[str]] | None:
    forward_library_logs()
    return pipeline.planning_inputs(run, cfg, scope)


@task(persist_result=False, timeout_seconds=TIMEOUT)
def authority_forecasts(inputs: PlanInputs) -> pd.DataFrame:
    return planner.authority_forecasts(inputs)


@task(persist_result=False, timeout_seconds=TIMEOUT)
def district_forecasts(inputs: PlanInputs, prepared: planner.Prepared) -> pd.DataFrame:
    return planner.district_forecasts(inputs, prepared.children)


@task(persist_result=False, timeout_seconds=TIMEOUT)
def access(inputs: PlanInputs, prepared: planner.Prepared) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    return planner.access(inputs, prepared.panel)


@task(persist_result=False, timeout_seconds=TIMEOUT, task_run_name="simulate districts from {offset}")
def simulate(placed: pd.DataFrame, totals: pd.DataFrame | None, offset: int) -> pd.DataFrame:
    return planner.simulate(placed, SIMS, totals, offset)


@task(persist_result=False, timeout_seconds=TIMEOUT)
def write_planning(run: Run, cfg: JsnaConfig, built: dict[str, pd.DataFrame], read: list[str],
                   kept: list[str] | None) -> dict[str, int]:
    forward_library_logs()
    return pipeline.write_planning(run, cfg, built, read, kept)


def plan_places(run: Run, cfg: JsnaConfig, scope: Scope) -> dict[str, int] | None:
    """Forecasts, sufficiency and access, their heavy parts as tasks of their own (side by side on a Dask
    cluster): the authorities' forecasts (unless the last build's stand: pipeline.kept_authorities), the districts'
    forecasts, access, and the districts' simulations in parts; then published together. None: the last build's
    place planning stands."""
    got = planning_inputs(run, cfg, scope)
    if got is None:
        return None
    inputs, read = got
    prepared = planner.prepare(inputs)
    authorities = None if pipeline.authorities_may_stand(scope) else authority_forecasts.submit(inputs)
    near = access.submit(inputs, prepared)
    districts = district_forecasts(inputs, prepared)
    kept = pipeline.kept_authorities(run, scope, districts) if authorities is None else None
    if authorities is None and kept is None:
        authorities = authority_forecasts.submit(inputs)
    totals = planner.district_totals(districts)
    sims = _results([simulate.submit(part, totals, offset)
                     for offset, part in planner.district_parts(prepared.placed, PLANNING_PARTS)])
    built = planner.assemble(inputs, pd.DataFrame() if authorities is None else authorities.result(), districts, sims,
                             near.result())
    return write_planning(run, cfg, built, read, kept)


@task(timeout_seconds=TIMEOUT)
def commit(run: Run) -> None:
    pipeline.commit(run)


@task(task_run_name="write the board pack")
def write_pack(pack_dir: str, run: Run) -> str:
    """The board pack of what is now published, as a PDF in `pack_dir` (named by the run that wrote it)."""
    from jsna.publish.pack import export_pack

    return str(export_pack("board", Path(pack_dir) / f"board_pack_run{run.run_id}.pdf").resolve())


def _link_pack(path: str, run: Run) -> None:
    create_link_artifact(key="board-pack", link=Path(path).as_uri(), link_text=Path(path).name,
                         description=f"The board pack written after run {run.run_id}")


def _quality_table(run: Run) -> list[dict[str, Any]]:
    from jsna.warehouse.sqlfiles import query_frame

    frame = query_frame(run.engine, "queries/run_files", params={"run_id": run.run_id})
    return frame.to_dict("records")


def _summarise(run: Run) -> None:
    """The run's Markdown summary artifact (its status, reason and files as readers see them); never masks the
    run's own outcome."""
    try:
        summary_artifact(run_summary(run.engine, run.run_id), f"Refresh run {run.run_id}")
    except Exception as exc:  # the summary is a courtesy: the run's result stands
        get_run_logger().warning("run %s: no summary artifact (%s)", run.run_id, type(exc).__name__)


def _results(futures: list[PrefectFuture[T]]) -> list[T]:
    """Every task's result once all have finished: a failure is raised only when no task is still
    writing to the run (the run is then abandoned and its schema dropped)."""
    wait(futures)
    return [f.result() for f in futures]


def dask_runner(workers: int, address: str | None = None) -> DaskTaskRunner:
    """The Dask cluster whose scheduler is at `address` (e.g. tcp://host:8786), or else a local cluster of
    `workers` single-threaded worker processes."""
    if address:
        return DaskTaskRunner(address=address)
    return DaskTaskRunner(cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True,
                                          "dashboard_address": None,
                                          "memory_limit": get_settings().dask_worker_memory})


@flow(name="jsna-refresh", log_prints=True, flow_run_name=refresh_name)
def refresh(config: str | None = None, workers: int = 1, accept_shrink: list[str] | None = None,
            force: bool = False, pack_dir: str | None = None, dask_address: str | None = None) -> dict[str, Any]:
    """Load every source declared in the jsna.toml into the warehouse and republish it; with
    `workers` > 1 the tasks are spread over a local Dask cluster of that many processes, with `dask_address`
    (tcp://host:8786) over the existing cluster whose scheduler is there (its workers need this project's code and
    settings, and reach the same database and files). A source whose
    delivery is smaller than the one published stops the refresh unless it is named in `accept_shrink`.
    Where the files, the configuration and the code are those the published tables were built from, nothing
    is rebuilt (the run is recorded as unchanged) unless `force`. With `pack_dir`, the board pack of what is
    published is written there afterwards (a PDF) and linked from the run's artifacts."""
    run_once = refresh_run if workers <= 1 and not dask_address else refresh_run.with_options(
        task_runner=dask_runner(workers, dask_address))  # type: ignore[arg-type]  # prefect-dask's are PrefectFutures
    return run_once(config, accept_shrink, force, pack_dir)


@flow(name="jsna-refresh-run", log_prints=True, flow_run_name=refresh_run_name)
def refresh_run(config: str | None = None, accept_shrink: list[str] | None = None,
                force: bool = False, pack_dir: str | None = None) -> dict[str, Any]:
    """One refresh, on whichever task runner the caller chose."""
    forward_library_logs()
    pseudonym_key_from_secret()
    settings = get_settings()
    config_path = Path(config or settings.config or "jsna.toml")
    accepted = list(accept_shrink or [])
    logger = get_run_logger()
    try:
        run, cfg = pipeline.start(config_path, settings, accepted)
    except Exception as exc:
        summary_artifact(unstarted_summary(pipeline.failure_reason(exc)), "Refresh not started")
        raise
    logger.info("run %s started from %s", run.run_id, config_path)
    if accepted:
        logger.warning("a smaller delivery is accepted for: %s", ", ".join(accepted))
    try:
        plan = pipeline.plan_sources(cfg)
        for entry in plan.unsupported:
            logger.warning("source %s: kind %s is not loaded by this version yet", entry.name, entry.kind)
        landed = _results([land.submit(run, cfg, e) for e in plan.reference])
        prepare_placement(run)
        landed += _results([land.submit(run, cfg, e) for e in plan.placed])
        pipeline.forget_context()  # this process's, where it landed files itself
        check_deliveries(run, cfg, landed, accepted)
        kept = None if force else unchanged_since(run, landed)
        if kept is not None:
            keep_published(run)
        else:
            redo = scope(run, force)
            build_core(run, redo)
            redo = settle(run, cfg, redo)  # what reads a rebuilt table but returns what it did is kept
            values = compute_and_publish(run, cfg, redo)
            planned = plan_places(run, cfg, redo)  # None: the last build's place planning stands, as its milestones
            milestones = publish_milestones(run, cfg, redo)
            commit(run)
    except BaseException as exc:
        pipeline.abort(run, exc)
        _summarise(run)
        tell_failure(cfg, run, exc)
        raise
    _summarise(run)
    summary: dict[str, Any]
    if kept is not None:
        logger.info("run %s: files, configuration and code as run %s built them; published kept", run.run_id, kept)
        summary = {"run_id": run.run_id, "files": len(landed), "new_files": 0, "indicator_values": None,
                   "planning_rows": None, "unchanged_since": kept, **alert_round(run, cfg)}
    else:
        create_table_artifact(key="data-quality", table=_quality_table(run),
                              description=f"Rows in, loaded and quarantined per file, run {run.run_id}")
        summary = {"run_id": run.run_id, "files": len(landed), "new_files": sum(f.new for f in landed),
                   "redone": redo.describe(), "indicator_values": values, "planning_rows": planned,
                   "milestone_rows": milestones, "unchanged_since": None, **alert_round(run, cfg)}
        logger.info("run %s committed: %s", run.run_id, summary)
    return _with_pack(summary, pack_dir, run)


def _with_pack(summary: dict[str, Any], pack_dir: str | None, run: Run) -> dict[str, Any]:
    """The summary, with the board pack written after publishing when the deployment asks for one (after the
    commit: a pack that cannot be written fails the flow run but leaves what was published as it is)."""
    if pack_dir:
        summary["pack"] = write_pack(pack_dir, run)
        _link_pack(summary["pack"], run)
    return summary
