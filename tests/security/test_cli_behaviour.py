"""The `jsna` command behaves (issue 14, point 11): a stopped dashboard frees its port, usage mistakes get
typer's usage message, `--version`, and `indicators list` with whole ids, as a table, CSV or JSON."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.e2e.conftest import wait_healthy

REPO = Path(__file__).resolve().parents[2]


def jsna(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "jsna.cli", *args], capture_output=True, text=True, cwd=REPO,
                          env={**os.environ, **(env or {})}, timeout=120)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def catalogue_ids() -> list[str]:
    from jsna.indicators.catalogue import load_catalogue

    return list(load_catalogue())


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_stopped_dashboard_frees_its_port(sig: signal.Signals, tmp_path: Path) -> None:
    """Given `jsna dashboard --port <free>` serving, when the jsna process gets SIGTERM or SIGINT, then the
    port is free within a few seconds and nothing of the server is left running."""
    port = free_port()
    log = tmp_path / "dashboard.log"
    with log.open("w") as fh:
        proc = subprocess.Popen([sys.executable, "-m", "jsna.cli", "dashboard", "--port", str(port)], cwd=REPO,
                                stdout=fh, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_healthy(f"http://127.0.0.1:{port}", proc, log, seconds=90)
        proc.send_signal(sig)
        proc.wait(timeout=15)
        deadline = time.monotonic() + 5
        while listening(port) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not listening(port), f"port {port} still held after {sig.name}"
        assert f"Dashboard on http://127.0.0.1:{port}" in log.read_text()
        with pytest.raises(ProcessLookupError):  # its whole process group is gone: no orphaned server
            os.killpg(proc.pid, 0)
    finally:
        with contextlib.suppress(ProcessLookupError):  # whatever is left of it
            os.killpg(proc.pid, signal.SIGKILL)


def test_a_mistyped_command_gets_the_usage_message() -> None:
    """Given `jsna refrsh`, then typer's usage line and 'No such command', exit 2, no 'Unexpected error'."""
    proc = jsna("refrsh")
    assert proc.returncode == 2, proc.stderr
    assert "Usage:" in proc.stderr and "No such command 'refrsh'" in proc.stderr
    assert "Unexpected error" not in proc.stderr and "Traceback" not in proc.stderr
    bad_option = jsna("indicators", "list", "--format", "xml")
    assert bad_option.returncode == 2 and "Invalid value for '--format'" in bad_option.stderr
    assert "Unexpected error" not in bad_option.stderr


def test_version() -> None:
    from importlib.metadata import version

    proc = jsna("--version")
    assert proc.returncode == 0 and proc.stdout.strip() == f"jsna {version('jsna')}"


def test_indicators_list_shows_whole_ids_at_80_columns() -> None:
    proc = jsna("indicators", "list", env={"COLUMNS": "80"})
    assert proc.returncode == 0, proc.stderr
    assert max(len(line) for line in proc.stdout.splitlines()) <= 80
    first_cells = {line.split("│")[1].strip() for line in proc.stdout.splitlines() if line.startswith("│")}
    ids = catalogue_ids()
    assert len(ids) >= 25 and set(ids) <= first_cells
    assert "…" not in proc.stdout


def test_indicators_list_as_csv_and_json() -> None:
    ids = catalogue_ids()
    as_csv = jsna("indicators", "list", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert as_csv.returncode == 0 and [r["id"] for r in rows] == ids
    assert set(rows[0]) == {"id", "title", "unit", "polarity", "target"}
    as_json = jsna("indicators", "list", "--format", "json")
    items = json.loads(as_json.stdout)
    assert as_json.returncode == 0 and [i["id"] for i in items] == ids
    assert all(i["polarity"] in ("high_is_good", "low_is_good", "no_judgement") for i in items)
