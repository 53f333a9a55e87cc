"""Overview: the headline figures against their targets, a generated narrative, the districts at a
glance, and one indicator in depth (map and trend)."""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from dashboards import data, ui
from dashboards.formatting import (
    COMPARISON_COLOURS,
    COMPARISON_TEXT_COLOURS,
    breakdown_label,
    fmt_number,
    in_sentence,
    period_label,
)
from jsna.publish import charts, headlines, narrative

RUG = ["ehcp_rate_0_25", "ehcp_requests_rate", "ehcp_20_weeks", "ehcp_specialist_placement", "ehcp_neet_16_25",
       "waiting_over_18_weeks", "cin_disability_rate", "short_breaks_pct"]

catalogue = data.indicators()
home = data.home_area()
st.title(f"SEND needs assessment: {home['area_name']}")
st.caption("Children and young people aged 0-25 with special educational needs and disabilities. "
           "Figures are disclosure-controlled: counts under 5 are shown as suppressed.")

if catalogue.empty or home["area_code"] is None:
    st.warning("Nothing has been published yet: run `jsna refresh`.")
    st.stop()

code, name = str(home["area_code"]), str(home["area_name"])
published = [i for i in headlines.HEADLINES if i in catalogue.index]
series = data.area_series(tuple(published + (["ehcp_plans"] if "ehcp_plans" in catalogue.index else [])), code,
                          "utla")  # the headlines' series and the count of plans, in one read
compared = data.comparisons(tuple(published), code, "utla")
england = compared[compared["comparator_type"] == "england"].rename(columns={"comparator_value": "value"})
waits = data.breakdown_values("wait_median_weeks", code, "pathway", "utla") if "wait_median_weeks" in catalogue.index \
    else series.iloc[0:0]
over_18 = data.breakdown_values("waiting_over_18_weeks", code, "pathway", "utla") \
    if "waiting_over_18_weeks" in catalogue.index else series.iloc[0:0]
trusts = data.values("advice_6_weeks", "trust") if "advice_6_weeks" in catalogue.index else series.iloc[0:0]


entry = partial(ui.indicator_meta, catalogue)  # an indicator's catalogue entry, or a titled stand-in


def of(indicator_id: str) -> pd.DataFrame:
    return series[series["indicator_id"] == indicator_id]


# -- headline figures ------------------------------------------------------------------------------
st.subheader("Headlines")
education = st.columns(3)
with education[0]:
    ui.headline(entry("ehcp_20_weeks", "New EHC plans within 20 weeks"), of("ehcp_20_weeks"))
with education[1]:
    ui.headline(entry("ehcp_rate_0_25", "EHC plans per 1,000"), of("ehcp_rate_0_25"),
                note=headlines.plans_note(of("ehcp_plans")))
with education[2]:
    ui.headline(entry("ehcp_backlog", "Assessments open past 20 weeks"), of("ehcp_backlog"))

health = st.columns(3)
with health[0]:
    advice, label, note = headlines.advice(of("advice_6_weeks"), trusts)
    ui.headline(entry("advice_6_weeks", "Health advice within 6 weeks"), advice, label=label, note=note)
longest = headlines.longest_pathway(waits)
with health[1]:
    ui.headline(entry("wait_median_weeks", "Median wait"),
                waits[waits["breakdown"] == longest] if longest else waits.iloc[0:0],
                label=f"Median wait, {breakdown_label(longest)}" if longest else None,
                note=headlines.other_pathways(waits, longest))
with health[2]:
    ui.headline(entry("waiting_over_18_weeks", "Waiting over 18 weeks"),
                over_18[over_18["breakdown"] == longest] if longest else over_18.iloc[0:0],
                label=f"Waiting over 18 weeks, {breakdown_label(longest)}" if longest else None)

# -- narrative -------------------------------------------------------------------------------------
story = narrative.overview(name, catalogue, series, waits, over_18, england)
if story:
    st.markdown("\n".join(f"- {s}" for s in story), help=None)
    st.caption("Generated from the published figures. England's figures are quoted where they are published.")

# -- districts at a glance -------------------------------------------------------------------------
st.subheader("Districts at a glance")
districts = data.areas("lad", code)
rug = data.level_latest("lad", tuple(districts["area_code"]), tuple(i for i in RUG if i in catalogue.index)) \
    if len(districts) else series.iloc[0:0]
if rug.empty:
    st.info("No district figures are published yet.")
else:
    rug = rug.assign(indicator=rug["indicator_id"].map(catalogue["short_title"]))
    cells = rug.pivot_table(index="area_name", columns="indicator", values="value", aggfunc="first")
    judged = rug.pivot_table(index="area_name", columns="indicator", values="versus", aggfunc="first")
    order = [catalogue.loc[i, "short_title"] for i in RUG if i in set(rug["indicator_id"])]
    cells, judged = cells[order], judged[order]

    styles = judged.map(lambda c: f"background-color: {COMPARISON_COLOURS.get(c, '#ffffff')}; "
                                  f"color: {COMPARISON_TEXT_COLOURS.get(c, '#1a1a1a')}" if isinstance(c, str) else "")
    cells.index.name = "District"
    ui.table(cells, f"The latest figure for each district of {name}", index=True, decimals=dict.fromkeys(order, 1),
             na_rep="c", styles=styles)
    when = ", ".join(f"{catalogue.loc[i, 'short_title']} {period_label(p)}"
                        for i, p in rug.groupby("indicator_id")["period"].first().items())
    worse = rug[rug["versus"] == "worse"].groupby("area_name").size().sort_values(ascending=False)
    st.caption(f"Each district's latest figure, coloured by its comparison with {name} (polarity-aware: "
               "blue-green better, yellow similar, vermillion worse; blues higher or lower where there is no "
               f"judgement; c: suppressed). Periods: {when}. "
               + (f"Most often worse: {worse.index[0]} ({worse.iloc[0]} of {len(order)} indicators)."
                  if len(worse) else ""))
    ui.download(rug, "districts_at_a_glance")

# -- one indicator in depth -----------------------------------------------------------------------
st.divider()
st.subheader("One indicator by district")
available = data.present()
with_districts = [i for i in catalogue.index if i in available]
indicator = ui.url_choice("Indicator", with_districts, "indicator", default="ehcp_rate_0_25",
                          format_func=lambda i: catalogue.loc[i, "title"])
if indicator is None:
    st.stop()
meta = catalogue.loc[indicator]
lad_values = data.values(indicator, "lad")
county = data.values(indicator, "utla", area_codes=(code,))
periods = sorted(lad_values["period"].unique())
if not periods:
    st.info("No district figures are published for this indicator.")
    st.stop()
period = ui.url_choice("Period", periods, "period", default=periods[-1], format_func=period_label, widget="slider")
shown = lad_values[lad_values["period"] == period]

left, right = st.columns([3, 2])
with left:
    fig, classes = charts.choropleth(shown, data.area_geojson("lad", code),
                                     f"{meta['short_title']} by district, {period_label(str(period))}",
                                     str(meta["unit"]))
    top = shown.dropna(subset=["value"]).sort_values("value")
    ui.chart(fig, f"{indicator}_{period}_map",
             f"Map of {in_sentence(meta['short_title'])} in {len(shown)} districts, {period_label(str(period))}, in "
             f"{len(classes.bins)} quantile classes. "
             + (f"Highest: {top.iloc[-1]['area_name']} ({fmt_number(top.iloc[-1]['value'], str(meta['unit']))}); "
                f"lowest: {top.iloc[0]['area_name']} ({fmt_number(top.iloc[0]['value'], str(meta['unit']))}). "
                if len(top) else "")
             + f"{shown['value'].isna().sum()} suppressed.")
with right:
    both = pd.concat([county, lad_values], ignore_index=True)
    ui.chart(charts.trend(both, code, str(meta["unit"]), data.target_path(indicator, code, "utla")),
             f"{indicator}_trend",
             f"{meta['definition']} Bold: {name}, with its 95% confidence interval; thin lines: its districts.")
    ui.definition_link(indicator)

table = shown[["area_name", "numerator", "denominator", "value", "lower_ci95", "upper_ci95", "comparison",
               "symbol"]].rename(columns={"area_name": "District", "value": meta["unit"]})
ui.table(table, f"{meta['short_title']} by district, {period_label(str(period))}",
         decimals={str(meta["unit"]): 1, "lower_ci95": 1, "upper_ci95": 1})
ui.download(shown, f"{indicator}_{period}_districts", "Download this table (CSV, suppressed)", columns=False)
