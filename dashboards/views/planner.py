"""Sufficiency planner: where EHC plans are heading (fan charts), specialist places against the demand for
them by district and need and the year each district runs short, what-if scenarios recomputed on the page,
and how far children live from a special school with places for their need."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import data, ui
from dashboards.formatting import fmt_number
from jsna.forecasting import sufficiency as SUF
from jsna.forecasting.series import period_year
from jsna.publish import charts
from jsna.schemas.vocab import PRIMARY_NEEDS

ALL = "all"
PROVISION = {"special": "Special school places", "resourced": "Resourced provision / SEN units",
             ALL: "Both (resourced places seat special-school demand)"}
MEASURES = {"ehc_plans": "EHC plans", "requests": "Requests for assessment", "new_plans": "New EHC plans"}
UNITS = {"ehc_plans": "plans", "requests": "requests", "new_plans": "plans"}
HISTORY = {"ehc_plans": "ehcp_plans", "requests": "ehcp_requests_rate"}  # whose numerators are the observed series
TOPIC_BREAKDOWN = {"age band": "age_band", "placement": "placement", "primary need": "primary_need"}


def need_name(code: str) -> str:
    return "All needs" if code == ALL else f"{code}: {PRIMARY_NEEDS.get(code, code)}"


home = ui.home_page("Sufficiency planner")
code, name = str(home["area_code"]), str(home["area_name"])
districts = data.areas("lad", code)
names = {code: name, **dict(zip(districts["area_code"], districts["area_name"], strict=True))}
table = data.sufficiency(tuple(names))  # the home area's districts (a warehouse may hold more than one area)
lads = list(districts["area_code"]) or sorted(table["area_code"].unique())
st.caption(f"Place planning for {name}: EHC plans forecast five years on with 80% and 95% prediction intervals; "
           "specialist places against the children projected to need them, by district and primary need; "
           "scenarios; and distances to the nearest special school with places for each need. Forecasts are "
           "measured against simple baselines in `jsna forecast backtest`; figures under the disclosure threshold "
           "are withheld (c).")

# -- sections, one tab each (ui.sections) ----------------------------------------------------------


def forecast_section() -> None:
    """Fan charts of EHC plans (or requests) by area and breakdown, with the observed series."""
    forecasts = data.forecasts(tuple(names))
    mine = forecasts[forecasts["area_code"].isin(list(names))]
    choices = list(dict.fromkeys(c for c in names if c in set(mine["area_code"])))
    if not choices:
        ui.no_data("a caseload forecast for this area (it needs case-level EHC extracts or DfE's caseload statistics)")
    else:
        if code not in choices:
            st.caption(f"{name} as a whole is forecast from DfE's published caseload statistics (source kind "
                       "`ees_ehcp`), not loaded here; its districts are forecast from the case-level extract.")
        row = st.columns([3, 2, 2, 2])
        pick = str(ui.url_choice("Area", choices, "fc_area", format_func=lambda c: names[c] if c == code
                                 else f"{names[c]} (district)", container=row[0]))
        here = mine[mine["area_code"] == pick]
        measures = [m for m in MEASURES if m in set(here["measure"])]
        measure = str(ui.url_choice("Measure", measures, "fc_measure", format_func=MEASURES.__getitem__,
                                    container=row[1]))
        here = here[here["measure"] == measure]
        topics = ["Total", *sorted(set(here["breakdown_topic"]) - {"Total"})]
        topic = str(ui.url_choice("Breakdown", topics, "fc_topic", format_func=lambda t: t.capitalize(),
                                  container=row[2]))
        cats = sorted(set(here.loc[here["breakdown_topic"] == topic, "breakdown"]))
        category = str(ui.url_choice(topic.capitalize(), cats, "fc_breakdown", container=row[3],
                                     format_func=lambda b: need_name(b) if topic == "primary need" else str(b))) \
            if topic != "Total" else "Total"
        fc = here[(here["breakdown_topic"] == topic) & (here["breakdown"] == category)]
        level = "utla" if pick == code else "lad"
        indicator = HISTORY.get(measure)
        wanted = "all" if topic == "Total" else f"{TOPIC_BREAKDOWN.get(topic, topic)}={category}"
        hist = data.values(indicator, level, wanted, area_codes=(pick,)) if indicator and indicator in data.present() \
            else pd.DataFrame(columns=["period", "numerator"])
        history = pd.DataFrame({"year": period_year(hist["period"]), "value": hist["numerator"]})
        unit = UNITS[measure]
        label = MEASURES[measure] + ("" if topic == "Total" else f", {topic} {category}")
        shown = fc.dropna(subset=["point"])
        observed = f", {fmt_number(history['value'].iloc[-1])} in {int(history['year'].iloc[-1])}" \
            if len(history) else ""
        ahead = (f"; forecast {fmt_number(shown['point'].iloc[-1])} in {int(shown['year'].iloc[-1])} (80% interval "
                 f"{fmt_number(shown['lower80'].iloc[-1])} to {fmt_number(shown['upper80'].iloc[-1])}, 95% "
                 f"{fmt_number(shown['lower95'].iloc[-1])} to {fmt_number(shown['upper95'].iloc[-1])})") \
            if len(shown) else ""
        method = str(fc["method"].iloc[0]) if len(fc) else ""
        if method.startswith("sum of the area's"):
            st.caption(f"{name} as a whole is the sum of its districts' forecasts (DfE's caseload statistics for it "
                       "are not loaded): every breakdown adds up, and its interval, their bounds summed, is if "
                       "anything too wide.")
        moved = "share_england_trend" in method
        share_note = "" if topic == "Total" or method.startswith("sum of") else (
            "; a breakdown is the total's forecast times the category's latest share"
            + (", moved on with England's trend in that share" if moved else "") + ", with an interval from "
            + ("the breakdown's own past errors" if "own errors" in method else "the total's only (too few past "
               "outcomes of the breakdown to calibrate its own)"))
        ui.chart(charts.fan(history, fc, unit, names[pick]), f"{measure}_forecast_{pick}",
                 f"{label} in {names[pick]}{observed}{ahead}. Black: observed; dashed blue: forecast; shaded: 80% "
                 f"(dark) and 95% (light) prediction intervals{share_note}.",
                 fc[["area_code", "area_name", "measure", "breakdown_topic", "breakdown", "origin", "year", "horizon",
                     "point", "lower80", "upper80", "lower95", "upper95", "method", "symbol"]])
        if fc["method"].str.contains("re-centred").any():
            st.caption("Points re-centred in their calibrated interval: the model's recent errors there were all one "
                       "way.")



def places_section() -> None:
    """Specialist places against projected demand by district, need and year; the year each runs short."""
    if table.empty:
        ui.no_data("place sufficiency (it needs case-level EHC extracts and the schools list with places)")
        return
    years = sorted(int(y) for y in table["year"].unique())
    needs = sorted(table["need"].unique())
    row = st.columns([3, 3, 2])
    need = str(ui.url_choice("Primary need", [ALL, *needs], "need", default=ALL, format_func=need_name,
                             container=row[0]))
    provision = str(ui.url_choice("Provision", ["special", "resourced", ALL], "provision", default="special",
                                  format_func=PROVISION.__getitem__, container=row[1]))
    year = int(str(ui.url_choice("Year", years, "year", default=years[-1], widget="slider", container=row[2])))

    cells = table[(table["need"] == need) | (need == ALL)]
    cells = cells[(cells["provision"] == provision) | (provision == ALL)]
    by_area = cells.groupby(["area_code", "year"], as_index=False).agg(
        area_name=("area_name", "first"), demand=("demand", "sum"), demand_lower80=("demand_lower80", "sum"),
        demand_upper80=("demand_upper80", "sum"), places=("places", "sum"), withheld=("symbol", "count"))
    now = by_area[by_area["year"] == year]
    short_now = now[now["demand"] > now["places"]].sort_values("area_name")
    ui.chart(charts.demand_places(now), f"places_{need}_{provision}_{year}",
             f"{PROVISION[provision]} for {need_name(need).lower()} against the children projected to need them in "
             f"{year}, by district. Grey: places; blue: demand (vermillion where it exceeds the places), whiskers its "
             f"80% interval. Short in {year}: "
             + (", ".join(f"{r.area_name} ({fmt_number(r.demand - r.places)} places)" for r in short_now.itertuples())
                or "none") + ". Cells under the disclosure threshold are withheld and left out of these sums.",
             now.drop(columns="withheld"))

    first = cells.dropna(subset=["demand"]).assign(short=lambda f: f["demand"] > f["places"])
    first = first[first["short"]].groupby(["area_name", "need"])["year"].min().unstack("need")
    grid = pd.DataFrame(index=sorted(set(table["area_name"])), columns=needs if need == ALL else [need])
    grid.update(first)
    grid.index.name = "District"
    ui.table(grid.astype("Int64").astype("string"), f"The year each district first runs short "
             f"({PROVISION[provision].lower()}; a blank means not within {years[-1]}; one need's spare places do not "
             "seat another's children)", index=True)
    ui.download(grid.reset_index(), f"first_short_{provision}", "Download the table (CSV)")



def scenarios_section() -> None:
    """What-if scenarios recomputed on the page from the published demand and places."""
    if table.empty:
        ui.no_data("place sufficiency (it needs case-level EHC extracts and the schools list with places)")
        return
    years = sorted(int(y) for y in table["year"].unique())
    needs = sorted(table["need"].unique())
    st.caption("Recomputed here from the published demand and places (withheld cells count as no children). "
               "Each control is kept in the page address, so a scenario can be shared as a link.")
    later = [y for y in years if y > years[0]]
    s1, s2, s3 = st.columns(3)
    with s1:
        st.markdown("**Mainstream with resourced provision**")
        share = int(str(ui.url_choice("Share of new plans' special-school demand met in mainstream (%)",
                                      list(range(0, 55, 5)), "share", default=0, widget="slider")))
    with s2:
        st.markdown("**A new special school**")
        new_area = str(ui.url_choice("District for the school", ["none", *lads], "new_area", default="none",
                                     format_func=lambda c: "No new school" if c == "none" else names.get(c, c)))
        new_need = str(ui.url_choice("Need it serves", needs, "new_need", default="ASD" if "ASD" in needs else needs[0],
                                     format_func=need_name))
        new_places = int(str(ui.url_choice("Places in the school", [25, 50, 75, 100, 125, 150, 200], "new_places",
                                           default=125)))
        new_year = int(str(ui.url_choice("Opening year", later, "new_year", default=later[min(1, len(later) - 1)])))
    with s3:
        st.markdown("**Extra places at existing provision**")
        extra_area = str(ui.url_choice("District with extra places", ["none", *lads], "extra_area", default="none",
                                       format_func=lambda c: "No extra places" if c == "none" else names.get(c, c)))
        extra_need = str(ui.url_choice("Need they serve", needs, "extra_need",
                                       default="MLD" if "MLD" in needs else needs[0], format_func=need_name))
        extra_places = int(str(ui.url_choice("Extra places", [10, 20, 30, 50, 75, 100], "extra_places", default=50)))
        extra_year = int(str(ui.url_choice("From year", later, "extra_year", default=later[0])))

    scenarios: list[SUF.Scenario] = []
    if share:
        scenarios.append(SUF.MainstreamShare(share / 100))
    if new_area != "none":
        scenarios.append(SUF.NewSchool(new_area, new_places, new_year, new_need))
    if extra_area != "none":
        scenarios.append(SUF.ExtraPlaces(extra_area, extra_need, extra_places, extra_year))
    demand, capacity, base = SUF.from_published(table)
    before = SUF.sufficiency(demand, capacity, base_year=base)
    after = SUF.sufficiency(demand, capacity, scenarios, base_year=base)
    compared = SUF.compare(before, after).assign(district=lambda f: f["area"].map(names))
    total = {k: r.table.groupby("year", as_index=False)[["demand", "places"]].sum() for k, r in
             (("before", before), ("after", after))}
    gap_before = float(compared["short_before"].sum())
    gap_after = float(compared["short_after"].sum())
    left, right = st.columns([3, 2])
    with left:
        words = ("; ".join(
            [f"{share}% of new plans' special-school demand met in mainstream"] * bool(share)
            + [f"a {new_places}-place {new_need} special school in {names.get(new_area, new_area)} from {new_year}"]
            * (new_area != "none")
            + [f"{extra_places} more {extra_need} places in {names.get(extra_area, extra_area)} from {extra_year}"]
            * (extra_area != "none")) or "no scenario chosen")
        ui.chart(charts.scenario(total["before"], total["after"]), "scenario",
                 f"Specialist demand and places in {name}, {years[0]}-{years[-1]}, as published (dotted) and with "
                 f"{words} (solid). Places short in {years[-1]}, summed over districts, needs and provision: "
                 f"{fmt_number(gap_before)} as published, {fmt_number(gap_after)} with the scenario.")
    with right:
        st.metric(f"Places short in {years[-1]}", fmt_number(round(gap_after)),
                  delta=f"{gap_after - gap_before:+,.0f} against as published", delta_color="inverse")
        shown = compared[["district", "first_short_before", "first_short_after", "short_before", "short_after"]]
        shown = shown.rename(columns={"district": "District", "first_short_before": "First short (published)",
                                      "first_short_after": "First short (scenario)",
                                      "short_before": f"Short {years[-1]} (published)",
                                      "short_after": f"Short {years[-1]} (scenario)"}).round(0)
        for col in ("First short (published)", "First short (scenario)"):  # years, not quantities
            shown[col] = shown[col].astype("Int64").astype("string")
        ui.table(shown, f"Each district as published and with the scenario, {years[0]}-{years[-1]}",
                 decimals=dict.fromkeys(shown.columns, 0))
        ui.download(shown, "scenario", "Download the comparison (CSV)")



def access_section() -> None:
    """Distances to the nearest special school with places for a need, and candidate sites."""
    summary = data.access_summary()
    access_needs = sorted(summary["need"].unique()) if len(summary) else []
    if not access_needs:
        ui.no_data("access distances")
        return
    pick_need = str(ui.url_choice("Need for the map", access_needs, "access_need",
                                  default="ASD" if "ASD" in access_needs else access_needs[0], format_func=need_name,
                                  container=st.columns([2, 3])[0]))
    lsoas = tuple(data.areas("lsoa", code)["area_code"])
    dist = data.access(pick_need, lsoas).assign(value=lambda f: f["road_km"].round(1))
    dist["note"] = "nearest: " + dist["school"].fillna("").astype(str)
    places = data.school_places(tuple(lads))
    offering = places[(places["need"] == pick_need) & (places["provision"] == "special") & (places["places"] > 0)]
    offering = offering.assign(is_special=True, capacity=offering["places"].round().astype(int))
    sites = data.candidate_sites(pick_need)
    sites = sites[sites["site"].isin(lsoas)]  # ranked over every area loaded: those in the home area, in rank order
    county = summary[(summary["area_code"] == ALL) & (summary["need"] == pick_need)]
    left, right = st.columns([3, 2])
    with left:
        fig, classes = charts.choropleth(
            dist, data.area_geojson("lsoa", code), f"Road distance to the nearest {pick_need} special school place",
            "km", points=[charts.Points(offering, f"Special schools with {pick_need} places", "#CC79A7", "diamond", 11,
                                        {"title": "{name}", "Places": "{capacity} " + pick_need}),
                          charts.Points(sites.head(5), "Candidate sites (top 5)", "#000000", charts.STAR, 14,
                                        {"title": "Candidate {rank}: {site_name}",
                                         "Brings within 10 km": "{children_brought_within} children"})])
        far = county["pct_beyond_10km"].iloc[0] if len(county) else None
        ui.chart(fig, f"access_{pick_need}",
                 f"Estimated road distance (straight line x 1.3) from each of {len(dist)} small areas to the nearest "
                 f"special school with {pick_need} places, in {len(classes.bins)} quantile classes: "
                 + "; ".join(f"{lab} km ({n} areas)" for lab, n in zip(classes.labels, classes.counts, strict=True))
                 + f". {len(offering)} schools with places (pink diamonds); the top candidate sites as black stars."
                 + (f" Across all areas loaded, {fmt_number(far, '%')} of children with a plan for {pick_need} live "
                    "beyond 10 km."
                    if far is not None and pd.notna(far) else ""),
                 dist[["area_code", "area_name", "need", "urn", "school", "straight_km", "road_km"]])
    with right:
        by = summary[(summary["need"] == pick_need) & summary["area_code"].isin([ALL, *names])].assign(
            district=lambda f: f["area_code"].map(lambda c: "All areas loaded" if c == ALL else names.get(c, c)))
        ui.table(by[["district", "median_km", "p90_km", "pct_beyond_10km", "symbol"]].rename(columns={
            "district": "District", "median_km": "Median", "p90_km": "90th percentile",
            "pct_beyond_10km": "% beyond 10 km", "symbol": "Note"}), "Distance for children with plans, by district "
            "(road km)", decimals={"Median": 1, "90th percentile": 1, "% beyond 10 km": 1})
        ui.table(sites[["rank", "site_name", "children_brought_within", "areas_brought_within", "symbol"]].rename(
            columns={"rank": "Rank", "site_name": "Small area", "children_brought_within": "Children brought within",
                     "areas_brought_within": "Areas brought within", "symbol": "Note"}),
            f"Candidate sites for a new {pick_need} school, ranked by the children with plans beyond 10 km they would "
            "bring within it")
        ui.download(sites.drop(columns=["lon", "lat"]), f"candidate_sites_{pick_need}", "Download the sites (CSV)",
                    columns=False)



ui.sections({"Forecast": forecast_section, "Places against demand": places_section, "Scenarios": scenarios_section,
             "Access": access_section}, "planner_tab")
