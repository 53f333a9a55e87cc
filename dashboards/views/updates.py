"""Data updates: every refresh (its status and the reason in one sentence, its files and their row accounting)
and what changed in the headline figures since the previous build. Reads published.runs, run_files and
headline_history only."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import data, ui
from dashboards.formatting import breakdown_label, fmt_number, period_label
from jsna.publish.headline_history import changes
from jsna.publish.run_summary import reasons_text

STATUS = {"succeeded": "Published", "unchanged": "Unchanged", "failed": "Failed", "abandoned": "Stopped"}
ICONS = {"succeeded": ":material/check_circle:", "unchanged": ":material/pause_circle:",
         "failed": ":material/error:", "abandoned": ":material/cancel:"}


def when(value: object) -> str:
    stamp = pd.to_datetime(value, utc=True)
    return "" if pd.isna(stamp) else stamp.strftime("%d %b %Y %H:%M UTC")


def figure(value: object, symbol: object, unit: str) -> str:
    if value is None or pd.isna(value):  # type: ignore[arg-type]
        return str(symbol) if isinstance(symbol, str) and symbol else "not published"
    return fmt_number(value, unit)


st.title("Data updates")
st.caption("Every refresh of the warehouse: whether it published, and why not when it did not; the files it read "
           "and how many of their rows were loaded or quarantined; and what changed in the headline figures.")
runs = data.runs()
if runs.empty:
    st.warning("No refresh has finished yet: run `jsna refresh`.")
    st.stop()

latest = runs.iloc[0]
says = f"Latest refresh (run {latest['run_id']}, {when(latest['finished_at'])}): " \
       f"{STATUS.get(str(latest['status']), str(latest['status'])).lower()}. {latest['reason']}"
if latest["status"] in ("failed", "abandoned"):
    st.error(says, icon=":material/error:")
else:
    st.success(says, icon=ICONS.get(str(latest["status"])))

# -- what changed ----------------------------------------------------------------------------------
st.subheader("What changed in the headline figures")
history = data.headline_history()
changed = changes(history)
if changed.empty:
    st.caption("No build has published headline figures yet.")
elif history["run_id"].nunique() < 2:
    st.caption(f"Run {history['run_id'].max()} is the first build with headline figures: nothing to compare yet.")
else:
    catalogue = data.indicators()
    builds = sorted(history["run_id"].unique())
    titles = catalogue["title"].to_dict() if len(catalogue) else {}
    units = catalogue["unit"].to_dict() if len(catalogue) else {}
    shown = pd.DataFrame({
        "Figure": [titles.get(i, i) + ("" if b == "all" else f", {breakdown_label(b)}")
                   for i, b in zip(changed["indicator_id"], changed["breakdown"], strict=True)],
        "Before": [f"{figure(v, s, units.get(i, ''))} ({period_label(p)})" if isinstance(p, str) else "not published"
                   for i, v, s, p in zip(changed["indicator_id"], changed["value_before"], changed["symbol_before"],
                                         changed["period_before"], strict=True)],
        "Now": [f"{figure(v, s, units.get(i, ''))} ({period_label(p)})" if isinstance(p, str) else "not published"
                for i, v, s, p in zip(changed["indicator_id"], changed["value_now"], changed["symbol_now"],
                                      changed["period_now"], strict=True)],
        "Change": changed["change"].round(1),
    })
    moved = int(changed["change"].fillna(0).ne(0).sum() + (changed["period_now"] != changed["period_before"]).sum())
    ui.table(shown, f"Headline figures published by run {builds[-1]} against run {builds[-2]}", decimals={"Change": 1},
             na_rep="")
    st.caption("No headline figure changed." if not moved else
               "Change: the new figure less the one before, in its own unit; blank where either is suppressed "
               "or not published.")

# -- each refresh ----------------------------------------------------------------------------------
st.subheader("Every refresh")
ui.table(pd.DataFrame({
    "Run": runs["run_id"], "Started": runs["started_at"].map(when), "Finished": runs["finished_at"].map(when),
    "Status": runs["status"].map(lambda s: STATUS.get(str(s), str(s))), "Reason": runs["reason"],
    "Files": runs["files"], "New files": runs["new_files"],
}), f"The latest refreshes, newest first ({len(runs)} shown)")

files = data.run_files(tuple(int(r) for r in runs["run_id"]))
for run in runs.itertuples():
    mine = files[files["run_id"] == run.run_id]
    label = f"Run {run.run_id}, {when(run.started_at)}: {STATUS.get(str(run.status), str(run.status))}"
    with st.expander(label, icon=ICONS.get(str(run.status)), expanded=bool(run.Index == 0)):
        st.markdown(f"**{STATUS.get(str(run.status), str(run.status))}.** {run.reason}")
        if mine.empty:
            st.caption("No file was recorded for this refresh.")
            continue
        reasons = [reasons_text([(r[f"reason_{k}"], r[f"reason_{k}_rows"]) for k in (1, 2, 3)])
                   for _, r in mine.iterrows()]
        ui.table(pd.DataFrame({
            "Source": mine["source_name"], "Publisher": mine["publisher"], "Period": mine["period"].fillna(""),
            "File": mine["file_name"], "SHA-256": mine["sha256"].str[:12],
            "Read now": mine["new"].map({True: "yes", False: "no, as before"}),
            "Rows in": mine["rows_in"], "Loaded": mine["rows_loaded"], "Quarantined": mine["rows_quarantined"],
            "Commonest quarantine reasons": reasons,
        }), f"Files of run {run.run_id}")
        ui.download(mine.drop(columns=["run_id"]), f"run_{run.run_id}_files", "Download this run's files (CSV)")
