"""The read API beside a bare psycopg query, in the same run over the same refreshed warehouse: one indicator for
every LSOA of the county (its latest period, breakdown 'all'), read N times over one keep-alive HTTP connection
from `jsna api` (a real uvicorn process) and N times by psycopg as jsna_reader (the same rows, fetched); p50/p95
of each and the ratio of p95s; the indicator's own page (/indicators/ID, its coverage) N times after a first ask;
then C concurrent clients for S seconds, counting errors.

Usage: python -m bench.api [--url OWNER_URL] [--n 200] [--clients 50] [--seconds 30]
(without --url: a scratch warehouse refreshed from the demo county)
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
INDICATOR = "ehcp_rate_0_25"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1] if len(values) > 1 else values[0]


def run(url: str, n: int = 200, clients: int = 50, seconds: float = 30.0) -> dict[str, Any]:
    """Latencies (ms) of the API and of psycopg for the same rows, their p95 ratio, and the concurrent run."""
    import httpx
    import psycopg
    from sqlalchemy.dialects.postgresql.psycopg import dialect as psycopg_dialect

    from jsna.config import Settings
    from jsna.warehouse.engine import libpq_conninfo, reader_url
    from jsna.warehouse.sqlfiles import statement

    reader = libpq_conninfo(reader_url(Settings(database_url=url)))
    with psycopg.connect(reader) as conn:
        period = conn.execute("SELECT max(period) FROM published.indicator_values WHERE indicator_id = %s",
                              (INDICATOR,)).fetchone()[0]  # type: ignore[index]
    params = {"indicator": INDICATOR, "level": "lsoa", "period": period, "breakdown": "all", "limit": 10000}
    # the API's own statement, its values bound by psycopg: the floor a web layer adds to
    bare_sql = str(statement("api/figures").compile(dialect=psycopg_dialect()))
    bare_params = {**params, "area": None, "offset": 0}
    port = _port()
    proc = subprocess.Popen([sys.executable, "-m", "jsna.cli", "api", "--port", str(port)], cwd=REPO,
                            env={**os.environ, "JSNA_DATABASE_URL": url}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    out: dict[str, Any] = {}
    try:
        with httpx.Client(base_url=base, timeout=60) as client:
            for _ in range(300):
                try:
                    client.get("/levels")
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            rows = len(client.get("/figures", params=params).json()["rows"])
            api_ms = _timed(client, "/figures", params, n)
            first_ms = _timed(client, f"/indicators/{INDICATOR}", {}, 1)  # the first ask of this run
            coverage_ms = _timed(client, f"/indicators/{INDICATOR}", {}, n)
        bare_ms = []
        with psycopg.connect(reader) as conn:
            for _ in range(n):
                start = time.perf_counter()
                got = conn.execute(bare_sql, bare_params).fetchall()  # type: ignore[arg-type]
                conn.commit()
                bare_ms.append((time.perf_counter() - start) * 1000)
        assert len(got) == rows, (len(got), rows)
        out.update({"rows": rows, "requests": n, "api p50 ms": _p(api_ms, 50), "api p95 ms": _p(api_ms, 95),
                    "psycopg p50 ms": _p(bare_ms, 50), "psycopg p95 ms": _p(bare_ms, 95)})
        out["p95 ratio api/psycopg"] = out["api p95 ms"] / out["psycopg p95 ms"]
        out.update({"indicator page first ms": first_ms[0], "indicator page p50 ms": _p(coverage_ms, 50),
                    "indicator page p95 ms": _p(coverage_ms, 95)})
        out.update(_concurrent(base, params, clients, seconds))
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    return out


def _timed(client: Any, path: str, params: dict[str, Any], n: int) -> list[float]:
    """Milliseconds of each of `n` requests of `path` over one keep-alive client."""
    out = []
    for _ in range(n):
        start = time.perf_counter()
        client.get(path, params=params).raise_for_status()
        out.append((time.perf_counter() - start) * 1000)
    return out


def _concurrent(base: str, params: dict[str, Any], clients: int, seconds: float) -> dict[str, Any]:
    """`clients` threads, each its own keep-alive client, requesting the same figures for `seconds`."""
    import httpx

    done: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def client_loop() -> None:
        with httpx.Client(base_url=base, timeout=60) as client:
            while time.perf_counter() < stop:
                start = time.perf_counter()
                try:
                    status = client.get("/figures", params=params).status_code
                except httpx.HTTPError as exc:
                    status, detail = 0, type(exc).__name__
                else:
                    detail = str(status)
                with lock:
                    if status == 200:
                        done.append((time.perf_counter() - start) * 1000)
                    else:
                        errors.append(detail)

    threads = [threading.Thread(target=client_loop) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {f"{clients} clients for {seconds:.0f} s: requests": len(done), "errors": len(errors),
            "concurrent p95 ms": _p(done, 95) if done else float("nan"),
            "requests per second": len(done) / seconds}


def main() -> None:
    from rich.console import Console
    from rich.table import Table

    from bench.common import save, scratch_database

    parser = argparse.ArgumentParser(prog="python -m bench.api")
    parser.add_argument("--url", help="an owner URL of a refreshed warehouse (default: a scratch demo refresh)")
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    args = parser.parse_args()
    if args.url:
        result = run(args.url, args.n, args.clients, args.seconds)
    else:
        from bench.refresh import refresh_steps
        from jsna.demo import generate

        with scratch_database() as url, tempfile.TemporaryDirectory() as tmp:
            refresh_steps(generate(Path(tmp), scale="county"), url)
            result = run(url, args.n, args.clients, args.seconds)
    table = Table("measure", "value", title=f"read API beside bare psycopg: {INDICATOR}, every LSOA, one period")
    for key, value in result.items():
        table.add_row(key, f"{value:,.2f}" if isinstance(value, float) else f"{value:,}")
    Console().print(table)
    save("bench_api", {"api": result})


if __name__ == "__main__":
    main()
