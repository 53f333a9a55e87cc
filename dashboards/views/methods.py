"""Data and methods: each indicator's metadata, each source's freshness and data-quality counts, and
the lineage from every indicator back to the files it was computed from (file name and SHA-256)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import data, ui
from dashboards.formatting import LEVEL_NAMES, in_sentence, period_label
from jsna.publish import charts

catalogue = data.indicators()
sources = data.sources()
loaded = pd.to_datetime(sources["loaded_at"], utc=True) if len(sources) else pd.Series(dtype="datetime64[ns, UTC]")
shown_sources = sources.assign(loaded_at=loaded.dt.strftime("%Y-%m-%d %H:%M UTC"))  # as the tables show it
st.title("Data and methods")
st.caption("What each figure means, where it comes from, and how fresh and clean the data behind it is.")
if catalogue.empty:
    st.warning("Nothing has been published yet: run `jsna refresh`.")
    st.stop()

# -- one indicator ---------------------------------------------------------------------------------
st.subheader("Indicator definitions")
published = data.present()
indicator = str(ui.url_choice("Indicator", list(catalogue.index), "indicator",
                              format_func=lambda i: f"{catalogue.loc[i, 'title']}"
                              + ("" if i in published else " (no data yet)")))
meta = catalogue.loc[indicator]
left, right = st.columns([3, 2])
with left:
    st.markdown(f"#### {meta['title']}")
    st.markdown(f"{meta['definition']}")
    fields = {
        "Numerator": meta["numerator"], "Denominator": meta["denominator"],
        "Unit": f"{meta['unit']} (multiplier {float(meta['multiplier']):g})", "Method": meta["method"],
        "Polarity": {"high_is_good": "higher is better", "low_is_good": "lower is better"}.get(
            str(meta["polarity"]), "no judgement (higher or lower)"),
        "Target": f"{float(meta['target']):g}" if pd.notna(meta["target"]) else "none",
        "Levels": meta["levels"], "Periods": meta["period_type"], "Caveats": meta["caveats"] or "none",
        "Sources": meta["sources"],
    }
    st.markdown("\n".join(f"- **{k}**: {v}" for k, v in fields.items()))
with right:
    cover = data.coverage(indicator)
    if cover.empty:
        ui.no_data(meta["short_title"])
    else:
        summary = cover.groupby("area_level").agg(periods=("period", "nunique"), first=("period", "min"),
                                                  last=("period", "max")).reset_index()
        summary["area_level"] = summary["area_level"].map(lambda lv: LEVEL_NAMES.get(lv, lv))
        summary["first"], summary["last"] = summary["first"].map(period_label), summary["last"].map(period_label)
        st.markdown("**Published for**")
        ui.table(summary.rename(columns={"area_level": "Level", "periods": "Periods", "first": "From",
                                         "last": "To"}), "Levels and periods published")

# -- lineage ---------------------------------------------------------------------------------------
st.markdown("**Lineage: the files this indicator was computed from**")
wanted = [s.strip() for s in str(meta["sources"]).split(",") if s.strip()]
lineage = shown_sources[sources["source_name"].isin(wanted) | sources["kind"].isin(wanted)]
if lineage.empty:
    st.caption("None of this indicator's sources has been loaded (" + ", ".join(wanted) + ").")
else:
    ui.table(lineage[["source_name", "kind", "file_name", "sha256", "loaded_at"]],
             f"The files behind {in_sentence(meta['short_title'])}")
    missing_sources = [w for w in wanted if w not in set(lineage["source_name"]) | set(lineage["kind"])]
    st.caption("Each file is identified by its SHA-256 checksum, so a figure can be traced to the exact file "
               "loaded." + (f" Not loaded: {', '.join(missing_sources)}." if missing_sources else ""))

# -- sources ---------------------------------------------------------------------------------------
st.subheader("Sources: freshness and data quality")
if sources.empty:
    st.info("No source has been loaded yet.")
else:
    now = pd.Timestamp.now(tz="UTC")
    table = sources.assign(
        age_days=(now - loaded).dt.days,
        quarantined_pct=(100 * sources["rows_quarantined"] / sources["rows_in"].where(sources["rows_in"] > 0)).round(2),
    )
    order = table.sort_values("rows_in")
    rows = pd.concat([  # on a log scale: loaded rows from 1, quarantined ones after them
        order.assign(part="Loaded", start=1, end=order["rows_loaded"], count=order["rows_loaded"]),
        order.assign(part="Quarantined", start=order["rows_loaded"].clip(lower=1),
                     end=order["rows_loaded"].clip(lower=1) + order["rows_quarantined"],
                     count=order["rows_quarantined"])])
    fig = charts.segments(rows, "source_name", {"Loaded": charts.QUALITATIVE[0], "Quarantined": charts.QUALITATIVE[5]},
                          "rows (log scale)", log=True)
    worst = table.sort_values("quarantined_pct", ascending=False).iloc[0]
    ui.chart(fig, "sources_quality",
             f"Rows loaded and quarantined for each of {len(table)} sources. {int(table['rows_in'].sum()):,} rows "
             f"read, {int(table['rows_quarantined'].sum()):,} quarantined"
             + (f"; most quarantined: {worst['source_name']} ({worst['quarantined_pct']:.2f}%)."
                if worst["rows_quarantined"] else "; none quarantined.")
             + f" Oldest load: {int(table['age_days'].max())} days ago.")
    columns = ["source_name", "kind", "file_name", "sha256", "loaded_at", "age_days", "rows_in", "rows_loaded",
               "rows_quarantined", "quarantined_pct"]
    ui.table(table.assign(loaded_at=shown_sources["loaded_at"])[columns], "Every source loaded: when, and its rows",
             decimals={"quarantined_pct": 2})
    ui.download(table, "sources", "Download the source log (CSV)")

# -- validation rules ------------------------------------------------------------------------------
rules = data.source_rules()
if not rules.empty:
    st.subheader("Statutory returns: validation rules broken")
    errors = rules[rules["severity"] == "error"]
    st.caption(f"{len(rules)} rules broken across {rules['file_name'].nunique()} files: {len(errors)} errors (the "
               f"records they touch were quarantined, not loaded) and {len(rules) - len(errors)} queries (reported "
               "only). Check a return with `jsna sources check` before submitting it.")
    ui.table(rules[["source_name", "file_name", "severity", "reference", "message", "rows"]],
             "Each rule a loaded return breaks, and how many of its records break it")

# -- catalogue -------------------------------------------------------------------------------------
whole = st.expander("The whole indicator catalogue", key="catalogue", bind="query-params")
if whole.open:  # drawn when opened: the grid's script is large
    with whole:
        st.dataframe(catalogue.reset_index(drop=True), hide_index=True)
        ui.download(catalogue.reset_index(drop=True), "indicator_catalogue", "Download the catalogue (CSV)",
                    columns=False)
st.caption("Methods: proportions use Wilson score intervals; rates and counts exact Poisson limits below 10 and "
           "Byars above; comparisons test whether the 95% interval excludes the comparator; funnel plots (every "
           "proportion and rate, Health waits page) use Fingertips' exact limits, or Spiegelhalter's limits "
           "adjusted for overdispersion (multiplicative φ or additive τ², from winsorised z-scores). No indicator "
           "is age-standardised (see ehcp_rate_0_25). Counts from 1 to 4 are suppressed (c), and further "
           "cells are suppressed where they could be worked out from totals.")
