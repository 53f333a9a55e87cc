"""The CIN census return reader beside its limit in the same run: a county-size return (20,000 children, every
item kind) read by `jsna.sources.cin_census_return` (streamed to rows, then keyed, checked and split) and
by `lxml.etree.iterparse` alone over the same file (every element visited, each child cleared: the least any
streamed reader does). Median of three runs each; the ratio is the reader's speed as a share of the limit's.

Usage: python -m bench.cin_census_return [--children 20000]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from lxml import etree
from rich.console import Console
from rich.table import Table

from bench.common import save
from jsna.demo import cin_census
from jsna.demo.caseload import YEAR_DAYS
from jsna.sources.cin_census_return import read, stream
from jsna.sources.context import Placement, ReadContext
from jsna.sources.identity import Pseudonymiser


def children(n: int, seed: int = 2017) -> list[dict[str, object]]:
    """`n` synthetic children with the demo's episodes (every item kind occurs)."""
    rng = np.random.default_rng(seed)
    out: list[dict[str, object]] = []
    for i in range(n):
        child: dict[str, object] = {
            "child_id": f"C{i:07d}", "upn": f"X{i:012d}" if rng.random() < 0.85 else None,
            "dob": float(np.floor(cin_census.REFERENCE - (0.3 + rng.uniform(0, 17.5)) * YEAR_DAYS)),
            "gender": "1" if rng.random() < 0.52 else "2", "ethnicity": "WBRI",
            "disabilities": ["AUT"] if rng.random() < 0.12 else ["NONE"],
        }
        child["episodes"] = cin_census._episodes(child, rng)
        out.append(child)
    return out


def limit(path: Path) -> None:
    for _, el in etree.iterparse(str(path), events=("end",)):
        if el.tag == "Child":
            el.clear()


def median_seconds(fn: Callable[[], object], runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run(n: int) -> dict[str, float]:
    context = ReadContext(Placement(vintage=2021), Pseudonymiser(None, demo=True))
    with tempfile.TemporaryDirectory() as folder:
        path = cin_census.write_return(Path(folder) / "cin.xml", children(n))
        items = read(path, {}, context).rows_in
        out = {"children": float(n), "items": float(items), "megabytes": path.stat().st_size / 1e6,
               "iterparse_s": median_seconds(lambda: limit(path)),
               "stream_s": median_seconds(lambda: stream(path)),
               "read_s": median_seconds(lambda: read(path, {}, context))}
    out["read_share_of_limit"] = out["iterparse_s"] / out["read_s"]
    out["stream_share_of_limit"] = out["iterparse_s"] / out["stream_s"]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.cin_census_return")
    parser.add_argument("--children", type=int, default=20_000)
    args = parser.parse_args()
    result: dict[str, object] = dict(run(args.children))
    table = Table("measure", "value", title=f"CIN census return, {args.children:,} children (median of 3)")
    for key, value in result.items():
        table.add_row(key, f"{value:,.3f}")
    Console().print(table)
    Console().print(f"results saved to {save('bench_cin_census_return', result)}")


if __name__ == "__main__":
    main()
