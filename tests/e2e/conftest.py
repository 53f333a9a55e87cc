"""The dashboard served by a real Streamlit process over the session's refreshed warehouse, and a
real headless Chromium (Debian's, driven by Playwright; no browser is ever downloaded)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(__file__).parent / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_healthy(url: str, proc: subprocess.Popen, log: Path, seconds: float) -> None:  # type: ignore[type-arg]
    """Until the Streamlit server at `url` answers its health check; fails with its log's end if it stops or
    does not answer within `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                return
        except OSError:
            pass
        if time.monotonic() > deadline or proc.poll() is not None:
            pytest.fail(f"streamlit did not start: {log.read_text()[-2000:]}")
        time.sleep(0.2)


@contextmanager
def serve_dashboard(env: dict[str, str], log: Path) -> Iterator[str]:
    """A Streamlit server for the dashboard with `env` added to ours, once it answers its health check."""
    port = _free_port()
    with log.open("w") as fh:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(REPO / "dashboards" / "app.py"), "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
            cwd=REPO, env={**os.environ, **env}, stdout=fh, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc, log, seconds=60)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture(scope="session")
def dashboard_url(refreshed: dict, warehouse_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve_dashboard({"JSNA_DATABASE_URL": warehouse_url},
                         tmp_path_factory.mktemp("streamlit") / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Chromium for the session: every browser test uses this one (Playwright's sync API holds an event loop
    in the main thread while it runs, so a second instance could not start)."""
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        pytest.fail("Debian's chromium is not installed (make test installs it: apt-get install chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, dashboard_url: str, request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """A fresh page that records every request leaving for somewhere other than the app."""
    context = browser.new_context(viewport={"width": 1400, "height": 1100}, accept_downloads=True)
    pg = context.new_page()
    pg.outside_requests = []
    pg.on("request", lambda r: pg.outside_requests.append(r.url)
          if not r.url.startswith(dashboard_url) and not r.url.startswith(("data:", "blob:")) else None)
    yield pg
    SCREENSHOTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(SCREENSHOTS / f"{request.node.name}.png"), full_page=True)
    context.close()
