"""The board pack template: what the 0-25 Joint Commissioning Board reads, built from published figures only.

A summary (the Overview's headline tiles and sentences), a section per theme (EHC plans and timeliness; health
advice and waits; social care; sufficiency and forecasts) with a print-grade map, the dashboards' trend charts
(targets, 95% intervals) and a comparison table, then caveats (what is suppressed and why), definitions and
methods, and the sources with their provenance. Pure assembly: every figure is a published row, worded by the
functions the dashboards use."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import pandas as pd

from jsna.errors import ExportError
from jsna.publish import charts, figures, headlines, narrative
from jsna.publish.attribution import PUBLISHERS, attribution
from jsna.publish.cells import cell_text
from jsna.publish.classes import classify
from jsna.publish.document import Document, Figure, Paragraph, Section, Table, Tiles
from jsna.publish.formatting import (
    LEVEL_NAMES,
    PATHWAY_NAMES,
    breakdown_label,
    fmt_number,
    in_sentence,
    missing,
    period_label,
)
from jsna.publish.maps import map_data
from jsna.publish.published import Published

COMPARATORS = {"region": "Region", "england": "England", "neighbours": "Statistical neighbours",
               "parent": "Parent area"}
METHODS = ("Proportions use Wilson score intervals; rates and counts exact Poisson limits below 10 and Byars "
           "above; comparisons test whether the 95% interval excludes the comparator (polarity-aware: better or "
           "worse where higher or lower is better, otherwise higher or lower); trends are tested over the latest "
           "periods; forecasts give 80% and 95% prediction intervals.")
DISCLOSURE = ("Every figure is published after disclosure control: a count of children under the threshold is "
              "not published (shown as 'suppressed'), and further cells are suppressed where they could be "
              "worked out from totals, neighbouring areas or breakdowns. A rate or percentage whose count is "
              "suppressed is suppressed with it, and a suppressed value is compared with nothing.")


def period_year(period: str) -> int:
    """The calendar year a period falls in: '202425' -> 2025 (its January census), '2024-Q3' and '2024-09' ->
    2024."""
    text = str(period).strip()
    year = int(text[:4])
    return year + 1 if len(text) == 6 and text.isdigit() else year


@dataclass
class Board:
    """What the template reads once and shares between its sections."""

    pub: Published
    code: str
    name: str
    until: int | None
    url: str | None
    catalogue: pd.DataFrame = field(init=False)
    districts: pd.DataFrame = field(init=False)
    used: list[str] = field(default_factory=list)
    suppressed: list[list[str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.catalogue = self.pub.indicators()
        self.districts = self.pub.areas_within("lad", self.code)

    def has(self, indicator_id: str) -> bool:
        return indicator_id in self.catalogue.index and bool(self.periods(indicator_id))

    def meta(self, indicator_id: str) -> pd.Series:
        return self.catalogue.loc[indicator_id]

    def use(self, *ids: str) -> None:
        self.used.extend(i for i in ids if i not in self.used and i in self.catalogue.index)

    def periods(self, indicator_id: str) -> list[str]:
        return [p for p in self.pub.periods(indicator_id) if self.until is None or period_year(p) <= self.until]

    def cut(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The rows in the pack's periods (every period, or those up to `until`)."""
        if self.until is None or frame.empty:
            return frame
        return frame[[period_year(p) <= self.until for p in frame["period"]]]

    def series(self, ids: list[str], level: str = "utla", code: str | None = None) -> pd.DataFrame:
        return self.cut(self.pub.area_series([i for i in ids if i in self.catalogue.index], code or self.code, level))

    def by_pathway(self, indicator_id: str) -> pd.DataFrame:
        if not self.has(indicator_id):
            return pd.DataFrame(columns=["indicator_id", "period", "breakdown", "value"])
        return self.cut(self.pub.breakdown_values(indicator_id, self.code, "pathway", "utla"))

    def districts_of(self, indicator_id: str, breakdown: str = "all") -> pd.DataFrame:
        codes = list(self.districts["area_code"])
        return self.cut(self.pub.values(indicator_id, "lad", breakdown, codes)) if codes else pd.DataFrame()


# -- the template --------------------------------------------------------------------------------------
def build(pub: Published, code: str, name: str, period: str | None = None, url: str | None = None) -> Document:
    """The board pack of area `code` (an upper-tier authority), with each indicator's latest period (or its
    latest up to the year of `period`)."""
    until = period_year(period) if period else None
    ctx = Board(pub, code, name, until, url)
    if not ctx.has("ehcp_plans") and not any(ctx.has(i) for i in headlines.HEADLINES):
        raise ExportError(f"Nothing is published for {name} {'up to ' + str(until) if until else ''}: "
                          "run `jsna refresh` first.")
    sections = [summary(ctx), ehcp(ctx), health(ctx), social_care(ctx), sufficiency(ctx)]
    sections += [caveats(ctx), definitions(ctx), sources(ctx)]
    run = run_line(pub)
    made = datetime.now(UTC)
    return Document(
        title="SEND Joint Strategic Needs Assessment: board pack",
        subtitle=f"{name}: children and young people aged 0-25 with special educational needs and disabilities",
        cover=[("Area", f"{name} ({code})"),
               ("Period", f"Each indicator's latest period up to the end of {until}" if until
                else "Each indicator's latest published period (named beside every figure)"),
               ("Made", f"{made:%d %B %Y %H:%M} UTC"),
               ("Refresh run", run),
               ("Figures", "Published figures only, after disclosure control; counts under the threshold are "
                           "shown as suppressed.")],
        sections=sections)


# -- summary -------------------------------------------------------------------------------------------
def run_line(pub: Published) -> str:
    """The cover's line naming the refresh run that built the published tables."""
    build_row = pub.build()
    if build_row is None:
        return "Not recorded by the refresh that built these tables: refresh again to record it."
    return (f"Run {int(build_row['run_id'])}, started {pd.Timestamp(build_row['started_at']):%d %B %Y %H:%M} UTC "
            f"(jsna {build_row['jsna_version']})")


def summary(ctx: Board) -> Section:
    """The Overview's headline tiles and its sentences."""
    ids = [i for i in headlines.HEADLINES if i in ctx.catalogue.index]
    series = ctx.series([*ids, "ehcp_plans"])
    compared = ctx.cut(ctx.pub.comparisons(ids, ctx.code, "utla")) if ids else pd.DataFrame()
    england = compared[compared["comparator_type"] == "england"].rename(columns={"comparator_value": "value"}) \
        if len(compared) else None
    waits, over_18 = ctx.by_pathway("wait_median_weeks"), ctx.by_pathway("waiting_over_18_weeks")
    trusts = ctx.cut(ctx.pub.values("advice_6_weeks", "trust")) if ctx.has("advice_6_weeks") else series.iloc[0:0]
    ctx.use(*ids, "ehcp_plans", "wait_median_weeks", "waiting_over_18_weeks")

    def of(indicator_id: str) -> pd.DataFrame:
        return series[series["indicator_id"] == indicator_id]

    def meta(indicator_id: str, title: str) -> pd.Series:
        return ctx.meta(indicator_id) if indicator_id in ctx.catalogue.index else pd.Series(
            {"indicator_id": indicator_id, "short_title": title, "unit": "", "polarity": "no_judgement"})

    advice, advice_label, advice_note = headlines.advice(of("advice_6_weeks"), trusts)
    longest = headlines.longest_pathway(waits)
    tiles = [
        headlines.tile(meta("ehcp_20_weeks", "New EHC plans within 20 weeks"), of("ehcp_20_weeks")),
        headlines.tile(meta("ehcp_rate_0_25", "EHC plans per 1,000"), of("ehcp_rate_0_25"),
                       note=headlines.plans_note(of("ehcp_plans"))),
        headlines.tile(meta("ehcp_backlog", "Assessments open past 20 weeks"), of("ehcp_backlog")),
        headlines.tile(meta("advice_6_weeks", "Health advice within 6 weeks"), advice, advice_label, advice_note),
        headlines.tile(meta("wait_median_weeks", "Median wait"),
                       waits[waits["breakdown"] == longest] if longest else waits.iloc[0:0],
                       f"Median wait, {breakdown_label(longest)}" if longest else None,
                       headlines.other_pathways(waits, longest) if len(waits) else None),
        headlines.tile(meta("waiting_over_18_weeks", "Waiting over 18 weeks"),
                       over_18[over_18["breakdown"] == longest] if longest else over_18.iloc[0:0],
                       f"Waiting over 18 weeks, {breakdown_label(longest)}" if longest else None),
    ]
    sentences = narrative.overview(ctx.name, ctx.catalogue, series, waits, over_18, england)
    return Section("Summary").add(
        Paragraph(f"The headline figures for {ctx.name}, each in its latest published period, as the dashboards' "
                  "Overview shows them: the change since the period before, the published comparison and trend."),
        Tiles(tiles),
        Paragraph("\n".join(sentences), "lead") if sentences else None,
        Paragraph("Generated from the published figures. England's figures are quoted where they are published.",
                  "note"))


# -- themes --------------------------------------------------------------------------------------------
def ehcp(ctx: Board) -> Section:
    section = Section("EHC plans and timeliness").add(Paragraph(
        f"Education, health and care plans in {ctx.name}: how many there are for the population aged 0-25, how "
        "quickly new plans are issued against the 20-week limit, and how many assessments are running late."))
    section.add(trend_figure(ctx, "ehcp_20_weeks"), trend_figure(ctx, "ehcp_rate_0_25"))
    section.add(comparison_table(ctx, ["ehcp_plans", "ehcp_rate_0_25", "ehcp_requests_rate", "ehcp_20_weeks",
                                       "ehcp_20_weeks_ex", "ehcp_backlog", "ehcp_specialist_placement",
                                       "ehcp_neet_16_25"]))
    return section.add(map_figure(ctx, "ehcp_rate_0_25"))


def health(ctx: Board) -> Section:
    section = Section("Health advice and waits").add(Paragraph(
        "Whether NHS trusts return EHC health advice within six weeks, and how long children and young people wait "
        "for an autism (ASC) or ADHD assessment or for children's mental health services (CAMHS)."))
    waits = ctx.by_pathway("wait_median_weeks")
    longest = headlines.longest_pathway(waits)
    section.add(advice_figure(ctx), waits_figure(ctx), over_18_figure(ctx))
    section.add(comparison_table(ctx, ["advice_6_weeks", "referrals_rate", "wait_spread_districts"]),
                pathway_table(ctx))
    return section.add(map_figure(ctx, "wait_median_weeks", longest) if longest else None)


def social_care(ctx: Board) -> Section:
    section = Section("Social care").add(Paragraph(
        f"Disabled children known to children's social care in {ctx.name}: the disabled children's team caseload, "
        "children in need with a disability, and how many of the caseload receive short breaks."))
    section.add(trend_figure(ctx, "dct_caseload_rate"), trend_figure(ctx, "short_breaks_pct"))
    section.add(comparison_table(ctx, ["dct_caseload_rate", "short_breaks_pct", "cin_disabled_pct",
                                       "cin_disability_rate", "ehcp_cin_pct"]))
    return section.add(map_figure(ctx, "dct_caseload_rate"))


def sufficiency(ctx: Board) -> Section:
    section = Section("Sufficiency and forecasts").add(Paragraph(
        f"Where EHC plans in {ctx.name} are heading (a forecast five years on with 80% and 95% prediction "
        "intervals) and whether specialist places keep pace with the children projected to need them."))
    origins = ctx.pub.forecasts([ctx.code])["origin"]
    if ctx.until is not None and len(origins) and int(origins.max()) > ctx.until:
        section.add(Paragraph(f"The published forecasts and place sufficiency run on from {int(origins.max())}, "
                              f"after this pack's period (to {ctx.until}): they are not shown. A pack of the latest "
                              "period shows them.", "note"))
        return section.add(map_figure(ctx, "ehcp_specialist_placement"))
    section.add(fan_figure(ctx))
    places = places_figure(ctx)
    if places is None:
        section.add(Paragraph("No place sufficiency is published (it needs case-level EHC extracts and the schools "
                              "list with places).", "note"))
    else:
        section.add(*places)
    return section.add(map_figure(ctx, "ehcp_specialist_placement"))


# -- figures ---------------------------------------------------------------------------------------------
def map_figure(ctx: Board, indicator_id: str, breakdown: str | None = None) -> Figure | None:
    """The indicator's print-grade district map in its latest period (a page of its own), as `export map`
    draws it."""
    if not ctx.has(indicator_id):
        return None
    lad = ctx.districts_of(indicator_id, breakdown or "all")
    if lad.empty:
        return None
    period = str(lad["period"].max())
    data = map_data(indicator_id, "lad", period, breakdown, ctx.code, url=ctx.url)
    ctx.use(indicator_id)
    shown = data.areas[data.areas["state"] == "value"].sort_values("value")
    classes, _ = classify(data.areas["value"], "quantiles", 5, data.unit)
    hidden = data.count("suppressed")
    ctx.suppressed.append([data.title + (f", {breakdown_label(breakdown)}" if breakdown else ""), "Districts",
                           period_label(period), f"{len(data.areas):,}", f"{hidden:,}"])
    split = f" ({breakdown_label(breakdown)})" if breakdown else ""
    alt = (f"Map of {in_sentence(data.title)}{split} in the {len(data.areas)} districts of {ctx.name}, "
           f"{period_label(period)}, in {len(classes.labels)} quantile classes: "
           + "; ".join(f"{lab} ({n} districts)" for lab, n in zip(classes.labels, classes.counts, strict=True))
           + (f". Highest: {shown.iloc[-1]['area_name']} ({fmt_number(shown.iloc[-1]['value'], data.unit)}); lowest: "
              f"{shown.iloc[0]['area_name']} ({fmt_number(shown.iloc[0]['value'], data.unit)})" if len(shown) else "")
           + f". {hidden} suppressed.")
    return figures.map_page(data, alt, f"{data.title}{split} by district, {period_label(period)}",
                            name=f"map_{indicator_id}")


def trend_figure(ctx: Board, indicator_id: str) -> Figure | None:
    """The dashboards' trend: the area bold with its 95% interval, its districts thin, the target dashed."""
    if not ctx.has(indicator_id):
        return None
    meta, unit = ctx.meta(indicator_id), str(ctx.meta(indicator_id)["unit"])
    county = ctx.cut(ctx.pub.values(indicator_id, "utla", area_codes=[ctx.code]))
    lad = ctx.districts_of(indicator_id)
    both = pd.concat([f for f in (county, lad) if len(f)], ignore_index=True)
    if both.empty:
        return None
    ctx.use(indicator_id)
    path = charts.target_path(ctx.pub.comparisons([indicator_id], ctx.code, "utla"))  # a trajectory moves it
    target = charts.target_at_end(path) if path is not None else None if missing(meta["target"]) else float(
        meta["target"])
    spec = charts.trend(both, ctx.code if len(county) else str(both["area_code"].iloc[0]), unit,
                        path if path is not None else target)
    spec["title"] = f"{meta['short_title']}, {ctx.name} and its districts"
    mine = county.dropna(subset=["value"]).sort_values("period")
    alt = (f"Line chart of {in_sentence(str(meta['short_title']))} over {both['period'].nunique()} periods for "
           f"{ctx.name} (bold, with its 95% confidence interval) and its {lad['area_code'].nunique()} districts"
           + (f"; the target {fmt_number(target, unit)} dashed" if target is not None else "")
           + (f". {ctx.name}: {fmt_number(mine.iloc[0]['value'], unit)} in {period_label(mine.iloc[0]['period'])}, "
              f"{fmt_number(mine.iloc[-1]['value'], unit)} in {period_label(mine.iloc[-1]['period'])}."
              if len(mine) else "."))
    return figures.chart(spec, alt, f"{meta['definition']} Bold: {ctx.name}, with its 95% confidence interval; thin "
                                    "lines: its districts.", name=f"trend_{indicator_id}")


def advice_figure(ctx: Board) -> Figure | None:
    """Six-week health advice by quarter: the area and each trust, against the 95% target."""
    if not ctx.has("advice_6_weeks"):
        return None
    meta = ctx.meta("advice_6_weeks")
    rows = pd.concat([ctx.cut(ctx.pub.values("advice_6_weeks", "utla", area_codes=[ctx.code])),
                      ctx.cut(ctx.pub.values("advice_6_weeks", "trust"))], ignore_index=True)
    if rows.empty:
        return None
    ctx.use("advice_6_weeks")
    path = charts.target_path(ctx.pub.comparisons(["advice_6_weeks"], ctx.code, "utla"))
    target = charts.target_at_end(path) if path is not None else None if missing(meta["target"]) else float(
        meta["target"])
    order = [ctx.name, *sorted(set(rows["area_name"]) - {ctx.name})]
    spec = charts.series(rows, "area_name", "%", target=path if path is not None else target, order=order)
    spec["title"] = f"{meta['short_title']}, {ctx.name} and its NHS trusts"
    latest = rows[rows["period"] == rows["period"].max()].dropna(subset=["value"])
    alt = (f"Line chart of health advice returned within six weeks by quarter, {period_label(rows['period'].min())} "
           f"to {period_label(rows['period'].max())}, for {ctx.name} and {rows['area_name'].nunique() - 1} NHS trusts, "
           f"with 95% confidence bands and the {fmt_number(target, '%')} target dashed. Latest: "
           + "; ".join(f"{r.area_name} {fmt_number(r.value, '%')}" for r in latest.itertuples()) + ".")
    return figures.chart(spec, alt, f"{meta['definition']} Dashed: the target.", name="advice")


def waits_figure(ctx: Board) -> Figure | None:
    """The latest median and 90th percentile waits by pathway (the Health waits page's chart)."""
    median, p90 = ctx.by_pathway("wait_median_weeks"), ctx.by_pathway("wait_p90_weeks")
    rows = []
    for b in sorted(set(median["breakdown"]) | set(p90["breakdown"])):
        mm = median[median["breakdown"] == b].dropna(subset=["value"]).sort_values("period")
        pp = p90[p90["breakdown"] == b].dropna(subset=["value"]).sort_values("period")
        if len(mm) or len(pp):
            rows.append({"label": breakdown_label(b), "median": mm.iloc[-1]["value"] if len(mm) else None,
                         "p90": pp.iloc[-1]["value"] if len(pp) else None})
    if not rows:
        return None
    ctx.use("wait_median_weeks", "wait_p90_weeks")
    frame = pd.DataFrame(rows, columns=["label", "median", "p90"]).astype({"median": float, "p90": float})
    spec = charts.waits(frame)
    spec["title"] = f"Waits by pathway, {ctx.name}, latest year"
    words = "; ".join(f"{r.label} median {fmt_number(r.median, 'weeks')}, 90th percentile {fmt_number(r.p90, 'weeks')}"
                      for r in frame.itertuples())
    return figures.chart(spec, f"Chart of the latest waits by pathway in {ctx.name}: {words}.",
                         "The bar runs from no wait to the 90th percentile; the dot is the median wait, the tick the "
                         "90th percentile.", name="waits")


def over_18_figure(ctx: Board) -> Figure | None:
    """The share of each waiting list waiting over 18 weeks, by quarter and pathway, with 95% bands."""
    rows = ctx.by_pathway("waiting_over_18_weeks")
    if rows.empty:
        return None
    ctx.use("waiting_over_18_weeks")
    keys = sorted(rows["breakdown"].unique())
    spec = charts.series(rows, "breakdown", "%", names={k: breakdown_label(k) for k in keys})
    spec["title"] = f"Waiting over 18 weeks by pathway, {ctx.name}"
    latest = rows[rows["period"] == rows["period"].max()].dropna(subset=["value"])
    alt = (f"Line chart of the share of each waiting list in {ctx.name} waiting over 18 weeks, "
           f"{period_label(rows['period'].min())} to {period_label(rows['period'].max())}, with 95% confidence "
           "bands. Latest: " + "; ".join(f"{breakdown_label(r.breakdown)} {fmt_number(r.value, '%')}"
                                         for r in latest.itertuples()) + ".")
    return figures.chart(spec, alt, str(ctx.meta("waiting_over_18_weeks")["definition"]), name="over_18")


def fan_figure(ctx: Board) -> Figure | None:
    """The area's forecast of EHC plans with the observed counts (the Sufficiency planner's fan chart)."""
    fc = ctx.pub.forecasts([ctx.code])
    fc = fc[(fc["measure"] == "ehc_plans") & (fc["breakdown_topic"] == "Total") & (fc["area_code"] == ctx.code)]
    if fc.empty:
        return None
    hist = ctx.series(["ehcp_plans"])
    history = pd.DataFrame({"year": [period_year(p) for p in hist["period"]], "value": hist["numerator"]})
    ctx.use("ehcp_plans")
    spec = charts.fan(history, fc, "plans", ctx.name)
    spec["title"] = f"EHC plans in {ctx.name}: observed and forecast"
    shown = fc.dropna(subset=["point"]).sort_values("year")
    last = shown.iloc[-1] if len(shown) else None
    alt = (f"Fan chart of EHC plans in {ctx.name}: observed "
           + (f"{fmt_number(history['value'].iloc[-1])} in {int(history['year'].iloc[-1])}" if len(history) else "")
           + (f"; forecast {fmt_number(last['point'])} in {int(last['year'])} (80% interval "
              f"{fmt_number(last['lower80'])} to {fmt_number(last['upper80'])}, 95% {fmt_number(last['lower95'])} to "
              f"{fmt_number(last['upper95'])})." if last is not None else "."))
    method = str(fc["method"].iloc[0])
    return figures.chart(spec, alt, f"Black: observed; dashed blue: forecast; shaded: 80% (dark) and 95% (light) "
                                    f"prediction intervals. Method: {method}.", name="forecast")


def places_figure(ctx: Board) -> list[Figure | Table] | None:
    """Special school places against the demand projected for them, by district, in the last year forecast, and
    the year each district first runs short."""
    table = ctx.pub.sufficiency(list(ctx.districts["area_code"]))
    if table.empty:
        return None
    special = table[table["provision"] == "special"]
    year = int(special["year"].max())
    by_area = special.groupby(["area_code", "year"], as_index=False).agg(
        area_name=("area_name", "first"), demand=("demand", "sum"), demand_lower80=("demand_lower80", "sum"),
        demand_upper80=("demand_upper80", "sum"), places=("places", "sum"))
    now = by_area[by_area["year"] == year]
    short = now[now["demand"] > now["places"]].sort_values("area_name")
    spec = charts.demand_places(now)
    spec["title"] = f"Special school places against projected demand, {year}"
    alt = (f"Bar chart of special school places against the children projected to need them in {year} in each of "
           f"the {len(now)} districts of {ctx.name}. Short: "
           + (", ".join(f"{r.area_name} ({fmt_number(r.demand - r.places)} places)" for r in short.itertuples())
              or "none") + ".")
    fig = figures.chart(spec, alt, "Grey: places; blue: demand (vermillion where it exceeds the places), whiskers its "
                                   "80% interval. Cells under the disclosure threshold are withheld and left out of "
                                   "these sums.", name="places")
    first = special.dropna(subset=["demand"])
    first = first[first["demand"] > first["places"]].groupby("area_name")["year"].min()
    rows = [[r.area_name, cell_text(r.places, None, ""), cell_text(r.demand, None, "suppressed"),
             str(int(first[r.area_name])) if r.area_name in first.index else f"not by {year}"]
            for r in now.sort_values("area_name").itertuples()]
    return [fig, Table(f"Special school places and projected demand by district, {year}",
                       ["District", "Places", f"Demand {year}", "First year short"], rows,
                       [False, True, True, False],
                       note="Demand is the published projection of children with EHC plans needing a special school "
                            "place, summed over primary needs; one need's spare places do not seat another's "
                            "children.")]


# -- tables ----------------------------------------------------------------------------------------------
def comparison_table(ctx: Board, ids: list[str]) -> Table | None:
    """Each indicator's latest figure for the area with its 95% interval, beside the region, England and
    statistical neighbours where published, its target, and the published judgements."""
    ids = [i for i in ids if ctx.has(i)]
    mine = ctx.series(ids)
    if mine.empty:
        return None
    compared = ctx.cut(ctx.pub.comparisons(ids, ctx.code, "utla"))
    parent = ctx.pub.query("parent", a=ctx.code)
    region = str(parent["parent_code"].iloc[0]) if len(parent) else None
    rows, kinds = [], set()
    for i in ids:
        shown = mine[mine["indicator_id"] == i].sort_values("period")
        if shown.empty:
            continue
        ctx.use(i)
        latest = shown.iloc[-1]
        meta, unit = ctx.meta(i), str(ctx.meta(i)["unit"])
        period = str(latest["period"])
        here = compared[(compared["indicator_id"] == i) & (compared["period"] == period)]
        cells = {}
        for kind in COMPARATORS:
            row = here[here["comparator_type"] == kind]
            value = row["comparator_value"].iloc[0] if len(row) else None
            if value is None and kind in ("region", "england"):
                value = _published_value(ctx, i, period, "region" if kind == "region" else "country", region)
            if value is not None and not missing(value):
                cells[kind] = fmt_number(value, unit)
                kinds.add(kind)
        judged = [f"{c.comparison} than {_against(c.comparator_type)}" if c.comparison not in ("similar",)
                  else f"similar to {_against(c.comparator_type)}"
                  for c in here.itertuples() if not missing(c.comparison) and c.comparison != "not compared"]
        plain = "%" if unit == "%" else ""  # the interval's ends as numbers, the unit beside the value
        ci = (f"{fmt_number(latest['lower_ci95'], plain)} to {fmt_number(latest['upper_ci95'], plain)}"
              if not missing(latest["lower_ci95"]) else "")
        rows.append((str(meta["short_title"]), period_label(period), fmt_number(latest["value"], unit), ci, cells,
                     "" if missing(meta["target"]) else fmt_number(meta["target"], unit), "; ".join(judged)))
    shown_kinds = [k for k in COMPARATORS if k in kinds]
    columns = ["Indicator", "Period", ctx.name, "95% CI", *[COMPARATORS[k] for k in shown_kinds], "Target",
               "Compared"]
    body = [[t, p, v, ci, *[cells.get(k, "") for k in shown_kinds], target, judged]
            for t, p, v, ci, cells, target, judged in rows]
    return Table(f"{ctx.name} against its comparators, each indicator's latest period", columns, body,
                 [False, False, True, False, *[True] * len(shown_kinds), True, False],
                 note="Comparators are shown where they are published for the same period; 'Compared' gives the "
                      "published judgement (better or worse where the indicator has a polarity, else higher or "
                      "lower), tested on the 95% confidence interval.")


def _published_value(ctx: Board, indicator_id: str, period: str, level: str, code: str | None) -> float | None:
    rows = ctx.pub.query("values", ids=[indicator_id], ps=[period], l=level, codes=[code] if code else None,
                         b="all", d=None)
    values = rows["value"].dropna()
    return float(values.iloc[0]) if len(values) == 1 else None


def _against(kind: str) -> str:
    return {"target": "the target", "england": "England", "region": "the region", "neighbours":
            "statistical neighbours", "parent": "the parent area"}.get(kind, kind)


def pathway_table(ctx: Board) -> Table | None:
    """Each pathway's latest median and 90th percentile waits and the share waiting over 18 weeks."""
    frames = {i: ctx.by_pathway(i) for i in ("wait_median_weeks", "wait_p90_weeks", "waiting_over_18_weeks")}
    keys = sorted(set().union(*(set(f["breakdown"]) for f in frames.values())),
                  key=lambda b: list(PATHWAY_NAMES).index(b.partition("=")[2])
                  if b.partition("=")[2] in PATHWAY_NAMES else 9)
    if not keys:
        return None
    rows = []
    for b in keys:
        row = [breakdown_label(b)]
        for i, f in frames.items():
            g = f[f["breakdown"] == b].sort_values("period")
            unit = str(ctx.meta(i)["unit"])
            row.append(f"{fmt_number(g.iloc[-1]['value'], unit)} ({period_label(g.iloc[-1]['period'])})"
                       if len(g) else "")
        rows.append(row)
    return Table(f"Waits by pathway in {ctx.name}, latest period", ["Pathway", "Median wait", "90th percentile wait",
                                                                    "Waiting over 18 weeks"], rows,
                 [False, True, True, True])


# -- caveats, definitions, sources -----------------------------------------------------------------------
def caveats(ctx: Board) -> Section:
    section = Section("Caveats").add(Paragraph(DISCLOSURE))
    if ctx.suppressed:
        section.add(Table("Suppressed areas on the maps of this pack", ["Map", "Areas", "Period", "Areas shown",
                                                                        "Suppressed"], ctx.suppressed,
                          [False, False, False, True, True]))
    notes = [(str(ctx.meta(i)["short_title"]), str(ctx.meta(i)["caveats"])) for i in ctx.used
             if not missing(ctx.meta(i)["caveats"]) and str(ctx.meta(i)["caveats"]).strip()]
    if notes:
        section.add(Table("Each indicator's own caveats", ["Indicator", "Caveat"], [list(n) for n in notes],
                          widths=[0.25, 0.75]))
    return section


def definitions(ctx: Board) -> Section:
    rows = []
    for i in ctx.used:
        m = ctx.meta(i)
        polarity = {"high_is_good": "higher is better", "low_is_good": "lower is better"}.get(
            str(m["polarity"]), "no judgement")
        rows.append([str(m["title"]), str(m["definition"]), f"{m['numerator']} / {m['denominator']}"
                     if not missing(m["denominator"]) and str(m["denominator"]) else str(m["numerator"]),
                     f"{m['unit']}; {polarity}" + ("" if missing(m["target"]) else f"; target {float(m['target']):g}"),
                     str(m["period_type"])])
    return Section("Definitions and methods").add(
        Table("The indicators in this pack", ["Indicator", "Definition", "Numerator / denominator", "Unit",
                                              "Period"], rows, widths=[0.16, 0.30, 0.26, 0.13, 0.15]),
        Paragraph(METHODS),
        Paragraph(f"Maps are drawn at district level ({LEVEL_NAMES['lad'].lower()}) in five quantile classes, the "
                  "classes the dashboards' Map explorer draws; hatched areas are suppressed, plain light grey ones "
                  "have no published figure.", "note"))


def sources(ctx: Board) -> Section:
    files = ctx.pub.sources()
    build_row = ctx.pub.build()
    run = f"run {int(build_row['run_id'])}" if build_row is not None else "the refresh that built them"
    covered: dict[str, list[str]] = {}
    for i in ctx.catalogue.index:
        for s in str(ctx.meta(i)["sources"]).split(","):
            covered.setdefault(s.strip(), []).extend(ctx.periods(i))
    rows = []
    for r in files.sort_values(["kind", "source_name"]).itertuples():
        periods = sorted(set(covered.get(r.source_name, []) + covered.get(r.kind, [])), key=period_year)
        span = f"{period_label(periods[0])} to {period_label(periods[-1])}" if periods else "reference"
        rows.append([f"{r.source_name}: {r.file_name}", PUBLISHERS.get(str(r.kind), str(r.kind)), span,
                     str(r.sha256), f"{pd.Timestamp(r.loaded_at):%Y-%m-%d %H:%M} UTC"])
    return Section("Sources").add(
        Paragraph(f"Every file behind the published figures of {run}, with its publisher, the periods of the "
                  "indicators it feeds, its SHA-256 checksum (a figure can be traced to the exact file loaded), when "
                  "it was loaded."),
        Table("The files behind this pack", ["Source: file", "Publisher", "Periods", "SHA-256", "Loaded"], rows,
              widths=[0.22, 0.24, 0.12, 0.30, 0.12]),
        Paragraph(attribution(files.to_dict("records")), "note"))
