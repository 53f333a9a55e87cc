"""Choropleth maps for board papers (PNG, PDF, SVG), drawn from the published (suppressed) views with
classed breaks (mapclassify), a legend, a title and a source line. No network, no basemap."""

from __future__ import annotations

import warnings
from pathlib import Path

import geopandas as gpd
import mapclassify
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.patches import Patch

from jsna.errors import ExportError
from jsna.geography.codes import LEVEL_LABELS
from jsna.warehouse.engine import get_engine, reader_url
from jsna.warehouse.sqlfiles import query_frame, query_geoframe, statement

# Colour-blind-safe sequential palette (ColorBrewer YlGnBu, 5 classes) and a grey for no value.
PALETTE = ["#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"]
NO_DATA = "#d9d9d9"


def map_data(
    indicator: str, level: str, period: str | None, url: str | None = None
) -> tuple[gpd.GeoDataFrame, dict[str, object]]:
    """The areas of a level joined to an indicator's values for a period (latest by default)."""
    engine = get_engine(url or reader_url())
    with engine.connect() as conn:
        meta = conn.execute(statement("publish/map_indicator"), {"i": indicator}).mappings().first()
        if meta is None:
            raise ExportError(f"No published indicator {indicator}; `jsna indicators list` shows the catalogue.")
        periods = conn.execute(statement("publish/map_periods"), {"i": indicator, "l": level}).scalars().all()
        if not periods:
            raise ExportError(f"{indicator} is not published at level {level}.")
        period = period or periods[-1]
        if period not in periods:
            raise ExportError(f"{indicator} has no period {period} at level {level}; it has {', '.join(periods)}.")
        sources = conn.execute(statement("publish/map_loaded")).scalar()
    areas = query_geoframe(engine, "publish/map_areas", params={"l": level})
    values = query_frame(engine, "publish/map_values", params={"i": indicator, "l": level, "p": period})
    if areas.empty:
        raise ExportError(f"No {level} boundaries are published; load a boundary file for that level.")
    gdf = areas.merge(values, on="area_code", how="left")
    return gdf, {"title": meta["title"], "unit": meta["unit"], "period": period, "loaded": sources}


def classify(values: pd.Series, k: int = 5) -> tuple[np.ndarray, list[str]]:
    """Class of each value (-1 for none) and the legend labels: Fisher-Jenks natural breaks, or
    quantiles beyond 1,000 areas where Fisher-Jenks is too slow."""
    v = values.dropna().to_numpy(dtype=float)
    if len(v) == 0:
        return np.full(len(values), -1), []
    k = min(k, len(np.unique(v)))
    if k < 2:
        bins = np.array([v.max()])
    else:
        with warnings.catch_warnings():  # mapclassify suggests numba; the pure-Python path is fast enough here
            warnings.simplefilter("ignore")
            scheme = mapclassify.FisherJenks(v, k=k) if len(v) <= 1000 else mapclassify.Quantiles(v, k=k)
        bins = np.asarray(scheme.bins)
    cls = np.minimum(np.searchsorted(bins, values.to_numpy(dtype=float), side="left"), len(bins) - 1)
    cls = np.where(values.isna().to_numpy(), -1, cls)
    edges = np.r_[v.min(), bins]
    labels = [f"{edges[i]:,.1f} to {edges[i + 1]:,.1f}" for i in range(len(bins))]
    return cls, labels


def draw_map(gdf: gpd.GeoDataFrame, meta: dict[str, object], level: str) -> plt.Figure:
    classes, labels = classify(gdf["value"])
    palette = PALETTE[-len(labels):] if labels else []
    colours = [palette[c] if c >= 0 else NO_DATA for c in classes]
    fig, ax = plt.subplots(figsize=(8, 8.5))
    gdf.to_crs(27700).plot(ax=ax, color=colours, edgecolor="white", linewidth=0.4)
    ax.set_axis_off()
    ax.set_title(f"{meta['title']}\n{LEVEL_LABELS.get(level, level)}s, {meta['period']}", fontsize=11, loc="left")
    handles = [Patch(facecolor=c, edgecolor="#666666", label=lab) for c, lab in zip(palette, labels, strict=True)]
    if (classes < 0).any():
        handles.append(Patch(facecolor=NO_DATA, edgecolor="#666666", label="suppressed or no data"))
    ax.legend(handles=handles, title=str(meta["unit"]), loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    loaded = meta.get("loaded")
    fig.text(0.01, 0.01, "Source: jsna warehouse, published (disclosure-controlled) figures"
             + (f"; data loaded {loaded:%d %B %Y}" if loaded is not None else "")
             + ". Contains public sector information licensed under the Open Government Licence v3.0.",
             fontsize=7, color="#444444")
    return fig


def export_map(indicator: str, level: str, out: Path, period: str | None = None, url: str | None = None) -> Path:
    """Write the map; the format follows the file's suffix (.png at 200 dpi, .pdf, .svg)."""
    gdf, meta = map_data(indicator, level, period, url)
    fig = draw_map(gdf, meta, level)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=200, bbox_inches="tight")
    plt.close(fig)
    return out
