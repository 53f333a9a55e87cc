"""A pack's pictures: the dashboards' Vega-Lite specs rendered offline by vl-convert (the same specs the pages
draw, so a figure in a pack and on a page agree), and print-grade maps drawn by `jsna.publish.printmap` as pages
of their own. Every picture carries its text alternative."""

from __future__ import annotations

import io
import struct
from typing import Any

from jsna.publish.document import Figure
from jsna.publish.maps import MapData

SCALE = 2.5  # pixels rendered per Vega pixel: about 200 dpi at the printed size
PT_PER_PX = 0.85  # a Vega pixel printed at 0.85 pt: 11 px text (the smallest the specs draw) prints at 9.4 pt
TEXT_WIDTH_MM = 170.0  # the pack's text column on A4
PLOT_WIDTH = 460  # Vega pixels of plot area: with axes and legends the chart stays inside the text column
MAX_HEIGHT = 250  # Vega pixels of plot height: two charts and their captions to a page
MAP_DPI = 200


def png_size(png: bytes) -> tuple[int, int]:
    """A PNG's width and height in pixels, from its header."""
    width, height = struct.unpack(">II", png[16:24])
    return int(width), int(height)


def chart(spec: dict[str, Any], alt: str, caption: str, name: str = "chart") -> Figure:
    """A dashboard chart (a Vega-Lite spec from `jsna.publish.charts`) as a picture for print: a fixed plot
    width and a height of at most `MAX_HEIGHT`, rendered at `SCALE`, printed at `PT_PER_PX` points per pixel
    (narrower only where it would overflow the text column, which the fixed width prevents)."""
    import vl_convert as vlc

    height = min(int(spec.get("height", MAX_HEIGHT)), MAX_HEIGHT)
    png = vlc.vegalite_to_png({**spec, "width": PLOT_WIDTH, "height": height}, scale=SCALE)
    width_px = png_size(png)[0] / SCALE
    width_mm = min(TEXT_WIDTH_MM, width_px * PT_PER_PX / 72 * 25.4)
    return Figure(png, alt, caption, width_mm=width_mm, name=name)


def map_page(data: MapData, alt: str, caption: str, name: str = "map") -> Figure:
    """A print-grade map (`printmap.draw`) as a whole A4 portrait page: its text is printed at the sizes it was
    drawn at (9 pt and over), with its own legend, caption, warnings and sources."""
    from jsna.publish.printmap import draw, write

    fig = draw(data, "a4", "portrait")
    buffer = io.BytesIO()
    write(fig, buffer, dpi=MAP_DPI)
    return Figure(buffer.getvalue(), alt, caption, width_mm=210.0, page=True, name=name)
