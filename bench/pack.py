"""The demo county's board pack end to end, beside one `jsna export map` (the floor: the same reader and one
print-grade map page), in the same run over the same refreshed warehouse: each as the command a user runs (a new
process: imports, reads as jsna_reader, drawing, writing), then the pack's own steps in one process."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import timed

REPO = Path(__file__).resolve().parents[1]


def _command(url: str, *args: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "jsna.cli", *args], check=True, capture_output=True, cwd=REPO,
                   env={**os.environ, "JSNA_DATABASE_URL": url})
    return time.perf_counter() - start


def run(url: str) -> dict[str, float]:
    """Seconds for `export map` (the floor), `export pack` to PDF and to DOCX, the PDF's ratio to the floor, and
    the pack's steps in-process (the document built from published figures, then each writer)."""
    from pypdf import PdfReader

    from jsna.config import Settings
    from jsna.publish import pack
    from jsna.warehouse.engine import reader_url

    t: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        t["export map, districts, A4 PDF (floor)"] = _command(
            url, "export", "map", "--indicator", "ehcp_rate_0_25", "--level", "lad", "--out", str(out / "map.pdf"))
        t["export pack --template board, PDF"] = _command(url, "export", "pack", "--out", str(out / "pack.pdf"))
        t["export pack --template board, DOCX"] = _command(url, "export", "pack", "--out", str(out / "pack.docx"))
        t["pack PDF / map (ratio)"] = t["export pack --template board, PDF"] / t[
            "export map, districts, A4 PDF (floor)"]
        reader = reader_url(Settings(database_url=url))
        with timed(t, "in-process: build the document (reads, 4 maps, charts)"):
            doc = pack.build("board", url=reader)
        with timed(t, "in-process: write the PDF (WeasyPrint, PDF/UA-1)"):
            pack.write(doc, out / "again.pdf")
        with timed(t, "in-process: write the DOCX (python-docx)"):
            pack.write(doc, out / "again.docx")
        t["pack PDF pages"] = float(len(PdfReader(out / "pack.pdf").pages))
    return t


def main() -> None:
    """`python -m bench.pack`: this benchmark alone, over a scratch warehouse refreshed from the demo county."""
    from rich.console import Console
    from rich.table import Table

    from bench.common import save, scratch_database
    from bench.refresh import refresh_steps
    from jsna.demo import generate

    with scratch_database() as url, tempfile.TemporaryDirectory() as tmp:
        refresh_steps(generate(Path(tmp), scale="county"), url)
        times = run(url)
    table = Table("measure", "seconds", title="board pack beside one map export (the floor), demo county")
    for key, value in times.items():
        table.add_row(key, f"{value:.2f}")
    Console().print(table)
    save("bench_pack", {"pack": times})


if __name__ == "__main__":
    main()
