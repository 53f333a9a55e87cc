"""The `jsna` command as a user meets it: clear one-sentence errors, map exports for board papers."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def jsna(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "jsna.cli", *args], capture_output=True, text=True, cwd=REPO,
                          env={**os.environ, **(env or {})}, timeout=120)


def test_errors_are_one_sentence_and_a_non_zero_exit(tmp_path: Path) -> None:
    """Given a missing config, an unknown kind, and a bad map format, then each fails with one line, no traceback."""
    missing = jsna("refresh", "--config", str(tmp_path / "nope.toml"))
    bad = tmp_path / "jsna.toml"
    bad.write_text('[project]\nname = "X"\narea_code = "E10000014"\n[[sources]]\nname = "a"\nkind = "nonsense"\n'
                   'path = "a.csv"\n')
    unknown = jsna("sources", "check", "--config", str(bad))
    fmt = jsna("export", "map", "--indicator", "ehcp_20_weeks", "--level", "lad", "--out", str(tmp_path / "m.jpg"))
    for proc, needle in [(missing, "No configuration at"), (unknown, "sources.0.kind"), (fmt, ".png, .pdf or .svg")]:
        assert proc.returncode == 1, proc.stderr
        assert "Traceback" not in proc.stderr and needle in proc.stderr
        assert len(proc.stderr.strip().splitlines()) <= 2  # one sentence, possibly wrapped once


@pytest.mark.db
@pytest.mark.parametrize("suffix", [".png", ".pdf", ".svg"])
def test_export_map_writes_title_legend_and_source(refreshed: dict, warehouse_url: str, tmp_path: Path,
                                                  suffix: str) -> None:
    out = tmp_path / f"timeliness{suffix}"
    proc = jsna("export", "map", "--indicator", "ehcp_20_weeks", "--level", "lad", "--period", "2024",
                "--out", str(out), env={"JSNA_DATABASE_URL": warehouse_url})
    assert proc.returncode == 0, proc.stderr
    data = out.read_bytes()
    magic = {".png": b"\x89PNG", ".pdf": b"%PDF", ".svg": b"<?xml"}[suffix]
    assert data.startswith(magic) and len(data) > 20_000
    if suffix == ".svg":
        text = data.decode()
        lines = " ".join(re.findall(r"<!-- (.*?) -->", text)).replace("&#160;", " ")  # each drawn line of text
        for words in ("Percentage of new EHC plans issued within 20 weeks", "Districts in Demoshire, 2024",
                      "Contains OS data © Crown copyright and database right"):
            assert words in " ".join(lines.split()), words
        assert text.count("<path") >= 11


@pytest.mark.db
def test_export_map_refuses_an_unpublished_period(refreshed: dict, warehouse_url: str, tmp_path: Path) -> None:
    proc = jsna("export", "map", "--indicator", "ehcp_20_weeks", "--level", "lad", "--period", "1999",
                "--out", str(tmp_path / "m.png"), env={"JSNA_DATABASE_URL": warehouse_url})
    assert proc.returncode == 1 and "has no period 1999 at level lad" in proc.stderr
