"""Periods, numbers, levels and breakdowns written as the board reads them: one wording for the dashboards
and the printed maps and packs (the dashboards import these)."""

from __future__ import annotations

import math
from typing import Any

# Comparison colours, colour-blind safe (Okabe-Ito): judged comparisons on a blue-green / yellow /
# vermillion axis; no-judgement ones (higher/lower) in two blues, as Fingertips does. The word is
# always shown beside the colour, so colour is never the only carrier.
COMPARISON_COLOURS = {
    "better": "#009E73", "similar": "#F0E442", "worse": "#D55E00", "not compared": "#BBBBBB",
    "higher": "#0072B2", "lower": "#56B4E9",
}
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
LEVEL_NAMES = {
    "lsoa": "Small areas (LSOA)", "msoa": "Neighbourhoods (MSOA)", "lad": "Districts", "utla": "Upper-tier authorities",
    "region": "Regions", "country": "England", "trust": "NHS trusts", "sicbl": "Sub-ICB locations",
    "icb": "Integrated care boards (ICB)",
}
PATHWAY_NAMES = {"asc": "Autism (ASC)", "adhd": "ADHD", "camhs": "CAMHS"}


def missing(value: Any) -> bool:
    """True for None, NaN and pandas' NA."""
    if value is None:
        return True
    try:
        return bool(math.isnan(float(value)))
    except (TypeError, ValueError):
        return False


def fmt_number(value: Any, unit: str = "") -> str:
    """A number the way its unit reads: 41.2%, 10.3 per 1,000, 5,645 plans, 18.0 weeks."""
    if missing(value):
        return "suppressed"
    v = float(value)
    if unit == "%":
        return f"{v:.1f}%"
    if v == int(v) and not unit.startswith("per "):
        return f"{v:,.0f} {unit}".strip()
    return f"{v:,.1f} {unit}".strip()


def fmt_value(value: Any, unit: str) -> str:
    return fmt_number(value, unit)


def period_label(period: str) -> str:
    """'202425' -> 'Jan 2025' (January census); '2024-03' -> 'Mar 2024'; '2024-Q1' -> '2024 Q1'; '2024' stays."""
    period = str(period)
    if len(period) == 6 and period.isdigit():
        return f"Jan {period[:2]}{period[4:]}"
    if len(period) == 7 and period[4] == "-" and period[5:].isdigit():
        return f"{MONTHS[int(period[5:]) - 1]} {period[:4]}"
    if len(period) == 7 and period[4:6] == "-Q":
        return f"{period[:4]} {period[5:]}"
    return period


def breakdown_label(breakdown: str) -> str:
    """'age_band=0-4' -> '0-4'; 'pathway=asc' -> 'Autism (ASC)'; 'all' -> 'All'."""
    if breakdown == "all":
        return "All"
    name, _, value = breakdown.partition("=")
    if name == "pathway":
        return PATHWAY_NAMES.get(value, value.upper())
    if name == "placement":
        return value.replace("_", " ").capitalize()
    if name == "imd_decile":
        return f"IMD decile {value}"
    if name == "local_imd_decile":
        return {"1": "Decile 1 (most deprived)", "10": "Decile 10 (least deprived)"}.get(value, f"Decile {value}")
    return value


def in_sentence(title: str) -> str:
    """A title as it reads inside a sentence: lower case, but acronyms kept ('EHC plans (SII)' stays so)."""
    return " ".join(w if sum(c.isupper() for c in w) >= 2 else w.lower() for w in title.split(" "))


def comparator_words(comparator: str | None) -> str | None:
    """'target 95' -> 'the 95% target'; 'parent X10000001' -> 'the parent area'; 'england' -> 'England'."""
    if missing(comparator) or not comparator:
        return None
    kind, _, rest = str(comparator).partition(" ")
    if kind == "target":
        return f"the {rest}% target" if rest else "the target"
    if kind == "parent":
        return "the parent area"
    if kind == "england":
        return "England"
    if kind == "neighbours":
        return "statistical neighbours"
    return comparator
