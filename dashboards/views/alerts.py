"""Alerts: the [[alerts]] rules' open breaches and their history, and the statutory milestones (children whose
decision, assessment, final plan, health advice or annual review is overdue or due soon) by place, team and week."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import data, ui
from dashboards.tables import html_table

STEPS = {"decision_6w": "Decision whether to assess (6 weeks)",
         "assessment_16w": "Decision whether to issue a plan (16 weeks)",
         "final_plan_20w": "Final EHC plan (20 weeks)", "health_advice_6w": "Health advice (6 weeks)",
         "annual_review": "Annual review (12 months)"}
HORIZONS = {"overdue": "Overdue", "next_14_days": "Due in 14 days", "next_28_days": "Due in 28 days"}
LEVELS = {"utla": "Authority", "lad": "District", "unplaced": "No district recorded", "trust": "NHS trust"}

home = ui.home_page("Alerts")
code, name = str(home["area_code"]), str(home["area_name"])


def shown(frame: pd.DataFrame) -> pd.DataFrame:
    """A count as published: the suppression symbol where it is withheld."""
    return frame.assign(children=frame["children"].astype(object).where(frame["children"].notna(), frame["symbol"]))


# -- alerts ----------------------------------------------------------------------------------------
alerts = data.alerts()
open_alerts = alerts[alerts["status"] == "open"]
st.caption(f"Alerts are the rules in jsna.toml checked against the published figures after every refresh. "
           f"Open now: {len(open_alerts):,}.")
columns = {"title": "What", "area_name": "Where", "detail": "Measure", "value": "Latest value",
           "direction": "Breach when", "threshold": "Threshold", "period": "As at", "since": "Since"}
if open_alerts.empty:
    st.success("No alert is open.", icon=":material/check_circle:")
else:
    st.html(html_table(open_alerts[list(columns)].rename(columns=columns), "Open alerts",
                       decimals={"Latest value": 1, "Threshold": 1}))
history = alerts[alerts["status"] == "closed"]
if len(history):
    cols = {**columns, "opened_at": "Opened", "closed_at": "Closed"}
    frame = history[list(cols)].assign(opened_at=pd.to_datetime(history["opened_at"], utc=True).dt.strftime(
        "%Y-%m-%d %H:%M"), closed_at=pd.to_datetime(history["closed_at"], utc=True).dt.strftime("%Y-%m-%d %H:%M"))
    st.html(html_table(frame.rename(columns=cols), "Closed alerts", decimals={"Latest value": 1, "Threshold": 1}))

# -- statutory milestones --------------------------------------------------------------------------
st.subheader("Statutory milestones")
steps = data.milestones(code)
if steps.empty:
    ui.no_data("the statutory milestones (case-level EHC extracts or SEN2 returns)")
    st.stop()
as_at = pd.Timestamp(steps["as_at"].iloc[0]).strftime("%d %B %Y")
st.caption(f"Open steps as at {as_at} (the latest date in the case data unless jsna.toml sets one), counted in "
           "calendar weeks from the day each request was received. Counts of 1 to 4 are shown as c.")
steps = shown(steps)
head = steps[(steps["area_level"] == "utla") & steps["horizon"].isin(list(HORIZONS))]
table = head.pivot_table(index="milestone", columns="horizon", values="children", aggfunc="first")
table = table.reindex(index=[s for s in STEPS if s in table.index], columns=list(HORIZONS))
table.index = table.index.map(STEPS)
st.html(html_table(table.rename(columns=HORIZONS).rename_axis("Step"), f"{name}: children", index=True))

step = str(ui.url_choice("Step", [s for s in STEPS if s in set(steps["milestone"])], "step",
                         format_func=lambda s: STEPS[s]))
one = steps[(steps["milestone"] == step) & steps["horizon"].isin(list(HORIZONS))]
places = one[one["area_level"].isin(["lad", "unplaced", "trust"])]
if len(places):
    label = (places["area_level"].map(LEVELS) + ": " + places["area_name"]).where(
        places["area_level"] != "unplaced", LEVELS["unplaced"])
    by_place = places.assign(place=label).pivot_table(index="place", columns="horizon", values="children",
                                                      aggfunc="first")
    st.html(html_table(by_place.reindex(columns=list(HORIZONS)).rename(columns=HORIZONS).rename_axis("Place"),
                       f"{STEPS[step]}: by place", index=True))
teams = one[one["area_level"] == "team"]
if len(teams):
    by_team = teams.pivot_table(index="team", columns="horizon", values="children", aggfunc="first")
    st.html(html_table(by_team.reindex(columns=list(HORIZONS)).rename(columns=HORIZONS).rename_axis("Team"),
                       f"{STEPS[step]}: by team", index=True))
weeks = steps[(steps["milestone"] == step) & (steps["area_level"] == "utla") & steps["week_start"].notna()]
if len(weeks):
    by_week = pd.DataFrame({"Week beginning": pd.to_datetime(weeks["week_start"]).dt.strftime("%d %b %Y"),
                            "Children due": weeks["children"]})
    st.html(html_table(by_week, f"{STEPS[step]}: due by week"))
