"""Dashboard pages: each page's queries, and its first complete render in a real Chromium.

Queries: every page runs in-process (Streamlit's AppTest) with the caches cleared, and the time spent in
`dashboards.data` reads (the SQL and the frames they return) is summed per page: the page's own queries,
exactly as it makes them with its default filters. Render: a Streamlit server over the same warehouse and
Debian's Chromium (Playwright); from navigation start to the page's first complete render (`COMPLETE`: the
script has finished, no element is still loading its code, every chart is drawn, every visible grid has its
canvas), on the first visit after the server starts (cold caches) and on later visits (warm, the median of
--visits), each page in turn with the peers: a bare Streamlit page with one plotly chart (the reference) and one
with one Vega chart (the floor for the dashboards, which draw with Vega).

Usage: python -m bench.pages [--url DATABASE_URL] [--scale county] [--repeat 3] [--visits 1] [--pages a,b]
[--no-browser]
(the warehouse must already be refreshed; JSNA_DATABASE_URL is used when --url is not given).
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

REPO = Path(__file__).resolve().parents[1]
APP = REPO / "dashboards" / "app.py"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
#: page script, URL path, and the selector of its main content (which a complete render must also have)
CHART = "[data-testid='stVegaLiteChart'] .role-mark"  # a chart drawn
MAP = "[data-testid='stVegaLiteChart'] .mark-shape path"  # a map's areas drawn
NOTE = "[data-testid='stAlertContentInfo']"  # a 'no data yet' note where a chart would be
PAGES = {
    "overview": ("views/overview.py", "", MAP),
    "ehcp": ("views/ehcp.py", "ehcp", CHART),
    "health": ("views/health.py", "health", f"{CHART}, {NOTE}"),
    "social_care": ("views/social_care.py", "social-care", f"{MAP}, {NOTE}"),
    "planner": ("views/planner.py", "planner", CHART),
    # the planner's other tabs, each opened by its link (only the open tab runs and is drawn)
    "planner places": ("views/planner.py", "planner?planner_tab=Places+against+demand", CHART),
    "planner scenarios": ("views/planner.py", "planner?planner_tab=Scenarios", CHART),
    "planner access": ("views/planner.py", "planner?planner_tab=Access", MAP),
    "map": ("views/map.py", "map", MAP),
    "profile": ("views/profile.py", "profile", CHART),
    "methods": ("views/methods.py", "methods", CHART),
}


def measure_queries(repeat: int, pages: dict[str, tuple[str, str, str]] | None = None) -> dict[str, dict[str, Any]]:
    """Per page: median total query time (ms) with caches cleared, the number of reads and the slowest."""
    from streamlit.testing.v1 import AppTest

    from dashboards import data

    calls: list[tuple[str, float]] = []
    depth = [0]  # reads made inside area_geojson are counted in it, not again on their own

    def timed(fn: Callable[..., Any], name: str) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            depth[0] += 1
            try:
                return fn(*args, **kwargs)
            finally:
                depth[0] -= 1
                if depth[0] == 0:
                    calls.append((name if name != "query" else " ".join(str(args[0]).split())[:90],
                                  1000 * (time.perf_counter() - start)))
        wrapper.clear = fn.clear  # type: ignore[attr-defined]
        return wrapper

    original_query, original_geojson = data.query, data.area_geojson
    data.query = timed(original_query, "query")  # type: ignore[assignment]
    data.area_geojson = timed(original_geojson, "area_geojson (incl. its query)")  # type: ignore[assignment]
    out: dict[str, dict[str, Any]] = {}
    try:
        at = AppTest.from_file(str(APP), default_timeout=300)
        at.run()  # imports and the default page, once
        for page, (script, path, _) in (PAGES if pages is None else pages).items():
            params = {k: v[0] for k, v in parse_qs(urlsplit(path).query).items()}
            totals, counts, slowest = [], [], []
            for _ in range(repeat):
                data.clear_cache()
                at.query_params.clear()
                calls.clear()
                at.switch_page(script)
                for k, v in params.items():
                    at.query_params[k] = v
                at.run()
                if at.exception:
                    raise RuntimeError(f"{page}: {at.exception[0].value}")
                totals.append(sum(ms for _, ms in calls))
                counts.append(len(calls))
                slowest.append(max(calls, key=lambda c: c[1]) if calls else ("", 0.0))
            top = max(slowest, key=lambda c: c[1])
            out[page] = {"queries_ms": round(statistics.median(totals), 1), "reads": counts[0],
                         "slowest_ms": round(top[1], 1), "slowest": top[0]}
    finally:
        data.query, data.area_geojson = original_query, original_geojson  # type: ignore[assignment]
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


PEER = REPO / "bench" / "peer_app.py"
#: The page's first complete render, or null: Streamlit has finished the script (the app's script state, which
#: drives the running indicator) and has drawn every element (an element whose code is still loading shows a
#: skeleton); the main content (`sel`) is there; in the open view (not in a closed expander), every Vega chart
#: has drawn its marks (Vega draws a chart's whole scene at once), every plotly chart a group for each visible
#: trace (geo traces are drawn after their assets load), every grid its canvas, and every image is loaded.
COMPLETE = """sel => {
  const app = document.querySelector('[data-testid="stApp"]');
  const main = document.querySelector('[data-testid="stMain"]');
  if (!app || !main || app.getAttribute('data-test-script-state') !== 'notRunning') return null;
  if (!main.querySelector(sel) || main.querySelector('[data-testid="stSkeleton"]')) return null;
  const shown = sel => [...main.querySelectorAll(sel)].filter(e => e.checkVisibility());  // not in a closed expander
  for (const chart of shown('[data-testid="stPlotlyChart"]')) {
    const plot = chart.querySelector('.js-plotly-plot');
    if (!plot || !plot._fullData || !plot.querySelector('.main-svg')) return null;
    const traces = plot._fullData.filter(t => t.visible === true).length;
    if (plot.querySelectorAll('g.trace').length < traces) return null;
  }
  const vega = chart => chart.querySelector('svg.marks .role-mark, canvas.marks');  // Vega draws large data on canvas
  if (shown('[data-testid="stVegaLiteChart"]').some(chart => !vega(chart))) return null;
  if (shown('[data-testid="stDataFrame"]').some(grid => !grid.querySelector('canvas'))) return null;
  if (shown('img').some(img => !img.complete)) return null;
  return performance.now();
}"""


def _serve(app: Path, database_url: str) -> tuple[subprocess.Popen[bytes], str]:
    """A Streamlit server for `app` on a free port, once it answers its health check."""
    port = _free_port()
    env = {**os.environ, "JSNA_DATABASE_URL": database_url}
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(app), "--server.port", str(port),
                             "--server.address", "127.0.0.1", "--server.headless", "true",
                             "--browser.gatherUsageStats", "false"],
                            cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                break
        except OSError:
            time.sleep(0.2)
    return proc, url


def measure_render(database_url: str, pages: dict[str, tuple[str, str, str]] | None = None, visits: int = 1,
                   ) -> dict[str, dict[str, float]]:
    """Per page and for the peers (`peer_app`: plotly, and Vega at ?chart=vega): ms from navigation start to the
    first complete render (`COMPLETE`), on the first visit after the server starts (cold) and the median of
    `visits` later visits (warm), each in a new browser context (a new visitor: nothing cached). The pages and
    the peers take turns, so that all see the same load on the machine."""
    from playwright.sync_api import sync_playwright

    pages = PAGES if pages is None else pages
    targets = {name: (APP, path, selector) for name, (_, path, selector) in pages.items()}
    targets["peer"] = (PEER, "", ".js-plotly-plot .main-svg")
    targets["peer (vega)"] = (PEER, "?chart=vega", CHART)
    servers = {app: _serve(app, database_url) for app in (APP, PEER)}
    times: dict[str, dict[str, list[float]]] = {name: {"cold": [], "warm": []} for name in targets}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)

            def visit(app: Path, path: str, selector: str) -> float:
                context = browser.new_context(viewport={"width": 1400, "height": 1100})
                tab = context.new_page()
                tab.goto(f"{servers[app][1]}/{path}")
                drawn = tab.wait_for_function(COMPLETE, arg=selector, polling="raf", timeout=120_000).json_value()
                context.close()
                return float(drawn)

            # Warm each server's Python imports once (a first request also loads plotly, pandas...).
            visit(*next(iter(targets.values())))
            visit(*targets["peer"])
            for kind in ["cold"] + ["warm"] * visits:
                for name, target in targets.items():
                    times[name][kind].append(visit(*target))
            browser.close()
    finally:
        for proc, _ in servers.values():
            proc.terminate()
            proc.wait(timeout=20)
    return {name: {"cold_ms": round(t["cold"][0]), "warm_ms": round(statistics.median(t["warm"]))}
            for name, t in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.pages")
    parser.add_argument("--url", default=os.environ.get("JSNA_DATABASE_URL"), help="the refreshed warehouse")
    parser.add_argument("--scale", default="county", help="label for the results file")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--visits", type=int, default=1, help="warm visits per page (their median is shown)")
    parser.add_argument("--pages", help="only these pages, comma-separated (e.g. overview,map)")
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    if not args.url:
        parser.error("give --url or set JSNA_DATABASE_URL")
    os.environ["JSNA_DATABASE_URL"] = args.url
    sys.path.insert(0, str(REPO))
    from rich.console import Console
    from rich.table import Table

    from bench.common import save

    pages = {k: v for k, v in PAGES.items() if not args.pages or k in args.pages.split(",")}
    queries = measure_queries(args.repeat, pages)
    # the peer in the same run: a bare Streamlit page with one plotly chart (and, as the floor, one Vega chart)
    render = {} if args.no_browser else measure_render(args.url, pages, args.visits)
    peer_cold = render.get("peer", {}).get("cold_ms", float("nan"))
    peer = render.get("peer", {}).get("warm_ms", float("nan"))
    table = Table("page", "queries (ms)", "reads", "slowest read (ms)", "render cold (ms)", "render warm (ms)",
                  "cold / peer", "warm / peer", title=f"dashboard pages ({args.scale}; queries: median of "
                  f"{args.repeat}, caches cleared; render: first complete render, warm the median of "
                  f"{args.visits}; peer: a bare Streamlit page with one plotly chart, visited in turn; "
                  "peer (vega): the same with one Vega chart)")
    for page in [*queries, *(["peer", "peer (vega)"] if "peer" in render else [])]:
        q = queries.get(page, {"queries_ms": 0.0, "reads": 0, "slowest_ms": 0.0})
        r = render.get(page, {})
        warm = r.get("warm_ms", float("nan"))
        cold = r.get("cold_ms", float("nan"))
        table.add_row(page, f"{q['queries_ms']:.0f}", str(q["reads"]), f"{q['slowest_ms']:.0f}", f"{cold:.0f}",
                      f"{warm:.0f}", f"{cold / peer_cold:.2f}", f"{warm / peer:.2f}")
    console = Console()
    console.print(table)
    for page, q in queries.items():
        console.print(f"{page}: slowest read {q['slowest_ms']:.0f} ms: {q['slowest']}")
    console.print(f"results saved to {save(f'pages_{args.scale}', {'queries': queries, 'render': render})}")


if __name__ == "__main__":
    main()
