"""EHC plan indicators: caseload and rate, requests and decisions, 20-week timeliness, the backlog,
transfers, placements and preparation for adulthood.

Two sources feed them. Case-level extracts give counts by LSOA, summed to every level above;
DfE's SEN2 statistics give the official figures for authorities, regions and England. Where both
give the same figure, the published statistic wins.

A child whose home could not be placed (postcode missing or unknown) has no LSOA: the named queries give
its upper-tier authority (`authority_code`) instead, and it counts in that authority's figures only, in
no LSOA, MSOA or district (as jsna.indicators.cin does), so districts need not add up to the authority.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from jsna.indicators import inequality
from jsna.indicators.catalogue import get_indicator
from jsna.indicators.compute import academic_period, age_band, prefer_published, to_levels, with_breakdowns
from jsna.indicators.inputs import Inputs
from jsna.schemas.vocab import SPECIALIST_PLACEMENTS
from jsna.sources import datasets

CASELOAD = datasets.CASELOAD
TIMELINESS = datasets.TIMELINESS
REQUESTS = datasets.REQUESTS
ASSESSMENTS = datasets.ASSESSMENTS
OLD_CASELOAD = datasets.SEN2_AGE_CASELOAD  # the 2022 release's layout: January of the calendar year, back to 2010
OLD_SEN2 = datasets.SEN2_MI  # the 2022 release's calendar-year returns, 2014 to 2021
BREAKDOWNS = {"band": "age_band", "primary_need": "primary_need", "placement": "placement", "sex": "sex"}
SMALL_AREA_BREAKDOWNS = {"band": "age_band"}  # below district level only the age bands are worth publishing
TRANSFER_DEADLINE = pd.Timestamp("2018-03-31")  # statements had to be transferred by 31 March 2018
CEASED = datasets.dataset("ees_ehcp", "ceased_plans")
# A request's outcome (breakdown of ehcp_request_outcomes) -> DfE's measure in requests.csv.
REQUEST_OUTCOMES = {"assess": "requests_decided_to_assess", "not_assess": "requests_decided_not_to_assess",
                    "withdrawn": "requests_withdrawn", "outstanding": "requests_decision_not_made"}
# The reason a plan ceased (SEN2's CeaseReason descriptions, and a bespoke extract's usual wording, lower
# case) -> its category (breakdown of ehcp_ceased); other wording is 'other', none 'not_recorded'.
CEASE_REASONS = {
    "reached maximum age": "max_age", "reached age 25": "max_age",
    "ongoing educational or training needs being met without an ehc plan": "needs_met", "needs met": "needs_met",
    "moved on to higher education": "higher_education", "entered higher education": "higher_education",
    "moved on to paid employment, excluding apprenticeships": "employment", "entered employment": "employment",
    "transferred to another la": "transferred", "moved out of area": "transferred",
    "young person no longer wishes to engage in education or training": "no_engagement",
    "child or young person has moved abroad": "moved_abroad",
    "child or young person deceased": "deceased",
}
# Category -> DfE's measure in ceased_plans.csv (by the data guidance's descriptions: `not_rec` is "ceased for
# other reasons" and `other` "reason is not recorded").
CEASED_MEASURES = {"max_age": "max_age", "needs_met": "needs_met", "higher_education": "he", "employment": "employ",
                   "transferred": "transfer", "no_engagement": "no_engage", "moved_abroad": "moved_outside_eng",
                   "deceased": "deceased", "other": "not_rec", "not_recorded": "other"}


_BLANK = "\x00blank"


def _levels(counts: pd.DataFrame, lookup: pd.DataFrame, levels: list[str], keys: list[str],
            measures: list[str]) -> pd.DataFrame:
    """`to_levels` of the placed rows, with the unplaced rows (no LSOA, `authority_code` given) added to
    their authority's upper-tier row only."""
    # a key left blank (a plan without a recorded need, sex or placement) still counts in the total
    counts = counts.assign(**{k: _or_blank(counts[k]) for k in keys})
    loose = counts["lsoa_code"].isna()
    out = to_levels(counts[~loose], lookup, levels, keys, measures).astype(dict.fromkeys(keys, object))
    unplaced = counts[loose].dropna(subset=["authority_code"]) if "authority_code" in counts else counts[loose]
    if "utla" in levels and len(unplaced):
        extra = unplaced.groupby(["authority_code", *keys], as_index=False, observed=True)[measures].sum()
        extra = extra.astype(dict.fromkeys(keys, object))
        extra = extra.rename(columns={"authority_code": "area_code"}).assign(area_level="utla")
        both = pd.concat([out, extra], ignore_index=True)
        out = both.groupby(["area_level", "area_code", *keys], as_index=False, sort=False)[measures].sum()
    return out.assign(**{k: out[k].where(out[k] != _BLANK, None) for k in keys})


def _or_blank(values: pd.Series) -> pd.Series:
    """`values` as a categorical (millions of case rows' keys, grouped by their codes) with _BLANK for a missing
    value, its categories in their sorted order (a grouping's, as of the values themselves)."""
    cats = values.astype("category")
    if cats.isna().any():
        cats = cats.cat.add_categories([_BLANK]).fillna(_BLANK)
    return cats.cat.reorder_categories(sorted(cats.cat.categories))


def _counts(frame: pd.DataFrame, numerator: str, denominator: str | None = None) -> pd.DataFrame:
    out = frame.rename(columns={numerator: "numerator"})
    out["denominator"] = out[denominator] if denominator else float("nan")
    return out[["period", "area_level", "area_code", "breakdown", "numerator", "denominator"]]


def _published(inputs: Inputs, dataset: str, numerator: list[str],
               denominator: list[str] | None = None, census: bool = False) -> pd.DataFrame:
    """Published counts at authority, region and England level: numerator and denominator are sums of
    measures; a suppressed measure leaves the figure missing (never zero). `census` turns the older
    release's January-census years ('2019') into academic-year periods ('201819')."""
    wide = inputs.statistics(dataset, [*numerator, *(denominator or [])])
    if wide.empty:
        return wide
    if census:
        wide["period"] = academic_period(wide["period"].astype(int))
    wide["numerator"] = wide[numerator].sum(axis=1, min_count=len(numerator))
    wide["denominator"] = wide[denominator].sum(axis=1, min_count=len(denominator)) if denominator else float("nan")
    wide = wide.assign(breakdown="all").dropna(subset=["numerator"])
    return wide.drop_duplicates(["period", "area_level", "area_code"])


# -- caseload -------------------------------------------------------------------------------------
def _caseload(inputs: Inputs) -> pd.DataFrame:
    """Plans held at each January census by LSOA and breakdown (period = '202425' for January 2025)."""
    c = inputs.query("ehcp_caseload", **inputs.years)
    c = c[c["age"].between(0, 25)]
    return c.assign(band=age_band(c["age"], prefix=""), period=academic_period(c["year"]))


def _population_lsoa(inputs: Inputs) -> pd.DataFrame:
    """Residents 0-25 by LSOA: the mid-year before each January census is that census's denominator."""
    p = inputs.query("population_lsoa")  # the query's own frame, with two columns more (not a copy: millions of rows)
    return p.assign(band=age_band(p["age"], prefix=""), period=academic_period(p["year"] + 1))


def _population_areas(inputs: Inputs, census: bool) -> pd.DataFrame:
    """Residents 0-25 by authority, region and England: by January-census period (the mid-year before
    the census) when `census`, else by calendar year."""
    p = inputs.query("population_areas")
    if p.empty:
        return pd.DataFrame(columns=["period", "area_code", "population"])
    p = p.groupby(["area_code", "year"], as_index=False)["population"].sum()
    p["period"] = academic_period(p["year"] + 1) if census else p["year"].astype(str)
    return p[["period", "area_code", "population"]]


def caseload_counts(inputs: Inputs) -> dict[str, pd.DataFrame]:
    plans_ind, rate_ind = get_indicator("ehcp_plans"), get_indicator("ehcp_rate_0_25")
    c = _caseload(inputs)
    pop = _population_lsoa(inputs)
    lookup = inputs.lookup
    out: dict[str, pd.DataFrame] = {}
    # counts of plans, every breakdown at district level and above, age bands below
    high = [lv for lv in plans_ind.levels if lv in ("lad", "utla")]
    low = [lv for lv in plans_ind.levels if lv in ("lsoa", "msoa")]
    plans = []
    for levels, by in ((high, BREAKDOWNS), (low, SMALL_AREA_BREAKDOWNS)):
        if not levels or c.empty:
            continue
        lv = _levels(c, lookup, levels, ["period", "band", "primary_need", "placement", "sex"], ["plans"])
        plans.append(with_breakdowns(lv, by, ["period", "area_level", "area_code"], ["plans"]))
    cases = pd.concat(plans, ignore_index=True) if plans else pd.DataFrame()
    published = prefer_published(_published(inputs, CASELOAD, ["ehcplans"]),
                                 _published(inputs, OLD_CASELOAD, ["total_all"], census=True))
    if len(cases):
        cases = cases.rename(columns={"plans": "numerator"}).assign(denominator=float("nan"))
    out["ehcp_plans"] = _prefer(published, cases)
    # the rate per 1,000 residents aged 0-25
    rates = []
    if len(cases):
        denominators = []
        for levels in (high, low):
            if not levels:
                continue
            lv = to_levels(pop, lookup, levels, ["period", "band", "sex", "imd_decile"], ["population"])
            denominators.append(with_breakdowns(lv, {"band": "age_band", "sex": "sex"},
                                                ["period", "area_level", "area_code"], ["population"]))
        den = pd.concat(denominators, ignore_index=True)
        total = den[den["breakdown"] == "all"][["period", "area_level", "area_code", "population"]]
        num = cases.rename(columns={"numerator": "plans"}).drop(columns="denominator")
        by_own = num[num["breakdown"].str.startswith(("all", "age_band=", "sex="))].merge(
            den, on=["period", "area_level", "area_code", "breakdown"])
        by_total = num[num["breakdown"].str.startswith(("primary_need=", "placement="))].merge(
            total, on=["period", "area_level", "area_code"])
        national = inequality.decile_counts(c, pop, inequality.national_deciles(pop, lookup), "imd_decile")
        local = inequality.decile_counts(c, pop, inequality.local_deciles(pop, lookup), "local_imd_decile")
        rates += [by_own, by_total, national, local]
        out["ehcp_rate_sii"] = inequality.sii(local, rate_ind.multiplier)
    rate_cases = pd.concat([r for r in rates if len(r)], ignore_index=True) if rates else pd.DataFrame()
    if len(rate_cases):
        rate_cases["population"] = rate_cases["population"].round(3)
        rate_cases = rate_cases.rename(columns={"plans": "numerator", "population": "denominator"})
    rate_pub = published.merge(_population_areas(inputs, census=True), on=["period", "area_code"]) \
        if len(published) else published
    if len(rate_pub):
        rate_pub["denominator"] = rate_pub["population"]
    out["ehcp_rate_0_25"] = _prefer(rate_pub, rate_cases)
    # placements and preparation for adulthood, of plan holders
    out["ehcp_specialist_placement"] = _specialist(inputs, c, lookup)
    out["ehcp_neet_16_25"] = _neet(c, lookup, rate_ind.levels)
    out["ehcp_transfers_in"] = _transfers_in(c, lookup)
    return out


def _transfers_in(c: pd.DataFrame, lookup: pd.DataFrame) -> pd.DataFrame:
    """Plans maintained at the census that another authority transferred in (SEN2 TransferLA); nothing
    where the source records no transfer in at all (a bespoke extract without the column)."""
    if c.empty or "transferred_in" not in c or not c["transferred_in"].sum():
        return pd.DataFrame()
    lv = _levels(c, lookup, get_indicator("ehcp_transfers_in").levels, ["period"], ["transferred_in"])
    return lv.assign(breakdown="all", denominator=float("nan")).rename(columns={"transferred_in": "numerator"})


def _specialist(inputs: Inputs, c: pd.DataFrame, lookup: pd.DataFrame) -> pd.DataFrame:
    ind = get_indicator("ehcp_specialist_placement")
    published = _published(inputs, CASELOAD, ["special_total", "specialist_post_16_institutions"], ["ehcplans"])
    if c.empty:
        return published
    known = c.dropna(subset=["placement"]).assign(
        specialist=lambda f: f["plans"].where(f["placement"].isin(SPECIALIST_PLACEMENTS), 0))
    lv = _levels(known, lookup, ind.levels, ["period", "band"], ["specialist", "plans"])
    counts = with_breakdowns(lv, {"band": "age_band"}, ["period", "area_level", "area_code"], ["specialist", "plans"])
    plans = prefer_published(_published(inputs, CASELOAD, ["ehcplans"]),
                             _published(inputs, OLD_CASELOAD, ["total_all"], census=True))
    return _prefer(published, counts.rename(columns={"specialist": "numerator", "plans": "denominator"}),
                   totals=plans, own_total="denominator")


def _neet(c: pd.DataFrame, lookup: pd.DataFrame, levels: list[str]) -> pd.DataFrame:
    """Of plan holders aged 16-25, the share not in education, employment or training."""
    older = c[c["age"].between(16, 25)].dropna(subset=["placement"]).assign(
        neet=lambda f: f["plans"].where(f["placement"] == "neet", 0))
    if older.empty:
        return pd.DataFrame()
    lv = _levels(older, lookup, [lv for lv in levels if lv in ("lad", "utla")], ["period"], ["neet", "plans"])
    return lv.assign(breakdown="all").rename(columns={"neet": "numerator", "plans": "denominator"})


# -- requests, decisions, assessments -------------------------------------------------------------
def request_counts(inputs: Inputs) -> dict[str, pd.DataFrame]:
    r = inputs.query("ehcp_requests")
    r = r[r["year"].between(inputs.first_year, inputs.last_year)].assign(period=lambda f: f["year"].astype(str))
    levels = get_indicator("ehcp_requests_rate").levels
    lookup = inputs.lookup
    outcomes = ["assess", "not_assess", "withdrawn", "outstanding"]
    lv = _levels(r, lookup, levels, ["period"], ["requests", *outcomes, "decided_6_weeks"])
    lv["breakdown"] = "all"
    pop = _population_lsoa(inputs)
    den = to_levels(pop.assign(period=pop["year"].astype(str)), lookup, levels, ["period"], ["population"])
    rate = lv.merge(den, on=["period", "area_level", "area_code"])
    rate = rate.rename(columns={"requests": "numerator", "population": "denominator"})
    pub_req = prefer_published(_published(inputs, REQUESTS, ["requests_received_in_year"]),
                               _published(inputs, OLD_SEN2, ["inreqehc"]))
    if len(pub_req):
        pub_req = pub_req.merge(_population_areas(inputs, census=False), on=["period", "area_code"]).assign(
            denominator=lambda f: f["population"])
    high = lv[lv["area_level"].isin(get_indicator("ehcp_request_outcomes").levels)]
    by_outcome = pd.concat([high.assign(numerator=high["requests"])] + [
        high.assign(breakdown=f"outcome={o}", numerator=high[o]) for o in outcomes], ignore_index=True)
    pub_outcomes = _published(inputs, REQUESTS, ["requests_received_in_year"])
    for o, measure in REQUEST_OUTCOMES.items():
        one = _published(inputs, REQUESTS, [measure])
        pub_outcomes = pd.concat([pub_outcomes, one.assign(breakdown=f"outcome={o}")], ignore_index=True)
    decided = lv["assess"] + lv["not_assess"]
    pub_total = _published(inputs, REQUESTS, ["requests_received_in_year"])  # whose records cover the area
    return {
        "ehcp_requests_rate": _prefer(pub_req, rate),
        "ehcp_request_outcomes": _prefer(pub_outcomes, by_outcome.assign(denominator=float("nan"))),
        "ehcp_requests_decided_6_weeks": _prefer(
            _published(inputs, REQUESTS, ["request_outcome_six_weeks"],
                       ["request_outcome_six_weeks", "request_outcome_over_6_weeks"]),
            lv.assign(numerator=lv["decided_6_weeks"], denominator=decided)[
                lv["area_level"].isin(get_indicator("ehcp_requests_decided_6_weeks").levels)],
            totals=pub_total, own_total="requests"),
        "ehcp_requests_assessed": _prefer(
            _published(inputs, REQUESTS, ["requests_decided_to_assess"],
                       ["requests_decided_to_assess", "requests_decided_not_to_assess"]),
            lv.assign(numerator=lv["assess"], denominator=decided), totals=pub_total, own_total="requests"),
    }


def assessment_counts(inputs: Inputs) -> dict[str, pd.DataFrame]:
    """Assessments leading to a plan, by the calendar year of their outcome (as DfE counts them)."""
    a = inputs.query("ehcp_assessments")
    a = a[a["year"].between(inputs.first_year, inputs.last_year)].assign(period=lambda f: f["year"].astype(str))
    lv = _levels(a, inputs.lookup, get_indicator("ehcp_assessments_to_plan").levels, ["period"], ["plan", "no_plan"])
    return {"ehcp_assessments_to_plan": _prefer(
        prefer_published(
            _published(inputs, ASSESSMENTS, ["assess_issued"], ["assess_issued", "assess_not_issued"]),
            _published(inputs, OLD_SEN2, ["newallehc"], ["newallehc", "assnoneehc"])),
        lv.assign(breakdown="all", numerator=lv["plan"], denominator=lv["plan"] + lv["no_plan"]))}


def ceased_counts(inputs: Inputs) -> dict[str, pd.DataFrame]:
    """EHC plans ceased in the calendar year, by the reason (DfE's categories)."""
    c = inputs.query("ehcp_ceased")
    c = c[c["year"].between(inputs.first_year, inputs.last_year)].assign(period=lambda f: f["year"].astype(str))
    reason = c["ceased_reason"].fillna("").str.strip().str.lower()
    c = c.assign(reason=reason.map(CEASE_REASONS).fillna("other").where(reason != "", "not_recorded"))
    lv = _levels(c, inputs.lookup, get_indicator("ehcp_ceased").levels, ["period", "reason"], ["ceased"])
    counts = with_breakdowns(lv, {"reason": "reason"}, ["period", "area_level", "area_code"], ["ceased"])
    published = [_published(inputs, CEASED, ["total_ceased"])]
    published += [_published(inputs, CEASED, [m]).assign(breakdown=f"reason={r}") for r, m in CEASED_MEASURES.items()]
    return {"ehcp_ceased": _prefer(pd.concat(published, ignore_index=True),
                                   counts.rename(columns={"ceased": "numerator"}).assign(denominator=float("nan")))}


# -- timeliness, backlog, transfers ---------------------------------------------------------------
def timeliness_counts(inputs: Inputs) -> dict[str, pd.DataFrame]:
    t = inputs.query("ehcp_timeliness")
    t = t[t["year"].between(inputs.first_year, inputs.last_year)].assign(period=lambda f: f["year"].astype(str))
    levels = get_indicator("ehcp_20_weeks").levels
    lv = _levels(t, inputs.lookup, levels, ["period"], ["within_20", "issued", "within_20_ex", "issued_ex"])
    lv["breakdown"] = "all"
    return {
        "ehcp_20_weeks": _prefer(
            prefer_published(
                _published(inputs, TIMELINESS, ["plans_issued_within_20_weeks"], ["plans_issued_den"]),
                _published(inputs, OLD_SEN2, ["incexc20weekehc"], ["totincexcehc"])),
            lv.assign(numerator=lv["within_20"], denominator=lv["issued"])),
        "ehcp_20_weeks_ex": _prefer(
            prefer_published(
                _published(inputs, TIMELINESS, ["plans_issued_20_weeks_ex"], ["plans_issued_den_ex"]),
                _published(inputs, OLD_SEN2, ["noexc20weekehc"], ["totnoexcehc"])),
            lv.assign(numerator=lv["within_20_ex"], denominator=lv["issued_ex"])),
    }


def backlog_counts(inputs: Inputs) -> dict[str, pd.DataFrame]:
    b = inputs.query("ehcp_backlog", **inputs.years)
    if b.empty:
        return {}
    levels = get_indicator("ehcp_backlog").levels
    lv = _levels(b, inputs.lookup, levels, ["period"], ["open_past_20_weeks"]).assign(breakdown="all")
    return {"ehcp_backlog": lv.rename(columns={"open_past_20_weeks": "numerator"}).assign(denominator=float("nan"))}


def transfer_counts(inputs: Inputs) -> dict[str, pd.DataFrame]:
    """Share of statements and LDAs transferred to EHC plans by 31 March of each year to 2018."""
    t = inputs.query("ehcp_transfers")
    if t.empty:
        return {}
    t["issue_date"] = pd.to_datetime(t["issue_date"])
    parts = []
    for year in range(max(inputs.first_year, 2015), TRANSFER_DEADLINE.year + 1):
        by = pd.Timestamp(year=year, month=3, day=31)
        parts.append(t.assign(period=str(year), done=(t["issue_date"] <= by).astype(int), all=1))
    frame = pd.concat(parts, ignore_index=True)
    levels = get_indicator("ehcp_transfers_completed").levels
    lv = _levels(frame, inputs.lookup, levels, ["period", "transfer"], ["done", "all"])
    counts = with_breakdowns(lv, {"transfer": "transfer"}, ["period", "area_level", "area_code"], ["done", "all"])
    return {"ehcp_transfers_completed": counts.rename(columns={"done": "numerator", "all": "denominator"})}


def _prefer(published: pd.DataFrame, cases: pd.DataFrame, totals: pd.DataFrame | None = None,
            own_total: str = "numerator") -> pd.DataFrame:
    """Published figures where they exist; case-level counts for everything else, but none for an area and
    period whose published total (of `totals`, else of `published`) differs from the records' (their
    `own_total` column): a region holding other authorities than the records' own, where the records'
    figures would describe part of the area only."""
    cols = ["period", "area_level", "area_code", "breakdown", "numerator", "denominator"]
    totals = published if totals is None else totals
    if totals is not None and len(totals) and cases is not None and len(cases):
        key = ["period", "area_level", "area_code"]
        pub = totals.loc[totals["breakdown"] == "all", [*key, "numerator"]]
        own = cases.loc[cases["breakdown"] == "all", [*key, own_total]].rename(columns={own_total: "numerator"})
        both = pub.merge(own, on=key, suffixes=("_pub", "_own"))
        part = both.loc[both["numerator_pub"].astype(float) != both["numerator_own"].astype(float), key]
        if len(part):
            marked = cases.merge(part.assign(__part=True), on=key, how="left")
            cases = cases[marked["__part"].isna().to_numpy()]
    frames = [f[cols] for f in (published, cases) if f is not None and len(f)]
    return prefer_published(*frames)


# The family's parts, each computing the indicators it names from queries of its own: a refresh computes again only
# the parts whose queries return other rows than in the last build (jsna.indicators.registry.units).
PARTS: dict[Callable[[Inputs], dict[str, pd.DataFrame]], tuple[str, ...]] = {
    caseload_counts: ("ehcp_plans", "ehcp_rate_sii", "ehcp_rate_0_25", "ehcp_specialist_placement", "ehcp_neet_16_25",
                      "ehcp_transfers_in"),
    request_counts: ("ehcp_requests_rate", "ehcp_request_outcomes", "ehcp_requests_decided_6_weeks",
                     "ehcp_requests_assessed"),
    assessment_counts: ("ehcp_assessments_to_plan",),
    ceased_counts: ("ehcp_ceased",),
    timeliness_counts: ("ehcp_20_weeks", "ehcp_20_weeks_ex"),
    backlog_counts: ("ehcp_backlog",),
    transfer_counts: ("ehcp_transfers_completed",),
}


def build(inputs: Inputs) -> dict[str, pd.DataFrame]:
    out: dict[str, pd.DataFrame] = {}
    for part in PARTS:
        out.update(part(inputs))
    return {k: v for k, v in out.items() if v is not None and len(v)}
