"""No traceback reaches a browser (issue 14, point 9): real Streamlit servers of the dashboard, read by real
headless Chromium (Debian's; no browser is downloaded)."""

from __future__ import annotations

import re
import socket
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import serve_dashboard

pytestmark = [pytest.mark.db, pytest.mark.browser]

TIMEOUT = 90_000
#: what a traceback shows: its heading, file paths and lines, an exception's name
TRACEBACK = re.compile(r"Traceback|File \"|\.py\b|line \d+, in|KeyError|OperationalError|sqlalchemy|psycopg")
MALFORMED = [
    "/ehcp?area=X07000001", "/ehcp?area=" + "E0" + "7" * 3000 + "&ehcp_tab=Nonsense",
    "/map?indicator=%27%20OR%201%3D1--&level=%3Cscript%3E&k=abc&period=%00%FF",
    "/planner?planner_tab=Scenarios&new_area=X07000001&new_year=-1&new_places=1e9",
]


@pytest.fixture
def chromium(browser: Any) -> Any:
    """The session's Chromium (tests/e2e/conftest.py)."""
    return browser


def page_text(chromium: Any, url: str) -> str:
    """The page's text once its script has finished (an alert, an error or the status widget gone)."""
    context = chromium.new_context()
    try:
        page = context.new_page()
        page.goto(url)
        page.wait_for_selector("[data-testid='stMain'] h1, [data-testid='stAlert'], [data-testid='stException']",
                               timeout=TIMEOUT)
        page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=TIMEOUT)
        return str(page.inner_text("body"))
    finally:
        context.close()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_failing_page_shows_a_sentence_and_logs_the_traceback(chromium: Any, tmp_path: Path) -> None:
    """Given the dashboard over a warehouse that does not answer, when /ehcp?area=X07000001 is opened, then
    the browser shows one plain sentence, no traceback, path or exception name, and the server's log holds
    the traceback."""
    log = tmp_path / "streamlit.log"
    url = f"postgresql://jsna_reader@127.0.0.1:{closed_port()}/jsna"
    with serve_dashboard({"JSNA_DATABASE_URL": url}, log) as base:
        text = page_text(chromium, f"{base}/ehcp?area=X07000001")
    assert "Sorry, this page could not be shown." in text
    assert not TRACEBACK.search(text), TRACEBACK.search(text)
    logged = log.read_text()
    assert "The ehcp page failed (filters area)" in logged and "Traceback" in logged
    assert "OperationalError" in logged


def test_no_url_shows_a_traceback(chromium: Any, refreshed: dict, warehouse_url: str, tmp_path: Path) -> None:
    """Given the dashboard over the refreshed demo, when /ehcp?area=X07000001 or a malformed URL is opened,
    then the page is drawn (its title) and shows no traceback."""
    with serve_dashboard({"JSNA_DATABASE_URL": warehouse_url}, tmp_path / "streamlit.log") as base:
        for path in MALFORMED:
            text = page_text(chromium, base + path)
            assert not TRACEBACK.search(text), (path, TRACEBACK.search(text))
            assert "could not be shown" not in text, path
            assert re.search(r"EHC plans|Map explorer|Area profile|Sufficiency planner|Health waits", text), path
