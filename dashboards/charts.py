"""Plotly figures for the dashboards: drawn in the browser from data the app sends (no CDN, no tiles)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboards.formatting import period_label

# plotly.js fetches a world topojson for geo plots; the app serves an empty one itself (static/), so no
# request leaves the machine. Every chart uses this config.
PLOTLY_CONFIG: dict[str, Any] = {"displaylogo": False, "topojsonURL": "/app/static/topojson/"}


def config(filename: str) -> dict[str, Any]:
    """Plotly config with the PNG download named after what the chart shows."""
    return {**PLOTLY_CONFIG, "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2}}


# Colour-blind-safe sequential scale (ColorBrewer YlGnBu) and a qualitative palette (Okabe-Ito).
SEQUENTIAL = ["#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"]
QUALITATIVE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]


def choropleth(values: pd.DataFrame, geojson: dict[str, Any], title: str, unit: str) -> go.Figure:
    """District map: value, its 95% interval and the comparison in the tooltip."""
    v = values.copy()
    v["ci"] = v.apply(
        lambda r: f"{r.lower_ci95:,.1f} to {r.upper_ci95:,.1f}" if pd.notna(r.lower_ci95) else "n/a", axis=1
    )
    v["shown"] = v["value"].map(lambda x: f"{x:,.1f}" if pd.notna(x) else "suppressed")
    fig = go.Figure(go.Choropleth(
        geojson=geojson, featureidkey="properties.area_code", locations=v["area_code"], z=v["value"],
        colorscale=[[i / (len(SEQUENTIAL) - 1), c] for i, c in enumerate(SEQUENTIAL)],
        marker_line_color="white", marker_line_width=0.8,
        colorbar={"title": {"text": unit}, "thickness": 14},
        customdata=v[["area_name", "shown", "ci", "comparison"]].to_numpy(),
        hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]} " + unit
        + "<br>95% CI %{customdata[2]}<br>%{customdata[3]}<extra></extra>",
    ))
    fig.update_geos(fitbounds="locations", visible=False, projection_type="mercator")
    fig.update_layout(title={"text": title, "font": {"size": 15}}, margin={"l": 0, "r": 0, "t": 40, "b": 0},
                      height=460)
    return fig


def trend(values: pd.DataFrame, highlight: str, unit: str, target: float | None = None) -> go.Figure:
    """Each area's series over time, the highlighted one bold with its 95% interval."""
    fig = go.Figure()
    for i, (code, grp) in enumerate(values.groupby("area_code", sort=True)):
        grp = grp.sort_values("period")
        x = [period_label(p) for p in grp["period"]]
        main = code == highlight
        if main:
            fig.add_trace(go.Scatter(
                x=x + x[::-1], y=list(grp["upper_ci95"]) + list(grp["lower_ci95"])[::-1], fill="toself",
                fillcolor="rgba(29,112,184,0.15)", line={"width": 0}, hoverinfo="skip", showlegend=False,
            ))
        fig.add_trace(go.Scatter(
            x=x, y=grp["value"], mode="lines+markers", name=grp["area_name"].iloc[0],
            line={"width": 3.5 if main else 1.2, "color": "#1d70b8" if main else QUALITATIVE[i % len(QUALITATIVE)]},
            opacity=1 if main else 0.55,
            hovertemplate="%{x}: %{y:,.1f} " + unit + "<extra>" + grp["area_name"].iloc[0] + "</extra>",
        ))
    if target is not None:
        fig.add_hline(y=target, line_dash="dash", line_color="#b2182b", annotation_text=f"target {target:g}{unit}")
    fig.update_layout(height=380, margin={"l": 10, "r": 10, "t": 10, "b": 10}, yaxis_title=unit,
                      legend={"orientation": "h", "y": -0.2})
    return fig
