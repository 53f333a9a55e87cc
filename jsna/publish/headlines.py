"""The Overview's headline figures, shared with the board pack's summary: which series each tile shows and
the note under it (pure functions over published frames), and a tile's wording for print."""

from __future__ import annotations

import pandas as pd

from jsna.publish.document import Tile
from jsna.publish.formatting import breakdown_label, comparator_words, fmt_number, missing, period_label

HEADLINES = ["ehcp_20_weeks", "ehcp_rate_0_25", "ehcp_backlog", "advice_6_weeks"]
TREND_ARROWS = {"increasing": "↑", "decreasing": "↓", "no significant change": "→", "cannot be calculated": ""}


def plans_note(plans: pd.DataFrame) -> str | None:
    """'5,645 plans, +9% in a year': the count of plans under the rate's tile."""
    shown = plans.dropna(subset=["value"]).sort_values("period")
    if len(shown) > 1 and shown.iloc[-2]["value"]:
        last, before = shown.iloc[-1], shown.iloc[-2]
        return f"{fmt_number(last['value'], 'plans')}, {100 * (last['value'] / before['value'] - 1):+.0f}% in a year"
    return None


def advice(area_rows: pd.DataFrame, trusts: pd.DataFrame) -> tuple[pd.DataFrame, str | None, str | None]:
    """The six-week advice tile's series, label and note: the area's own figures, else (where advice is
    published per trust only) the lowest trust's in the latest quarter, the others named in the note."""
    if len(area_rows) or trusts.empty:
        return area_rows, None, None
    quarter = trusts[trusts["period"] == trusts["period"].max()].dropna(subset=["value"])
    if quarter.empty:
        return area_rows, None, None
    lowest = quarter.sort_values("value").iloc[0]
    others = [f"{r.area_name} {fmt_number(r.value, '%')}" for r in quarter.itertuples()
              if r.area_code != lowest["area_code"]]
    note = f"{lowest['area_name']}." + (f" Other trusts: {'; '.join(others)}." if others else "")
    return trusts[trusts["area_code"] == lowest["area_code"]], "Health advice in 6 weeks, lowest trust", note


def longest_pathway(waits: pd.DataFrame) -> str | None:
    """The breakdown (pathway=...) with the longest median wait in the latest period."""
    if waits.empty:
        return None
    latest = waits[waits["period"] == waits["period"].max()].dropna(subset=["value"])
    return str(latest.sort_values("value").iloc[-1]["breakdown"]) if len(latest) else None


def other_pathways(waits: pd.DataFrame, longest: str | None) -> str | None:
    """'Other pathways: ADHD 45 weeks; CAMHS 12 weeks' under the longest wait's tile."""
    if waits["breakdown"].nunique() <= 1:
        return None
    return "Other pathways: " + "; ".join(
        f"{breakdown_label(b)} {fmt_number(g.sort_values('period')['value'].iloc[-1], 'weeks')}"
        for b, g in waits.groupby("breakdown") if b != longest)


def tile(meta: pd.Series, series: pd.DataFrame, label: str | None = None, note: str | None = None) -> Tile:
    """A headline tile in words, as the dashboards' tile reads: title and period, the latest value, its change
    since the previous period, the comparison, the trend and any note."""
    title = label or str(meta["short_title"])
    if series.empty:
        return Tile(title, "no data yet", ["Not published yet."])
    series = series.sort_values("period")
    latest = series.iloc[-1]
    unit = str(meta["unit"])
    lines = []
    if len(series) > 1 and pd.notna(latest["value"]) and pd.notna(series.iloc[-2]["value"]):
        previous = series.iloc[-2]
        change = float(latest["value"] - previous["value"])
        arrow = "▲" if change > 0 else "▼" if change < 0 else "▶"
        lines.append(f"{arrow} {change:+,.1f} since {period_label(previous['period'])}")
    judged = latest.get("versus", latest["comparison"])
    judged = "not compared" if missing(judged) or not judged else str(judged)
    against = comparator_words(latest["comparator"])
    if judged != "not compared":
        lines.append(f"Similar to {against}" if judged == "similar" and against else
                     judged.capitalize() + (f" than {against}" if against else ""))
    trend = "" if missing(latest["trend"]) else str(latest["trend"])
    if TREND_ARROWS.get(trend):
        lines.append(f"Trend: {TREND_ARROWS[trend]} {trend}")
    if note:
        lines.append(note)
    return Tile(f"{title} ({period_label(latest['period'])})", fmt_number(latest["value"], unit), lines)
