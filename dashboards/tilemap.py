"""The classed map over a tile basemap (plotly's MapLibre map), used only when JSNA_BASEMAP_URL is set: Vega
(`jsna.publish.charts`) draws no tiles. The same classes, hover text and point layers as `charts.choropleth`."""

from __future__ import annotations

from typing import Any

import numpy as np
import plotly.graph_objects as go

from jsna.publish.charts import SUPPRESSED, SUPPRESSED_LABEL, Classes, Points, classed


def config(filename: str) -> dict[str, Any]:
    """Plotly config with the PNG download (plotly's own camera button) named after the chart."""
    return {"displaylogo": False, "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2}}


def choropleth(values: Any, geojson: dict[str, Any], title: str, unit: str, basemap_url: str,
               scheme: str = "quantiles", k: int = 5, points: list[Points] | None = None) -> tuple[go.Figure, Classes]:
    """One trace per class (so the legend lists the classes; each carries only its own areas' shapes), the
    basemap's raster tiles below, points on top."""
    v, classes = classed(values, unit, scheme, k)
    cols = [c for c in ("ci", "vs", "note") if c in v]
    hover = "".join(f"<br>{c}: %{{customdata[{i + 2}]}}" for i, c in enumerate(cols))
    features = {f["properties"]["area_code"]: f for f in geojson["features"]}
    fig = go.Figure()
    for label, colour in [*zip(classes.labels, classes.colours, strict=True), (SUPPRESSED_LABEL, SUPPRESSED)]:
        part = v[v["class"] == label]
        if part.empty:
            continue
        own = {"type": "FeatureCollection", "features": [features[c] for c in part["area_code"] if c in features]}
        fig.add_trace(go.Choroplethmap(
            geojson=own, featureidkey="properties.area_code", locations=part["area_code"], z=[1] * len(part),
            colorscale=[[0, colour], [1, colour]], showscale=False, showlegend=True, name=label,
            marker_line_color="white", marker_line_width=0.6,
            customdata=part[["area_name", "shown", *cols]].to_numpy(),
            hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}" + hover + "<extra></extra>"))
    for p in points or []:
        if len(p.frame):
            text = ["<br>".join(tip.values()) or p.name for tip in p.tips()]
            fig.add_trace(go.Scattermap(lon=p.frame["lon"], lat=p.frame["lat"], mode="markers", name=p.name,
                                        marker={"size": p.size, "color": p.colour}, text=text,
                                        hovertemplate="%{text}<extra></extra>"))
    coords = np.array([pt for f in geojson["features"] for poly in _polygons(f["geometry"]) for ring in poly
                       for pt in ring] or [[0.0, 0.0]])
    fig.update_layout(map={"style": "white-bg", "center": {"lon": float(coords[:, 0].mean()),
                                                           "lat": float(coords[:, 1].mean())}, "zoom": 8,
                           "layers": [{"below": "traces", "sourcetype": "raster", "source": [basemap_url]}]},
                      title={"text": title, "font": {"size": 15}}, margin={"l": 0, "r": 0, "t": 40, "b": 0},
                      height=560, legend={"title": {"text": unit}, "y": 0.5, "x": 1.0, "xanchor": "left"})
    return fig, classes


def _polygons(geometry: dict[str, Any]) -> list[Any]:
    return geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
