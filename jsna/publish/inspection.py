"""The inspection evidence pack's content (`jsna export pack --template inspection`): for each evaluation area of
the Ofsted/CQC area SEND framework (inspection_framework.toml), the published indicators that evidence it, each
with its latest period, value, trend, England's value and comparison, and a rating against its target; and the
information the handbook asks for, held or not (the gaps). Read from the published (disclosure-controlled)
tables on the caller's connection, as `jsna_reader`: a suppressed figure stays suppressed, never a number."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from jsna.errors import ExportError
from jsna.indicators import periods
from jsna.publish.formatting import breakdown_label, fmt_number, missing, period_label
from jsna.publish.inspection_framework import Area, Evidencing, Framework, Requested, Source, load_framework
from jsna.warehouse.sqlfiles import query_frame, statement

TREND_PERIODS = 3  # the direction is read over the latest three published periods of a series
ROW_COLUMNS = ["indicator_id", "title", "breakdown", "breakdown_label", "unit", "better", "target", "period",
               "period_label", "value", "symbol", "shown", "trend", "recent_trend", "england_value",
               "england_comparison", "rating"]
NUMBERS = ["target", "value", "england_value"]  # floats (NaN where none); the other columns hold text or None
RATINGS = {"better": "met", "worse": "not met"}


@dataclass(frozen=True)
class AreaEvidence:
    """One evaluation area: `rows` (ROW_COLUMNS, one per indicator and breakdown; value, target and england_value
    are floats, NaN where there is none, e.g. suppressed), the indicators it names that
    have no published figure for the area (`missing`), and `note` saying why there are no rows, if none."""

    id: str
    group: str
    label: str
    summary: str
    rows: pd.DataFrame
    missing: list[str]
    note: str | None


@dataclass(frozen=True)
class Evidence:
    """The evidence pack's content for one upper-tier area. `requested`: id, label, held, evidence, note."""

    area_code: str
    area_name: str
    period: str | None
    source: Source
    areas: list[AreaEvidence]
    requested: pd.DataFrame

    @property
    def gaps(self) -> pd.DataFrame:
        """The requested information the warehouse does not publish for the area."""
        return self.requested[~self.requested["held"]].reset_index(drop=True)


def period_end(period: str) -> date:
    """The last day a period covers (`jsna.indicators.periods.period_end`); a period it cannot read stops with
    one sentence."""
    try:
        return periods.period_end(period)
    except ValueError:
        raise ExportError(f"Cannot read period {period}: give an academic year (202425), a year (2024), a quarter "
                          "(2024-Q3) or a month (2024-03).") from None


def direction(values: list[Any], better: str) -> str:
    """The direction of a series over its latest TREND_PERIODS periods (oldest first): 'up', 'down' or 'no change'
    between the earliest and the latest published value (equal at one decimal), read as improving or worsening
    where one direction is better. 'suppressed' when the latest is hidden, 'too few periods' under two values."""
    recent = values[-TREND_PERIODS:]
    if not recent or missing(recent[-1]):
        return "not available"
    shown = [float(v) for v in recent if not missing(v)]
    if len(shown) < 2:
        return "too few periods"
    first, last = round(shown[0], 1), round(shown[-1], 1)
    if first == last:
        return "no change"
    way = "up" if last > first else "down"
    if better == "no judgement":
        return way
    return f"{way} (improving)" if (way == "up") == (better == "higher") else f"{way} (worsening)"


def rating(value: Any, symbol: Any, target: Any, comparison: Any) -> str:
    """Met / not met from the published comparison with the target; 'no target' where the catalogue has none."""
    if missing(target):
        return "no target"
    if missing(value):
        return "suppressed" if symbol == "c" else "no value"
    return RATINGS.get(str(comparison), "not rated")


def _selects(item: Evidencing, breakdown: str) -> bool:
    if item.topic is not None:
        return breakdown.startswith(f"{item.topic}=")
    return breakdown == item.breakdown


def _rows(item: Evidencing, values: pd.DataFrame, meta: dict[str, Any], cutoff: date | None) -> list[dict[str, Any]]:
    """One row per breakdown of `item` published for the area: its latest period (up to the cutoff)."""
    mine = values[(values["indicator_id"] == item.id) & values["breakdown"].map(lambda b: _selects(item, b))]
    if cutoff is not None:
        mine = mine[mine["end"] <= cutoff]
    rows = []
    for breakdown, series in mine.groupby("breakdown", sort=False):
        series = series.sort_values("end")
        last = series.iloc[-1]
        value, symbol = (None if missing(last["value"]) else float(last["value"])), last["symbol"]
        rows.append({
            "indicator_id": item.id, "title": meta["short_title"], "breakdown": breakdown,
            "breakdown_label": breakdown_label(str(breakdown)), "unit": meta["unit"], "better": item.better,
            "target": None if missing(meta["target"]) else float(meta["target"]), "period": last["period"],
            "period_label": period_label(last["period"]), "value": value,
            "symbol": None if missing(symbol) else symbol,
            "shown": fmt_number(value, meta["unit"]) if value is not None
            else "suppressed" if symbol == "c" else "not available",
            "trend": "suppressed" if value is None and symbol == "c" else direction(list(series["value"]), item.better),
            "recent_trend": None if missing(last["trend"]) else last["trend"],
            "england_value": None if missing(last["england_value"]) else float(last["england_value"]),
            "england_comparison": None if missing(last["england_comparison"]) else last["england_comparison"],
            "rating": rating(value, symbol, meta["target"], last["target_comparison"]),
        })
    return rows


def _area(area: Area, values: pd.DataFrame, meta: dict[str, dict[str, Any]], cutoff: date | None) -> AreaEvidence:
    rows: list[dict[str, Any]] = []
    absent = []
    for item in area.indicators:
        found = _rows(item, values, meta[item.id], cutoff) if item.id in meta else []
        if not found:
            absent.append(item.id if item.breakdown == "all" else f"{item.id}:{item.breakdown}")
        rows.extend(found)
    note = area.not_held
    if not rows and area.indicators:
        note = f"No published figures for this area: {', '.join(absent)}."
    frame = pd.DataFrame(rows, columns=ROW_COLUMNS, dtype=object)
    frame[NUMBERS] = frame[NUMBERS].astype(float)
    return AreaEvidence(area.id, area.group, area.label, area.summary, frame, absent, note)


def _requested(item: Requested, values: pd.DataFrame, tables: dict[str, bool],
               meta: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Held where any indicator (with its breakdown) or table it names has published rows for the area."""
    have: list[str] = []
    lack: list[str] = []
    for ind, split in item.parts():
        rows = values[values["indicator_id"] == ind]
        if split is not None:
            rows = rows[rows["breakdown"] == split]
        name = meta[ind]["short_title"] if ind in meta else ind
        (have if len(rows) else lack).append(f"{name} ({split})" if split else name)
    for table in item.tables:
        (have if tables.get(table) else lack).append(f"published.{table}")
    notes = [n for n in (item.not_held, item.partial) if n]
    if lack and (item.indicators or item.tables):
        notes.append(f"Not published for this area: {', '.join(lack)}.")
    return {"id": item.id, "label": item.label, "held": bool(have), "evidence": ", ".join(have),
            "note": " ".join(notes) or None}


def evidence(conn: Any, area: str, period: str | None = None, framework: Framework | None = None) -> Evidence:
    """The inspection evidence for upper-tier area `area` from the published tables on `conn` (a connection
    as `jsna_reader`): each indicator at its latest period, or the latest up to `period` when given."""
    framework = framework or load_framework()
    cutoff = period_end(period) if period is not None else None
    found = conn.execute(statement("publish/inspection_area"), {"a": area}).first()
    if found is None:
        raise ExportError(f"No upper-tier area {area} is published; run `jsna refresh` first.")
    ids = sorted(framework.indicator_ids())
    cat = query_frame(conn, "publish/inspection_indicators", params={"ids": ids})
    meta = {str(r["indicator_id"]): dict(r) for r in cat.to_dict("records")}
    values = query_frame(conn, "publish/inspection_values", params={"ids": ids, "a": area})
    values["end"] = values["period"].map(period_end)
    tables = {str(r[0]): bool(r[1]) for r in conn.execute(statement("publish/inspection_tables"), {"a": area})}
    areas = [_area(a, values, meta, cutoff) for a in framework.area]
    present = values if cutoff is None else values[values["end"] <= cutoff]
    requested = pd.DataFrame([_requested(r, present, tables, meta) for r in framework.requested],
                             columns=["id", "label", "held", "evidence", "note"], dtype=object)
    requested["held"] = requested["held"].astype(bool)
    return Evidence(str(found[0]), str(found[1]), period, framework.source, areas, requested)
