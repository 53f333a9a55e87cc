"""Charts as Vega-Lite specs: drawn in the browser by the Vega that ships with Streamlit (no CDN, no tiles;
the dashboards' `ui.chart` shows them with their text alternative), and rendered offline by vl-convert into
the board packs (`jsna.publish.pack`), so that a figure on a page and in a pack agree.

Vega-Lite rather than plotly: plotly.js is 4.7 MB of code that a first visit spent about a second evaluating
before the first chart appeared (on 2 cores); Streamlit's Vega is 0.8 MB. Vega draws SVG whose marks carry
ARIA descriptions. Palettes are colour-blind safe: Okabe-Ito for categories, ColorBrewer YlGnBu for classed
maps. Maps over a tile basemap (JSNA_BASEMAP_URL) are drawn by `dashboards.tilemap`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeAlias

import numpy as np
import pandas as pd

from jsna.publish.cells import cell_text
from jsna.publish.classes import (  # noqa: F401  (SCHEMES and SEQUENTIAL re-exported to the pages)
    SCHEMES,
    SEQUENTIAL,
    Classes,
    classify,
)
from jsna.publish.formatting import COMPARISON_COLOURS, comparator_words, fmt_number, period_label

Spec = dict[str, Any]

QUALITATIVE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
HOME = "#0072B2"
TARGET = "#D55E00"
SUPPRESSED = "#d9d9d9"
SUPPRESSED_LABEL = "Suppressed or not published"
STAR = ("M0,-1L0.2245,-0.309L0.951,-0.309L0.363,0.118L0.588,0.809L0,0.382L-0.588,0.809L-0.363,0.118L-0.951,-0.309"
        "L-0.2245,-0.309Z")  # a five-pointed star, as a Vega symbol path
# One light look for every chart: white ground, light grid, the app's font, the legend below.
CONFIG: Spec = {
    "font": "Source Sans Pro, sans-serif",
    "background": "#ffffff",
    "view": {"stroke": None},
    "axis": {"gridColor": "#e8e8e8", "domainColor": "#9a9a9a", "tickColor": "#9a9a9a", "labelColor": "#262730",
             "titleColor": "#262730", "labelFontSize": 12, "titleFontSize": 13, "titleFontWeight": "normal"},
    "legend": {"orient": "bottom", "columns": 3, "labelFontSize": 12, "titleFontSize": 12, "titleColor": "#262730",
               "labelColor": "#262730", "labelLimit": 260},
    "title": {"font": "Source Sans Pro, sans-serif", "fontSize": 15, "anchor": "start", "fontWeight": 600,
              "color": "#262730"},
    "range": {"category": QUALITATIVE},
}


# -- building blocks -------------------------------------------------------------------------------
def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON values: missing values null (Vega leaves them out), numbers and text as themselves."""
    return [{k: _json(v) for k, v in row.items()} for row in frame.to_dict("records")]


def _json(value: Any) -> Any:
    if isinstance(value, (list, dict)):
        return value
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, np.generic):
        return None if pd.isna(value) else value.item()
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value


ONE: Spec = {"values": [{}]}  # the data of a layer drawn from constants only (a target line, a label)


def chart(layers: list[Spec], height: int, **kw: Any) -> Spec:
    """A layered spec with the shared look; `kw` adds top-level properties (title, resolve...)."""
    return {"config": CONFIG, "height": height, "layer": layers, **kw}


def layer(frame: pd.DataFrame | list[dict[str, Any]], mark: str | Spec, **encoding: Any) -> Spec:
    """One layer: its own rows (inline, so every layer carries only what it draws: the columns its encoding
    names), a mark and its encoding."""
    if isinstance(frame, pd.DataFrame):
        used = _fields(encoding)
        frame = records(frame[[c for c in frame.columns if c in used]])
    return {"data": {"values": frame}, "mark": mark if isinstance(mark, dict) else {"type": mark},
            "encoding": encoding}


def _fields(encoding: Any) -> set[str]:
    """Every field an encoding names (channels, tooltips, conditions)."""
    if isinstance(encoding, list):
        return set().union(*(_fields(e) for e in encoding))
    if not isinstance(encoding, dict):
        return set()
    own = {str(encoding["field"]).split(".")[0]} if isinstance(encoding.get("field"), str) else set()
    return own.union(*(_fields(v) for v in encoding.values()))


def nominal(name: str, domain: list[str], colours: list[Any], title: str | None = None,
            legend: bool = True) -> Spec:
    """A colour (or shape...) channel for a category with a fixed order and fixed colours."""
    return {"field": name, "type": "nominal", "scale": {"domain": domain, "range": colours},
            "legend": {"title": title} if legend else None}


def tooltip(*fields: tuple[str, str] | tuple[str, str, str]) -> list[Spec]:
    """Hover rows: (field, title) or (field, title, number format)."""
    return [{"field": f[0], "title": f[1], **({"type": "quantitative", "format": f[2]} if len(f) > 2 else {})}
            for f in fields]


def periods_of(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows with `when`, the period as the board reads it (the x axis of every series over time)."""
    return frame.assign(when=[period_label(p) for p in frame["period"]])


def period_axis(frame: pd.DataFrame) -> Spec:
    """An x channel of period labels in period order, level labels that never overlap."""
    order = [period_label(p) for p in sorted(frame["period"].unique())]
    return {"field": "when", "type": "ordinal", "sort": order, "title": None,
            "axis": {"labelAngle": 0, "labelOverlap": True, "grid": False}}


def value_axis(unit: str, field_name: str = "value", **kw: Any) -> Spec:
    return {"field": field_name, "type": "quantitative", "title": unit, **kw}


def target_line(value: float | None, unit: str) -> list[Spec]:
    """A dashed target line across the chart, labelled at its left end (no layers without a target)."""
    if value is None or pd.isna(value):
        return []
    y = {"datum": float(value), "type": "quantitative"}
    label = f"target {fmt_number(value, unit)}"
    return [{"data": ONE, "mark": {"type": "rule", "color": TARGET, "strokeDash": [6, 4]}, "encoding": {"y": y}},
            {"data": ONE, "mark": {"type": "text", "color": TARGET, "align": "left", "baseline": "bottom", "x": 4,
                                   "dy": -2}, "encoding": {"y": y, "text": {"value": label}}}]


Target: TypeAlias = float | pd.DataFrame | None  # a target, or the one in force at each period (period, target)


def target_layers(target: Target, unit: str, data: pd.DataFrame, x: Spec) -> list[Spec]:
    """The target over a series' periods: where a local trajectory moves it (`target` holds each period's, as
    published.comparisons does), a dashed line through the periods drawn; else the one line across."""
    if isinstance(target, pd.DataFrame):
        path = target[target["period"].isin(set(data["period"]))].dropna(subset=["target"])
        if path["target"].nunique() > 1:
            return [layer(periods_of(path.sort_values("period")),
                          {"type": "line", "color": TARGET, "strokeDash": [6, 4], "point": {"color": TARGET}},
                          x=x, y=value_axis(unit, "target"),
                          tooltip=tooltip(("when", "Period"), ("target", "Target", ",.1f")))]
        target = float(path["target"].iloc[-1]) if len(path) else None
    return target_line(target, unit)


def target_path(comparisons: pd.DataFrame) -> pd.DataFrame | None:
    """The target in force at each period (period, target) from an area's published comparisons (their 'target'
    rows: a local trajectory moves it from period to period); None where there is no target."""
    rows = comparisons[comparisons["comparator_type"] == "target"] if len(comparisons) else comparisons
    if rows.empty:
        return None
    return rows[["period", "comparator_value"]].rename(columns={"comparator_value": "target"}).reset_index(drop=True)


def target_at_end(target: Target) -> float | None:
    """The target a caption names: the one in force at the last period (a trajectory's end so far)."""
    if isinstance(target, pd.DataFrame):
        path = target.dropna(subset=["target"]).sort_values("period")
        return float(path["target"].iloc[-1]) if len(path) else None
    return None if target is None or pd.isna(target) else float(target)


def rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


# -- maps ------------------------------------------------------------------------------------------
@dataclass
class Points:
    """A layer of points on a map: rows with lon and lat, how they are drawn, and their hover text: rows of
    '{column}' templates by their names ('title' is the tooltip's heading)."""

    frame: pd.DataFrame
    name: str
    colour: str
    shape: str  # a Vega symbol (circle, square, diamond...) or STAR
    size: int  # width in pixels
    hover: dict[str, str] = field(default_factory=dict)

    def tips(self) -> list[dict[str, str]]:
        """Each point's hover rows, its columns filled in as the tables show them (missing ones empty)."""
        return [{k: t.format(**{c: cell_text(x, None, "") for c, x in r.items()}) for k, t in self.hover.items()}
                for r in self.frame.to_dict("records")]


def classed(values: pd.DataFrame, unit: str, scheme: str = "quantiles", k: int = 5) -> tuple[pd.DataFrame, Classes]:
    """The rows with their class label and hover text: the value, its 95% interval and comparison (an
    indicator's rows), and any `note`."""
    v = values.copy()
    classes, cls = classify(v["value"], scheme, k, unit)
    v["class"] = [classes.labels[c] if c >= 0 else SUPPRESSED_LABEL for c in cls]
    v["shown"] = v["value"].map(lambda x: fmt_number(x, unit))
    if "lower_ci95" in v:  # an indicator's rows; otherwise plain values (e.g. distances)
        v["ci"] = [f"{fmt_number(lo, unit)} to {fmt_number(hi, unit)}" if pd.notna(lo) else "n/a"
                   for lo, hi in zip(v["lower_ci95"], v["upper_ci95"], strict=True)]
        judged = v["versus"] if "versus" in v else v["comparison"]
        v["vs"] = [f"{c} ({comparator_words(comp)})" if comparator_words(comp) and c != "not compared" else c
                   for c, comp in zip(judged, v["comparator"], strict=True)]
    return v, classes


def choropleth(values: pd.DataFrame, geojson: dict[str, Any], title: str, unit: str, scheme: str = "quantiles",
               k: int = 5, points: list[Points] | None = None) -> tuple[Spec, Classes]:
    """Classed map: each area filled by its class (the legend lists the classes; suppressed areas grey), the
    value, its 95% interval and the comparison on hover; optional point layers on top. Every polygon is sent
    once, with its figures as properties."""
    v, classes = classed(values, unit, scheme, k)
    hover = [("area_name", "Area"), ("shown", unit)] + [(c, t) for c, t in (
        ("ci", "95% CI"), ("vs", "Comparison"), ("note", "Note")) if c in v]
    props = v.set_index("area_code")[["class", *(c for c, _ in hover)]]
    shapes = {f["properties"]["area_code"]: f for f in geojson["features"]}
    features = [{"type": "Feature", "geometry": shapes[code]["geometry"], "properties": {
        "area_code": code, **{k_: _json(x) for k_, x in row.items()}}}
        for code, row in zip(props.index, props.to_dict("records"), strict=True) if code in shapes]
    present = set(v["class"])
    domain = [lab for lab in [*classes.labels, SUPPRESSED_LABEL] if lab in present]
    colours = dict(zip([*classes.labels, SUPPRESSED_LABEL], [*classes.colours, SUPPRESSED], strict=True))
    areas = layer(features, {"type": "geoshape", "stroke": "#ffffff", "strokeWidth": 0.6},
                  color={**nominal("properties.class", domain, [colours[d] for d in domain]), "title": "Class",
                         "legend": {"title": unit, "orient": "right", "columns": 1, "symbolType": "square"}},
                  tooltip=tooltip(*((f"properties.{c}", t) for c, t in hover)))
    layers = [areas, *point_layers(points or [])]
    spec = chart(layers, 560, title=title, projection={"type": "mercator"},
                 resolve={"scale": {"color": "independent", "shape": "independent", "size": "independent"}})
    return spec, classes


def point_layers(points: list[Points]) -> list[Spec]:
    """The point layers of a map as one layer: colour and shape by layer (one legend), hover text per point."""
    shown = [p for p in points if len(p.frame)]
    if not shown:
        return []
    rows = [{"lon": _json(lon), "lat": _json(lat), "layer": p.name, "size": p.size * p.size, "tip": tip,
             "label": " · ".join(tip.values()) or p.name}
            for p in shown for lon, lat, tip in zip(p.frame["lon"], p.frame["lat"], p.tips(), strict=True)]
    names = [p.name for p in shown]
    return [layer(rows, {"type": "point", "filled": True, "opacity": 1, "stroke": "#ffffff", "strokeWidth": 0.8,
                         "tooltip": {"expr": "datum.tip"}},
                  longitude={"field": "lon", "type": "quantitative"},
                  latitude={"field": "lat", "type": "quantitative"},
                  color=nominal("layer", names, [p.colour for p in shown]),
                  shape=nominal("layer", names, [p.shape for p in shown]),
                  size={"field": "size", "type": "quantitative", "scale": None, "legend": None},
                  description={"field": "label"})]


# -- time series -----------------------------------------------------------------------------------
def trend(values: pd.DataFrame, highlight: str, unit: str, target: Target = None) -> Spec:
    """Each area's series over time, the highlighted one bold with its 95% interval, and the target (a local
    trajectory where one is set: `target_layers`)."""
    data = periods_of(values)
    codes = sorted(data["area_code"].unique())
    names = [str(data.loc[data["area_code"] == c, "area_name"].iloc[0]) for c in codes]
    colours = [HOME if c == highlight else QUALITATIVE[1:][i % 7] for i, c in enumerate(codes)]
    main = data["area_code"] == highlight
    data = data.assign(width=np.where(main, 3.5, 1.2), alpha=np.where(main, 1.0, 0.55))
    x = period_axis(data)
    band = data[main & data["lower_ci95"].notna()]
    layers = [layer(band, {"type": "area", "color": HOME, "opacity": 0.15}, x=x,
                    y=value_axis(unit, "lower_ci95"), y2={"field": "upper_ci95"})] if len(band) else []
    layers.append(layer(data, {"type": "line", "point": True}, x=x, y=value_axis(unit),
                        color=nominal("area_name", names, colours),
                        strokeWidth={"field": "width", "type": "quantitative", "scale": None, "legend": None},
                        opacity={"field": "alpha", "type": "quantitative", "scale": None, "legend": None},
                        tooltip=tooltip(("area_name", "Area"), ("when", "Period"), ("value", unit, ",.1f"))))
    return chart(layers + target_layers(target, unit, data, x), 380)


def series(frame: pd.DataFrame, by: str, unit: str, target: Target = None, ci: bool = True,
           names: dict[str, str] | None = None, order: list[str] | None = None) -> Spec:
    """One line per value of `by` (e.g. breakdown, indicator_id, area_name) over period, with 95% bands."""
    keys = [k for k in (order or sorted(frame[by].unique())) if k in set(frame[by])]
    labels = [(names or {}).get(k, k) for k in keys]
    data = periods_of(frame[frame[by].isin(keys)]).assign(
        name=lambda f: f[by].map(dict(zip(keys, labels, strict=True))))
    colour = nominal("name", labels, [QUALITATIVE[i % len(QUALITATIVE)] for i in range(len(keys))])
    x = period_axis(data)
    layers = []
    band = data[data["lower_ci95"].notna()] if ci and "lower_ci95" in data else data.iloc[0:0]
    if len(band):
        layers.append(layer(band, {"type": "area", "opacity": 0.15}, x=x, y=value_axis(unit, "lower_ci95"),
                            y2={"field": "upper_ci95"}, color=colour))
    layers.append(layer(data, {"type": "line", "point": True, "strokeWidth": 2.5}, x=x, y=value_axis(unit),
                        color=colour, tooltip=tooltip(("name", "Series"), ("when", "Period"), ("value", unit, ",.1f"))))
    return chart(layers + target_layers(target, unit, data, x), 360)


def area(frame: pd.DataFrame, unit: str, colour: str = TARGET) -> Spec:
    """One series over period, filled down to zero (e.g. a backlog)."""
    data = periods_of(frame)
    return chart([layer(data, {"type": "area", "color": colour, "opacity": 0.35, "line": {"color": colour}},
                        x=period_axis(data), y=value_axis(unit),
                        tooltip=tooltip(("when", "Period"), ("value", unit, ",.0f")))], 360)


# -- bars ------------------------------------------------------------------------------------------
def stacked(frame: pd.DataFrame, by: str, y: str, order: list[str], unit: str, share: bool = False) -> Spec:
    """Bars stacked by a breakdown over period (counts, or percentage shares when `share`)."""
    data = frame[frame[by].isin(order)].copy()
    if share:
        data[y] = 100 * data[y] / data.groupby("period")[y].transform("sum")
    data = periods_of(data).assign(rank=lambda f: f[by].map({k: i for i, k in enumerate(order)}))
    keys = [k for k in order if k in set(data[by])]
    shown = "%" if share else unit
    return chart([layer(data, "bar", x=period_axis(data), y=value_axis(shown, y, stack="zero"),
                        color=nominal(by, keys, [QUALITATIVE[order.index(k) % 8] for k in keys]),
                        order={"field": "rank", "type": "quantitative"},
                        tooltip=tooltip((by, "Group"), ("when", "Period"), (y, shown, ",.1f")))], 380)


def grouped(frame: pd.DataFrame, x: str, y: str, by: str, order: list[str], unit: str, colours: list[str],
            horizontal: bool = False, categories: list[str] | None = None, errors: bool = False,
            height: int = 360) -> Spec:
    """Bars side by side: one per value of `by` (in `order`, with `colours`) at each `x` category (in
    `categories` order, else as they come); `errors` draws the rows' 95% intervals."""
    cats = categories or list(dict.fromkeys(frame[x]))
    cat = {"field": x, "type": "nominal", "sort": cats, "scale": {"domain": cats}, "title": None,
           "axis": {"labelAngle": 0, "labelLimit": 240}}
    val = value_axis(unit, y)
    offset = {"field": by, "type": "nominal", "sort": order, "scale": {"domain": order}}
    pos = {"y": cat, "x": val, "yOffset": offset} if horizontal else {"x": cat, "y": val, "xOffset": offset}
    layers = [layer(frame, "bar", **pos, color=nominal(by, order, colours),
                    tooltip=tooltip((x, "Category"), (by, "Series"), (y, unit, ",.1f")))]
    if errors:
        span = {"x": value_axis(unit, "lower_ci95"), "x2": {"field": "upper_ci95"}} if horizontal else {
            "y": value_axis(unit, "lower_ci95"), "y2": {"field": "upper_ci95"}}
        rows = frame[frame["lower_ci95"].notna()]
        layers.append(layer(rows, {"type": "rule", "color": "#333333"}, **{**pos, **span}))
    return chart(layers, height)


def ranked(frame: pd.DataFrame, unit: str, label: str = "area_name", reference: float | None = None,
           reference_name: str = "") -> Spec:
    """Horizontal bars of areas, highest at the top, coloured by their comparison, with 95% intervals."""
    data = frame.sort_values("value", ascending=False, na_position="last")
    data = data.assign(judged=data["versus"] if "versus" in data else data["comparison"])
    names = list(data[label])
    y = {"field": label, "type": "nominal", "sort": names, "scale": {"domain": names}, "title": None,
         "axis": {"labelLimit": 240}}
    kinds = [c for c in COMPARISON_COLOURS if c in set(data["judged"])]
    layers = [layer(data, {"type": "bar", "stroke": "#333333", "strokeWidth": 0.5}, y=y, x=value_axis(unit),
                    color=nominal("judged", kinds, [COMPARISON_COLOURS[c] for c in kinds], "Compared"),
                    tooltip=tooltip((label, "Area"), ("value", unit, ",.1f"), ("judged", "Comparison"))),
              layer(data[data["lower_ci95"].notna()], {"type": "rule", "color": "#333333"}, y=y,
                    x=value_axis(unit, "lower_ci95"), x2={"field": "upper_ci95"})]
    if reference is not None and not pd.isna(reference):  # labelled inside the plot, on the roomier side
        at = {"datum": float(reference), "type": "quantitative"}
        right = float(reference) < 0.6 * float(data[["value", "upper_ci95"]].max().max())
        layers += [{"data": ONE, "mark": {"type": "rule", "color": "#000000", "strokeDash": [2, 3]},
                    "encoding": {"x": at}},
                   {"data": ONE, "mark": {"type": "text", "align": "left" if right else "right", "baseline": "bottom",
                                          "dx": 4 if right else -4, "y": 0, "dy": -2},
                    "encoding": {"x": at, "text": {"value": f"{reference_name} {fmt_number(reference, unit)}"}}}]
    return chart(layers, max(200, 28 * len(data)))


def bars(frame: pd.DataFrame, x: str, y: str, unit: str, colour: str = HOME, horizontal: bool = False) -> Spec:
    """Simple bars (one series), in the frame's order (bottom to top when horizontal)."""
    cats = list(frame[x])[::-1] if horizontal else list(frame[x])
    cat = {"field": x, "type": "nominal", "sort": cats, "title": None, "axis": {"labelLimit": 240, "labelAngle": 0}}
    pos = {"y": cat, "x": value_axis(unit, y)} if horizontal else {"x": cat, "y": value_axis(unit, y)}
    return chart([layer(frame, {"type": "bar", "color": colour}, **pos,
                        tooltip=tooltip((x, "Category"), (y, unit, ",.1f")))],
                 max(240, 26 * len(frame)) if horizontal else 340)


def segments(frame: pd.DataFrame, label: str, parts: dict[str, str], unit: str, log: bool = False) -> Spec:
    """Horizontal bars made of consecutive segments: `frame` has per bar and part (`parts`: name -> colour)
    start, end and count; bars are drawn in the frame's order, bottom to top."""
    names = list(dict.fromkeys(frame[label]))[::-1]
    rows = frame[frame["end"] > frame["start"]]
    return chart([layer(rows, "bar", y={"field": label, "type": "nominal", "sort": names, "title": None,
                                         "scale": {"domain": names}, "axis": {"labelLimit": 240}},
                        x=value_axis(unit, "start", scale={"type": "log"} if log else {}), x2={"field": "end"},
                        color=nominal("part", list(parts), list(parts.values())),
                        tooltip=tooltip((label, "Source"), ("part", "Rows"), ("count", "Count", ",.0f")))],
                 max(240, 24 * len(names) + 20))


def waits(frame: pd.DataFrame, unit: str = "weeks waited") -> Spec:
    """Per waiting list (label, median, p90; top to bottom): a bar from no wait to the 90th percentile (or the
    median), a dot at the median and a tick at the 90th percentile."""
    data = frame.assign(start=0.0, end=frame["p90"].fillna(frame["median"]))
    names = list(data["label"])
    colour = nominal("label", names, [QUALITATIVE[i % 8] for i in range(len(names))], legend=False)
    y = {"field": "label", "type": "nominal", "sort": names, "title": None}
    hover = tooltip(("label", "Waiting list"), ("median", "Median (weeks)", ",.1f"), ("p90", "90th percentile", ",.1f"))
    return chart([
        layer(data, {"type": "rule", "strokeWidth": 6}, y=y, x=value_axis(unit, "start"), x2={"field": "end"},
              color=colour, tooltip=hover),
        layer(data, {"type": "point", "filled": True, "size": 196, "opacity": 1}, y=y, x=value_axis(unit, "median"),
              color=colour, tooltip=hover),
        layer(data, {"type": "tick", "thickness": 3, "size": 26}, y=y, x=value_axis(unit, "p90"), color=colour,
              tooltip=hover),
    ], max(120, 50 * len(names)))


# -- planning --------------------------------------------------------------------------------------
def fan(history: pd.DataFrame, forecast: pd.DataFrame, unit: str, name: str) -> Spec:
    """Observed values (year, value) and a forecast (year, point, lower80, upper80, lower95, upper95) as a fan
    chart: the 95% band light, the 80% band darker, the point dashed from the last observed year."""
    h = history.dropna(subset=["value"]).sort_values("year")
    f = forecast.sort_values("year")
    if len(h) and len(f):  # the fan opens at the last observed value
        last = float(h["value"].iloc[-1])
        f = pd.concat([pd.DataFrame([{"year": h["year"].iloc[-1], "point": last, "lower80": last, "upper80": last,
                                      "lower95": last, "upper95": last}]), f], ignore_index=True)
    f = f.assign(i80=[f"{fmt_number(a)} to {fmt_number(b)}" for a, b in zip(f["lower80"], f["upper80"], strict=True)],
                 i95=[f"{fmt_number(a)} to {fmt_number(b)}" for a, b in zip(f["lower95"], f["upper95"], strict=True)])
    observed = f"{name}: observed"
    kinds = [observed, "Forecast", "80% interval", "95% interval"]
    colour = nominal("series", kinds, ["#000000", HOME, rgba(HOME, 0.4), rgba(HOME, 0.18)])
    x = {"field": "year", "type": "quantitative", "title": None, "scale": {"zero": False, "nice": False},
         "axis": {"format": "d", "tickMinStep": 1}}
    y = value_axis(unit)
    layers = [layer(f.assign(series=label, value=f[lo]), "area", x=x, y=y, y2={"field": hi}, color=colour)
              for lo, hi, label in (("lower95", "upper95", "95% interval"), ("lower80", "upper80", "80% interval"))]
    layers.append(layer(h.assign(series=observed), {"type": "line", "point": True}, x=x, y=y, color=colour,
                        tooltip=tooltip(("year", "Year"), ("value", f"{unit}, observed", ",.0f"))))
    layers.append(layer(f.assign(series="Forecast", value=f["point"]),
                        {"type": "line", "point": True, "strokeDash": [6, 4], "strokeWidth": 2.5}, x=x, y=y,
                        color=colour, tooltip=tooltip(("year", "Year"), ("value", f"{unit}, forecast", ",.0f"),
                                                      ("i80", "80% interval"), ("i95", "95% interval"))))
    return chart(layers, 380)


def demand_places(frame: pd.DataFrame, label: str = "area_name") -> Spec:
    """Per area: places (grey) beside demand (blue, vermillion where short) with its 80% interval."""
    d = frame.sort_values(label)
    short = d["demand"] > d["places"]
    kinds = ["Places", "Demand (children)", "Demand above the places"]
    rows = pd.concat([
        d.assign(series="Places", kind=kinds[0], value=d["places"]),
        d.assign(series="Demand", kind=np.where(short, kinds[2], kinds[1]), value=d["demand"]),
    ])
    names = list(d[label])
    x = {"field": label, "type": "nominal", "sort": names, "title": None, "axis": {"labelAngle": -30}}
    offset = {"field": "series", "type": "nominal", "sort": ["Places", "Demand"]}
    demand = rows[(rows["series"] == "Demand") & rows["demand_lower80"].notna()]
    return chart([layer(rows, "bar", x=x, xOffset=offset, y=value_axis("children / places"),
                        color=nominal("kind", kinds, ["#999999", HOME, TARGET]),
                        tooltip=tooltip((label, "Area"), ("kind", "Bar"), ("value", "Number", ",.0f"))),
                  layer(demand, {"type": "rule", "color": "#333333"}, x=x, xOffset=offset,
                        y=value_axis("children / places", "demand_lower80"), y2={"field": "demand_upper80"})], 380)


def scenario(before: pd.DataFrame, after: pd.DataFrame) -> Spec:
    """Total demand and places by year (year, demand, places), before and after a scenario."""
    versions = ["as published", "with the scenario"]
    rows = pd.concat([frame.melt(id_vars="year", value_vars=["demand", "places"], var_name="measure").assign(
        version=version) for frame, version in zip((before, after), versions, strict=True)])
    rows["measure"] = rows["measure"].map({"demand": "Demand", "places": "Places"})
    return chart([layer(rows, {"type": "line", "point": True},
                        x={"field": "year", "type": "quantitative", "title": None,
                           "scale": {"zero": False, "nice": False}, "axis": {"format": "d", "tickMinStep": 1}},
                        y=value_axis("children / places"),
                        color=nominal("measure", ["Demand", "Places"], [HOME, TARGET]),
                        strokeDash={**nominal("version", versions, [[2, 3], [1, 0]]),
                                    "legend": {"title": None, "symbolType": "stroke", "symbolStrokeColor": "#333333"}},
                        detail={"field": "version"},
                        tooltip=tooltip(("measure", "Measure"), ("version", "Version"), ("year", "Year"),
                                        ("value", "children / places", ",.0f")))], 360)


# -- funnel ----------------------------------------------------------------------------------------
def funnel(points: pd.DataFrame, lines: dict[str, tuple[Any, Any]], baseline: float, unit: str,
           x_title: str) -> Spec:
    """Funnel plot: the areas' values against their size, the average and the 2- and 3-sigma limits.

    `lines` maps lower_2s / upper_2s / lower_3s / upper_3s to (x, y); `points` has area_name, size,
    value and significance."""
    names = {"2s": "95% limits (2σ)", "3s": "99.8% limits (3σ)"}
    average = f"Average {fmt_number(baseline, unit)}"
    xs = [min(min(x) for x, _ in lines.values()), max(max(x) for x, _ in lines.values())]
    limits = pd.concat([pd.DataFrame({"size": np.asarray(x, float), "value": np.asarray(y, float),
                                      "limit": names[key.split("_")[1]], "side": key})
                        for key, (x, y) in lines.items()]
                       + [pd.DataFrame({"size": xs, "value": [baseline, baseline], "limit": average,
                                        "side": "average"})])
    lo = float(min(min(y) for _, y in lines.values()))
    hi = float(max(max(y) for _, y in lines.values()))
    pad = (hi - lo) * 0.1 or 1
    top = max(hi, float(points["value"].max())) + pad
    bottom = min(lo, float(points["value"].min())) - pad
    x = {"field": "size", "type": "quantitative", "title": x_title, "scale": {"zero": False}}
    y = value_axis(unit, scale={"domain": [bottom, top], "zero": False}, axis={"grid": True})
    kinds = list(dict.fromkeys(points["significance"]))
    colours = [next((c for k, c in {"High": "#0072B2", "Low": "#56B4E9"}.items() if str(s).startswith(k)), "#999999")
               for s in kinds]
    limit_kinds = [names["2s"], names["3s"], average]
    return chart([
        layer(limits, {"type": "line", "clip": True}, x=x, y=y, detail={"field": "side"},
              color=nominal("limit", limit_kinds, ["#E69F00", "#D55E00", "#000000"]),
              strokeDash=nominal("limit", limit_kinds, [[6, 4], [1, 0], [1, 0]])),
        layer(points, {"type": "point", "filled": True, "size": 120, "stroke": "#000000", "strokeWidth": 1,
                       "opacity": 1}, x=x, y=y, fill=nominal("significance", kinds, colours, "Districts"),
              tooltip=tooltip(("area_name", "District"), ("value", unit, ",.1f"), ("size", "Size", ",.0f"),
                              ("significance", "Significance"))),
        layer(points, {"type": "text", "dy": -12, "fontSize": 10}, x=x, y=y, text={"field": "area_name"}),
    ], 460, resolve={"scale": {"color": "independent"}})


# -- spine -----------------------------------------------------------------------------------------
MARKERS = {"neighbours": ("Statistical neighbours", "diamond"), "parent": ("Parent area", "triangle-up"),
           "value": ("This area", "circle")}


def spine(rows: pd.DataFrame) -> Spec:
    """Fingertips' spine chart: per indicator, the range across comparable areas (grey: lowest to
    highest; darker: 25th to 75th percentile) centred on the benchmark, the area as a dot coloured by
    its comparison, and the comparators as markers. Better is to the right where there is a judgement.

    `rows` has per indicator: label, unit, polarity, value, comparison, benchmark, lo, q1, q3, hi and
    optional columns neighbours and parent."""
    data = rows.reset_index(drop=True)
    pos = {c: _spine_pos(data, c) for c in ("lo", "hi", "q1", "q3", "value", "neighbours", "parent") if c in data}
    data = data.assign(**{f"{c}_x": p for c, p in pos.items()},
                       shown=[fmt_number(v, u) for v, u in zip(data["value"], data["unit"], strict=True)],
                       bench=[fmt_number(v, u) for v, u in zip(data["benchmark"], data["unit"], strict=True)],
                       judged=data["comparison"].fillna("not compared"))
    labels = list(data["label"])
    y = {"field": "label", "type": "nominal", "sort": labels, "title": None, "axis": {"labelLimit": 300}}
    x = {"type": "quantitative", "scale": {"domain": [-0.02, 1.02]},
         "axis": {"labels": False, "ticks": False, "grid": False, "domain": False,
                  "title": "← worse (lower where no judgement)\u2003\u2003benchmark\u2003\u2003better (higher) →"}}
    band = {"type": "bar", "height": {"band": 0.6}}
    layers = [layer(data, {**band, "color": "#e6e6e6"}, y=y, x={**x, "field": "lo_x"}, x2={"field": "hi_x"}),
              layer(data, {**band, "color": "#b3b3b3"}, y=y, x={**x, "field": "q1_x"}, x2={"field": "q3_x"}),
              {"data": ONE, "mark": {"type": "rule", "color": "#000000", "strokeWidth": 1.5},
               "encoding": {"x": {**x, "datum": 0.5}}}]
    drawn = [c for c in ("neighbours", "parent") if c in data and data[c].notna().any()]
    shapes = nominal("marker", [MARKERS[c][0] for c in [*drawn, "value"]], [MARKERS[c][1] for c in [*drawn, "value"]])
    for col in drawn:
        name = MARKERS[col][0]
        marked = data.assign(marker=name, other=[fmt_number(v, u) for v, u in zip(data[col], data["unit"],
                                                                                    strict=True)])
        layers.append(layer(marked, {"type": "point", "filled": False, "size": 121, "color": "#000000",
                                     "strokeWidth": 1.5}, y=y, x={**x, "field": f"{col}_x"}, shape=shapes,
                            tooltip=tooltip(("label", "Indicator"), ("other", name))))
    kinds = [c for c in COMPARISON_COLOURS if c in set(data["judged"])]
    layers.append(layer(data.assign(marker=MARKERS["value"][0]),
                        {"type": "point", "filled": True, "size": 196, "stroke": "#000000", "strokeWidth": 1,
                         "opacity": 1}, y=y, x={**x, "field": "value_x"}, shape=shapes,
                        fill=nominal("judged", kinds, [COMPARISON_COLOURS[c] for c in kinds], "This area compared"),
                        tooltip=tooltip(("label", "Indicator"), ("shown", "This area"), ("judged", "Comparison"),
                                        ("bench", "Benchmark"))))
    return chart(layers, 34 * len(labels) + 20)


def _spine_pos(data: pd.DataFrame, col: str) -> list[float | None]:
    """Where a column's values sit on the spine: the benchmark at 0.5, the farthest point at an edge, better
    to the right (lower values to the right for low-is-good indicators)."""
    out: list[float | None] = []
    for r in data.itertuples():
        v, centre, spread = getattr(r, col), r.benchmark, r.spread
        if pd.isna(v) or pd.isna(centre) or not spread:
            out.append(None if pd.isna(v) else 0.5)
            continue
        d = (v - centre) / spread / 2
        out.append(0.5 - d if r.polarity == "low_is_good" else 0.5 + d)
    return out
