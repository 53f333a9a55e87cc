"""EHC plans: caseload by age band, requests and decisions, 20-week timeliness and the backlog,
placements, primary needs, transfers, SEN in schools, and the 0-25 pathway's published figures (early years
children with SEN, destinations after key stage 4), for the authority or one district."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import data, ui
from dashboards.formatting import breakdown_label, fmt_number, period_label
from jsna.publish import charts

AGE_BANDS = ["0-4", "5-10", "11-15", "16-19", "20-25"]
PLACEMENT_GROUPS = {  # the four groups board papers use, and the rest
    "mainstream": "Mainstream", "resourced": "Mainstream", "special": "Special", "independent_special": "Independent",
    "fe_college": "Post-16", "specialist_post16": "Post-16", "early_years": "Other", "alternative_provision": "Other",
    "elsewhere": "Other", "neet": "Other",
}
GROUP_ORDER = ["Mainstream", "Special", "Independent", "Post-16", "Other"]
PATHWAY = {"early_years_sen_pct": "Early years children with SEN",
           "ks4_destination_ehcp": "Sustained destinations after KS4, EHC plan",
           "ks4_destination_sen_support": "Sustained destinations after KS4, SEN support"}
NEET = ("ehcp_neet_16_25", "NEET, plan holders 16-25")  # from the case-level data: no national figure
COMPARATORS = {"england": "England", "region": "Region", "neighbours": "Statistical neighbours", "parent": "County"}
DESTINATIONS = {"education": "Education", "apprenticeship": "Apprenticeship", "employment": "Employment",
                "not_sustained": "Not sustained", "not_captured": "Activity not captured"}

catalogue = data.indicators()
home = ui.home_page("EHC plans")
code, name, level = ui.area_picker(home, container=st.columns([2, 5])[0])
st.caption(f"Education, health and care plans in {name}: how many, for whom, how quickly they are issued and "
           "where children and young people are placed. Counts under 5 are suppressed (c).")


def has(indicator_id: str) -> bool:
    return indicator_id in catalogue.index


def breakdown(indicator_id: str, dimension: str) -> pd.DataFrame:
    if not has(indicator_id):
        return pd.DataFrame(columns=ui.CSV_COLUMNS)
    rows = data.breakdown_values(indicator_id, code, dimension, level)
    if rows.empty:  # no breakdown published (e.g. no transfers in a return's years): the tab says so
        return rows.assign(key=rows["breakdown"])
    return rows.assign(key=rows["breakdown"].str.partition("=")[2])


series = data.area_series(tuple(i for i in ("ehcp_plans", "ehcp_rate_0_25", "ehcp_rate_sii", "ehcp_requests_rate",
                                             "ehcp_requests_assessed", "ehcp_assessments_to_plan", "ehcp_20_weeks",
                                             "ehcp_20_weeks_ex", "ehcp_backlog", "ehcp_specialist_placement",
                                             "ehcp_transfers_completed", "sen_support_pupils_pct", "ehcp_pupils_pct",
                                             *PATHWAY, NEET[0])
                                if has(i)), code, level)


def of(indicator_id: str) -> pd.DataFrame:
    return series[(series["indicator_id"] == indicator_id) & (series["area_level"] == level)]


def caseload() -> None:
    """Plans by age band, and pupils with SEN in schools."""
    # -- plans by age band -----------------------------------------------------------------------------
    st.subheader("Plans by age band")
    measure = ui.url_choice("Measure", ["count", "rate"], "measure", default="count", widget="radio",
                            format_func=lambda m: "Number of plans" if m == "count" else
                            "Per 1,000 residents of that age")
    ages = breakdown("ehcp_plans" if measure == "count" else "ehcp_rate_0_25", "age_band")
    if ages.empty:
        ui.no_data("EHC plans by age band")
    else:
        unit = "plans" if measure == "count" else str(catalogue.loc["ehcp_rate_0_25", "unit"])
        if measure == "count":
            fig = charts.stacked(ages, "key", "value", AGE_BANDS, unit)
        else:
            fig = charts.series(ages, "key", unit, order=AGE_BANDS, ci=False)
        last = ages[ages["period"] == ages["period"].max()].set_index("key")["value"]
        first_p = ages["period"].min()
        first = ages[ages["period"] == first_p].set_index("key")["value"]
        fastest = ((last / first).replace([float("inf")], float("nan")).dropna().sort_values())
        ui.chart(fig, f"ehcp_age_bands_{measure}_{code}",
                 f"EHC plans in {name} by age band ({', '.join(AGE_BANDS)}), {period_label(first_p)} to "
                 f"{period_label(ages['period'].max())}. Latest: "
                 + ", ".join(f"{b} {fmt_number(last.get(b), unit)}" for b in AGE_BANDS if b in last.index)
                 + (f". Fastest growth since {period_label(first_p)}: {fastest.index[-1]} (x{fastest.iloc[-1]:.1f})."
                    if len(fastest) else "."),
                 ages)

    # -- inequality by deprivation ---------------------------------------------------------------------
    st.subheader("Plans by local deprivation decile")
    local = breakdown("ehcp_rate_0_25", "local_imd_decile")
    if local.empty:
        ui.no_data("EHC plans by local deprivation decile (from case-level extracts)")
    else:
        period = local["period"].max()
        shown = local[local["period"] == period].assign(decile=lambda f: f["key"].astype(int)).sort_values("decile")
        shown = shown.assign(label=shown["breakdown"].map(breakdown_label))
        unit = str(catalogue.loc["ehcp_rate_0_25", "unit"])
        rate = shown.set_index("decile")["value"]
        sii = of("ehcp_rate_sii")
        latest = sii[sii["period"] == period]
        ui.chart(charts.bars(shown, "label", "value", unit), f"ehcp_local_deciles_{code}",
                 f"EHC plans per 1,000 residents aged 0-25 in {name} by local deprivation decile (its own small "
                 f"areas ranked by IMD and cut into tenths), {period_label(period)}: "
                 f"{fmt_number(rate.get(1), unit)} in the most deprived tenth, {fmt_number(rate.get(10), unit)} in "
                 "the least deprived."
                 + (f" Slope index of inequality {fmt_number(latest['value'].iloc[0], unit)} (95% CI "
                    f"{fmt_number(latest['lower_ci95'].iloc[0], unit)} to "
                    f"{fmt_number(latest['upper_ci95'].iloc[0], unit)})."
                    if len(latest) and pd.notna(latest["value"].iloc[0]) else ""),
                 shown.drop(columns=["decile", "label", "key"]))
        if len(sii):
            ui.headline(catalogue.loc["ehcp_rate_sii"], sii)

    # -- SEN in schools --------------------------------------------------------------------------------
    st.subheader("Pupils with SEN in schools")
    pupils = pd.concat([of("sen_support_pupils_pct"), of("ehcp_pupils_pct")])
    if pupils.empty:
        ui.no_data("SEN support and EHC plans among pupils (school census)")
    else:
        names = {i: str(catalogue.loc[i, "short_title"]) for i in pupils["indicator_id"].unique()}
        ui.chart(charts.series(pupils, "indicator_id", "%", names=names), f"sen_pupils_{code}",
                 "Pupils on SEN support and pupils with an EHC plan, as a percentage of pupils (January school "
                 "census). Latest: " + "; ".join(
                     f"{names[i]} {fmt_number(g.sort_values('period')['value'].iloc[-1], '%')}"
                     for i, g in pupils.groupby("indicator_id")) + ".", pupils)


def requests() -> None:
    """Requests and decisions, 20-week timeliness and the backlog."""
    # -- requests and decisions ------------------------------------------------------------------------
    st.subheader("Requests and decisions")
    left, right = st.columns(2)
    req, agreed, to_plan = of("ehcp_requests_rate"), of("ehcp_requests_assessed"), of("ehcp_assessments_to_plan")
    with left:
        if req.empty:
            ui.no_data("EHC needs assessment requests")
        else:
            counts = pd.concat([
                req.assign(step="Requests received", n=req["numerator"]),
                agreed.assign(step="Agreed to assess", n=agreed["numerator"]),
                to_plan.assign(step="Assessed, plan issued", n=to_plan["numerator"]),
            ])
            steps = ["Requests received", "Agreed to assess", "Assessed, plan issued"]
            periods = sorted(counts["period"].unique())
            fig = charts.grouped(counts.assign(when=counts["period"].map(period_label)), "when", "n", "step", steps,
                                 "requests", charts.QUALITATIVE[:3], categories=[period_label(p) for p in periods])
            latest = req.sort_values("period").iloc[-1]
            ui.chart(fig, f"ehcp_requests_{code}",
                     f"Requests for an EHC needs assessment in {name} by calendar year: "
                     f"{fmt_number(latest['numerator'], 'requests')} in {period_label(latest['period'])} "
                     f"({fmt_number(latest['value'], str(catalogue.loc['ehcp_requests_rate', 'unit']))} aged 0-25), "
                     "with how many were agreed for assessment and how many assessments led to a plan.",
                     counts.drop(columns=["step", "n"]))
    with right:
        rates = pd.concat([agreed, to_plan])
        if rates.empty:
            ui.no_data("assessment decisions")
        else:
            names = {"ehcp_requests_assessed": "Requests agreed for assessment",
                     "ehcp_assessments_to_plan": "Assessments leading to a plan"}
            ui.chart(charts.series(rates, "indicator_id", "%", names=names), f"ehcp_decisions_{code}",
                     "Percentage of requests agreed for assessment and of assessments leading to a plan, with 95% "
                     "confidence intervals. Latest: " + "; ".join(
                         f"{names[i]} {fmt_number(g.sort_values('period')['value'].iloc[-1], '%')}"
                         for i, g in rates.groupby("indicator_id")) + ".", rates)

    # -- timeliness and backlog ------------------------------------------------------------------------
    st.subheader("20-week timeliness and the backlog")
    left, right = st.columns(2)
    timely = pd.concat([of("ehcp_20_weeks"), of("ehcp_20_weeks_ex")])
    with left:
        if timely.empty:
            ui.no_data("20-week timeliness")
        else:
            names = {"ehcp_20_weeks": "Including exceptions", "ehcp_20_weeks_ex": "Excluding exceptions"}
            main = of("ehcp_20_weeks").sort_values("period")
            last = main.iloc[-1] if len(main) else timely.iloc[-1]
            target = data.target_path("ehcp_20_weeks", code, level)
            aim = charts.target_at_end(target)
            ui.chart(charts.series(timely, "indicator_id", "%", target=target, names=names), f"ehcp_20_weeks_{code}",
                     f"New EHC plans issued within 20 weeks in {name}: {fmt_number(last['value'], '%')} in "
                     f"{period_label(last['period'])}"
                     + (f" against the {aim:g}% target (dashed line); {last['comparison']} than target."
                        if aim is not None else "."), timely)
            ui.definition_link("ehcp_20_weeks")
    with right:
        backlog = of("ehcp_backlog").sort_values("period")
        if backlog.empty:
            ui.no_data("the monthly backlog")
        else:
            fig = charts.area(backlog, "assessments")
            peak = backlog.loc[backlog["value"].idxmax()] if backlog["value"].notna().any() else backlog.iloc[-1]
            ui.chart(fig, f"ehcp_backlog_{code}",
                     f"Assessments open past 20 weeks at each month end in {name}: "
                     f"{fmt_number(backlog.iloc[-1]['value'], 'assessments')} at "
                     f"{period_label(backlog.iloc[-1]['period'])}; "
                     f"highest {fmt_number(peak['value'], 'assessments')} at {period_label(peak['period'])}.", backlog)


def placements() -> None:
    """Placements and primary needs."""
    # -- placements ------------------------------------------------------------------------------------
    st.subheader("Placements")
    places = breakdown("ehcp_plans", "placement")
    if places.empty:
        ui.no_data("placements of plan holders")
    else:
        places = places.assign(group=places["key"].map(PLACEMENT_GROUPS).fillna("Other"))
        grouped = places.groupby(["period", "group"], as_index=False)["value"].sum(min_count=1)
        left, right = st.columns(2)
        with left:
            latest = grouped[grouped["period"] == grouped["period"].max()].set_index("group")["value"]
            share = 100 * latest / latest.sum()
            ui.chart(charts.stacked(grouped, "group", "value", GROUP_ORDER, "plans", share=True),
                     f"ehcp_placements_{code}",
                     f"Share of plan holders in {name} by placement, {period_label(places['period'].min())} to "
                     f"{period_label(places['period'].max())}. Latest: "
                     + ", ".join(f"{g} {share.get(g, 0):.0f}%" for g in GROUP_ORDER if g in share.index)
                     + ". Mainstream includes resourced provision; post-16 is FE colleges and specialist post-16 "
                     "institutions; suppressed counts are left out.", places.drop(columns=["key", "group"]))
        with right:
            detail = places[places["period"] == places["period"].max()].sort_values("value")
            detail = detail.assign(label=detail["breakdown"].map(breakdown_label))
            ui.chart(charts.bars(detail, "label", "value", "plans", horizontal=True), f"ehcp_placement_detail_{code}",
                     f"Plan holders by placement type, {period_label(places['period'].max())}: largest "
                     f"{detail.iloc[-1]['label']} ({fmt_number(detail.iloc[-1]['value'], 'plans')}).")

    # -- primary needs ---------------------------------------------------------------------------------
    st.subheader("Primary needs")
    needs = breakdown("ehcp_plans", "primary_need")
    if needs.empty:
        ui.no_data("plans by primary need")
    else:
        periods = sorted(needs["period"].unique())
        last_p, base_p = periods[-1], periods[max(0, len(periods) - 6)]
        wide = needs[needs["period"].isin([base_p, last_p])].pivot_table(index="key", columns="period", values="value")
        wide = wide.sort_values(last_p)
        shown = list(dict.fromkeys([base_p, last_p]))
        bars = wide[shown].rename_axis("need").reset_index().melt(id_vars="need", var_name="period", value_name="n")
        fig = charts.grouped(bars.assign(when=bars["period"].map(period_label)), "need", "n", "when",
                             [period_label(p) for p in shown],
                             "plans", [charts.QUALITATIVE[4] if p == base_p else charts.HOME for p in shown],
                             horizontal=True, categories=list(wide.index[::-1]), height=max(260, 30 * len(wide)))
        growth = (wide[last_p] / wide[base_p]).dropna().sort_values() if base_p != last_p else pd.Series(dtype=float)
        ui.chart(fig, f"ehcp_primary_need_{code}",
                 f"Plans in {name} by primary need, {period_label(base_p)} and {period_label(last_p)}. Most common: "
                 f"{wide.index[-1]} ({fmt_number(wide[last_p].iloc[-1], 'plans')})"
                 + (f"; fastest growing: {growth.index[-1]} (x{growth.iloc[-1]:.1f})." if len(growth) else ".")
                 + " ASD autism; SEMH social, emotional and mental health; SLCN speech, language and communication; "
                 "MLD/SLD/PMLD moderate/severe/profound and multiple learning difficulty; SPLD specific learning "
                 "difficulty; PD physical; HI/VI/MSI hearing/visual/multi-sensory impairment; NSA no specialist "
                 "assessment.", needs[needs["period"].isin([base_p, last_p])])


def transfers() -> None:
    """Transfers from statements and learning difficulty assessments."""
    # -- transfers -------------------------------------------------------------------------------------
    st.subheader("Transfers from statements and learning difficulty assessments")
    transfers = pd.concat([of("ehcp_transfers_completed"), breakdown("ehcp_transfers_completed", "transfer")])
    if transfers.empty:
        ui.no_data("transfers to EHC plans")
    else:
        transfers = transfers.assign(kind=transfers["breakdown"].map(
            lambda b: "All transfers" if b == "all" else {"statement": "Statements", "lda": "LDAs"}.get(
                b.partition("=")[2], b)))
        last = transfers[(transfers["breakdown"] == "all")].sort_values("period")
        ui.chart(charts.series(transfers, "kind", "%", target=data.target_path("ehcp_transfers_completed", code,
                                                                               level)), f"ehcp_transfers_{code}",
                 "Statements of SEN and learning difficulty assessments transferred to EHC plans by 31 March of "
                 "each year, 2015 to 2018 (the statutory deadline), against the 100% target"
                 + (f"; {fmt_number(last.iloc[-1]['value'], '%')} by {period_label(last.iloc[-1]['period'])}."
                    if len(last) else "."), transfers.drop(columns=["kind"]))


def _leavers(indicator_id: str, rows: pd.DataFrame) -> pd.DataFrame:
    """Key stage 4 figures' periods as the academic year the cohort left ('202324' -> '2023/24'), not a census."""
    if not indicator_id.startswith("ks4_") or rows.empty:
        return rows
    return rows.assign(period=rows["period"].astype(str).str[:4] + "/" + rows["period"].astype(str).str[4:])


def _against(indicator_id: str) -> pd.DataFrame:
    """The area's latest figure beside England's, the region's, the neighbours' (and the county's for a district)."""
    own = of(indicator_id).dropna(subset=["value"]).sort_values("period")
    if own.empty:
        return pd.DataFrame(columns=["indicator", "series", "value", "period"])
    period = own["period"].iloc[-1]
    comps = data.comparisons((indicator_id,), code, level)
    comps = comps[(comps["period"] == period) & (comps["breakdown"] == "all")
                  & comps["comparator_type"].isin(list(COMPARATORS))].drop_duplicates("comparator_type")
    rows = [{"series": name, "value": float(own["value"].iloc[-1])}]
    rows += [{"series": COMPARATORS[t], "value": float(v)} for t, v in
             zip(comps["comparator_type"], comps["comparator_value"], strict=True) if pd.notna(v)]
    return _leavers(indicator_id, pd.DataFrame(rows).assign(indicator=PATHWAY[indicator_id], period=period))


def pathway() -> None:
    """Early years children with SEN and destinations after key stage 4, against England, region and neighbours."""
    st.subheader("Early years and preparation for adulthood")
    tiles = [*PATHWAY.items(), NEET]
    for col, (indicator_id, title) in zip(st.columns(len(tiles)), tiles, strict=True):
        with col:
            ui.headline(ui.indicator_meta(catalogue, indicator_id, title), _leavers(indicator_id, of(indicator_id)))
    st.subheader("Against England, the region and statistical neighbours")
    against = pd.concat([_against(i) for i in PATHWAY if has(i)] or [pd.DataFrame()], ignore_index=True)
    if against.empty:
        ui.no_data("the 0-25 pathway's published figures for this area")
    else:
        order = [s for s in [name, *COMPARATORS.values()] if s in set(against["series"])]
        fig = charts.grouped(against, "indicator", "value", "series", order, "%",
                             [charts.HOME, *charts.QUALITATIVE[1:len(order)]], horizontal=True,
                             height=max(220, 24 * len(against)))
        ui.chart(fig, f"pathway_against_{code}", "; ".join(
            f"{ind} ({period_label(g['period'].iloc[0])}): " + ", ".join(
                f"{r.series} {fmt_number(r.value, '%')}" for r in g.itertuples())
            for ind, g in against.groupby("indicator", sort=False)) + ". From DfE's published statistics "
            "(funded early education, key stage 4 destination measures).", against)
    st.subheader("Where young people with an EHC plan went after key stage 4")
    dest = breakdown("ks4_destination_ehcp", "destination")
    dest = _leavers("ks4_", dest[dest["period"] == dest["period"].max()] if len(dest) else dest)
    if dest.empty or dest["value"].isna().all():
        ui.no_data("key stage 4 destinations of pupils with an EHC plan")
    else:
        dest = dest.assign(label=dest["key"].map(DESTINATIONS).fillna(dest["key"]))
        dest = dest.set_index("key").reindex([k for k in DESTINATIONS if k in set(dest["key"])]).reset_index()
        ui.chart(charts.bars(dest, "label", "value", "%", horizontal=True), f"ks4_destinations_ehcp_{code}",
                 f"Key stage 4 leavers with an EHC plan in {name} by destination, {dest['period'].iloc[0]} leavers: "
                 + ", ".join(f"{r.label} {fmt_number(r.value, '%')}" if pd.notna(r.value) else f"{r.label} c"
                                  for r in dest.itertuples()) + " (sustained for two terms of the next year).",
                 dest.drop(columns=["key", "label"]))


ui.sections({"Caseload": caseload, "Requests and timeliness": requests, "Placements and needs": placements,
             "Transfers": transfers, "Early years and adulthood": pathway}, "ehcp_tab")
