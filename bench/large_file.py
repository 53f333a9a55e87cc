"""Memory of `jsna sources check` on a large valid file, beside the file's size and beside a peer in the
same run: pandas.read_csv reading the same file as text columns (what any loader must at least hold).

The file is a postcode directory in the ONSPD layout (the largest file a JSNA loads: ~1.3 GB for the
UK), with unique synthetic postcodes, grown to the size asked. Each reader runs in its own process; its
peak resident memory is GNU time's %M.

Usage: python -m bench.large_file [--size 2GB] [--keep]
"""

from __future__ import annotations

import argparse
import os
import string
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from rich.console import Console
from rich.table import Table

from bench.common import save

HEADER = ("pcd,pcd2,pcds,dointr,doterm,oslaua,osward,usertype,oseast1m,osnrth1m,osgrdind,ctry,rgn,lsoa11,msoa11,"
          "lsoa21,msoa21,lat,long\n")
REST = (",202311,,X07000001,X05000001,0,452157,160768,1,X92000001,X12000001,{lsoa},X02000001,{lsoa},X02000001,"
        "51.343611,-1.25256\n")
UNITS = {"KB": 1024, "MB": 1024**2, "GB": 1024**3}


def parse_size(text: str) -> int:
    text = text.strip().upper()
    for unit, scale in UNITS.items():
        if text.endswith(unit):
            return int(float(text[: -len(unit)]) * scale)
    return int(text)


def postcodes() -> Iterator[str]:
    """Unique postcodes in a fictional 'X' area: XA0 0AA, XA0 0AB, ... (17.5 million of them)."""
    letters = string.ascii_uppercase
    for area in letters:
        for district in range(100):
            for sector in range(10):
                for unit in (a + b for a in letters for b in letters):
                    yield f"X{area}{district} {sector}{unit}"


def write_directory(path: Path, size: int) -> int:
    """An ONSPD-layout file of at least `size` bytes; returns its rows."""
    rows = 0
    with open(path, "w", encoding="ascii", newline="") as f:
        f.write(HEADER)
        written = len(HEADER)
        block: list[str] = []
        for pc in postcodes():
            lsoa = f"X01{rows % 33_000:06d}"
            line = f"{pc.replace(' ', '')},{pc[:-3]:<4} {pc[-3:]},{pc}" + REST.format(lsoa=lsoa)
            block.append(line)
            written += len(line)
            rows += 1
            if len(block) == 100_000 or written >= size:
                f.write("".join(block))
                block = []
            if written >= size:
                break
    return rows


def peak(cmd: list[str], env: dict[str, str] | None = None) -> tuple[int, float, int]:
    """(exit code, seconds, peak resident memory in bytes) of a command, measured by GNU time (a process
    forked straight from this one would report this one's size as its floor)."""
    started = time.perf_counter()
    with tempfile.NamedTemporaryFile("r") as rss:
        proc = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", rss.name, *cmd], capture_output=True,
                              env={**os.environ, **(env or {})})
        kb = int(rss.read().split()[-1])
    if proc.returncode:
        sys.stderr.write(proc.stderr.decode(errors="replace")[-2000:])
    return proc.returncode, time.perf_counter() - started, kb * 1024


PEER = ("import sys, pandas as pd; f = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False, na_filter=False); "
        "print(len(f))")
BASELINE = "import jsna.cli, jsna.sources.registry, pandas"  # what `jsna` imports before it reads anything


def run(size: int, folder: Path) -> dict[str, object]:
    data = folder / "onspd_large.csv"
    rows = write_directory(data, size)
    config = folder / "jsna.toml"
    config.write_text('[project]\nname = "Bench"\narea_code = "X10000001"\n\n'
                      f'[[sources]]\nname = "postcodes"\nkind = "postcodes"\npath = "{data}"\n')
    env = {"JSNA_MAX_FILE_BYTES": str(max(size * 2, 2 * 1024**3))}
    results: dict[str, object] = {"file_bytes": data.stat().st_size, "rows": rows}
    for name, cmd in (
        ("imports only", [sys.executable, "-c", BASELINE]),
        ("jsna sources check", [sys.executable, "-m", "jsna.cli", "sources", "check", "--config", str(config)]),
        ("pandas.read_csv (peer)", [sys.executable, "-c", PEER, str(data)]),
    ):
        code, seconds, rss = peak(cmd, env)
        results[name] = {"exit": code, "seconds": round(seconds, 1), "peak_bytes": rss}
    return results


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.large_file")
    parser.add_argument("--size", default="2GB", help="file size, e.g. 200MB or 2GB (default 2GB)")
    parser.add_argument("--keep", action="store_true", help="keep the generated file")
    args = parser.parse_args()
    size = parse_size(args.size)
    folder = Path(tempfile.mkdtemp(prefix="jsna-bench-"))
    try:
        results = run(size, folder)
    finally:
        if not args.keep:
            for f in folder.iterdir():
                f.unlink()
            folder.rmdir()
    gib = 1024**3
    file_bytes = int(results["file_bytes"])  # type: ignore[call-overload]
    table = Table("reader", "exit", "seconds", "peak memory", "x file size",
                  title=f"{file_bytes / gib:.2f} GB postcode directory, {results['rows']:,} rows")
    for name in ("imports only", "jsna sources check", "pandas.read_csv (peer)"):
        r = results[name]
        assert isinstance(r, dict)
        table.add_row(name, str(r["exit"]), f"{r['seconds']:.1f}", f"{r['peak_bytes'] / gib:.2f} GB",
                      f"{r['peak_bytes'] / file_bytes:.2f}")
    Console().print(table)
    Console().print(f"results saved to {save(f'large_file_{args.size}', results)}")


if __name__ == "__main__":
    main()
