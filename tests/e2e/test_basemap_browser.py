"""The optional basemap (JSNA_BASEMAP_URL) in real headless Chromium: the Map explorer draws its classed areas over
tiles fetched from that URL, and from nowhere else. A tile server on this machine stands in for the organisation's
own (no tile server is used by default, and none on the internet in tests)."""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image

from tests.e2e.conftest import SCREENSHOTS, serve_dashboard
from tests.e2e.test_pages_browser import TIMEOUT, areas_in_county, no_exceptions, read, settle

pytestmark = [pytest.mark.db, pytest.mark.browser]
TILE = re.compile(r"^/\d+/\d+/\d+\.png$")


def _tile() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (256, 256), (222, 235, 247)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def tiles() -> Iterator[tuple[str, list[str]]]:
    """An XYZ tile server on a free port: every request's path is recorded; each tile is one pale blue PNG."""
    png, asked = _tile(), []

    class Tiles(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            asked.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Access-Control-Allow-Origin", "*")
            self.send_header("Content-Length", str(len(png)))
            self.end_headers()
            self.wfile.write(png)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Tiles)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", asked
    server.shutdown()


@pytest.fixture(scope="module")
def basemap_url(refreshed: dict, warehouse_url: str, tiles: tuple[str, list[str]],
                tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The dashboard served with the basemap setting pointing at the tile server."""
    env = {"JSNA_DATABASE_URL": warehouse_url, "JSNA_BASEMAP_URL": f"{tiles[0]}/{{z}}/{{x}}/{{y}}.png"}
    with serve_dashboard(env, Path(tmp_path_factory.mktemp("streamlit-basemap")) / "streamlit.log") as url:
        yield url


def test_map_explorer_draws_its_areas_over_the_configured_tiles(browser, basemap_url: str, engine: sa.Engine,
                                                               tiles: tuple[str, list[str]]) -> None:
    """Given a basemap URL in settings, the map is a tile map: one legend entry per class, every district drawn,
    special schools and care hubs as point layers with their names on hover, tiles fetched from the configured
    server, and no other request leaves the app."""
    tile_root, asked = tiles
    context = browser.new_context(viewport={"width": 1400, "height": 1100})
    page = context.new_page()
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(
        (basemap_url, tile_root, "data:", "blob:")) else None)
    try:
        page.goto(f"{basemap_url}/map?indicator=ehcp_rate_0_25")
        page.wait_for_selector("[data-testid='stPlotlyChart'] .maplibregl-canvas", timeout=TIMEOUT)
        settle(page)
        page.wait_for_function(
            "() => document.querySelector('[data-testid=\"stPlotlyChart\"] .js-plotly-plot')._fullLayout"
            "?._subplots?.map?.length === 1", timeout=TIMEOUT)
        drawn = page.evaluate(
            "() => document.querySelector('[data-testid=\"stPlotlyChart\"] .js-plotly-plot')._fullData"
            ".filter(t => t.type === 'choroplethmap').map(t => t.locations.length)")
        assert sum(drawn) == areas_in_county(engine, "lad")
        assert len(drawn) >= 2  # one trace per class, so the legend lists the classes
        layers = dict(page.evaluate(
            "() => document.querySelector('[data-testid=\"stPlotlyChart\"] .js-plotly-plot')._fullData"
            ".filter(t => t.type === 'scattermap').map(t => [t.name, [t.lon.length, t.text[0]]])"))
        special = read(engine, "SELECT name FROM published.schools WHERE is_special ORDER BY urn")["name"]
        sites = read(engine, "SELECT name FROM published.service_sites ORDER BY service, name")["name"]
        assert layers["Special schools"][0] == len(special) > 0
        assert layers["Special schools"][1].startswith(f"{special.iloc[0]}<br>")  # the name, then its details
        assert layers["Care hubs and clinics"][0] == len(sites) > 0
        assert layers["Care hubs and clinics"][1].startswith(f"{sites.iloc[0]}<br>")
        assert "Schools" not in layers  # mainstream schools are off unless asked for
        for _ in range(300):  # the map asks for its tiles once its style has loaded
            if any(TILE.match(p) for p in asked):
                break
            page.wait_for_timeout(100)
        assert any(TILE.match(p) for p in asked), asked  # z/x/y tiles, as the URL template says
        assert page.get_by_text("WebGL", exact=False).count() == 0
        no_exceptions(page)
        assert outside == []
    finally:
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "test_map_explorer_over_tiles.png"), full_page=True)
        context.close()
