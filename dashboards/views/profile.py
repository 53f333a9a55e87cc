"""Area profile: a spine chart of every indicator for one area against England (where published),
its statistical neighbours and its parent area, with the figures beside it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import data, spine, ui
from dashboards.formatting import fmt_number, period_label
from jsna.publish import charts

catalogue = data.indicators()
home = ui.home_page("Area profile")
top = st.columns([2, 3])
code, name, level = ui.area_picker(home, container=top[0])
parent = data.parent_of(code)
st.caption(f"Every indicator's latest figure for {name}, against England where it is published, its statistical "
           "neighbours and its parent area"
           + (f" ({parent['parent_name']})" if parent is not None else "") + ".")

area_rows = data.area_series(tuple(catalogue.index), code, level)
latest = spine.latest_periods(area_rows)
if not latest:
    ui.no_data(f"any indicator for {name}")
    st.stop()
peers = data.peers(level, latest)
ranged = f"every {'district' if level == 'lad' else 'upper-tier authority'} published"
if peers["area_code"].nunique() < 3:  # a lone authority (the demo county): the range of its districts
    districts = tuple(data.areas("lad", code)["area_code"])
    peers, ranged = data.peers("lad", latest, districts), f"the districts of {name}"
parent_rows = data.area_series(tuple(latest), str(parent["parent_code"]), str(parent["parent_level"])) \
    if parent is not None else None
rows = spine.rows(area_rows, peers, data.comparisons(tuple(latest), code, level), catalogue, parent_rows)

counts = set(catalogue.index[catalogue["method"] == "count"])
fig = charts.spine(rows[~rows["indicator_id"].isin(counts)])  # counts sit in the table: sizes differ
worse = rows[rows["comparison"] == "worse"]["label"].tolist()
better = rows[rows["comparison"] == "better"]["label"].tolist()
ui.chart(fig, f"profile_{code}",
         f"Spine chart of {len(rows) - rows['indicator_id'].isin(counts).sum()} indicators for {name} (counts are in "
         "the table only). Each bar is centred on the benchmark (England where "
         "published, otherwise the parent area or the middle of the areas); light grey spans the lowest to the "
         f"highest of {ranged}, dark grey the middle half; the dot is this area, coloured by its comparison "
         "(blue-green better, yellow similar, vermillion worse, blue higher or lower where there is no judgement), "
         "with better to the right. "
         + (f"Worse: {', '.join(worse)}. " if worse else "") + (f"Better: {', '.join(better)}." if better else ""))

table = rows.assign(
    Indicator=rows["label"], Period=rows["period"].map(period_label),
    **{name: [fmt_number(v, u) for v, u in zip(rows["value"], rows["unit"], strict=True)],
       "Comparison": rows["comparison"],
       "Benchmark": [f"{fmt_number(v, u)} ({b})" if pd.notna(v) else "none" for v, u, b in
                     zip(rows["benchmark"], rows["unit"], rows["benchmark_is"], strict=True)],
       "England": [fmt_number(v, u) if v is not None and pd.notna(v) else "not published"
                   for v, u in zip(rows["england"], rows["unit"], strict=True)],
       "Neighbours": [fmt_number(v, u) if v is not None and pd.notna(v) else "not published"
                      for v, u in zip(rows["neighbours"], rows["unit"], strict=True)],
       "Lowest": [fmt_number(v, u) for v, u in zip(rows["lo"], rows["unit"], strict=True)],
       "Highest": [fmt_number(v, u) for v, u in zip(rows["hi"], rows["unit"], strict=True)]})
ui.table(table[["Indicator", "Period", name, "Comparison", "Benchmark", "England", "Neighbours", "Lowest",
               "Highest"]], f"Every indicator for {name}, its latest period")
ui.download(area_rows[area_rows.apply(lambda r: latest.get(r["indicator_id"]) == r["period"], axis=1)],
            f"profile_{code}", "Download this area's figures (CSV)")
chosen = ui.url_choice("Definition of", list(rows["indicator_id"]), "indicator",
                       format_func=lambda i: catalogue.loc[i, "title"], container=top[1])
if chosen:
    meta = catalogue.loc[chosen]
    st.markdown(f"**{meta['title']}**: {meta['definition']}")
    ui.definition_link(str(chosen))
