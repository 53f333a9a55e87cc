"""Social care: children in need with a disability, the disabled children's team caseload and short
breaks, by place (district), with the authority's trend."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import data, ui
from dashboards.formatting import fmt_number, period_label
from jsna.publish import charts

INDICATORS = ["cin_disability_rate", "dct_caseload_rate", "short_breaks_pct"]
NAMES = {"cin_disability_rate": "Children in need with a disability",
         "dct_caseload_rate": "Disabled children's team caseload", "short_breaks_pct": "Short breaks"}

catalogue = data.indicators()
home = ui.home_page("Social care")
code, name = str(home["area_code"]), str(home["area_name"])
st.caption(f"Disabled children known to children's social care in {name}: children in need whose disability is "
           "recorded, the disabled children's team caseload, and how many of that caseload receive short breaks.")
published = data.present()
available = [i for i in INDICATORS if i in published]

county = data.area_series(tuple(available), code, "utla") if available else pd.DataFrame(columns=ui.CSV_COLUMNS)
cols = st.columns(len(INDICATORS))
for col, ind in zip(cols, INDICATORS, strict=True):
    with col:
        ui.headline(ui.indicator_meta(catalogue, ind, NAMES[ind]), county[county["indicator_id"] == ind])

st.subheader("By place")
pick = st.columns([3, 2])
choices = [i for i in INDICATORS if i in catalogue.index] or INDICATORS
indicator = str(ui.url_choice(
    "Indicator", choices, "indicator", default=available[0] if available else choices[0], container=pick[0],
    format_func=lambda i: (catalogue.loc[i, "title"] if i in catalogue.index else NAMES[i])
    + ("" if i in available else " (no data yet)")))
if indicator not in available:
    ui.no_data(NAMES.get(indicator, indicator).lower() if indicator in NAMES else indicator)
    st.stop()
meta = catalogue.loc[indicator]
unit = str(meta["unit"])
districts = tuple(data.areas("lad", code)["area_code"])
lad = data.values(indicator, "lad", area_codes=districts)
if lad.empty:
    ui.no_data(f"{meta['short_title']} by district")
    st.stop()
periods = sorted(lad["period"].unique())
period = str(ui.url_choice("Period", periods, "period", default=periods[-1], format_func=period_label,
                           container=pick[1]))
shown = lad[lad["period"] == period]
mine = county[(county["indicator_id"] == indicator) & (county["period"] == period)]
reference = float(mine["value"].iloc[0]) if len(mine) and pd.notna(mine["value"].iloc[0]) else None

left, right = st.columns([2, 3])
ranked = shown.dropna(subset=["value"]).sort_values("value")
summary = (f"{meta['short_title']} by district, {period_label(period)}"
           + (f", against {name}'s {fmt_number(reference, unit)} (dotted line)" if reference is not None else "")
           + (f". Highest: {ranked.iloc[-1]['area_name']} ({fmt_number(ranked.iloc[-1]['value'], unit)}); lowest: "
              f"{ranked.iloc[0]['area_name']} ({fmt_number(ranked.iloc[0]['value'], unit)})" if len(ranked) else "")
           + f"; {shown['value'].isna().sum()} suppressed. Bars are coloured by each district's comparison with "
           f"{name}; whiskers are 95% confidence intervals.")
with left:
    ui.chart(charts.ranked(shown, unit, reference=reference, reference_name=name), f"{indicator}_{period}_districts",
             summary, shown)
with right:
    fig, classes = charts.choropleth(shown, data.area_geojson("lad", code),
                                     f"{meta['short_title']}, {period_label(period)}", unit)
    ui.chart(fig, f"{indicator}_{period}_map",
             f"Map of the same figures in {len(classes.bins)} quantile classes: "
             + "; ".join(f"{lab} ({n} districts)" for lab, n in zip(classes.labels, classes.counts, strict=True))
             + ".")

st.subheader(f"{meta['short_title']} over time")
both = pd.concat([county[county["indicator_id"] == indicator], lad], ignore_index=True)
target = data.target_path(indicator, code, "utla")  # in force at each period (a local trajectory moves it)
series = county[county["indicator_id"] == indicator].dropna(subset=["value"]).sort_values("period")
ui.chart(charts.trend(both, code, unit, target), f"{indicator}_trend",
         f"{meta['definition']} Bold: {name} with its 95% confidence interval"
         + (f" ({fmt_number(series.iloc[0]['value'], unit)} in {period_label(series.iloc[0]['period'])}, "
            f"{fmt_number(series.iloc[-1]['value'], unit)} in {period_label(series.iloc[-1]['period'])})"
            if len(series) else "") + "; thin lines: districts.", both)
ui.definition_link(indicator)
