"""The `jsna` command. Errors are one clear sentence and a non-zero exit, never a bare traceback
(set JSNA_DEBUG=1 to see one)."""

from __future__ import annotations

import json
import os
import sys
import time
import traceback
from datetime import UTC, datetime
from enum import StrEnum
from importlib import metadata
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Column, Table

from jsna.config import REPO_ROOT, get_settings
from jsna.errors import ExportError, JsnaError, RefreshError
from jsna.progress import progress

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
# Prefect's ephemeral server migrates a new PREFECT_HOME's database before it answers: ~30 s on two cores,
# past Prefect's default wait of 20 s
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")

app = typer.Typer(no_args_is_help=True, pretty_exceptions_enable=False, add_completion=False,
                  help="Joint Strategic Needs Assessment for children and young people 0-25 with SEND.")
db_app = typer.Typer(no_args_is_help=True, help="The warehouse database.")
demo_app = typer.Typer(no_args_is_help=True, help="The synthetic demo county.")
export_app = typer.Typer(no_args_is_help=True, help="Maps and files for board papers.")
sources_app = typer.Typer(no_args_is_help=True, help="The sources declared in jsna.toml.")
indicators_app = typer.Typer(no_args_is_help=True, help="The indicator catalogue.")
forecast_app = typer.Typer(no_args_is_help=True, help="Demand forecasts and special school place sufficiency.")
app.add_typer(db_app, name="db")
app.add_typer(demo_app, name="demo")
app.add_typer(export_app, name="export")
app.add_typer(sources_app, name="sources")
app.add_typer(indicators_app, name="indicators")
app.add_typer(forecast_app, name="forecast")

console = Console()
err = Console(stderr=True)


def _show_version(shown: bool) -> None:
    if shown:
        print(f"jsna {metadata.version('jsna')}")
        raise typer.Exit()


@app.callback()
def _options(version: Annotated[bool, typer.Option("--version", callback=_show_version, is_eager=True,
                                                   help="Print the version and exit.")] = False) -> None:
    """Joint Strategic Needs Assessment for children and young people 0-25 with SEND."""


# -- db -----------------------------------------------------------------------------------------------
@db_app.command("up")
def db_up() -> None:
    """Start the local PostGIS cluster (unless JSNA_DATABASE_URL is set) and apply migrations."""
    from jsna.warehouse import migrate
    from jsna.warehouse.cluster import LocalCluster
    from jsna.warehouse.engine import check_connection, get_engine

    settings = get_settings()
    with console.status("Starting the warehouse..."):
        if not settings.database_url:
            LocalCluster.from_settings(settings).up()
        engine = get_engine()
        check_connection(engine)
        migrate.upgrade(engine)
    console.print(f"Warehouse ready at revision {migrate.current_revision(engine)}.")


@db_app.command("down")
def db_down() -> None:
    """Stop the local PostGIS cluster."""
    from jsna.warehouse.cluster import LocalCluster

    settings = get_settings()
    if settings.database_url:
        raise JsnaError("JSNA_DATABASE_URL points at an external server; it is not ours to stop.")
    LocalCluster.from_settings(settings).stop()
    console.print("Local warehouse stopped.")


@db_app.command("status")
def db_status() -> None:
    """Where the warehouse is, whether it answers, and its schema revision."""
    import sqlalchemy as sa

    from jsna.warehouse import migrate
    from jsna.warehouse.cluster import LocalCluster
    from jsna.warehouse.engine import check_connection, database_url, get_engine
    from jsna.warehouse.sqlfiles import statement

    settings = get_settings()
    table = Table(show_header=False)
    table.add_row("database", sa.engine.make_url(database_url()).render_as_string(hide_password=True))
    if not settings.database_url:
        cluster = LocalCluster.from_settings(settings)
        table.add_row("local cluster", f"{cluster.data_dir} ({'running' if cluster.is_running() else 'stopped'})")
    engine = get_engine()
    try:
        check_connection(engine)
        with engine.connect() as conn:
            versions = conn.execute(statement("cli/server_versions")).one()
            table.add_row("server", versions.server_version)
            table.add_row("postgis", versions.postgis_version)
        table.add_row("revision", f"{migrate.current_revision(engine)} (head {migrate.head_revision()})")
        with engine.connect() as conn:
            last = conn.execute(statement("cli/last_run")).first()
        table.add_row("last refresh", f"run {last[0]} {last[1]} {last[2]:%Y-%m-%d %H:%M}" if last and last[2]
                      else "none")
    except JsnaError:
        table.add_row("status", "not answering")
    except sa.exc.ProgrammingError:
        table.add_row("revision", "not migrated (run `jsna db up`)")
    console.print(table)


@db_app.command("url")
def db_url(
    reader: Annotated[bool, typer.Option("--reader", help="The dashboards' read-only role.")] = False,
    analyst: Annotated[bool, typer.Option("--analyst", help="The analysts' role.")] = False,
    loader: Annotated[bool, typer.Option("--loader", help="The role refreshes run as.")] = False,
) -> None:
    """Print the warehouse URL (the owner's, or a role's: never with another role's password)."""
    from jsna.warehouse.engine import analyst_url, database_url, loader_url, reader_url

    if reader + analyst + loader > 1:
        raise JsnaError("Give one of --reader, --analyst or --loader.")
    print(reader_url() if reader else analyst_url() if analyst else loader_url() if loader else database_url())


# -- demo ---------------------------------------------------------------------------------------------
@demo_app.command("generate")
def demo_generate(
    scale: Annotated[str, typer.Option(help="county (about 850 small areas) or england (about 33,000).")] = "county",
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives identical files.")] = 2017,
    out: Annotated[Path | None, typer.Option(help="Folder to write (default data/demo).")] = None,
) -> None:
    """Write the synthetic demo county (or England) in the real published file layouts."""
    from jsna.demo import generate

    if scale not in ("county", "england"):
        raise JsnaError(f"--scale must be county or england, not {scale}.")
    out = out or get_settings().data_dir / "demo"
    started = time.perf_counter()
    with console.status("Generating...") as status:
        toml = generate(out, scale=scale, seed=seed, progress=lambda m: status.update(m))  # type: ignore[arg-type]
    console.print(f"Demo {scale} written to {out} in {time.perf_counter() - started:.0f} s; config {toml}.")


# -- refresh ------------------------------------------------------------------------------------------
@app.command()
def refresh(
    config: Annotated[Path | None, typer.Option(help="The jsna.toml to load.")] = None,
    workers: Annotated[int, typer.Option(help="Spread the tasks over this many Dask worker processes.")] = 1,
    dask_address: Annotated[str | None, typer.Option(
        "--dask-address", metavar="tcp://HOST:8786",
        help="Spread the tasks over an existing Dask cluster, by its scheduler's address (not a local one).")] = None,
    accept_shrink: Annotated[list[str] | None, typer.Option(
        "--accept-shrink", metavar="SOURCE",
        help="Publish this source's delivery although it is smaller than the last (repeatable).")] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Rebuild and republish even if no file, setting or code has changed.")] = False,
) -> None:
    """Load every declared source into the warehouse and republish (runs the Prefect flow). Prefect's
    output goes to a log file under data/logs (to the terminal with JSNA_DEBUG=1)."""
    from jsna.preflight import check_refresh

    settings = get_settings()
    path = config or settings.config or Path("jsna.toml")
    if not Path(path).is_file():
        raise JsnaError(f"No configuration at {path}; pass --config or run `jsna demo generate` first.")
    check_refresh(Path(path), settings, accept_shrink or [])  # a bad jsna.toml fails before Prefect starts
    log = settings.data_dir / "logs" / f"refresh-{datetime.now(UTC):%Y%m%d-%H%M%S}.log"
    if os.environ.get("JSNA_DEBUG") != "1":
        _stderr_to(log)
    from flows.refresh import refresh as refresh_flow

    try:
        with progress(console, "Refreshing"):
            summary = refresh_flow(config=str(path), workers=workers, accept_shrink=accept_shrink or [], force=force,
                                   dask_address=dask_address)
    except Exception as exc:
        traceback.print_exc()  # into the log, beside Prefect's own
        cause = _user_cause(exc)
        what = str(cause) if cause else f"Unexpected {type(exc).__name__}: {(str(exc).splitlines() or [''])[0]}"
        raise RefreshError(f"{what} (details in {log})") from exc
    if summary.get("alerts_opened") or summary.get("alerts_closed"):
        console.print(f"Alerts: {summary['alerts_opened']} opened, {summary['alerts_closed']} closed, "
                      f"{summary['messages']} messages sent.")
    if summary["unchanged_since"] is not None:
        console.print(f"Nothing changed since run {summary['unchanged_since']} (the same {summary['files']} files, "
                      f"configuration and code): published left as it was; run {summary['run_id']} recorded "
                      f"(`--force` rebuilds; log {log}).")
        return
    console.print(f"Refresh committed: run {summary['run_id']}, {summary['files']} files "
                  f"({summary['new_files']} new), {summary['indicator_values']} indicator values published "
                  f"(log {log}).")


def _stderr_to(log: Path) -> None:
    """From now on, what this process and those it starts write to stderr (Prefect's and Dask's logs and
    tracebacks, warnings, the temporary Prefect server stopping at exit) goes to `log`; the one-sentence
    errors (`err`) still reach the terminal."""
    log.parent.mkdir(parents=True, exist_ok=True)
    sys.stderr.flush()
    terminal = os.fdopen(os.dup(2), "w", encoding="utf-8", buffering=1)
    with log.open("ab") as fh:
        os.dup2(fh.fileno(), 2)
    err.file = terminal


# -- dashboard ----------------------------------------------------------------------------------------
@app.command()
def dashboard(
    port: Annotated[int, typer.Option(help="Port to serve on (127.0.0.1).")] = 8501,
    address: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
) -> None:
    """Serve the dashboards (Streamlit) from the published views; stopping this command stops the server."""
    cmd = [sys.executable, "-m", "streamlit", "run", str(REPO_ROOT / "dashboards" / "app.py"),
           "--server.port", str(port), "--server.address", address, "--server.headless", "true",
           "--browser.gatherUsageStats", "false"]
    console.print(f"Dashboard on http://{address}:{port} (Ctrl+C to stop).")
    sys.stdout.flush()
    os.chdir(REPO_ROOT)
    os.execv(sys.executable, cmd)  # the server takes this process's place: Ctrl+C or SIGTERM stops it


# -- api ----------------------------------------------------------------------------------------------
@app.command()
def api(
    port: Annotated[int, typer.Option(help="Port to serve on.")] = 8000,
    address: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    root_path: Annotated[str, typer.Option(help="Prefix a reverse proxy serves the API under, e.g. /jsna-api.")] = "",
) -> None:
    """Serve the read API of the published figures (as jsna_reader); stopping this command stops the server."""
    from jsna.api.server import serve

    console.print(f"API on http://{address}:{port}{root_path}/ (docs at /docs; Ctrl+C to stop).")
    sys.stdout.flush()
    serve(port=port, address=address, root_path=root_path)


# -- export -------------------------------------------------------------------------------------------
@export_app.command("map")
def export_map(
    indicator: Annotated[str, typer.Option(help="Indicator id (see `jsna indicators list`).")],
    level: Annotated[str, typer.Option(help="Area level: lsoa, msoa, lad, utla or region.")],
    out: Annotated[Path, typer.Option(help="File to write: .png, .pdf or .svg.")],
    period: Annotated[str | None, typer.Option(help="Period (default: the latest).")] = None,
    breakdown: Annotated[str | None, typer.Option(help="Breakdown, e.g. pathway=asc (default: all).")] = None,
    paper: Annotated[str, typer.Option(help="Paper size: a4 or a3.")] = "a4",
    orientation: Annotated[str, typer.Option(help="portrait or landscape.")] = "portrait",
    scheme: Annotated[str, typer.Option(help="Classes: quantiles, natural_breaks or equal_interval.")] = "quantiles",
    classes: Annotated[int, typer.Option(help="Number of classes (3 to 7).")] = 5,
    compare: Annotated[str | None, typer.Option(
        help="Colour by the published comparison (better, similar, worse...) with england, target, parent, "
             "region or neighbours, instead of classes.")] = None,
    area: Annotated[str | None, typer.Option(help="Upper-tier area code (default: the project's).")] = None,
) -> None:
    """Write a print-grade choropleth map of an indicator (A4 or A3), with legend, caption and sources."""
    from jsna.publish.maps import export_map as do_export

    if out.suffix.lower() not in (".png", ".pdf", ".svg"):
        raise ExportError(f"Cannot write {out.name}: the map is written as .png, .pdf or .svg.")
    if paper not in ("a4", "a3") or orientation not in ("portrait", "landscape"):
        raise ExportError(f"Cannot print on {paper} {orientation}: use --paper a4 or a3, --orientation portrait "
                          "or landscape.")
    if scheme not in ("quantiles", "natural_breaks", "equal_interval") or not 3 <= classes <= 7:
        raise ExportError(f"Cannot class by {scheme} into {classes}: use quantiles, natural_breaks or "
                          "equal_interval, and 3 to 7 classes.")
    written, warnings = do_export(indicator, level, out, period, breakdown, paper, orientation, scheme, classes,
                                  area, compare)
    for warning in warnings:
        err.print(warning, style="yellow", highlight=False)
    console.print(f"Map written to {written}.")


@export_app.command("pack")
def export_pack(
    out: Annotated[Path, typer.Option(help="File to write: .pdf (tagged, A4) or .docx (editable).")],
    template: Annotated[str, typer.Option(help="The pack: board, or inspection (area SEND evidence).")] = "board",
    area: Annotated[str | None, typer.Option(help="Upper-tier area code (default: the project's).")] = None,
    period: Annotated[str | None, typer.Option(
        help="The last year to include, e.g. 2024 (default: each indicator's latest period).")] = None,
) -> None:
    """Write a pack from the published figures: the board pack (summary, a section per theme with maps, trend
    charts and comparison tables, caveats, definitions and sources) or the inspection evidence pack."""
    import time

    from jsna.publish.pack import export_pack as do_export

    start = time.perf_counter()
    with console.status("Writing the pack..."):
        written = do_export(template, out, area, period)
    console.print(f"Pack written to {written} in {time.perf_counter() - start:.1f} s.")


# -- sources ------------------------------------------------------------------------------------------
@sources_app.command("check")
def sources_check(config: Annotated[Path | None, typer.Option(help="The jsna.toml to check.")] = None) -> None:
    """Validate a configuration and read every declared file, without loading anything."""
    from jsna.sources.check import check_sources

    settings = get_settings()
    path = Path(config or settings.config or "jsna.toml")
    results = check_sources(path, settings)
    table = Table("source", "kind", "rows in", "would load", "quarantine", "status")
    for r in results:
        table.add_row(r.name, r.kind, f"{r.rows_in:,}" if r.rows_in is not None else "",
                      f"{r.rows_loaded:,}" if r.rows_loaded is not None else "",
                      f"{r.rows_quarantined:,}" if r.rows_quarantined is not None else "", r.status)
    console.print(table)
    for r in results:
        if r.error or r.reasons or r.notes or r.rules or r.schema:
            console.print(f"\n[bold]{escape(r.name)}[/bold] ({r.kind})", highlight=False)
        if r.error:
            console.print(f"  error: {escape(r.error)}", highlight=False, soft_wrap=True)
        for reason in r.reasons:
            console.print(f"  quarantine: {escape(str(reason))}", highlight=False, soft_wrap=True)
        for note in r.notes:
            console.print(f"  note: {escape(note)}", highlight=False, soft_wrap=True)
        for rule in r.rules:
            console.print(f"  rule: {escape(str(rule))}", highlight=False, soft_wrap=True)
        for complaint in r.schema:
            console.print(f"  schema: {escape(complaint)}", highlight=False, soft_wrap=True)
    failed = [r for r in results if r.error]
    if failed:
        raise JsnaError(f"{len(failed)} of {len(results)} sources cannot be loaded: {failed[0].error}")


# -- indicators ---------------------------------------------------------------------------------------
class ListFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


@indicators_app.command("list")
def indicators_list(
    format: Annotated[ListFormat, typer.Option("--format", help="A table for reading, or CSV or JSON.")]
    = ListFormat.table,
) -> None:
    """Every indicator in the catalogue."""
    import pandas as pd

    from jsna.indicators.catalogue import load_catalogue
    from jsna.publish import csvsafe

    catalogue = list(load_catalogue().values())
    rows = [{"id": i.id, "title": i.title, "unit": i.unit, "polarity": i.polarity, "target": i.target}
            for i in catalogue]
    if format is ListFormat.json:
        print(json.dumps(rows, indent=2))
    elif format is ListFormat.csv:
        sys.stdout.write(csvsafe.to_csv(pd.DataFrame(rows)))
    else:
        # ids whole: the other columns wrap instead, a word too long for its column folded, never cut
        table = Table(Column("id", no_wrap=True, min_width=max(len(i.id) for i in catalogue)),
                      *(Column(h, overflow="fold") for h in ("title", "unit", "polarity", "target")))
        for i in catalogue:
            table.add_row(i.id, i.title, i.unit, i.polarity.replace("_", " "),
                          "" if i.target is None else f"{i.target:g}")
        console.print(table)


# `jsna sources describe` (here, after ListFormat, which it shares with `jsna indicators list`)
@sources_app.command("describe")
def sources_describe(
    kind: Annotated[str, typer.Argument(help="A kind of source, e.g. ehcp_cases.")],
    format: Annotated[ListFormat, typer.Option("--format", help="A table for reading, or CSV or JSON.")]
    = ListFormat.table,
) -> None:
    """The fields a kind of source takes: required and optional, the headers accepted, codes and values."""
    import pandas as pd

    from jsna.kinds import FAMILIES, KINDS
    from jsna.publish import csvsafe
    from jsna.sources.registry import describe

    if kind not in KINDS:
        raise JsnaError(f"No kind of source '{kind}'; the kinds: {', '.join(KINDS)}.")
    declared = KINDS[kind]
    rows = describe(declared)
    if format is ListFormat.json:
        print(json.dumps(rows, indent=2))
        return
    if format is ListFormat.csv:
        sys.stdout.write(csvsafe.to_csv(pd.DataFrame(rows, columns=["field", "use", "headers", "values"])))
        return
    console.print(f"[bold]{kind}[/bold] ({FAMILIES[declared.family]}): {escape(declared.summary)}", highlight=False)
    options = ", ".join(sorted(declared.options)) or "none"
    console.print(f"options in jsna.toml: {options}"
                  + ("; a release's zip or extracted folder is read whole" if declared.release else ""),
                  highlight=False)
    if not rows:
        console.print("Read in its publisher's layout: its columns are found by name, not mapped.", highlight=False)
        return
    table = Table(Column("field", no_wrap=True), "use", *(Column(h, overflow="fold") for h in ("headers", "values")))
    for r in rows:
        table.add_row(r["field"], r["use"], escape(r["headers"]), escape(r["values"]))
    console.print(table)
    if declared.maps_columns:
        console.print(f'Map a field to your file\'s own header in jsna.toml: columns = {{ {rows[0]["field"]} = '
                      f'"Your header" }} in the source\'s [[sources]] entry.', highlight=False)


@indicators_app.command("show")
def indicators_show(indicator_id: str) -> None:
    """One indicator's full metadata."""
    from jsna.indicators.catalogue import load_catalogue

    cat = load_catalogue()
    if indicator_id not in cat:
        raise JsnaError(f"No indicator {indicator_id}; `jsna indicators list` shows them all.")
    table = Table(show_header=False)
    for key, value in cat[indicator_id].model_dump().items():
        table.add_row(key, ", ".join(value) if isinstance(value, list) else str(value))
    console.print(table)


# -- forecast -------------------------------------------------------------------------------------------
@forecast_app.command("backtest")
def forecast_backtest(
    realdata: Annotated[Path, typer.Option(help="Folder of the DfE releases (ehcp_sen2_2025/, ehcp_sen2_2022/ ...).")]
    = REPO_ROOT.parent / "shared" / "realdata",
    out: Annotated[Path, typer.Option(help="Folder for the table (CSV) and chart (PNG).")] = Path("data/exports"),
) -> None:
    """Rolling-origin backtest on the national series: settings chosen on origins to 2020, reported once on
    2023-2025, beside the simple baselines (last value, trend, own and England growth)."""
    from jsna.forecasting.backtest import run_backtest
    from jsna.publish import csvsafe

    if not (realdata / "education").is_dir():
        raise JsnaError(f"{realdata} does not hold the DfE releases (an education/ folder); pass --realdata.")
    out.mkdir(parents=True, exist_ok=True)
    with progress(console, "Backtesting (about a minute)"):
        table, _ = run_backtest(realdata, out / "forecast_backtest.png")
    (out / "forecast_backtest.csv").write_text(csvsafe.to_csv(table), encoding="utf-8")
    shown = Table("series", "method", "h", "MAPE", "MdAPE", "MASE", "bias", "cover80", "width80",
                  title="Held-out targets 2023-2025")
    for r in table.itertuples():
        shown.add_row(r.series, r.method, str(r.horizon), f"{r.mape:.2f}", f"{r.mdape:.2f}", f"{r.mase:.2f}",
                      f"{r.bias:+.2f}", f"{r.cover80:.1f}", f"{r.width80:.1f}")
    console.print(shown)
    for note in table.attrs.get("notes", []):
        console.print(note)
    console.print(f"Written {out / 'forecast_backtest.csv'} and {out / 'forecast_backtest.png'}.")


@forecast_app.command("run")
def forecast_run(config: Annotated[Path | None, typer.Option(help="The jsna.toml to load.")] = None) -> None:
    """Publish forecasts, place sufficiency and access. They are part of every refresh (one atomic swap
    with the indicators), so this runs the refresh; files already loaded are not read again."""
    refresh(config=config, workers=1, accept_shrink=None)


# -- entry point --------------------------------------------------------------------------------------
def main() -> None:
    """Run the command: typer reports usage mistakes itself (its usage line and the mistake, exit 2), and
    stops on Ctrl+C with exit 130; a JsnaError is one sentence, anything else one line."""
    debug = os.environ.get("JSNA_DEBUG") == "1"
    try:
        app()
    except JsnaError as exc:
        if debug:
            raise
        err.print(f"[red]Error:[/red] {exc}", highlight=False, soft_wrap=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        err.print("Stopped.")
        sys.exit(130)
    except Exception as exc:
        if debug:
            raise
        cause = _user_cause(exc)
        if cause is not None:
            err.print(f"[red]Error:[/red] {cause}", highlight=False, soft_wrap=True)
            sys.exit(cause.exit_code)
        err.print(f"[red]Unexpected error:[/red] {type(exc).__name__}: {exc}. Set JSNA_DEBUG=1 to see the "
                  "traceback.", highlight=False, soft_wrap=True)
        sys.exit(2)


def _user_cause(exc: BaseException) -> JsnaError | None:
    """A JsnaError wrapped by a framework (Prefect re-raises task failures) is still the user's message."""
    seen = exc
    while seen is not None:
        if isinstance(seen, JsnaError):
            return seen
        seen = seen.__cause__ or seen.__context__  # type: ignore[assignment]
    return None


if __name__ == "__main__":
    main()
