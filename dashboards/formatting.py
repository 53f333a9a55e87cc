"""Numbers and words as the board reads them."""

from __future__ import annotations

import math

COMPARISON_COLOURS = {  # colour-blind-safe (Fingertips' better/similar/worse are blue/amber-free)
    "better": "#1b7837", "similar": "#f0c808", "worse": "#b2182b", "not compared": "#6d6d6d",
}
TREND_ARROWS = {"increasing": "↑", "decreasing": "↓", "no significant change": "→", "cannot be calculated": ""}


def fmt_value(value: float | None, unit: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "suppressed"
    if unit == "%":
        return f"{value:.1f}%"
    return f"{value:,.1f} {unit}"


def period_label(period: str) -> str:
    """'202425' -> 'Jan 2025' (January census); '2024' stays."""
    if len(period) == 6 and period.isdigit():
        return f"Jan {period[:2]}{period[4:]}"
    return period
