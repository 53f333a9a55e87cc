"""`make bench`: the demo refresh step by step, the board pack beside one map export over the refreshed demo, the
read API beside a bare psycopg query of the same rows (at England scale its first page, 10,000 LSOAs), the loader
beside its peers, and the disclosure audit beside the algorithm it replaced, in one run.

Usage: python -m bench [--scale county|england] [--rows N] [--profile-only]

The first refresh is profiled step by step (bench.profile): seconds, peak memory, rows in and out, and each heavy
step's floor measured in the same run.
"""

from __future__ import annotations

import argparse
from typing import Any

from rich.console import Console
from rich.table import Table

from bench import api, disclosure_audit, loader, pack, refresh
from bench.common import save, scratch_database


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--scale", default="county", choices=["county", "england"])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows for the loader comparison")
    parser.add_argument("--profile-only", action="store_true",
                        help="only the first refresh, step by step against its floors (no other benchmark)")
    args = parser.parse_args()
    console = Console(width=180)
    with scratch_database() as url:
        steps = refresh.run(url, args.scale, partial=not args.profile_only)
        if args.profile_only:
            console.print(profile_table(steps["profile"], args.scale))
            console.print(f"results saved to {save(f'profile_{args.scale}', steps)}")
            return
        packs = pack.run(url) if args.scale == "county" else {}
        served = api.run(url)
    console.print(profile_table(steps["profile"], args.scale))
    for title, times in steps.items():
        if title == "profile":
            continue
        table = Table("step", "seconds", title=f"{title} ({args.scale})")
        for step, seconds in times.items():
            table.add_row(step, f"{seconds:.2f}")
        console.print(table)
    if packs:
        table = Table("measure", "seconds", title="board pack beside one map export (the floor), demo county")
        for key, value in packs.items():
            table.add_row(key, f"{value:.2f}")
        console.print(table)
    table = Table("measure", "value", title=f"read API beside bare psycopg: one indicator, every LSOA ({args.scale})")
    for key, value in served.items():
        table.add_row(key, f"{value:,.2f}" if isinstance(value, float) else f"{value:,}")
    console.print(table)
    with scratch_database() as url:
        load = loader.run(url, args.rows)
    table = Table("measure", "value", title=f"loader throughput, {args.rows:,} rows (median of 3)")
    for key, value in load.items():
        table.add_row(key, f"{value:,}")
    console.print(table)
    with scratch_database() as url:
        audit = disclosure_audit.run(disclosure_audit.demo_inputs(url))
    table = Table("measure", "value", title="disclosure audit: previous algorithm beside the current one (county)")
    for key, value in audit.items():
        table.add_row(key, f"{value:,.2f}" if isinstance(value, float) else f"{value:,}" if isinstance(value, int)
                      else str(value))
    console.print(table)
    payload: dict[str, object] = {"steps": steps, "pack": packs, "api": served, "loader": load,
                                  "disclosure_audit": audit}
    console.print(f"results saved to {save(f'bench_{args.scale}', payload)}")


def profile_table(rows: list[dict[str, Any]], scale: str) -> Table:
    """The first refresh step by step: seconds, peak memory, rows in and out, and each heavy step's floor."""
    table = Table("step", "seconds", "peak MB (grew)", "rows in", "rows out", "floor s", "x floor", "floor is",
                  title=f"first refresh against its floors ({scale}; memory: this process's RSS, psutil, 5 ms)")

    def n(v: float | None, fmt: str = "{:,}") -> str:
        return "" if v is None else fmt.format(v)

    for r in rows:
        table.add_row(r["step"], f"{r['seconds']:.2f}", f"{r['peak_mb']:,.0f} (+{r['grew_mb']:,.0f})",
                      n(r["rows_in"]), n(r["rows_out"]), n(r["floor_seconds"], "{:.2f}"),
                      n(r["distance"], "{:.1f}"), r["floor"] or "")
    return table


if __name__ == "__main__":
    main()
