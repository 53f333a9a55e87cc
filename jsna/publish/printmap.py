"""A map for print: sized to A4 or A3 (portrait or landscape), every word at least 9 pt on the page, with
the area and period as the dashboards write them, district outlines and names, a scale bar, a north arrow,
classes shared with the dashboards (or comparison colours), suppressed areas hatched apart from areas with
no figure and counted in the caption, a warning when most areas are suppressed, and each source's
attribution. Offline: no tiles. Fonts: DejaVu Sans (ships with matplotlib), embedded in PDFs (TrueType)."""

from __future__ import annotations

import math
import textwrap
from pathlib import Path
from typing import Any, BinaryIO

import matplotlib

matplotlib.use("Agg")
import matplotlib.patheffects as pe
import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from jsna.publish.classes import SCHEMES, classify
from jsna.publish.formatting import COMPARISON_COLOURS, LEVEL_NAMES
from jsna.publish.maps import COMPARATORS, NO_DATA, SHOWN, SUPPRESSED, MapData, subtitle

PAPERS_MM = {"a4": (210.0, 297.0), "a3": (297.0, 420.0)}  # portrait width, height
ORIENTATIONS = ("portrait", "landscape")
MIN_PT = 9.0  # the smallest text on the page
RC: dict[str, Any] = {"font.family": "DejaVu Sans", "pdf.fonttype": 42, "ps.fonttype": 42, "svg.fonttype": "path"}
SUPPRESSED_FILL, NO_DATA_FILL, HATCH = "#bdbdbd", "#f0f0f0", "////"
COMPARISON_ORDER = ["better", "similar", "worse", "higher", "lower", "not compared"]
MM = 1 / 25.4


def paper_inches(paper: str, orientation: str) -> tuple[float, float]:
    """The page's width and height in inches."""
    if paper not in PAPERS_MM or orientation not in ORIENTATIONS:
        raise ValueError(f"Paper {paper} {orientation}: use {' or '.join(PAPERS_MM)}, portrait or landscape.")
    w, h = PAPERS_MM[paper]
    w, h = (h, w) if orientation == "landscape" else (w, h)
    return w * MM, h * MM


def warnings_of(data: MapData) -> list[str]:
    """The map's warnings: more than half its areas suppressed (naming a coarser level to map instead)."""
    shown = len(data.areas)
    hidden = data.count(SUPPRESSED)
    if shown == 0 or hidden * 2 <= shown:
        return []
    name = _words(data.level)
    if data.coarser:
        c = data.coarser[0]
        advice = f"map it at a coarser level: {_words(c)} (--level {c})"
    else:
        advice = "no coarser level is published for it; read it with care"
    return [f"Warning: {hidden} of {shown} {name} are suppressed to protect small numbers; {advice}."]


def draw(data: MapData, paper: str = "a4", orientation: str = "portrait", scheme: str = "quantiles",
         k: int = 5) -> Figure:
    """The page as a matplotlib Figure the size of the paper (so its font sizes are print sizes)."""
    width, height = paper_inches(paper, orientation)
    big = 1.2 if paper == "a3" else 1.0
    with plt.rc_context(RC):  # type: ignore[arg-type]
        fig = plt.figure(figsize=(width, height))
        margin = 12 * MM * big
        text_w = (width - 2 * margin) * 72  # points
        y = height - margin  # inches from the bottom, moving down

        y = _block(fig, textwrap.fill(data.title, _chars(text_w, 15 * big)), margin, y, 15 * big, "bold")
        y = _block(fig, subtitle(data), margin, y - 0.05, 12 * big)
        fill, handles, title, classes_note = _colours(data, scheme, k)
        foot = _footer(data, classes_note, text_w, big)
        foot_h = sum(_lines_height(t, s) for t, s, _ in foot) + 0.1 * len(foot)
        bottom = margin + foot_h + 0.1
        side = orientation == "landscape"
        legend_w = 2.9 * big if side else 0.0
        legend_h = 0.0 if side else (0.4 + 0.24 * math.ceil(len(handles) / 2)) * big
        ax = fig.add_axes((margin / width, (bottom + legend_h) / height,
                           (width - 2 * margin - legend_w) / width, (y - 0.15 - bottom - legend_h) / height))
        _areas(ax, data, fill)
        _districts(ax, data, big)
        ax.set(xlabel="", ylabel="", xticks=[], yticks=[])  # geopandas names the axes (Easting...): no stray words
        _scale_bar(ax, big)
        _north_arrow(ax, big)
        if side:
            anchor, ncol = ((width - margin - legend_w + 0.1) / width, (y - 0.15) / height), 1
        else:
            anchor, ncol = (margin / width, (bottom + legend_h) / height), 2
        fig.legend(handles=handles, title=title, loc="upper left", bbox_to_anchor=anchor, ncol=ncol, frameon=False,
                   fontsize=10 * big, title_fontsize=10.5 * big, alignment="left", handlelength=2.2,
                   handleheight=1.4)
        y = bottom
        for text, size, colour in foot:
            y = _block(fig, text, margin, y, size, colour=colour) - 0.1
    return fig


def write(fig: Figure, out: Path | BinaryIO, dpi: int = 200) -> Path | BinaryIO:
    """Write the page at its paper size (no cropping): PNG at `dpi`, PDF with embedded TrueType fonts, SVG, by
    the file's suffix (a binary stream, e.g. a pack's picture, takes a PNG)."""
    if isinstance(out, Path):
        out.parent.mkdir(parents=True, exist_ok=True)
    with plt.rc_context(RC):  # type: ignore[arg-type]
        fig.savefig(out, dpi=dpi, metadata=None, format=None if isinstance(out, Path) else "png")
    plt.close(fig)
    return out


# -- parts of the page -----------------------------------------------------------------------------
def _words(level: str) -> str:
    """A level's name inside a sentence: 'small areas (LSOA)', 'districts'."""
    name = LEVEL_NAMES.get(level, level)
    return name[0].lower() + name[1:]


def _chars(width_pt: float, size: float) -> int:
    """How many characters of DejaVu Sans at `size` fit in `width_pt` (average advance ~0.55 em)."""
    return max(20, int(width_pt / (0.55 * size)))


def _lines_height(text: str, size: float) -> float:
    return (text.count("\n") + 1) * size * 1.3 / 72


def _block(fig: Figure, text: str, x: float, top: float, size: float, weight: str = "normal",
           colour: str = "#1a1a1a") -> float:
    """Text with its top at `top` inches; returns the inches below it."""
    w, h = fig.get_size_inches()
    fig.text(x / w, top / h, text, fontsize=size, fontweight=weight, va="top", ha="left", color=colour,
             linespacing=1.25)
    return top - _lines_height(text, size)


def _colours(data: MapData, scheme: str, k: int) -> tuple[list[str], list[Patch], str, str]:
    """Each area's fill, the legend's entries and title, and a sentence saying how areas are coloured."""
    areas = data.areas
    handles: list[Patch] = []
    if data.compare:
        against = COMPARATORS[data.compare]
        words = areas["comparison"].where(areas["state"] == SHOWN).fillna("not compared")
        fill = [COMPARISON_COLOURS.get(w, COMPARISON_COLOURS["not compared"]) for w in words]
        for w in COMPARISON_ORDER:
            n = int(((words == w) & (areas["state"] == SHOWN)).sum())
            if n:
                handles.append(Patch(facecolor=COMPARISON_COLOURS[w], edgecolor="#666666",
                                     label=f"{w.capitalize()} ({n})"))
        title = f"Compared with {against}"
        note = f"Coloured by the published comparison with {against} (as the dashboards judge it)."
    else:
        classes, cls = classify(areas["value"], scheme, k, data.unit)
        fill = [classes.colours[c] if c >= 0 else NO_DATA_FILL for c in cls]
        handles = [Patch(facecolor=c, edgecolor="#666666", label=f"{lab} ({n})")
                   for c, lab, n in zip(classes.colours, classes.labels, classes.counts, strict=True)]
        title = data.unit
        note = (f"{SCHEMES[scheme]} into {len(classes.bins)} classes (the dashboards' Map explorer draws the "
                f"same); the number of areas in each class in brackets.")
    if data.count(SUPPRESSED):
        handles.append(Patch(facecolor=SUPPRESSED_FILL, edgecolor="#525252", hatch=HATCH,
                             label=f"Suppressed ({data.count(SUPPRESSED)})"))
    if data.count(NO_DATA):
        handles.append(Patch(facecolor=NO_DATA_FILL, edgecolor="#969696", label=f"No data ({data.count(NO_DATA)})"))
    return fill, handles, title, note


def _footer(data: MapData, classes_note: str, text_w: float, big: float) -> list[tuple[str, float, str]]:
    """The caption (areas, suppressed, no data; how coloured), any warning, and the sources."""
    name = _words(data.level)
    caption = (f"{len(data.areas)} {name}: {data.count(SUPPRESSED)} suppressed to protect small numbers "
               f"(hatched), {data.count(NO_DATA)} with no published figure (plain light grey). {classes_note} "
               f"Figures as published, after disclosure control.")
    size = 9.5 * big
    parts = [(textwrap.fill(caption, _chars(text_w, size)), size, "#1a1a1a")]
    parts += [(textwrap.fill(w, _chars(text_w, size)), size, "#b30000") for w in warnings_of(data)]
    parts.append((textwrap.fill(data.sources, _chars(text_w, 9 * big)), 9 * big, "#404040"))
    return parts


def _areas(ax: plt.Axes, data: MapData, fill: list[str]) -> None:
    areas = data.areas.to_crs(27700).assign(fill=fill)
    shown = areas[areas["state"] == SHOWN]
    if len(shown):
        shown.plot(ax=ax, color=shown["fill"], edgecolor="white", linewidth=0.3)
    hidden = areas[areas["state"] == SUPPRESSED]
    if len(hidden):
        hidden.plot(ax=ax, facecolor=SUPPRESSED_FILL, edgecolor="#525252", hatch=HATCH, linewidth=0.0)
    empty = areas[areas["state"] == NO_DATA]
    if len(empty):
        empty.plot(ax=ax, facecolor=NO_DATA_FILL, edgecolor="#bdbdbd", linewidth=0.3)
    ax.set_aspect("equal")
    ax.set_axis_off()


def _districts(ax: plt.Axes, data: MapData, big: float) -> None:
    """District outlines and names (inside the home authority), the names haloed to read over any fill."""
    if data.districts.empty or not data.local:
        return
    districts = data.districts.to_crs(27700)
    districts.boundary.plot(ax=ax, color="#1a1a1a", linewidth=1.0 * big)
    halo = [pe.withStroke(linewidth=2.5, foreground="white")]
    for name, point in zip(districts["area_name"], districts.representative_point(), strict=True):
        ax.text(point.x, point.y, textwrap.fill(str(name), 16), fontsize=9 * big, ha="center", va="center",
                fontweight="bold", color="#1a1a1a", path_effects=halo)


def _scale_bar(ax: plt.Axes, big: float) -> None:
    """A bar about a fifth of the map's width, in a round number of kilometres (British National Grid)."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    target = (x1 - x0) / 5 / 1000
    step = 10 ** math.floor(math.log10(target)) if target > 0 else 1
    km = max(n * step for n in (1, 2, 5) if n * step <= target) if target >= 1 * step else step
    left, base, tall = x0 + (x1 - x0) * 0.03, y0 + (y1 - y0) * 0.03, (y1 - y0) * 0.012
    for i in range(2):
        ax.add_patch(Rectangle((left + i * km * 500, base), km * 500, tall, facecolor="#1a1a1a" if i == 0
                               else "white", edgecolor="#1a1a1a", linewidth=0.8))
    for at, label in ((0, "0"), (km * 1000, f"{km:g} km")):
        ax.text(left + at, base + tall * 1.6, label, fontsize=9 * big, ha="center", va="bottom")


def _north_arrow(ax: plt.Axes, big: float) -> None:
    ax.annotate("N", xy=(0.96, 0.97), xytext=(0.96, 0.88), xycoords="axes fraction", ha="center", va="center",
                fontsize=12 * big, fontweight="bold",
                arrowprops={"facecolor": "#1a1a1a", "edgecolor": "#1a1a1a", "width": 4, "headwidth": 12})
