"""Overview: the headline figures against their targets, their trend, and the map by district."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import charts, data
from dashboards.formatting import COMPARISON_COLOURS, TREND_ARROWS, fmt_value, period_label

HEADLINES = ["ehcp_rate_0_25", "ehcp_20_weeks"]

catalogue = data.indicators().set_index("indicator_id")
home = data.home_area()
st.title(f"SEND needs assessment: {home['area_name']}")
st.caption("Children and young people aged 0-25 with special educational needs and disabilities. "
           "Figures are disclosure-controlled: counts under 5 are shown as suppressed.")

if catalogue.empty or home["area_code"] is None:
    st.warning("Nothing has been published yet: run `jsna refresh`.")
    st.stop()

# -- headline figures ------------------------------------------------------------------------------
cols = st.columns(len(HEADLINES))
for col, ind_id in zip(cols, HEADLINES, strict=True):
    meta = catalogue.loc[ind_id]
    series = data.values(ind_id, "utla")
    series = series[series["area_code"] == home["area_code"]].sort_values("period")
    with col:
        if series.empty:
            st.metric(meta["short_title"], "no data")
            continue
        latest = series.iloc[-1]
        previous = series.iloc[-2] if len(series) > 1 else None
        delta = None
        if previous is not None and pd.notna(latest["value"]) and pd.notna(previous["value"]):
            delta = f"{latest['value'] - previous['value']:+.1f} since {period_label(previous['period'])}"
        st.metric(f"{meta['short_title']} ({period_label(latest['period'])})",
                  fmt_value(latest["value"], meta["unit"]), delta=delta, delta_color="off",
                  help=meta["definition"])
        colour = COMPARISON_COLOURS.get(latest["comparison"], "#6d6d6d")
        against = f" against {latest['comparator']}" if latest["comparator"] else ""
        arrow = TREND_ARROWS.get(latest["trend"] or "", "")
        st.markdown(f"<span style='color:{colour};font-weight:600' data-testid='headline-comparison'>"
                    f"{latest['comparison']}{against}</span> {arrow} {latest['trend'] or ''}",
                    unsafe_allow_html=True)

# -- one indicator in depth -----------------------------------------------------------------------
st.divider()
choices = list(catalogue.index)
default = st.query_params.get("indicator", HEADLINES[0])
indicator = st.selectbox("Indicator", choices, index=choices.index(default) if default in choices else 0,
                         format_func=lambda i: catalogue.loc[i, "title"], key="indicator")
st.query_params["indicator"] = indicator
meta = catalogue.loc[indicator]
districts = data.values(indicator, "lad")
county = data.values(indicator, "utla")
periods = sorted(districts["period"].unique())
if not periods:
    st.info("No district figures are published for this indicator.")
    st.stop()
wanted = st.query_params.get("period", periods[-1])
period = st.select_slider("Period", options=periods, value=wanted if wanted in periods else periods[-1],
                          format_func=period_label, key="period")
st.query_params["period"] = period

left, right = st.columns([3, 2])
with left:
    shown = districts[districts["period"] == period]
    st.plotly_chart(
        charts.choropleth(shown, data.area_geojson("lad", home["area_code"]),
                          f"{meta['short_title']} by district, {period_label(period)}", meta["unit"]),
        config=charts.config(f"{indicator}_{period}_map"),
    )
with right:
    both = pd.concat([county[county["area_code"] == home["area_code"]], districts], ignore_index=True)
    st.plotly_chart(charts.trend(both, home["area_code"], meta["unit"],
                                 meta["target"] if pd.notna(meta["target"]) else None),
                    config=charts.config(f"{indicator}_trend"))
    st.caption(f"{meta['definition']} Bold: {home['area_name']}, with its 95% confidence interval.")

table = shown[["area_name", "numerator", "denominator", "value", "lower_ci95", "upper_ci95", "comparison",
               "symbol"]].rename(columns={"area_name": "District", "value": meta["unit"]})
st.dataframe(table, hide_index=True)
st.download_button("Download this table (CSV, suppressed)", shown.to_csv(index=False).encode(),
                   file_name=f"{indicator}_{period}_districts.csv", mime="text/csv")
