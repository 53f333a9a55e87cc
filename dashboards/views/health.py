"""Health waits: autism (ASC), ADHD and CAMHS waits (median, 90th percentile, how many wait past
13, 18 and 52 weeks), the variation between districts on a funnel plot, and NHS trusts' six-week
compliance with requests for EHC health advice."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import data, ui, variation
from dashboards.formatting import PATHWAY_NAMES, breakdown_label, fmt_number, in_sentence, period_label
from jsna.publish import charts

THRESHOLDS = {"waiting_over_13_weeks": "over 13 weeks", "waiting_over_18_weeks": "over 18 weeks",
              "waiting_over_52_weeks": "over 52 weeks"}
WAITS = ["wait_median_weeks", "wait_p90_weeks", *THRESHOLDS]
HEALTH_FUNNELS = ["waiting_over_18_weeks", "waiting_over_13_weeks", "waiting_over_52_weeks", "referrals_rate"]
# counted from the area's own children (by home LSOA): what sub-ICB locations and ICBs are offered for
COUNTED_HERE = ("wait_median_weeks", "waiting_over_18_weeks", "referrals_rate", "advice_6_weeks")

catalogue = data.indicators()
home = ui.home_page("Health waits")
top = st.columns([2, 3, 2])
code, name, level = ui.area_picker(home, container=top[0], nhs=COUNTED_HERE)
st.caption("How long children and young people wait for an autism (ASC) or ADHD assessment or for children's "
           "mental health services (CAMHS), counted on the waiting lists; and whether NHS trusts return EHC "
           "health advice within six weeks.")
published = data.present()


def rows(indicator_id: str, area: str = code, lvl: str = level) -> pd.DataFrame:
    if indicator_id not in published:
        return pd.DataFrame(columns=[*ui.CSV_COLUMNS, "pathway"])
    frame = data.breakdown_values(indicator_id, area, "pathway", lvl)
    return frame.assign(pathway=frame["breakdown"].str.partition("=")[2])


waits = {i: rows(i) for i in WAITS}
pathways = sorted(set().union(*(set(f["pathway"]) for f in waits.values())) or set(PATHWAY_NAMES),
                  key=lambda p: list(PATHWAY_NAMES).index(p) if p in PATHWAY_NAMES else 9)
pathway = str(ui.url_choice("Pathway", pathways, "pathway", default="asc", widget="radio",
                            format_func=lambda p: PATHWAY_NAMES.get(p, p.upper()), container=top[1]))

def waits_section() -> None:
    """Each pathway's waits: the distribution now, how many wait past 13, 18 and 52 weeks, and both over time."""
    st.subheader(f"Waits in {name}")
    median, p90 = waits["wait_median_weeks"], waits["wait_p90_weeks"]
    if median.empty and p90.empty and all(waits[i].empty for i in THRESHOLDS):
        ui.no_data("waiting times for ASC, ADHD and CAMHS (wait_median_weeks, wait_p90_weeks, waiting_over_*_weeks)")
    else:
        tiles = st.columns(len(pathways))
        for col, p in zip(tiles, pathways, strict=True):
            with col:
                m = median[median["pathway"] == p]
                meta = ui.indicator_meta(catalogue, "wait_median_weeks", "Median wait")
                over = waits["waiting_over_18_weeks"]
                over = over[over["pathway"] == p].dropna(subset=["value"]).sort_values("period")
                ui.headline(meta, m, label=f"{PATHWAY_NAMES.get(p, p)}: median wait",
                            note=f"{fmt_number(over.iloc[-1]['value'], '%')} waiting over 18 weeks" if len(over)
                            else None)

        left, right = st.columns(2)
        with left:
            latest_rows, dumbbells = [], []
            for p in pathways:
                mm = median[median["pathway"] == p].dropna(subset=["value"]).sort_values("period")
                pp = p90[p90["pathway"] == p].dropna(subset=["value"]).sort_values("period")
                if mm.empty and pp.empty:
                    continue
                latest_rows += [mm.tail(1), pp.tail(1)]
                dumbbells.append({"label": PATHWAY_NAMES.get(p, p),
                                  "median": mm.iloc[-1]["value"] if len(mm) else None,
                                  "p90": pp.iloc[-1]["value"] if len(pp) else None})
            fig = charts.waits(pd.DataFrame(dumbbells, columns=["label", "median", "p90"])
                               .astype({"median": float, "p90": float}))
            summary = "; ".join(
                f"{PATHWAY_NAMES.get(p, p)} median {fmt_number(g.sort_values('period')['value'].iloc[-1], 'weeks')}"
                for p, g in median.dropna(subset=["value"]).groupby("pathway"))
            ui.chart(fig, f"waits_distribution_{code}",
                     f"Latest waits by pathway in {name}: the bar runs from no wait to the median (dot) and on to "
                     f"the 90th percentile (tick). {summary}.",
                     pd.concat(latest_rows) if latest_rows else None)
        with right:
            over = pd.concat([waits[i].assign(threshold=t) for i, t in THRESHOLDS.items() if len(waits[i])])
            if over.empty:
                ui.no_data("the shares waiting past 13, 18 and 52 weeks")
            else:
                latest = over[over["period"] == over["period"].max()]
                fig = charts.grouped(latest.assign(list=latest["pathway"].map(lambda p: PATHWAY_NAMES.get(p, p))),
                                     "list", "value", "threshold", list(THRESHOLDS.values()), "% of the waiting list",
                                     charts.SEQUENTIAL[2:5], errors=True, height=320)
                ui.chart(fig, f"waits_thresholds_{code}",
                         f"Share of each waiting list in {name} that had waited over 13, 18 and 52 weeks, "
                         f"{period_label(str(latest['period'].max()))}, with 95% confidence intervals. " + "; ".join(
                             f"{PATHWAY_NAMES.get(p, p)} {fmt_number(v, '%')} over 18 weeks" for p, v in
                             latest[latest["threshold"] == "over 18 weeks"][["pathway", "value"]]
                             .itertuples(index=False)),
                         latest.drop(columns=["threshold", "pathway"]))

        # -- trend for the chosen pathway
        st.subheader(f"{PATHWAY_NAMES.get(pathway, pathway)}: waits over time")
        left, right = st.columns(2)
        trend = pd.concat([median[median["pathway"] == pathway], p90[p90["pathway"] == pathway]])
        with left:
            if trend.empty:
                ui.no_data(f"waits for {PATHWAY_NAMES.get(pathway, pathway)}")
            else:
                ui.chart(charts.series(trend, "indicator_id", "weeks", ci=False,
                                       names={"wait_median_weeks": "Median", "wait_p90_weeks": "90th percentile"}),
                         f"waits_trend_{pathway}_{code}",
                         f"Median and 90th-percentile wait for {PATHWAY_NAMES.get(pathway, pathway)} in {name} by "
                         "period.",
                         trend)
        with right:
            share = pd.concat([waits[i][waits[i]["pathway"] == pathway] for i in THRESHOLDS])
            if share.empty:
                ui.no_data("the shares waiting past 13, 18 and 52 weeks")
            else:
                ui.chart(charts.series(share, "indicator_id", "%",
                                       names={k: f"Waiting {v}" for k, v in THRESHOLDS.items()},
                                       order=list(THRESHOLDS)),
                         f"waits_share_trend_{pathway}_{code}",
                         f"Share of the {PATHWAY_NAMES.get(pathway, pathway)} waiting list in {name} that had waited "
                         "over 13, 18 and 52 weeks, by period, with 95% confidence intervals.", share)


NHS_SOURCES = {"waiting_over_13_weeks": "Autism Statistics (0-17s with a referral open 13 weeks or more)",
               "waiting_over_18_weeks": "Community Health Services waiting lists (community paediatric service)",
               "waiting_over_52_weeks": "Community Health Services waiting lists (community paediatric service)"}
NHS_AREAS = {"nhs_england": "England", "nhs_sub_icb": "this sub-ICB", "nhs_icb": "this ICB"}


def nhs_section() -> None:
    """The chosen pathway's waiting list against NHS England's published figures: England's, and the sub-ICB's or
    ICB's own where the area is one."""
    st.subheader("Against NHS England's figures")
    if pathway == "camhs":
        camhs_access()
        return
    comps = data.nhs_comparisons(code, level)
    comps = comps[comps["breakdown"] == f"pathway={pathway}"]
    if comps.empty:
        ui.no_data(f"NHS England's published figures to compare the {PATHWAY_NAMES.get(pathway, pathway)} waiting "
                   "list with (nhs_autism_open_13_weeks, nhs_paediatrics_over_*_weeks)")
        return
    said, lines = [], []
    for indicator_id, g in comps.groupby("indicator_id", sort=True):
        local = waits[str(indicator_id)]
        local = local[local["pathway"] == pathway].set_index("period")["value"]
        latest = str(g["period"].max())
        theirs = "; ".join(f"{NHS_AREAS[r.comparator_type]} {fmt_number(r.comparator_value, '%')} ({r.comparison})"
                           for r in g[g["period"] == latest].itertuples())
        said.append(f"waiting {THRESHOLDS[str(indicator_id)]}, {period_label(latest)}: {name} "
                    f"{fmt_number(local.get(latest), '%')}; NHS England's {NHS_SOURCES[str(indicator_id)]}: {theirs}")
        label = f"Waiting {THRESHOLDS[str(indicator_id)]}"
        lines.append(g.assign(series=label + ": NHS England: " + g["comparator_type"].map(NHS_AREAS),
                              value=g["comparator_value"]))
        mine = pd.DataFrame({"period": local.index, "value": local.to_numpy(), "series": f"{label}: {name}"})
        lines.append(mine[mine["period"].isin(set(g["period"]))])
    shown = pd.concat(lines, ignore_index=True)[["period", "series", "value"]]
    ui.chart(charts.series(shown, "series", "%", ci=False), f"nhs_{pathway}_{code}",
             f"Share of the {PATHWAY_NAMES.get(pathway, pathway)} waiting list in {name} at each quarter end, against "
             f"NHS England's published figures for the quarter's last month: {'; '.join(said)}.")
    ui.download(shown, f"nhs_{pathway}_{code}", columns=False)
    ui.definition_link("nhs_autism_open_13_weeks" if pathway == "asc" else "nhs_paediatrics_over_18_weeks")


NHS_ACCESS = "nhs_cyp_mh_access_rate"
ACCESS_WHAT = "children and young people under 18 in contact with NHS-funded mental health services"


def camhs_access() -> None:
    """The CAMHS waiting list beside NHS England's MHSDS access measure (MHS95 per 1,000 aged 0-17): the area's (a
    sub-ICB's as published; a district's or authority's shared out from its sub-ICBs) and England's. Beside, not
    against: the two measure different things."""
    mine = data.area_series((NHS_ACCESS,), code, level) if NHS_ACCESS in published else pd.DataFrame()
    comps = data.comparisons((NHS_ACCESS,), code, level) if NHS_ACCESS in published else pd.DataFrame()
    england = comps[comps["comparator_type"] == "england"] if len(comps) else comps
    mine = mine.dropna(subset=["value"]) if len(mine) else mine
    if mine.empty:
        ui.no_data(f"NHS England's MHSDS access figures for {name} ({NHS_ACCESS})")
        return
    latest = mine.sort_values("period").iloc[-1]
    month = str(latest["period"])
    theirs = england[england["period"] == month]
    versus = (f"; England {fmt_number(theirs['comparator_value'].iloc[0], 'per 1,000')} ({name} "
              f"{theirs['comparison'].iloc[0]} compared with England)" if len(theirs) else "")
    listed = waits["waiting_over_18_weeks"]
    listed = listed[listed["pathway"] == "camhs"].dropna(subset=["value"]).sort_values("period")
    local = (f"The CAMHS waiting list in {name}, {period_label(str(listed['period'].iloc[-1]))}: "
             f"{fmt_number(listed['denominator'].iloc[-1], 'children waiting')}, "
             f"{fmt_number(listed['value'].iloc[-1], '%')} of them over 18 weeks. " if len(listed) else "")
    lines = [mine.assign(series=f"CYP mental health access: {name}")]
    if len(england):
        lines.append(england.assign(series="CYP mental health access: NHS England: England",
                                    value=england["comparator_value"]))
    shown = pd.concat(lines, ignore_index=True)[["period", "series", "value"]]
    ui.chart(charts.series(shown, "series", "per 1,000", ci=False), f"nhs_camhs_{code}",
             f"{local}Beside it, NHS England's Mental Health Services Data Set (MHSDS): {ACCESS_WHAT} in the 12 "
             f"months to {period_label(month)}, per 1,000 residents aged 0-17: {name} "
             f"{fmt_number(latest['value'], 'per 1,000')}{versus}. A sub-ICB's figure is NHS England's; a district's "
             "or authority's is shared out from its sub-ICBs by children. The two measure different things: children "
             "seen in the year, and children waiting.")
    ui.download(shown, f"nhs_camhs_{code}", columns=False)
    ui.definition_link(NHS_ACCESS)


def variation_section() -> None:
    """The variation between districts on a funnel plot."""
    st.subheader("Variation between districts")
    # the health measures first, then every other proportion and rate indicator
    others = [i for i in catalogue.index if catalogue.loc[i, "method"] in variation.FUNNEL_METHODS
              and i not in HEALTH_FUNNELS]
    choices = [i for i in [*HEALTH_FUNNELS, *others] if i in published]
    if not choices:
        ui.no_data("district figures for the funnel plot")
    else:
        pick = st.columns([3, 2])
        measure = str(ui.url_choice("Measure", choices, "funnel", format_func=lambda i: catalogue.loc[i, "title"],
                                    container=pick[0]))
        limits = str(ui.url_choice("Limits", list(variation.LIMITS), "limits", default="plain",
                                   format_func=variation.LIMITS.__getitem__, container=pick[1],
                                   help="Plain limits show the spread chance alone would give. With many areas "
                                        "or large counts real differences between areas put most of them outside; "
                                        "overdispersed limits (Spiegelhalter) allow for that spread."))
        meta = catalogue.loc[measure]
        districts = tuple(data.areas("lad", str(home["area_code"]))["area_code"])
        lad = pd.concat([data.values(measure, "lad", f"pathway={pathway}", area_codes=districts),
                         data.values(measure, "lad", "all", area_codes=districts)])
        lad = lad[lad["breakdown"] == (f"pathway={pathway}" if (lad["breakdown"] != "all").any() else "all")]
        if lad.empty:
            ui.no_data(f"{meta['short_title']} by district")
        else:
            period = str(lad["period"].max())
            shown = lad[lad["period"] == period]
            f = variation.funnel(shown, str(meta["method"]), float(meta["multiplier"]),
                                 limits)  # type: ignore[arg-type]
            if f is None:
                st.info("Too few districts have published counts for a funnel plot in this period.")
            else:
                outliers = f.points[~f.points["significance"].str.startswith("Not")]
                ui.chart(charts.funnel(f.points, f.lines, f.baseline, str(meta["unit"]), f.x_title),
                         f"funnel_{measure}_{pathway}_{period}_{limits}",
                         f"Funnel plot of {in_sentence(meta['short_title'])} "
                         f"({breakdown_label(shown['breakdown'].iloc[0])}) "
                         f"in {len(f.points)} districts, {period_label(period)}: districts outside the dashed lines "
                         "differ from the average more than chance would explain at 95%, outside the solid lines at "
                         "99.8%. " + variation.limits_sentence(f, limits, float(meta["multiplier"]), str(meta["unit"]))
                         + " " + ("Outside the limits: " + ", ".join(
                             f"{r.area_name} ({r.significance})" for r in outliers.itertuples()) + "."
                             if len(outliers) else "Every district is within the limits.")
                         + (f" Not plotted (suppressed): {', '.join(f.left_out)}." if f.left_out else ""), shown)
            ui.definition_link(measure)
        if "wait_spread_districts" in published:
            spread = data.area_series(("wait_spread_districts",), str(home["area_code"]), "utla", breakdown=None)
            spread = spread[spread["breakdown"].isin([f"pathway={pathway}", "all"])]
            if len(spread):
                ui.headline(catalogue.loc["wait_spread_districts"],
                            spread[spread["breakdown"] == spread["breakdown"].iloc[-1]])


def advice_section() -> None:
    """NHS trusts' six-week compliance with requests for EHC health advice, by quarter."""
    st.subheader("Health advice for EHC needs assessments: six-week compliance by trust")
    trusts = data.values("advice_6_weeks", "trust") if "advice_6_weeks" in published else pd.DataFrame()
    if trusts.empty:
        ui.no_data("NHS trusts' six-week compliance (advice_6_weeks)")
    else:
        meta = catalogue.loc["advice_6_weeks"]
        mine = data.area_series(("advice_6_weeks",), code, level).dropna(subset=["value"])
        if len(mine):  # the chosen area's children, by where they live (the county's: every request for them)
            last = mine.sort_values("period").iloc[-1]
            ui.headline(meta, mine, label=f"Health advice within 6 weeks: {name}",
                        note=f"{fmt_number(last['denominator'], 'requests')} with a known outcome, "
                             f"{period_label(str(last['period']))}")
        latest = trusts[trusts["period"] == trusts["period"].max()].sort_values("value")
        path = data.target_path("advice_6_weeks", code, level)  # the area's: a local trajectory moves it
        target = charts.target_at_end(path) or (float(meta["target"]) if pd.notna(meta["target"]) else 95.0)
        ui.chart(charts.series(trusts, "area_name", "%", target=path if path is not None else target),
                 "advice_6_weeks_trusts",
                 "Share of requests for EHC health advice each NHS trust returned within six weeks, by quarter, "
                 f"against the {target:g}% target (dashed). "
                 f"{period_label(str(latest['period'].iloc[0]))}: " + "; ".join(
                     f"{r.area_name} {fmt_number(r.value, '%')} ({r.comparison})" for r in latest.itertuples()) + ".",
                 trusts)
        ui.definition_link("advice_6_weeks")


def waits_and_nhs() -> None:
    waits_section()
    nhs_section()


ui.sections({"Waits": waits_and_nhs, "Variation between districts": variation_section,
             "Six-week health advice": advice_section}, "health_tab")
