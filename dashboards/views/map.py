"""Map explorer: any indicator at any mapped level and period as a classed choropleth, with the
confidence interval and comparison in the tooltip and schools as point layers. Offline by default:
no tiles unless JSNA_BASEMAP_URL is set."""

from __future__ import annotations

import streamlit as st

from dashboards import data, ui
from dashboards.formatting import LEVEL_NAMES, breakdown_label, fmt_number, in_sentence, period_label
from jsna.config import get_settings
from jsna.publish import charts

MAPPED = ["lsoa", "msoa", "lad", "utla", "region"]  # levels with boundaries; trusts have none
LOCAL = {"lsoa", "msoa", "lad"}  # drawn inside the home authority
SMALL = {"lsoa", "msoa"}  # may be drawn for one district

catalogue = data.indicators()
home = ui.home_page("Map explorer")
code, name = str(home["area_code"]), str(home["area_name"])
available = data.present()
published = [i for i in catalogue.index if i in available]

row1 = st.columns([3, 2, 2, 2])
indicator = str(ui.url_choice("Indicator", published, "indicator", default="ehcp_rate_0_25",
                              format_func=lambda i: catalogue.loc[i, "title"], container=row1[0]))
meta = catalogue.loc[indicator]
unit = str(meta["unit"])
cover = data.coverage(indicator)
levels = [lv for lv in MAPPED if lv in set(cover["area_level"])]
if not levels:
    st.info(f"{meta['short_title']} is published only for areas without boundaries "
            f"({', '.join(sorted(set(cover['area_level'])))}); see the Health waits page for NHS trusts.")
    st.stop()
level = str(ui.url_choice("Level", levels, "level", default="lad" if "lad" in levels else levels[0],
                          format_func=lambda lv: LEVEL_NAMES.get(lv, lv), container=row1[1]))
periods = sorted(cover[cover["area_level"] == level]["period"].unique()) or ["none"]
period = str(ui.url_choice("Period", periods, "period", default=periods[-1], format_func=period_label,
                           container=row1[3]))
splits = data.breakdowns(indicator, level, period) or ["all"]
breakdown = str(ui.url_choice("Breakdown", splits, "breakdown", default="all", format_func=breakdown_label,
                              container=row1[2]))

row2 = st.columns([2, 2, 1, 1, 1, 1])
scheme = str(ui.url_choice("Classes", list(charts.SCHEMES), "scheme", default="quantiles",
                           format_func=charts.SCHEMES.__getitem__, container=row2[0]))
k = int(str(ui.url_choice("Number of classes", [3, 4, 5, 6, 7], "k", default=5, container=row2[2])))
with row2[3]:
    show_schools = ui.url_flag("Schools", "schools", default=False)
with row2[4]:
    show_special = ui.url_flag("Special schools", "special", default=True)
with row2[5]:
    show_sites = ui.url_flag("Care hubs and clinics", "sites", default=True)
# small areas: the whole authority, or one district drawn large (the map's zoom, from the keyboard too)
districts = data.areas("lad", code)
district_names = dict(zip(districts["area_code"], districts["area_name"], strict=True))
focus = code
if level in SMALL and district_names:
    focus = str(ui.url_choice("Focus", [code, *district_names], "focus", default=code, container=row2[1],
                              format_func=lambda c: name if c == code else f"{district_names[c]} (district)"))
focus_name = district_names.get(focus, name)

within = focus if level in LOCAL else None
codes = tuple(data.areas(level, within)["area_code"]) if within else None
shown = data.values(indicator, level, breakdown, period, area_codes=codes)
if shown.empty:
    st.info(f"No {LEVEL_NAMES.get(level, level).lower()} figures for {in_sentence(meta['short_title'])} "
            f"({breakdown_label(breakdown)}) in {period_label(period)}.")
    st.stop()

lads = ((focus,) if focus != code else tuple(district_names)) if within else None  # the points' districts
points = None
if show_schools or show_special:
    points = data.schools(lads)
    points = points[(points["is_special"] & show_special) | (~points["is_special"] & show_schools)]
sites = data.service_sites(lads) if show_sites else None

where = f"in {focus_name}" if within else "in England" if level != "region" else ""
title = f"{meta['short_title']} ({breakdown_label(breakdown)}), {LEVEL_NAMES.get(level, level)} {where}, " \
        f"{period_label(period)}"
layers = []
if points is not None:
    layers += [charts.Points(points[~points["is_special"]], "Schools", "#000000", "circle", 5,
                             {"title": "{name}", "Type": "{type}", "Capacity": "{capacity}"}),
               charts.Points(points[points["is_special"]], "Special schools", "#CC79A7", "diamond", 9,
                             {"title": "{name}", "Type": "{type}", "Capacity": "{capacity}"})]
if sites is not None:
    layers.append(charts.Points(sites, "Care hubs and clinics", "#E69F00", "square", 10,
                                {"title": "{name}", "Service": "{service}", "Provider": "{provider}"}))
geojson = data.area_geojson(level, within)
basemap = get_settings().basemap_url
if basemap:  # tiles below the areas: plotly's tile map
    from dashboards import tilemap

    fig, classes = tilemap.choropleth(shown, geojson, title, unit, basemap, scheme, k, layers)
else:
    fig, classes = charts.choropleth(shown, geojson, title, unit, scheme, k, layers)
ranked = shown.dropna(subset=["value"]).sort_values("value")
ui.chart(fig, f"{indicator}_{level}_{period}_map",
         f"Map of {in_sentence(meta['short_title'])} for {len(shown)} areas, {charts.SCHEMES[scheme].lower()} into "
         f"{len(classes.bins)} classes (ColorBrewer YlGnBu, light to dark): "
         + "; ".join(f"{lab}: {n} areas" for lab, n in zip(classes.labels, classes.counts, strict=True))
         + f"; {shown['value'].isna().sum()} suppressed (grey). "
         + (f"Highest {ranked.iloc[-1]['area_name']} ({fmt_number(ranked.iloc[-1]['value'], unit)}), lowest "
            f"{ranked.iloc[0]['area_name']} ({fmt_number(ranked.iloc[0]['value'], unit)}). " if len(ranked) else "")
         + (f"Points: {int(points['is_special'].sum())} special schools (pink diamonds)"
            + (f" and {int((~points['is_special']).sum())} other schools (black dots)." if show_schools else ".")
            if points is not None else "")
         + (f" {len(sites)} care hubs, clinics and team bases (orange squares): "
            + "; ".join(f"{s}: {n}" for s, n in sites.groupby("service").size().items()) + "."
            if sites is not None and len(sites) else ""),
         shown)
ui.definition_link(indicator)
figures = st.expander("The figures on the map", key="figures", bind="query-params")
if figures.open:  # drawn when opened (the grid's script is large): the first render stays the map's
    figures.dataframe(shown[["area_code", "area_name", "numerator", "denominator", "value", "lower_ci95",
                             "upper_ci95", "comparator", "comparison", "symbol"]], hide_index=True)
