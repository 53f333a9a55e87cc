"""Dashboard pages: each page's queries, and its first complete render in a real Chromium.

Queries: every page runs in-process (Streamlit's AppTest) with the caches cleared, and the time spent in
`dashboards.data` reads (the SQL and the frames they return) is summed per page: the page's own queries,
exactly as it makes them with its default filters. Render: a Streamlit server over the same warehouse and
Debian's Chromium (Playwright); from navigation start to the page's main chart drawn, on the first visit
after the server starts (cold caches) and on a second visit (warm).

Usage: python -m bench.pages [--url DATABASE_URL] [--scale county] [--repeat 3] [--no-browser]
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
#: page script, URL path, and the selector of its main chart
PAGES = {
    "overview": ("views/overview.py", "", "path.choroplethlocation"),
    "ehcp": ("views/ehcp.py", "ehcp", ".js-plotly-plot .main-svg"),
    "health": ("views/health.py", "health", ".js-plotly-plot .main-svg, [data-testid='stAlertContentInfo']"),
    "social_care": ("views/social_care.py", "social-care",
                    "path.choroplethlocation, [data-testid='stAlertContentInfo']"),
    "planner": ("views/planner.py", "planner", ".js-plotly-plot .main-svg"),
    # the planner's other tabs, each opened by its link (only the open tab runs and is drawn)
    "planner places": ("views/planner.py", "planner?planner_tab=Places+against+demand", ".js-plotly-plot .main-svg"),
    "planner scenarios": ("views/planner.py", "planner?planner_tab=Scenarios", ".js-plotly-plot .main-svg"),
    "planner access": ("views/planner.py", "planner?planner_tab=Access", "path.choroplethlocation"),
    "map": ("views/map.py", "map", "path.choroplethlocation"),
    "profile": ("views/profile.py", "profile", ".js-plotly-plot .main-svg"),
    "methods": ("views/methods.py", "methods", ".js-plotly-plot .main-svg"),
}


def measure_queries(repeat: int) -> dict[str, dict[str, Any]]:
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
        for page, (script, path, _) in PAGES.items():
            params = {k: v[0] for k, v in parse_qs(urlsplit(path).query).items()}
            totals, counts, slowest = [], [], []
            for _ in range(repeat):
                original_query.clear()
                original_geojson.clear()
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


def measure_render(database_url: str, app: Path = APP, pages: dict[str, tuple[str, str, str]] | None = None,
                   ) -> dict[str, dict[str, float]]:
    """Per page: ms from navigation start to the main chart drawn, first (cold) and second (warm) visit, each in
    a new browser context (a new visitor: nothing cached)."""
    from playwright.sync_api import sync_playwright

    pages = PAGES if pages is None else pages
    port = _free_port()
    env = {**os.environ, "JSNA_DATABASE_URL": database_url}
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(app), "--server.port", str(port),
                             "--server.address", "127.0.0.1", "--server.headless", "true",
                             "--browser.gatherUsageStats", "false"],
                            cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    out: dict[str, dict[str, float]] = {}
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.2)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            # Warm the server's Python imports once (a first request also loads plotly, pandas...).
            first = next(iter(pages.values()))
            warm = browser.new_page()
            warm.goto(f"{url}/{first[1]}")
            warm.wait_for_selector(first[2], timeout=120_000)
            warm.close()
            for visit in ("cold", "warm"):
                for page, (_, path, selector) in pages.items():
                    context = browser.new_context(viewport={"width": 1400, "height": 1100})
                    tab = context.new_page()
                    tab.goto(f"{url}/{path}")
                    drawn = tab.wait_for_function(
                        "sel => document.querySelector(sel) ? performance.now() : null", arg=selector,
                        polling="raf", timeout=120_000).json_value()
                    out.setdefault(page, {})[f"{visit}_ms"] = round(float(drawn), 0)
                    context.close()
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.pages")
    parser.add_argument("--url", default=os.environ.get("JSNA_DATABASE_URL"), help="the refreshed warehouse")
    parser.add_argument("--scale", default="county", help="label for the results file")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    if not args.url:
        parser.error("give --url or set JSNA_DATABASE_URL")
    os.environ["JSNA_DATABASE_URL"] = args.url
    sys.path.insert(0, str(REPO))
    from rich.console import Console
    from rich.table import Table

    from bench.common import save

    queries = measure_queries(args.repeat)
    render = {} if args.no_browser else measure_render(args.url)
    if render:  # the peer in the same run: a bare Streamlit page with one plotly chart
        render |= measure_render(args.url, PEER, {"peer": ("", "", ".js-plotly-plot .main-svg")})
    peer = render.get("peer", {}).get("warm_ms", float("nan"))
    table = Table("page", "queries (ms)", "reads", "slowest read (ms)", "render cold (ms)", "render warm (ms)",
                  "warm / peer", title=f"dashboard pages ({args.scale}; queries: median of {args.repeat}, "
                  "caches cleared; peer: a bare Streamlit page with one plotly chart)")
    for page in [*queries, *(["peer"] if "peer" in render else [])]:
        q = queries.get(page, {"queries_ms": 0.0, "reads": 0, "slowest_ms": 0.0})
        r = render.get(page, {})
        warm = r.get("warm_ms", float("nan"))
        table.add_row(page, f"{q['queries_ms']:.0f}", str(q["reads"]), f"{q['slowest_ms']:.0f}",
                      f"{r.get('cold_ms', float('nan')):.0f}", f"{warm:.0f}", f"{warm / peer:.2f}")
    console = Console()
    console.print(table)
    for page, q in queries.items():
        console.print(f"{page}: slowest read {q['slowest_ms']:.0f} ms: {q['slowest']}")
    console.print(f"results saved to {save(f'pages_{args.scale}', {'queries': queries, 'render': render})}")


if __name__ == "__main__":
    main()
