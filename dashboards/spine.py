"""The rows of an area profile's spine chart: each indicator's latest value for the area, the range
across comparable areas, and its benchmarks (England, statistical neighbours, the parent area)."""

from __future__ import annotations

import numpy as np
import pandas as pd

BENCHMARKS = ["england", "neighbours", "parent", "region"]


def latest_periods(area_rows: pd.DataFrame) -> dict[str, str]:
    """Each indicator's latest period with a value for the area."""
    shown = area_rows.dropna(subset=["value"])
    return {str(k): str(v) for k, v in shown.groupby("indicator_id")["period"].max().items()}


def rows(area_rows: pd.DataFrame, peers: pd.DataFrame, comparisons: pd.DataFrame,
         catalogue: pd.DataFrame, parent_rows: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per indicator: label, unit, polarity, period, value, comparison, benchmark (England where
    published, else the parent area, else the peers' median), lo/q1/q3/hi over the peers, neighbours,
    parent and spread (the half-width that puts the farthest point at the chart's edge)."""
    out = []
    latest = latest_periods(area_rows)
    for ind, period in latest.items():
        if ind not in catalogue.index:
            continue
        meta = catalogue.loc[ind]
        me = area_rows[(area_rows["indicator_id"] == ind) & (area_rows["period"] == period)].iloc[0]
        comp = comparisons[(comparisons["indicator_id"] == ind) & (comparisons["period"] == period)]
        by_type = dict(zip(comp["comparator_type"], comp["comparator_value"], strict=True))
        vals = peers[(peers["indicator_id"] == ind) & (peers["period"] == period)]["value"].dropna().to_numpy(float)
        lo, q1, q3, hi = (np.quantile(vals, q) if len(vals) else np.nan for q in (0, 0.25, 0.75, 1))
        england, parent, neighbours = by_type.get("england"), by_type.get("parent"), by_type.get("neighbours")
        if parent is None and parent_rows is not None and len(parent_rows):
            own = parent_rows[(parent_rows["indicator_id"] == ind) & (parent_rows["period"] == period)]["value"]
            parent = float(own.iloc[0]) if len(own) and pd.notna(own.iloc[0]) else None
        benchmark = next((b for b in (england, parent, by_type.get("region")) if b is not None and pd.notna(b)),
                         float(np.median(vals)) if len(vals) else np.nan)
        judged = comp[comp["comparator_type"] == ("england" if england is not None else "parent")]["comparison"]
        points = [p for p in (lo, hi, me["value"], neighbours, parent, england) if p is not None and pd.notna(p)]
        spread = max((abs(float(p) - benchmark) for p in points), default=0.0) if pd.notna(benchmark) else 0.0
        out.append({
            "indicator_id": ind, "label": str(meta["short_title"]), "unit": str(meta["unit"]),
            "polarity": str(meta["polarity"]), "period": period, "value": me["value"],
            "comparison": judged.iloc[0] if len(judged) else me.get("versus", me["comparison"]),
            "benchmark": benchmark, "benchmark_is": "England" if england is not None else
            "parent area" if parent is not None else "median of areas",
            "england": england, "neighbours": neighbours, "parent": parent,
            "lo": lo, "q1": q1, "q3": q3, "hi": hi, "areas": len(vals), "spread": spread * 1.05 or None,
        })
    frame = pd.DataFrame(out)
    if frame.empty:
        return frame
    order = {i: n for n, i in enumerate(catalogue.index)}
    return frame.sort_values("indicator_id", key=lambda s: s.map(order)).reset_index(drop=True)
