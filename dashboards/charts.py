"""Plotly figures for the dashboards: drawn in the browser from data the app sends (no CDN, no tiles).

Palettes are colour-blind safe: Okabe-Ito for categories, ColorBrewer YlGnBu for classed maps.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import mapclassify
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from dashboards.formatting import COMPARISON_COLOURS, comparator_words, fmt_number, period_label

# plotly.js fetches a world topojson for geo plots; the app serves an empty one itself (static/), so no
# request leaves the machine. Every chart uses this config.
PLOTLY_CONFIG: dict[str, Any] = {"displaylogo": False, "topojsonURL": "/app/static/topojson/"}

SEQUENTIAL = ["#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"]
SEQUENTIAL_7 = ["#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84"]
QUALITATIVE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
HOME = "#0072B2"
TARGET = "#D55E00"
SUPPRESSED = "#d9d9d9"
# One light template for every chart, set as plotly's default: white ground, light grid, the colour-blind-safe
# palette. Plotly's own default template adds 6.5 kB to every figure and Streamlit's theme restyles each one
# in the browser; charts are drawn with `theme=None`. Axes have fixed margins (`layout`): plotly's automatic
# margins measure every label in the browser and cost a first render about 40 ms a chart; only axes of names
# (districts, needs, indicators) keep them.
pio.templates["jsna"] = go.layout.Template(layout={
    "font": {"family": "'Source Sans Pro', sans-serif", "size": 13, "color": "#262730"},
    "paper_bgcolor": "#ffffff", "plot_bgcolor": "#ffffff", "colorway": QUALITATIVE,
    "xaxis": {"gridcolor": "#e8e8e8", "linecolor": "#9a9a9a", "zeroline": False, "automargin": False},
    "yaxis": {"gridcolor": "#e8e8e8", "linecolor": "#9a9a9a", "zeroline": False, "automargin": False},
    "hoverlabel": {"font": {"size": 13}}, "title": {"font": {"size": 15}},
    "autotypenumbers": "strict",  # period labels such as '2015' are categories, not numbers with a 2,015.5
})
pio.templates.default = "jsna"
SCHEMES = {"quantiles": "Quantiles", "natural_breaks": "Natural breaks (Jenks)", "equal_interval": "Equal interval"}


def config(filename: str) -> dict[str, Any]:
    """Plotly config with the PNG download (plotly's own camera button) named after the chart."""
    return {**PLOTLY_CONFIG, "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2}}


def layout(fig: go.Figure, height: int = 360, names: str | None = None, periods: bool = False,
           **kw: Any) -> go.Figure:
    """Size, fixed margins wide enough for numeric tick labels and an axis title, the legend below; `names`
    ('x' or 'y'): the axis of names, whose margin plotly fits to its labels; `periods`: x is a run of period
    labels, at most 8 of them shown so they stay level within the margin."""
    if names:
        fig.update_layout({f"{names}axis": {"automargin": True}})
    if periods:
        fig.update_xaxes(nticks=8)
    fig.update_layout(height=height, margin={"l": 76, "r": 16, "t": 30, "b": 48},
                      legend={"orientation": "h", "y": -0.15}, hoverlabel={"namelength": -1}, **kw)
    return fig


# -- maps ------------------------------------------------------------------------------------------
@dataclass
class Classes:
    """Classed breaks: upper bounds, each area's class (-1 when suppressed), and legend labels."""

    bins: list[float]
    labels: list[str]
    colours: list[str]
    counts: list[int]


def classify(values: pd.Series, scheme: str = "quantiles", k: int = 5, unit: str = "") -> tuple[Classes, pd.Series]:
    """Break values into k classes (mapclassify); natural breaks use Fisher-Jenks on at most 200 evenly
    spaced order statistics, so they are exact for small maps, deterministic and quick for large ones."""
    shown = values.dropna().astype(float)
    k = max(1, min(k, shown.nunique()))
    if shown.empty:
        return Classes([], [], [], []), pd.Series(-1, index=values.index)
    if k == 1:
        bins = [float(shown.max())]
    elif scheme == "natural_breaks":
        sample = np.quantile(shown, np.linspace(0, 1, min(200, len(shown))))
        with warnings.catch_warnings():  # without numba mapclassify warns it is pure Python: 200 values is quick
            warnings.simplefilter("ignore", UserWarning)
            jenks = mapclassify.FisherJenks(sample, k=k)
        bins = [*jenks.bins[:-1].tolist(), float(shown.max())]
    elif scheme == "equal_interval":
        bins = mapclassify.EqualInterval(shown.to_numpy(), k=k).bins.tolist()
    else:
        bins = mapclassify.Quantiles(shown.to_numpy(), k=k).bins.tolist()
    bins = sorted(set(bins))
    cls = pd.Series(np.searchsorted(bins, values.to_numpy(dtype=float), side="left"), index=values.index)
    cls = cls.clip(upper=len(bins) - 1).where(values.notna(), -1).astype(int)
    palette = SEQUENTIAL_7 if len(bins) > 5 else SEQUENTIAL
    colours = [palette[round(i * (len(palette) - 1) / max(1, len(bins) - 1))] for i in range(len(bins))]
    lows = [float(shown.min()), *bins[:-1]]
    plain = "%" if unit == "%" else ""  # the unit is the legend's title
    labels = [f"{fmt_number(lo, plain)} to {fmt_number(hi, plain)}" for lo, hi in zip(lows, bins, strict=True)]
    counts = [int((cls == i).sum()) for i in range(len(bins))]
    return Classes(bins, labels, colours, counts), cls


def choropleth(values: pd.DataFrame, geojson: dict[str, Any], title: str, unit: str,
               scheme: str = "quantiles", k: int = 5, points: pd.DataFrame | None = None,
               basemap_url: str | None = None) -> tuple[go.Figure, Classes]:
    """Classed map: one trace per class (so the legend lists the classes), suppressed areas in grey, the
    value, its 95% interval and the comparison in the tooltip; optional school points on top."""
    v = values.copy()
    classes, v["cls"] = classify(v["value"], scheme, k, unit)
    v["shown"] = v["value"].map(lambda x: fmt_number(x, unit))
    judged_rows = "lower_ci95" in v  # an indicator's rows; otherwise plain values (e.g. distances)
    if judged_rows:
        v["ci"] = [f"{fmt_number(lo, unit)} to {fmt_number(hi, unit)}" if pd.notna(lo) else "n/a"
                   for lo, hi in zip(v["lower_ci95"], v["upper_ci95"], strict=True)]
        judged = v["versus"] if "versus" in v else v["comparison"]
        v["vs"] = [f"{c} ({comparator_words(comp)})" if comparator_words(comp) and c != "not compared" else c
                   for c, comp in zip(judged, v["comparator"], strict=True)]
        hover = "<br>95% CI %{customdata[2]}<br>Comparison: %{customdata[3]}"
    else:
        v["ci"], v["vs"] = "", ""
        hover = ""
    v["note"] = v.get("note", "")
    geo = basemap_url is None
    trace = go.Choropleth if geo else go.Choroplethmap
    fig = go.Figure()
    # each class's trace carries only its own areas' shapes: the page sends every polygon once, not once a class
    features = {f["properties"]["area_code"]: f for f in geojson["features"]}
    groups = [(i, classes.labels[i], classes.colours[i]) for i in range(len(classes.bins))]
    groups.append((-1, "Suppressed or not published", SUPPRESSED))
    for i, label, colour in groups:
        part = v[v["cls"] == i]
        if part.empty:
            continue
        own = {"type": "FeatureCollection", "features": [features[c] for c in part["area_code"] if c in features]}
        fig.add_trace(trace(
            geojson=own, featureidkey="properties.area_code", locations=part["area_code"],
            z=[1] * len(part), colorscale=[[0, colour], [1, colour]], showscale=False, showlegend=True,
            name=label, legendgroup=label, marker_line_color="white", marker_line_width=0.6,
            customdata=part[["area_name", "shown", "ci", "vs", "note"]].to_numpy(),
            hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}" + hover + "%{customdata[4]}<extra></extra>",
        ))
    if points is not None:
        for special, grp in points.groupby("is_special"):
            add_points(fig, grp, "Special schools" if special else "Schools", "#CC79A7" if special else "#000000",
                       "diamond" if special else "circle", 9 if special else 5,
                       "<b>{name}</b><br>{type}<br>capacity {capacity}")
    if geo:
        fig.update_geos(fitbounds="locations", visible=False, projection_type="mercator")
    else:
        lon, lat = _centre(geojson)
        fig.update_layout(map={"style": "white-bg", "center": {"lon": lon, "lat": lat}, "zoom": 8, "layers": [
            {"below": "traces", "sourcetype": "raster", "source": [basemap_url]}]})
    fig.update_layout(title={"text": title, "font": {"size": 15}}, margin={"l": 0, "r": 0, "t": 40, "b": 0},
                      height=560, legend={"title": {"text": unit}, "y": 0.5, "x": 1.0, "xanchor": "left"})
    return fig, classes


def add_points(fig: go.Figure, points: pd.DataFrame, name: str, colour: str, symbol: str, size: int,
               hover: str) -> go.Figure:
    """Another point layer (lon, lat) on a map from `choropleth`; `hover` is a plotly template over the
    frame's columns by name, e.g. '<b>%{customdata[name]}</b>' written as '{name}'."""
    if points.empty:
        return fig
    geo = not any(t.type == "choroplethmap" for t in fig.data)
    cols = [c for c in points.columns if "{" + c + "}" in hover]
    template = hover
    for i, c in enumerate(cols):
        template = template.replace("{" + c + "}", f"%{{customdata[{i}]}}")
    scatter = go.Scattergeo if geo else go.Scattermap
    marker: dict[str, Any] = {"size": size, "color": colour}
    if geo:
        marker |= {"symbol": symbol, "line": {"width": 0.8, "color": "white"}}
    fig.add_trace(scatter(lon=points["lon"], lat=points["lat"], mode="markers", name=name, marker=marker,
                          customdata=points[cols].fillna("").to_numpy(), hovertemplate=template + "<extra></extra>"))
    return fig


def _centre(geojson: dict[str, Any]) -> tuple[float, float]:
    coords = np.array([pt for f in geojson["features"] for poly in f["geometry"]["coordinates"]
                       for ring in poly for pt in ring] or [[0.0, 0.0]])
    return float(coords[:, 0].mean()), float(coords[:, 1].mean())


# -- time series -----------------------------------------------------------------------------------
def trend(values: pd.DataFrame, highlight: str, unit: str, target: float | None = None) -> go.Figure:
    """Each area's series over time, the highlighted one bold with its 95% interval."""
    fig = go.Figure()
    for i, (code, grp) in enumerate(values.groupby("area_code", sort=True)):
        grp = grp.sort_values("period")
        x = [period_label(p) for p in grp["period"]]
        main = code == highlight
        if main:
            _band(fig, x, grp, "rgba(0,114,178,0.15)")
        fig.add_trace(go.Scatter(
            x=x, y=grp["value"], mode="lines+markers", name=grp["area_name"].iloc[0],
            line={"width": 3.5 if main else 1.2, "color": HOME if main else QUALITATIVE[1:][i % 7]},
            opacity=1 if main else 0.55,
            hovertemplate="%{x}: %{y:,.1f} " + unit + "<extra>" + grp["area_name"].iloc[0] + "</extra>",
        ))
    _target(fig, target, unit)
    return layout(fig, 380, periods=True, yaxis_title=unit)


def _band(fig: go.Figure, x: list[str], grp: pd.DataFrame, colour: str) -> None:
    ok = grp["lower_ci95"].notna().to_numpy()
    if not ok.any():
        return
    xs = [p for p, k in zip(x, ok, strict=True) if k]
    fig.add_trace(go.Scatter(
        x=xs + xs[::-1], y=list(grp["upper_ci95"][ok]) + list(grp["lower_ci95"][ok])[::-1], fill="toself",
        fillcolor=colour, line={"width": 0}, hoverinfo="skip", showlegend=False,
    ))


def _target(fig: go.Figure, target: float | None, unit: str) -> None:
    if target is not None and not pd.isna(target):
        fig.add_hline(y=target, line_dash="dash", line_color=TARGET,
                      annotation_text=f"target {fmt_number(target, unit)}", annotation_position="top left")


def series(frame: pd.DataFrame, by: str, unit: str, target: float | None = None, ci: bool = True,
           names: dict[str, str] | None = None, order: list[str] | None = None) -> go.Figure:
    """One line per value of `by` (e.g. breakdown, indicator_id, area_name) over period, with 95% bands."""
    fig = go.Figure()
    keys = order or sorted(frame[by].unique())
    for i, key in enumerate(k for k in keys if k in set(frame[by])):
        grp = frame[frame[by] == key].sort_values("period")
        x = [period_label(p) for p in grp["period"]]
        colour = QUALITATIVE[i % len(QUALITATIVE)]
        if ci:
            _band(fig, x, grp, _rgba(colour, 0.15))
        label = (names or {}).get(key, key)
        fig.add_trace(go.Scatter(
            x=x, y=grp["value"], mode="lines+markers", name=label, line={"color": colour, "width": 2.5},
            hovertemplate="%{x}: %{y:,.1f} " + unit + "<extra>" + label + "</extra>",
        ))
    _target(fig, target, unit)
    return layout(fig, periods=True, yaxis_title=unit)


def _rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def stacked(frame: pd.DataFrame, by: str, y: str, order: list[str], unit: str, share: bool = False) -> go.Figure:
    """Bars stacked by a breakdown over period (counts, or percentage shares when `share`)."""
    data = frame.copy()
    if share:
        data[y] = 100 * data[y] / data.groupby("period")[y].transform("sum")
    fig = go.Figure()
    for i, key in enumerate(order):
        grp = data[data[by] == key].sort_values("period")
        if grp.empty:
            continue
        fig.add_trace(go.Bar(
            x=[period_label(p) for p in grp["period"]], y=grp[y], name=key, marker_color=QUALITATIVE[i % 8],
            hovertemplate="%{x}: %{y:,.1f}" + ("%" if share else " " + unit) + "<extra>" + key + "</extra>",
        ))
    return layout(fig, 380, periods=True, barmode="stack", yaxis_title="%" if share else unit)


def ranked(frame: pd.DataFrame, unit: str, label: str = "area_name", reference: float | None = None,
           reference_name: str = "") -> go.Figure:
    """Horizontal bars of areas, highest at the top, coloured by their comparison, with 95% intervals."""
    data = frame.sort_values("value", na_position="first")
    judged = data["versus"] if "versus" in data else data["comparison"]
    colours = [COMPARISON_COLOURS.get(c, "#BBBBBB") for c in judged]
    fig = go.Figure(go.Bar(
        y=data[label], x=data["value"], orientation="h", marker_color=colours,
        marker_line={"color": "#333333", "width": 0.5},
        error_x={"type": "data", "symmetric": False, "array": data["upper_ci95"] - data["value"],
                 "arrayminus": data["value"] - data["lower_ci95"], "color": "#333333", "thickness": 1},
        customdata=data[["versus" if "versus" in data else "comparison"]].to_numpy(),
        hovertemplate="<b>%{y}</b><br>%{x:,.1f} " + unit + "<br>%{customdata[0]}<extra></extra>",
    ))
    if reference is not None and not pd.isna(reference):
        fig.add_vline(x=reference, line_dash="dot", line_color="#000000",
                      annotation_text=f"{reference_name} {fmt_number(reference, unit)}")
    return layout(fig, max(260, 28 * len(data) + 60), names="y", xaxis_title=unit, showlegend=False)


def bars(frame: pd.DataFrame, x: str, y: str, unit: str, colour: str = HOME, horizontal: bool = False,
         hover: str = "") -> go.Figure:
    """Simple bars (one series)."""
    kw: dict[str, Any] = {"y": frame[x], "x": frame[y], "orientation": "h"} if horizontal else {
        "x": frame[x], "y": frame[y]}
    fig = go.Figure(go.Bar(**kw, marker_color=colour,
                           hovertemplate=("%{y}: %{x:,.1f} " if horizontal else "%{x}: %{y:,.1f} ") + unit
                           + hover + "<extra></extra>"))
    title: dict[str, Any] = {"xaxis_title": unit} if horizontal else {"yaxis_title": unit}
    return layout(fig, max(300, 26 * len(frame) + 60) if horizontal else 340, names="y" if horizontal else "x",
                  **title)


# -- planning --------------------------------------------------------------------------------------
def fan(history: pd.DataFrame, forecast: pd.DataFrame, unit: str, name: str) -> go.Figure:
    """Observed values (year, value) and a forecast (year, point, lower80, upper80, lower95, upper95) as a fan
    chart: the 95% band light, the 80% band darker, the point dashed from the last observed year."""
    h = history.dropna(subset=["value"]).sort_values("year")
    f = forecast.sort_values("year")
    fig = go.Figure()
    if len(h) and len(f):  # the fan opens at the last observed value
        last = h.iloc[-1]
        f = pd.concat([pd.DataFrame([{"year": last["year"], "point": last["value"], "lower80": last["value"],
                                      "upper80": last["value"], "lower95": last["value"],
                                      "upper95": last["value"]}]), f], ignore_index=True)
    x = list(f["year"])
    bands = (("lower95", "upper95", 0.15, "95% interval"), ("lower80", "upper80", 0.3, "80% interval"))
    for lo, hi, alpha, label in bands:
        fig.add_trace(go.Scatter(x=x + x[::-1], y=list(f[hi]) + list(f[lo])[::-1], fill="toself", name=label,
                                 mode="lines", fillcolor=_rgba(HOME, alpha), line={"width": 0}, hoverinfo="skip"))
    fig.add_trace(go.Scatter(
        x=h["year"], y=h["value"], mode="lines+markers", name=f"{name}: observed", line={"color": "#000000"},
        hovertemplate="%{x}: %{y:,.0f} " + unit + "<extra>observed</extra>"))
    fig.add_trace(go.Scatter(
        x=x, y=f["point"], mode="lines+markers", name="Forecast", line={"color": HOME, "dash": "dash", "width": 2.5},
        customdata=f[["lower80", "upper80", "lower95", "upper95"]].to_numpy(),
        hovertemplate="%{x}: %{y:,.0f} " + unit + "<br>80%: %{customdata[0]:,.0f} to %{customdata[1]:,.0f}"
        "<br>95%: %{customdata[2]:,.0f} to %{customdata[3]:,.0f}<extra>forecast</extra>"))
    return layout(fig, 380, yaxis_title=unit, xaxis={"dtick": 1})


def demand_places(frame: pd.DataFrame, label: str = "area_name") -> go.Figure:
    """Per area: places (grey) beside demand (blue, vermillion where short) with its 80% interval."""
    d = frame.sort_values(label)
    short = d["demand"] > d["places"]
    fig = go.Figure([
        go.Bar(x=d[label], y=d["places"], name="Places", marker_color="#999999",
               hovertemplate="%{x}: %{y:,.0f} places<extra></extra>"),
        go.Bar(x=d[label], y=d["demand"], name="Demand (children)",
               marker_color=[TARGET if s else HOME for s in short],
               error_y={"type": "data", "symmetric": False, "array": d["demand_upper80"] - d["demand"],
                        "arrayminus": d["demand"] - d["demand_lower80"], "color": "#333333", "thickness": 1},
               hovertemplate="%{x}: %{y:,.0f} children<extra>demand</extra>"),
    ])
    return layout(fig, 380, names="x", barmode="group", yaxis_title="children / places")


def scenario(before: pd.DataFrame, after: pd.DataFrame) -> go.Figure:
    """Total demand and places by year (year, demand, places), before and after a scenario."""
    fig = go.Figure()
    for frame, label, dash in ((before, "as published", "dot"), (after, "with the scenario", "solid")):
        f = frame.sort_values("year")
        fig.add_trace(go.Scatter(x=f["year"], y=f["demand"], mode="lines+markers", name=f"Demand, {label}",
                                 line={"color": HOME, "dash": dash}))
        fig.add_trace(go.Scatter(x=f["year"], y=f["places"], mode="lines", name=f"Places, {label}",
                                 line={"color": TARGET, "dash": dash}))
    return layout(fig, 360, yaxis_title="children / places", xaxis={"dtick": 1})


# -- funnel ----------------------------------------------------------------------------------------
def funnel(points: pd.DataFrame, lines: dict[str, tuple[Any, Any]], baseline: float, unit: str,
           x_title: str) -> go.Figure:
    """Funnel plot: the areas' values against their size, the average and the 2- and 3-sigma limits.

    `lines` maps lower_2s / upper_2s / lower_3s / upper_3s to (x, y); `points` has area_name, size,
    value and significance."""
    fig = go.Figure()
    styles = {"2s": ("dash", "#E69F00", "95% limits (2σ)"), "3s": ("solid", "#D55E00", "99.8% limits (3σ)")}
    for s, (dash, colour, name) in styles.items():
        for j, side in enumerate(("lower", "upper")):
            x, y = lines[f"{side}_{s}"]
            fig.add_trace(go.Scatter(x=x, y=y, mode="lines", name=name, legendgroup=s, showlegend=j == 0,
                                     line={"dash": dash, "color": colour, "width": 1.5}, hoverinfo="skip"))
    xs = [min(min(x) for x, _ in lines.values()), max(max(x) for x, _ in lines.values())]
    fig.add_trace(go.Scatter(x=xs, y=[baseline, baseline], mode="lines", name=f"Average {fmt_number(baseline, unit)}",
                             line={"color": "#000000", "width": 1}, hoverinfo="skip"))
    marker_colours = {"High": "#0072B2", "Low": "#56B4E9"}
    colours = [next((c for k, c in marker_colours.items() if str(s).startswith(k)), "#999999")
               for s in points["significance"]]
    fig.add_trace(go.Scatter(
        x=points["size"], y=points["value"], mode="markers+text", text=points["area_name"],
        textposition="top center", textfont={"size": 10}, name="Districts",
        marker={"size": 11, "color": colours, "line": {"color": "#000000", "width": 1}},
        customdata=points[["area_name", "significance"]].to_numpy(),
        hovertemplate="<b>%{customdata[0]}</b><br>%{y:,.1f} " + unit + " (size %{x:,.0f})<br>%{customdata[1]}"
        "<extra></extra>",
    ))
    lo = min(min(y) for _, y in lines.values())
    hi = max(max(y) for _, y in lines.values())
    pad = (hi - lo) * 0.1 or 1
    top = max(hi, float(points["value"].max())) + pad
    bottom = min(lo, float(points["value"].min())) - pad
    return layout(fig, 460, xaxis_title=x_title, yaxis_title=unit, yaxis_range=[bottom, top])


# -- spine -----------------------------------------------------------------------------------------
def spine(rows: pd.DataFrame) -> go.Figure:
    """Fingertips' spine chart: per indicator, the range across comparable areas (grey: lowest to
    highest; darker: 25th to 75th percentile) centred on the benchmark, the area as a dot coloured by
    its comparison, and the comparators as markers. Better is to the right where there is a judgement.

    `rows` has per indicator: label, unit, polarity, value, comparison, benchmark, lo, q1, q3, hi and
    optional columns neighbours and parent."""
    fig = go.Figure()
    data = rows.reset_index(drop=True)
    y = list(data["label"])

    def pos(col: str) -> list[float | None]:
        out: list[float | None] = []
        for r in data.itertuples():
            v, centre = getattr(r, col), r.benchmark
            spread = r.spread
            if pd.isna(v) or pd.isna(centre) or not spread:
                out.append(None if pd.isna(v) else 0.5)
                continue
            d = (v - centre) / spread / 2
            out.append(0.5 - d if r.polarity == "low_is_good" else 0.5 + d)
        return out

    lo, hi, q1, q3 = pos("lo"), pos("hi"), pos("q1"), pos("q3")
    for yi, a, b, c, d in zip(y, lo, hi, q1, q3, strict=True):
        if a is not None and b is not None:
            fig.add_shape(type="rect", x0=min(a, b), x1=max(a, b), y0=_y(y, yi) - 0.3, y1=_y(y, yi) + 0.3,
                          fillcolor="#e6e6e6", line_width=0, layer="below")
        if c is not None and d is not None:
            fig.add_shape(type="rect", x0=min(c, d), x1=max(c, d), y0=_y(y, yi) - 0.3, y1=_y(y, yi) + 0.3,
                          fillcolor="#b3b3b3", line_width=0, layer="below")
    fig.add_vline(x=0.5, line_color="#000000", line_width=1.5)
    for col, name, symbol, colour in (("neighbours", "Statistical neighbours", "diamond-open", "#000000"),
                                      ("parent", "Parent area", "triangle-up-open", "#000000")):
        if col in data and data[col].notna().any():
            fig.add_trace(go.Scatter(
                x=pos(col), y=y, mode="markers", name=name, marker={"symbol": symbol, "size": 11, "color": colour},
                customdata=[fmt_number(v, u) for v, u in zip(data[col], data["unit"], strict=True)],
                hovertemplate="%{y}<br>" + name + ": %{customdata}<extra></extra>"))
    fig.add_trace(go.Scatter(
        x=pos("value"), y=y, mode="markers", name="This area",
        marker={"size": 14, "color": [COMPARISON_COLOURS.get(c, "#BBBBBB") for c in data["comparison"]],
                "line": {"color": "#000000", "width": 1}},
        customdata=np.column_stack([[fmt_number(v, u) for v, u in zip(data["value"], data["unit"], strict=True)],
                                    data["comparison"].fillna("not compared"),
                                    [fmt_number(v, u) for v, u in zip(data["benchmark"], data["unit"], strict=True)]]),
        hovertemplate="<b>%{y}</b><br>This area: %{customdata[0]} (%{customdata[1]})<br>Benchmark: %{customdata[2]}"
        "<extra></extra>"))
    fig.update_xaxes(range=[-0.02, 1.02], showticklabels=False, showgrid=False, zeroline=False,
                     title="← worse (lower where no judgement)      benchmark      better (higher) →")
    fig.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=y)
    return layout(fig, 60 + 34 * len(y), names="y")


def _y(labels: list[str], label: str) -> int:
    return labels.index(label)
