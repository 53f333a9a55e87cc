"""Print-grade map exports (issue 16 point 3), drawn from the refreshed demo county as jsna_reader: the CLI's
--breakdown, the classes the dashboards draw, the period as they write it, print sizes, suppressed areas
drawn apart from areas with no figure, and the warning when most areas are suppressed."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest
import sqlalchemy as sa
from matplotlib.colors import to_rgb
from matplotlib.text import Text
from shapely.geometry import Point

pytestmark = pytest.mark.db
REPO = Path(__file__).resolve().parents[2]
MM_TO_PT = 72 / 25.4
SPARSE = ("ehcp_requests_rate", "lsoa")  # most of the demo's small areas suppressed, some with no row at all


def jsna(*args: str, url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "jsna.cli", *args], capture_output=True, text=True, cwd=REPO,
                          env={**os.environ, "JSNA_DATABASE_URL": url}, timeout=180)


def words(fig) -> list[str]:  # type: ignore[no-untyped-def]
    return [t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


@pytest.fixture(scope="module")
def sparse(refreshed: dict):  # type: ignore[no-untyped-def]
    from jsna.publish.maps import map_data

    return map_data(*SPARSE)


def test_a_per_pathway_indicator_needs_a_breakdown_and_maps_with_one(refreshed: dict, warehouse_url: str,
                                                                     tmp_path: Path) -> None:
    """Given waits published per pathway only (no 'all' rows),
    When the map is asked for without --breakdown, then it stops with one sentence listing the breakdowns;
    When asked with --breakdown pathway=asc, then every district is drawn in its class's colour (pixels sampled
    inside each district of the PNG), none in the no-data grey."""
    from jsna.publish.classes import classify
    from jsna.publish.maps import map_data
    from jsna.publish.printmap import NO_DATA_FILL, draw

    bare = jsna("export", "map", "--indicator", "wait_median_weeks", "--level", "lad", "--out",
                str(tmp_path / "w.png"), url=warehouse_url)
    assert bare.returncode == 1 and "Traceback" not in bare.stderr
    assert len(bare.stderr.strip().splitlines()) <= 2
    sentence = " ".join(bare.stderr.split())
    assert "has no 'all' figures at level lad" in sentence
    for split in ("pathway=adhd", "pathway=asc", "pathway=camhs"):
        assert split in sentence
    assert not (tmp_path / "w.png").exists()

    png = tmp_path / "asc.png"
    proc = jsna("export", "map", "--indicator", "wait_median_weeks", "--level", "lad", "--breakdown", "pathway=asc",
                "--out", str(png), url=warehouse_url)
    assert proc.returncode == 0, proc.stderr
    data = map_data("wait_median_weeks", "lad", breakdown="pathway=asc")
    assert len(data.areas) == 11 and data.areas["value"].notna().all()
    classes, cls = classify(data.areas["value"])
    fig = draw(data)  # the same page the command wrote: where each district lands on it
    fig.canvas.draw()
    ax = fig.axes[0]
    image = plt.imread(png)
    scale = image.shape[1] / (fig.get_size_inches()[0] * fig.dpi)
    grey = np.array(to_rgb(NO_DATA_FILL))
    for shape, c, name in zip(data.areas.to_crs(27700).geometry, cls, data.areas["area_name"], strict=True):
        inner = shape.buffer(-1500)
        x0, y0, x1, y1 = inner.bounds
        grid = [(x, y) for x in np.linspace(x0, x1, 9) for y in np.linspace(y0, y1, 9)
                if inner.contains(Point(x, y))]
        assert len(grid) >= 3, name
        pixels = ax.transData.transform(grid) * scale
        seen = np.array([image[int(image.shape[0] - py), int(px), :3] for px, py in pixels])
        expected = np.array(to_rgb(classes.colours[c]))
        share = np.mean(np.abs(seen - expected).max(axis=1) < 0.02)
        assert share >= 0.6, f"{name}: {share:.0%} of sampled pixels in its class colour"
        assert np.mean(np.abs(seen - grey).max(axis=1) < 0.02) <= 0.1, f"{name} drawn as no data"


@pytest.mark.parametrize("scheme", ["quantiles", "natural_breaks"])
def test_the_legend_classes_are_the_dashboards(refreshed: dict, sparse, scheme: str) -> None:  # type: ignore[no-untyped-def]
    """Given the demo's small areas, when the export and the dashboards' Map explorer class the same indicator,
    then the legend lists the same classes with the same counts, none empty and none reading 'x to x'."""
    from dashboards import data as dash
    from jsna.publish import charts
    from jsna.publish.printmap import draw

    home = dash.home_area()
    assert home["area_code"] == sparse.area_code
    codes = tuple(dash.areas("lsoa", home["area_code"])["area_code"])
    shown = dash.values(SPARSE[0], "lsoa", "all", sparse.period, area_codes=codes)
    _, classes = charts.choropleth(shown, dash.area_geojson("lsoa", home["area_code"]), "t", sparse.unit, scheme, 5)
    legend = [t.get_text() for t in draw(sparse, scheme=scheme).legends[0].get_texts()]
    expected = [f"{lab} ({n})" for lab, n in zip(classes.labels, classes.counts, strict=True)]
    assert legend[:len(expected)] == expected and len(expected) == 5
    assert all(n > 0 for n in classes.counts)
    for label in classes.labels:
        low, _, high = label.partition(" to ")
        assert low != high


def test_the_page_names_the_area_the_period_as_the_dashboards_write_it_and_its_sources(refreshed: dict) -> None:
    """Given an academic-year indicator, then the page writes its period as the dashboards do (not '202425'),
    names the area, every district, the scale and north, the sources' files and the OS copyright line."""
    import dashboards.formatting
    from jsna.publish.maps import map_data
    from jsna.publish.printmap import draw

    data = map_data("ehcp_rate_0_25", "lad")
    assert re.fullmatch(r"\d{6}", data.period)
    text = "\n".join(words(draw(data)))
    assert f"Districts in {data.area_name}, {dashboards.formatting.period_label(data.period)}" in text
    assert data.period not in text and data.area_name == "Demoshire"
    for name in data.districts["area_name"]:
        assert name in text.replace("\n", " ")
    flat = " ".join(text.split())
    assert "0" in words(draw(data)) and re.search(r"\b\d+ km\b", flat) and "N" in words(draw(data))
    assert "Contains OS data © Crown copyright and database right" in flat
    assert "jsna warehouse" not in flat and "Office for National Statistics, boundaries (" in flat
    assert "the local authority's SEN2 return" in flat or "SEN case-management extract" in flat


@pytest.mark.parametrize(("paper", "orientation"), [("a4", "portrait"), ("a4", "landscape"), ("a3", "portrait"),
                                                    ("a3", "landscape")])
def test_pages_are_the_paper_size_with_text_of_9_pt_and_fonts_embedded(sparse, tmp_path: Path, paper: str,  # type: ignore[no-untyped-def]
                                                                       orientation: str) -> None:
    """Given the busiest page (a warning, suppressed and no-data areas), when drawn on A4 or A3 either way up,
    then the PDF's page is that paper, every word is at least 9 pt at print size, and its fonts are embedded."""
    from jsna.publish.printmap import PAPERS_MM, draw, write

    fig = draw(sparse, paper, orientation)
    w_mm, h_mm = PAPERS_MM[paper][::-1] if orientation == "landscape" else PAPERS_MM[paper]
    print_scale = (w_mm / 25.4) / fig.get_size_inches()[0]  # the page printed at its paper's width
    sizes = [t.get_fontsize() * print_scale for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    assert len(sizes) > 15 and min(sizes) >= 9.0
    pdf = write(fig, tmp_path / "m.pdf").read_bytes()
    box = [float(v) for v in re.search(rb"/MediaBox\s*\[([^\]]+)\]", pdf).group(1).split()]  # type: ignore[union-attr]
    assert box[2] - box[0] == pytest.approx(w_mm * MM_TO_PT, abs=0.5)
    assert box[3] - box[1] == pytest.approx(h_mm * MM_TO_PT, abs=0.5)
    assert b"/FontFile2" in pdf and b"DejaVuSans" in pdf


def test_suppressed_areas_are_drawn_apart_from_no_data_counted_and_warned_of(refreshed: dict, engine: sa.Engine,
                                                                             sparse) -> None:  # type: ignore[no-untyped-def]
    """Given small areas mostly suppressed and some with no published row, then suppressed areas are hatched,
    no-data areas plain in another grey, both counted (as the warehouse holds them) in the legend and caption,
    and a warning names the coarser level to map instead."""
    from jsna.publish.printmap import HATCH, draw, warnings_of

    with engine.connect() as conn:
        hidden, rows = conn.execute(sa.text(
            "SELECT count(*) FILTER (WHERE value IS NULL AND symbol = 'c'), count(*) FROM published.indicator_values"
            " WHERE indicator_id = :i AND area_level = 'lsoa' AND period = :p AND breakdown = 'all'"),
            {"i": SPARSE[0], "p": sparse.period}).one()
    empty = len(sparse.areas) - rows
    assert sparse.count("suppressed") == hidden > len(sparse.areas) / 2 and sparse.count("no data") == empty > 0
    fig = draw(sparse)
    flat = " ".join(" ".join(words(fig)).split())
    assert f"{hidden} suppressed to protect small numbers (hatched), {empty} with no published figure" in flat
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert f"Suppressed ({hidden})" in legend and f"No data ({empty})" in legend
    polys = [c for c in fig.axes[0].collections if len(c.get_paths())]
    hatched = [c for c in polys if c.get_hatch() == HATCH]
    plain = [c for c in polys if not c.get_hatch()]
    assert len(hatched) == 1 and len(hatched[0].get_paths()) >= hidden
    hatched_fill = tuple(hatched[0].get_facecolor()[0])
    assert all(tuple(f) != hatched_fill for c in plain for f in c.get_facecolor())
    warning = warnings_of(sparse)
    assert warning == [f"Warning: {hidden} of {len(sparse.areas)} small areas (LSOA) are suppressed to protect "
                       "small numbers; map it at a coarser level: neighbourhoods (MSOA) (--level msoa)."]
    assert "--level msoa" in flat
