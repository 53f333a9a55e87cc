"""The charts as Vega-Lite specs: valid against Vega-Lite's own schema (the version Altair ships, as Streamlit's
Vega reads it), strict JSON, each layer carrying only the rows and columns it draws, maps sending each polygon
once with its figures."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import numpy as np
import pandas as pd
import pytest

from jsna.publish import charts


@cache
def validator() -> jsonschema.Draft7Validator:
    import altair

    schema = Path(altair.__file__).parent / "vegalite" / "v6" / "schema" / "vega-lite-schema.json"
    return jsonschema.Draft7Validator(json.loads(schema.read_text()))


def valid(spec: dict[str, Any]) -> dict[str, Any]:
    """The spec as the browser receives it: strict JSON (no NaN), and valid Vega-Lite."""
    spec = json.loads(json.dumps(spec, allow_nan=False))
    errors = [e.message[:200] for e in validator().iter_errors(spec)]
    assert not errors, errors[:3]
    return spec


def rows(**extra: Any) -> pd.DataFrame:
    """Three areas over two periods, the second area's 2024 figure suppressed."""
    frame = pd.DataFrame({
        "indicator_id": "x", "period": ["2023", "2024"] * 3, "area_code": ["E1", "E1", "E2", "E2", "E3", "E3"],
        "area_name": ["Alpha", "Alpha", "Beta", "Beta", "Gamma", "Gamma"],
        "value": [10.0, 12.0, 8.0, np.nan, 15.0, 14.0], "lower_ci95": [9.0, 11.0, 7.0, np.nan, 14.0, 13.0],
        "upper_ci95": [11.0, 13.0, 9.0, np.nan, 16.0, 15.0], "comparison": ["similar", "worse", "better",
                                                                           None, "worse", "similar"],
        "comparator": "england", "symbol": [None, None, None, "c", None, None],
    })
    return frame.assign(**extra)


def square(code: str, x: float) -> dict[str, Any]:
    ring = [[x, 50.0], [x + 1, 50.0], [x + 1, 51.0], [x, 51.0], [x, 50.0]]
    return {"type": "Feature", "id": code, "properties": {"area_code": code, "area_name": code},
            "geometry": {"type": "Polygon", "coordinates": [ring]}}


GEOJSON = {"type": "FeatureCollection", "features": [square("E1", 0), square("E2", 1), square("E3", 2)]}


def test_rows_are_json_values_and_a_layer_carries_only_its_columns() -> None:
    frame = rows(extra=pd.Timestamp("2025-01-01"))
    assert charts.records(frame)[3]["value"] is None  # suppressed: null, left out by Vega
    layer = charts.layer(frame, "line", x={"field": "period"}, y={"field": "value"},
                         tooltip=charts.tooltip(("area_name", "Area")))
    assert set(layer["data"]["values"][0]) == {"period", "value", "area_name"}


def test_map_sends_each_polygon_once_with_its_class_and_hover_text() -> None:
    latest = rows()[lambda f: f["period"] == "2024"]
    spec, classes = charts.choropleth(latest, GEOJSON, "Rate by district", "per 1,000", k=2)
    spec = valid(spec)
    features = spec["layer"][0]["data"]["values"]
    assert [f["properties"]["area_code"] for f in features] == ["E1", "E2", "E3"]
    by_code = {f["properties"]["area_code"]: f["properties"] for f in features}
    assert by_code["E2"]["class"] == charts.SUPPRESSED_LABEL and by_code["E2"]["shown"] == "suppressed"
    assert by_code["E3"]["ci"] == "13.0 per 1,000 to 15.0 per 1,000"
    colour = spec["layer"][0]["encoding"]["color"]["scale"]
    assert colour["domain"] == [*classes.labels, charts.SUPPRESSED_LABEL]
    assert colour["range"][-1] == charts.SUPPRESSED and len(classes.labels) == 2


def test_map_points_share_one_layer_and_legend_with_their_own_hover_rows() -> None:
    schools = pd.DataFrame({"lon": [0.5, 1.5], "lat": [50.5, 50.5], "name": ["Oak", "Elm"], "capacity": [60, None]})
    sites = pd.DataFrame({"lon": [2.5], "lat": [50.2], "name": ["Hub"], "service": ["Clinic"]})
    spec, _ = charts.choropleth(rows()[lambda f: f["period"] == "2024"], GEOJSON, "t", "%", points=[
        charts.Points(schools, "Special schools", "#CC79A7", "diamond", 9,
                      {"title": "{name}", "Capacity": "{capacity}"}),
        charts.Points(sites, "Care hubs", "#E69F00", "square", 10, {"title": "{name}", "Service": "{service}"}),
        charts.Points(sites.iloc[0:0], "None here", "#000000", charts.STAR, 14)])
    points = valid(spec)["layer"][1]
    assert [p["tip"] for p in points["data"]["values"]] == [
        {"title": "Oak", "Capacity": "60"}, {"title": "Elm", "Capacity": ""}, {"title": "Hub", "Service": "Clinic"}]
    assert points["encoding"]["shape"]["scale"] == {"domain": ["Special schools", "Care hubs"],
                                                    "range": ["diamond", "square"]}


def test_trend_draws_the_home_area_bold_with_its_interval_and_the_target() -> None:
    spec = valid(charts.trend(rows(), "E1", "%", target=95))
    band, lines, rule, label = spec["layer"]
    assert {r["upper_ci95"] for r in band["data"]["values"]} == {11.0, 13.0}  # the home area's only
    widths = {r["area_name"]: r["width"] for r in lines["data"]["values"]}
    assert widths["Alpha"] > widths["Beta"]
    assert rule["encoding"]["y"]["datum"] == 95 and label["encoding"]["text"]["value"] == "target 95.0%"
    assert lines["encoding"]["x"]["sort"] == ["2023", "2024"]


def test_a_local_trajectory_is_drawn_through_the_periods_and_a_fixed_target_across() -> None:
    comps = pd.DataFrame({"period": ["2022", "2023", "2024", "2023"], "comparator_type": ["target"] * 3 + ["parent"],
                          "comparator_value": [60.0, 70.0, 80.0, 12.0]})
    path = charts.target_path(comps)
    assert path is not None and path.to_dict("list") == {"period": ["2022", "2023", "2024"],
                                                         "target": [60.0, 70.0, 80.0]}
    assert charts.target_at_end(path) == 80.0 and charts.target_at_end(None) is None
    spec = valid(charts.trend(rows(), "E1", "%", target=path))
    line = spec["layer"][-1]
    assert line["mark"]["strokeDash"] == [6, 4] and line["encoding"]["y"]["field"] == "target"
    # only the chart's periods (2023, 2024), on its own period axis
    assert [(r["when"], r["target"]) for r in line["data"]["values"]] == [("2023", 70.0), ("2024", 80.0)]
    assert line["encoding"]["x"] == spec["layer"][1]["encoding"]["x"]
    # a target the same at every period drawn is the one line across, labelled
    flat = valid(charts.series(rows(), "area_name", "%", target=path.assign(target=95.0)))
    assert flat["layer"][-2]["encoding"]["y"]["datum"] == 95.0
    assert charts.target_path(comps[comps["comparator_type"] == "parent"]) is None


@pytest.mark.parametrize("build", [
    lambda: charts.series(rows(), "area_name", "%", target=90, order=["Gamma", "Alpha", "Beta"]),
    lambda: charts.stacked(rows(), "area_name", "value", ["Alpha", "Beta", "Gamma"], "plans", share=True),
    lambda: charts.area(rows()[lambda f: f["area_code"] == "E1"], "assessments"),
    lambda: charts.bars(rows().head(3), "area_name", "value", "plans", horizontal=True),
    lambda: charts.grouped(rows(), "area_name", "value", "period", ["2023", "2024"], "%", ["#000", "#111"],
                           errors=True),
    lambda: charts.waits(pd.DataFrame({"label": ["ASC", "ADHD"], "median": [30.0, 40.0], "p90": [60.0, np.nan]})),
    lambda: charts.segments(pd.DataFrame({"source_name": ["a", "a", "b"], "part": ["Loaded", "Quarantined", "Loaded"],
                                          "start": [1, 100, 1], "end": [100, 105, 50], "count": [100, 5, 50]}),
                            "source_name", {"Loaded": "#000", "Quarantined": "#111"}, "rows", log=True),
    lambda: charts.fan(pd.DataFrame({"year": [2023, 2024], "value": [100.0, 110.0]}),
                       pd.DataFrame({"year": [2025, 2026], "point": [120.0, 130.0], "lower80": [115.0, 120.0],
                                     "upper80": [125.0, 140.0], "lower95": [110.0, 115.0],
                                     "upper95": [130.0, 145.0]}), "plans", "Alpha"),
    lambda: charts.demand_places(pd.DataFrame({"area_name": ["A", "B"], "demand": [10.0, 5.0], "places": [8.0, 9.0],
                                               "demand_lower80": [8.0, 4.0], "demand_upper80": [12.0, 6.0]})),
    lambda: charts.scenario(pd.DataFrame({"year": [2025, 2026], "demand": [10, 12], "places": [9, 9]}),
                            pd.DataFrame({"year": [2025, 2026], "demand": [10, 11], "places": [9, 10]})),
])
def test_every_chart_is_valid_vega_lite(build: Any) -> None:
    valid(build())


def test_ranked_bars_put_the_highest_first_and_keep_suppressed_areas() -> None:
    spec = valid(charts.ranked(rows()[lambda f: f["period"] == "2024"], "%", reference=12.5, reference_name="County"))
    assert spec["layer"][0]["encoding"]["y"]["scale"]["domain"] == ["Gamma", "Alpha", "Beta"]
    assert spec["layer"][-1]["encoding"]["text"]["value"] == "County 12.5%"


def test_funnel_draws_limits_average_and_districts() -> None:
    points = pd.DataFrame({"area_name": ["A", "B", "C"], "size": [100.0, 200.0, 300.0], "value": [10.0, 20.0, 15.0],
                           "significance": ["High (99.8%)", "Not significant", "Low (95%)"]})
    x = np.array([50.0, 350.0])
    lines = {k: (x, y) for k, y in {"lower_2s": x * 0 + 5, "upper_2s": x * 0 + 25, "lower_3s": x * 0 + 2,
                                    "upper_3s": x * 0 + 28}.items()}
    spec = valid(charts.funnel(points, lines, 15.0, "%", "population"))
    limits = {r["limit"] for r in spec["layer"][0]["data"]["values"]}
    assert limits == {"95% limits (2σ)", "99.8% limits (3σ)", "Average 15.0%"}
    assert spec["layer"][1]["encoding"]["fill"]["scale"]["range"] == ["#0072B2", "#999999", "#56B4E9"]


def test_spine_centres_the_benchmark_and_puts_better_to_the_right() -> None:
    spine = pd.DataFrame({
        "label": ["Waits (low is good)", "Timeliness (high is good)"], "unit": ["weeks", "%"],
        "polarity": ["low_is_good", "high_is_good"], "value": [30.0, 60.0], "comparison": ["better", "worse"],
        "benchmark": [40.0, 80.0], "lo": [20.0, 40.0], "q1": [30.0, 60.0], "q3": [50.0, 90.0], "hi": [60.0, 100.0],
        "neighbours": [35.0, np.nan], "parent": [np.nan, np.nan], "spread": [21.0, 42.0]})
    spec = valid(charts.spine(spine))
    area = spec["layer"][-1]["data"]["values"]
    assert area[0]["value_x"] > 0.5 > area[1]["value_x"]  # shorter waits are better, lower timeliness worse
    assert spec["layer"][-1]["encoding"]["shape"]["scale"]["domain"] == ["Statistical neighbours", "This area"]
