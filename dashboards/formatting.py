"""Numbers, periods, colours and words as the board reads them."""

from __future__ import annotations

import base64
from html import escape

from jsna.publish.formatting import (  # noqa: F401  (re-exported: the pages import them from here)
    COMPARISON_COLOURS,
    LEVEL_NAMES,
    MONTHS,
    PATHWAY_NAMES,
    breakdown_label,
    comparator_words,
    fmt_number,
    fmt_value,
    in_sentence,
    missing,
    period_label,
)

COMPARISON_TEXT_COLOURS = {"better": "#ffffff", "worse": "#ffffff", "higher": "#ffffff"}  # dark otherwise
TREND_ARROWS = {"increasing": "↑", "decreasing": "↓", "no significant change": "→", "cannot be calculated": ""}


def comparison_badge(comparison: str | None, against: str | None = None) -> str:
    """An HTML pill: the comparison word on its colour (contrast-checked text)."""
    comparison = "not compared" if missing(comparison) or not comparison else str(comparison)
    colour = COMPARISON_COLOURS.get(comparison, "#BBBBBB")
    text = COMPARISON_TEXT_COLOURS.get(comparison, "#1a1a1a")
    words = comparison.capitalize() + (f" than {against}" if against and comparison != "not compared" else "")
    if comparison == "similar" and against:
        words = f"Similar to {against}"
    return (f"<span data-testid='comparison-badge' style='background:{colour};color:{text};padding:2px 8px;"
            f"border-radius:10px;font-size:0.85rem;font-weight:600'>{words}</span>")


def slug(text: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in text.lower()).strip("_")


def sparkline(values: list[float], label: str, width: int = 120, height: int = 28,
              colour: str = "#0072B2") -> str:
    """A small line of `values` (oldest first), the last point marked, as an <img> of inline SVG (a data URI:
    the app's HTML sanitiser keeps images, not bare SVG); `label` is its text alternative. Empty for fewer
    than two values."""
    points = [float(v) for v in values if not missing(v)]
    if len(points) < 2:
        return ""
    low, high = min(points), max(points)
    span = (high - low) or 1.0
    pad = 3
    xs = [pad + i * (width - 2 * pad) / (len(points) - 1) for i in range(len(points))]
    ys = [height - pad - (v - low) / span * (height - 2 * pad) for v in points]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys, strict=True))
    svg = (f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' viewBox='0 0 {width} {height}'>"
           f"<polyline points='{path}' fill='none' stroke='{colour}' stroke-width='1.5'/>"
           f"<circle cx='{xs[-1]:.1f}' cy='{ys[-1]:.1f}' r='2.5' fill='{colour}'/></svg>")
    uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    return (f"<img src='{uri}' alt='{escape(label, quote=True)}' title='{escape(label, quote=True)}' "
            f"width='{width}' height='{height}' style='vertical-align:middle'>")
