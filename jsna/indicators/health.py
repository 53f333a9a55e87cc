"""Health indicators: waits for autism (ASC), ADHD and CAMHS assessments, the waiting lists at each
quarter end, referral rates, and NHS trusts' six-week EHC health advice.

Waits come from the trusts' waiting-list extracts (core.waiting_list), one row per referral, placed in
the home's LSOA and summed (counts) or pooled (waits) to districts and the county, and to the NHS's
sub-ICB locations and ICBs through the LSOA lookup (exact: every LSOA lies in one of each). Every waits
indicator is broken down by pathway ('pathway=asc', 'pathway=adhd', 'pathway=camhs') with no 'all'
row: the three pathways are different services and a pooled wait would mean nothing.

Medians and 90th percentiles of completed waits carry distribution-free limits from the order
statistics (the binomial method; e.g. Conover, Practical Nonparametric Statistics, 3rd ed., 3.2;
Campbell and Gardner, BMJ 1988). For n completed waits x(1) <= ... <= x(n) and the p-quantile, the
number of waits below the true quantile is Binomial(n, p). With F the Binomial(n, p) distribution
function and q(a) = min{k : F(k) >= a} its quantile function (scipy's binom.ppf, R's qbinom), the
100(1 - alpha)% limits are

    lower = x(r),  r = q(alpha / 2)
    upper = x(s),  s = q(1 - alpha / 2) + 1

which cover the quantile with probability F(s - 1) - F(r - 1) >= 1 - alpha (the interval is
conservative: the order statistics are discrete). A rank below 1 or above n leaves that limit missing
(too few waits for that confidence). The point value is the sample quantile by linear interpolation
between order statistics (R's type 7, numpy's and pandas' default): h = (n - 1) p, value = x(floor(h)
+ 1) + (h - floor(h)) (x(floor(h) + 2) - x(floor(h) + 1)); for the median, the middle wait or the mean
of the two middle waits.

NHS England's Autism Statistics, published by sub-ICB location (ODS codes, reached through the lookups'
ODS columns), are summed to ICBs and shared out to districts and authorities by the residents aged 0-17
of the LSOAs they have in common (`jsna.geography.apportion`); England's figure is the comparator of the
local waiting list's autism figures (`nhs_comparisons`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from jsna.geography.apportion import apportion
from jsna.indicators import methods
from jsna.indicators.catalogue import get_indicator
from jsna.indicators.compute import COMPARISON_COLUMNS, COUNT_COLUMNS, LIMITS, to_levels
from jsna.indicators.inputs import Inputs

PATHWAYS = ("asc", "adhd", "camhs")
CASE_LEVELS = ("lsoa", "msoa", "lad", "utla", "sicbl", "icb")  # what case-level extracts can give (the lookup's)
CONFIDENCE = {"95": 0.95, "998": 0.998}
OVER_WEEKS = {"waiting_over_13_weeks": "over_13", "waiting_over_18_weeks": "over_18",
              "waiting_over_52_weeks": "over_52"}
SPREAD_MIN_WAITS = 10  # a district's median counts towards the spread only with this many completed waits
DAYS_PER_WEEK = 7.0


def _levels(indicator_id: str) -> list[str]:
    return [lv for lv in get_indicator(indicator_id).levels if lv in CASE_LEVELS]


# -- order statistics -----------------------------------------------------------------------------
def quantile_ranks(n: np.ndarray, p: float, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    """1-based ranks (r, s) of the order statistics bounding the p-quantile of n values with at least
    `confidence` coverage: r = q(alpha/2), s = q(1 - alpha/2) + 1 for q the Binomial(n, p) quantile
    function. Ranks outside 1..n mean that limit cannot be given."""
    n = np.asarray(n, dtype=np.float64)
    alpha = 1 - confidence
    r = stats.binom.ppf(alpha / 2, n, p)
    s = stats.binom.ppf(1 - alpha / 2, n, p) + 1
    return r, s


def grouped_quantiles(frame: pd.DataFrame, keys: list[str], column: str, p: float) -> pd.DataFrame:
    """The p-quantile of `column` within each group of `keys` with its order-statistic limits: rows of
    keys, n, value, lower_ci95, upper_ci95, lower_ci998, upper_ci998. Vectorised: one sort, then
    positions into the sorted values."""
    data = frame.dropna(subset=[*keys, column]).sort_values([*keys, column], kind="stable")
    if data.empty:
        return pd.DataFrame(columns=[*keys, "n", *LIMITS])
    x = data[column].to_numpy(dtype=np.float64)
    sizes = data.groupby(keys, sort=False, observed=True).size()
    n = sizes.to_numpy()
    start = np.concatenate([[0], np.cumsum(n)[:-1]])
    h = (n - 1) * p
    lo = np.floor(h).astype(np.int64)
    hi = np.minimum(lo + 1, n - 1)
    out = sizes.index.to_frame(index=False)
    out["n"] = n
    out["value"] = x[start + lo] + (h - lo) * (x[start + hi] - x[start + lo])
    for label, level in CONFIDENCE.items():
        r, s = quantile_ranks(n, p, level)
        r_ok, s_ok = (r >= 1) & (r <= n), (s >= 1) & (s <= n)
        r_at = start + np.where(r_ok, r, 1).astype(np.int64) - 1
        s_at = start + np.where(s_ok, s, 1).astype(np.int64) - 1
        out[f"lower_ci{label}"] = np.where(r_ok, x[r_at], np.nan)
        out[f"upper_ci{label}"] = np.where(s_ok, x[s_at], np.nan)
    return out


# -- completed waits ------------------------------------------------------------------------------
def _completed(inputs: Inputs, levels: list[str]) -> pd.DataFrame:
    """One row per completed wait and area it counts in: period, area_level, area_code, pathway, weeks."""
    w = inputs.query("waits_completed", **inputs.years)
    cols = ["period", "area_level", "area_code", "pathway", "weeks"]
    if w.empty or not levels:
        return pd.DataFrame(columns=cols)
    w = w.merge(inputs.lookup, on="lsoa_code", how="inner")
    w = w.loc[w.index.repeat(w["waits"].astype(np.int64))]
    period = w["year"].astype(int).astype(str).to_numpy()
    weeks = w["wait_days"].to_numpy(dtype=np.float64) / DAYS_PER_WEEK
    parts = []
    for level in levels:
        column = "lsoa_code" if level == "lsoa" else f"{level}_code"
        if column not in w:  # a lookup without that geography
            continue
        code = w[column].to_numpy()
        parts.append(pd.DataFrame({"period": period, "area_level": level, "area_code": code,
                                   "pathway": w["pathway"].to_numpy(), "weeks": weeks}))
    return pd.concat(parts, ignore_index=True).dropna(subset=["area_code"])


def _quantile_counts(waits: pd.DataFrame, p: float) -> pd.DataFrame:
    q = grouped_quantiles(waits, ["period", "area_level", "area_code", "pathway"], "weeks", p)
    q["breakdown"] = "pathway=" + q["pathway"].astype(str)
    q = q.rename(columns={"n": "numerator"}).assign(denominator=np.nan)
    return q[[*COUNT_COLUMNS, *LIMITS]]


def _spread(medians: pd.DataFrame, lookup: pd.DataFrame) -> pd.DataFrame:
    """The county's longest district median wait over its shortest, per pathway and year, among
    districts with at least SPREAD_MIN_WAITS completed waits (at least two such districts)."""
    lad = medians[(medians["area_level"] == "lad") & (medians["numerator"] >= SPREAD_MIN_WAITS)
                  & (medians["value"] > 0)]
    parents = lookup[["lad_code", "utla_code"]].dropna().drop_duplicates("lad_code")
    lad = lad.merge(parents, left_on="area_code", right_on="lad_code")
    if lad.empty:
        return pd.DataFrame(columns=[*COUNT_COLUMNS, *LIMITS])
    g = lad.groupby(["period", "utla_code", "breakdown"], as_index=False)["value"].agg(["max", "min", "count"])
    g = g[g["count"] >= 2]
    out = pd.DataFrame({"period": g["period"], "area_level": "utla", "area_code": g["utla_code"],
                        "breakdown": g["breakdown"], "numerator": np.nan, "denominator": np.nan,
                        "value": g["max"] / g["min"]})
    for col in LIMITS[1:]:
        out[col] = np.nan
    return out.reset_index(drop=True)


def wait_counts(inputs: Inputs) -> dict[str, pd.DataFrame]:
    levels = sorted({*_levels("wait_median_weeks"), *_levels("wait_p90_weeks"), "lad"},
                    key=CASE_LEVELS.index)
    waits = _completed(inputs, levels)
    if waits.empty:
        return {}
    median = _quantile_counts(waits, 0.5)
    out = {
        "wait_median_weeks": median[median["area_level"].isin(_levels("wait_median_weeks"))],
        "wait_p90_weeks": _quantile_counts(waits[waits["area_level"].isin(_levels("wait_p90_weeks"))], 0.9),
        "wait_spread_districts": _spread(median, inputs.lookup),
    }
    return out


# -- the waiting lists at quarter ends ------------------------------------------------------------
def waiting_counts(inputs: Inputs) -> dict[str, pd.DataFrame]:
    w = inputs.query("waits_waiting", **inputs.years)
    if w.empty:
        return {}
    out = {}
    for indicator_id, column in OVER_WEEKS.items():
        lv = to_levels(w, inputs.lookup, _levels(indicator_id), ["period", "pathway"], ["waiting", column])
        lv["breakdown"] = "pathway=" + lv["pathway"].astype(str)
        out[indicator_id] = lv.rename(columns={column: "numerator", "waiting": "denominator"})[COUNT_COLUMNS]
    return out


# -- referrals ------------------------------------------------------------------------------------
def referral_counts(inputs: Inputs) -> dict[str, pd.DataFrame]:
    """Referrals of children 0-17 per 10,000 residents 0-17; areas with residents but no referral in a
    year the extract covers count zero."""
    r = inputs.query("waits_referrals", **inputs.years)
    if r.empty:
        return {}
    levels = _levels("referrals_rate")
    r = r.assign(period=r["year"].astype(int).astype(str))
    num = to_levels(r, inputs.lookup, levels, ["period", "pathway"], ["referrals"])
    pop = inputs.query("population_0_17_lsoa")
    pop = pop.assign(period=pop["year"].astype(int).astype(str))
    den = to_levels(pop, inputs.lookup, levels, ["period"], ["population"])
    covered = r[["period", "pathway"]].drop_duplicates()  # the years and pathways the extract covers
    frame = den.merge(covered, on="period").merge(num, on=["period", "area_level", "area_code", "pathway"], how="left")
    frame["referrals"] = frame["referrals"].fillna(0)
    frame = frame[frame["population"] > 0]
    frame["breakdown"] = "pathway=" + frame["pathway"].astype(str)
    counts = frame.rename(columns={"referrals": "numerator", "population": "denominator"})
    return {"referrals_rate": counts[COUNT_COLUMNS].reset_index(drop=True)}


# -- six-week health advice -----------------------------------------------------------------------
def advice_counts(inputs: Inputs) -> dict[str, pd.DataFrame]:
    """Each trust's share of EHC health advice returned within six weeks, by quarter of request, and
    every trust together for the county. The county is the project's own area when the lookup holds
    one upper-tier authority (the authority's extract: every request is for its children); otherwise
    each request counts for the child's authority through its EHC case. Districts, sub-ICB locations
    and ICBs count the requests by the child's home LSOA (through the EHC case), exactly, as the waiting
    lists do: a request with no case or no placed home counts in none of them."""
    a = inputs.query("advice_timeliness", **inputs.years)
    if a.empty:
        return {}
    measures = ["within_6_weeks", "known"]
    levels = get_indicator("advice_6_weeks").levels
    trusts = a.groupby(["period", "trust_code"], as_index=False)[measures].sum()
    trusts = trusts.rename(columns={"trust_code": "area_code"}).assign(area_level="trust")
    counties = inputs.lookup["utla_code"].dropna().unique()
    home = a["utla_code"] if len(counties) != 1 else pd.Series(counties[0], index=a.index)
    county = a.assign(utla_code=home).dropna(subset=["utla_code"])
    county = county.groupby(["period", "utla_code"], as_index=False)[measures].sum()
    county = county.rename(columns={"utla_code": "area_code"}).assign(area_level="utla")
    home_levels: list[str] = [lv for lv in ("lad", "sicbl", "icb") if lv in levels]
    homes = to_levels(a.dropna(subset=["lsoa_code"]), inputs.lookup, home_levels, ["period"], measures)
    frame = pd.concat([trusts, county, homes], ignore_index=True)
    frame = frame[frame["area_level"].isin(levels) & (frame["known"] > 0)]
    frame = frame.assign(breakdown="all")
    frame = frame.rename(columns={"within_6_weeks": "numerator", "known": "denominator"})
    return {"advice_6_weeks": frame[COUNT_COLUMNS].reset_index(drop=True)}


# -- NHS England's Autism Statistics ------------------------------------------------------------------
NHS_AUTISM = "nhs_autism_open_13_weeks"
NHS_MEASURES = {"asd16c": "numerator", "asd16b": "denominator"}  # aged 0-17: open 13 weeks or more; all open
NHS_SHARED_TO = ("lad", "utla")  # levels a sub-ICB's figures are shared out to


def sub_icb_weights(lookup: pd.DataFrame, population: pd.DataFrame, level: str) -> pd.DataFrame:
    """lsoa_code, from_code (sub-ICB), to_code (an area of `level`), population (residents 0-17): the weights
    `apportion` shares each sub-ICB's figures by."""
    look = lookup.dropna(subset=["sicbl_code", f"{level}_code"])
    w = look[["lsoa_code", "sicbl_code", f"{level}_code"]].merge(population, on="lsoa_code", how="left")
    w = w.rename(columns={"sicbl_code": "from_code", f"{level}_code": "to_code"})
    return w.assign(population=w["population"].fillna(0.0))[["lsoa_code", "from_code", "to_code", "population"]]


def share_out(counts: pd.DataFrame, weights: pd.DataFrame) -> pd.DataFrame:
    """Each sub-ICB's numerator and denominator (per `period` where counts has one) shared among the areas it has
    people in: rows of [period,] to_code, numerator, denominator. An area any of whose sub-ICBs has no figure
    gets none (it would be short); sub-ICBs with no LSOA in the weights (elsewhere in England) reach no area
    here. One `apportion` per measure, every period at once (their keys joined to the codes)."""
    by_period = "period" in counts
    counts = counts if by_period else counts.assign(period="")
    counts = counts[counts["from_code"].isin(set(weights["from_code"]))]
    valued = counts.dropna(subset=["numerator", "denominator"])[["period", "from_code"]]
    w = counts[["period"]].drop_duplicates().merge(weights, how="cross")
    have = w.merge(valued.assign(valued=True), on=["period", "from_code"], how="left")["valued"].fillna(False)
    short = pd.MultiIndex.from_frame(w.loc[~have.to_numpy(bool), ["period", "to_code"]].drop_duplicates())
    w = w[have.to_numpy(bool)]
    sep = "\x1f"
    w = w.assign(from_code=w["period"] + sep + w["from_code"], to_code=w["period"] + sep + w["to_code"])
    keyed = counts.assign(from_code=counts["period"] + sep + counts["from_code"])
    parts = [apportion(keyed[["from_code", m]].rename(columns={m: "value"}).dropna(), w)
             .rename(columns={"value": m}).set_index("to_code") for m in ("numerator", "denominator")]
    out = parts[0].join(parts[1], how="outer").reset_index()
    out[["period", "to_code"]] = out["to_code"].str.split(sep, n=1, expand=True)
    out = out[~pd.MultiIndex.from_frame(out[["period", "to_code"]]).isin(short)]
    cols = ["period", "to_code", "numerator", "denominator"] if by_period else ["to_code", "numerator", "denominator"]
    return out[cols].reset_index(drop=True)


def _nhs_autism_frame(inputs: Inputs) -> pd.DataFrame:
    """period, area_level ('country' or 'sicbl'), area_code, numerator, denominator as NHS England published
    them (month ends; sub-ICBs under their GSS codes)."""
    s = inputs.query("statistics", dataset="autism_stats")
    s = s[s["measure"].isin(list(NHS_MEASURES)) & (s["breakdown_topic"] == "Total") & (s["time_identifier"] == "Month")
          & s["geographic_level"].isin(["National", "Sub-ICB"])]
    if s.empty:
        return pd.DataFrame(columns=["period", "area_level", "area_code", "numerator", "denominator"])
    gss = _gss_of_ods(inputs, "sicbl")
    code = s["area_code"].where(s["geographic_level"] == "National", s["area_code"].map(gss))
    s = s.assign(area_code=code, area_level=s["geographic_level"].map({"National": "country", "Sub-ICB": "sicbl"}))
    s = s.dropna(subset=["area_code", "value"])
    if s.empty:  # sub-ICBs the lookups give no ODS code for, and no England row
        return pd.DataFrame(columns=["period", "area_level", "area_code", "numerator", "denominator"])
    wide = s.pivot_table(index=["time_period", "area_level", "area_code"], columns="measure", values="value",
                         aggfunc="first")
    wide = wide.reindex(columns=list(NHS_MEASURES)).rename(columns=NHS_MEASURES).reset_index()
    return wide.rename(columns={"time_period": "period"})


def nhs_autism_counts(inputs: Inputs) -> dict[str, pd.DataFrame]:
    """NHS England's share of 0-17s with an open autism referral open 13 weeks or more: England and each
    sub-ICB as published, each ICB the sum of its sub-ICBs (all of them published), and districts and
    authorities shared out from the sub-ICBs by their residents aged 0-17."""
    frame = _nhs_autism_frame(inputs)
    if frame.empty:
        return {}
    return {NHS_AUTISM: _nhs_levels(frame, inputs, NHS_AUTISM)}


def _nhs_levels(frame: pd.DataFrame, inputs: Inputs, indicator_id: str) -> pd.DataFrame:
    """England's and the sub-ICBs' counts (area_level 'country' and 'sicbl') with each ICB the sum of its
    sub-ICBs (given only when every one is published) and districts and authorities shared out from the sub-ICBs
    by their residents aged 0-17 (the mid-year estimates of the year nearest each month): COUNT_COLUMNS."""
    levels = get_indicator(indicator_id).levels
    look = inputs.lookup
    sub = frame[frame["area_level"] == "sicbl"].rename(columns={"area_code": "from_code"})
    parts = [frame[frame["area_level"] == "country"]]
    icb_of = look[["sicbl_code", "icb_code"]].dropna().drop_duplicates("sicbl_code") if "icb_code" in look \
        else pd.DataFrame(columns=["sicbl_code", "icb_code"])
    if "icb" in levels and len(icb_of):
        icb = icb_of.merge(sub, left_on="sicbl_code", right_on="from_code", how="left")
        g = icb.groupby(["period", "icb_code"], as_index=False)[["numerator", "denominator"]].sum(min_count=1)
        whole = icb.groupby(["period", "icb_code"])[["numerator", "denominator"]].apply(lambda f: f.notna().all().all())
        g = g[whole.reindex(pd.MultiIndex.from_frame(g[["period", "icb_code"]])).to_numpy()]
        parts.append(g.rename(columns={"icb_code": "area_code"}).assign(area_level="icb"))
    parts.append(frame[frame["area_level"] == "sicbl"])
    pop = inputs.query("population_0_17_lsoa")
    years = sorted(pop["year"].astype(int).unique()) if len(pop) else []
    if years and len(sub):  # each month's sub-ICBs shared by the mid-year estimates nearest it
        for year, months in sub.groupby(_nearest_year(sub["period"], years)):
            people = pop[pop["year"].astype(int) == year][["lsoa_code", "population"]]
            for level in (lv for lv in NHS_SHARED_TO if lv in levels):
                shared = share_out(months, sub_icb_weights(look, people, level))
                parts.append(shared.rename(columns={"to_code": "area_code"}).assign(area_level=level))
    out = pd.concat([p for p in parts if len(p)], ignore_index=True).assign(breakdown="all")
    out = out.dropna(subset=["numerator", "denominator"])
    return out[COUNT_COLUMNS].reset_index(drop=True)


# -- NHS England's MHSDS: children and young people's access to mental health services -------------------
NHS_CYP_MH = "nhs_cyp_mh_access_rate"
MHS95 = "mhs95"  # CYP aged under 18 supported through NHS funded mental health, at least one contact (12 months)
MHSDS_LEVELS = {"National": "country", "Sub-ICB": "sicbl", "CCG": "sicbl"}  # CCGs became sub-ICBs (July 2022)


def _mhs95_frame(inputs: Inputs) -> pd.DataFrame:
    """period (the 12 months' last month), area_level ('country' or 'sicbl'), area_code, numerator (MHS95) as
    NHS England published it: England, and each sub-ICB location (CCG of residence until June 2022: the same ODS
    codes) under its GSS code; a sub-ICB row wins over a CCG row of the same month."""
    s = inputs.query("statistics", dataset="mhsds")
    s = s[(s["measure"] == MHS95) & (s["breakdown_topic"] == "Total") & (s["time_identifier"] == "Rolling 12 months")
          & s["geographic_level"].isin(list(MHSDS_LEVELS))]
    gss = _gss_of_ods(inputs, "sicbl")
    national = s["geographic_level"] == "National"
    s = s.assign(area_code=s["area_code"].where(national, s["area_code"].map(gss)),
                 area_level=s["geographic_level"].map(MHSDS_LEVELS),
                 rank=(s["geographic_level"] == "CCG").astype(int)).dropna(subset=["area_code", "value"])
    s = s.sort_values("rank", kind="stable").drop_duplicates(["time_period", "area_level", "area_code"])
    return pd.DataFrame({"period": s["time_period"], "area_level": s["area_level"], "area_code": s["area_code"],
                         "numerator": s["value"].astype(float)}).reset_index(drop=True)


def _nearest_year(periods: pd.Series, years: list[int]) -> pd.Series:
    """Each period's nearest of `years` (by the year it starts with)."""
    nearest = {p: min(years, key=lambda y: abs(y - int(str(p)[:4]))) for p in periods.unique()}
    return periods.map(nearest)


def _gss_of_ods(inputs: Inputs, level: str) -> dict[str, str]:
    """The GSS code of each NHS (ODS) code of `level` ('sicbl' or 'icb'), as the lookups give them."""
    ods = inputs.query("ods_codes")
    ods = ods[ods["area_level"] == level]
    return dict(zip(ods["ods_code"], ods["area_code"], strict=True))


def nhs_cyp_mh_counts(inputs: Inputs) -> dict[str, pd.DataFrame]:
    """NHS England's children and young people under 18 in contact with NHS-funded mental health services in the
    12 months (MHS95) per 1,000 residents aged 0-17: England's over England's residents (the mid-year estimates'
    country row), each sub-ICB's over its LSOAs' residents (or its own row in the estimates), each ICB summed from
    all its sub-ICBs, districts and authorities shared out from the sub-ICBs by residents aged 0-17."""
    frame = _mhs95_frame(inputs)
    if frame.empty:
        return {}
    lsoa = inputs.query("population_0_17_lsoa")
    areas = inputs.query("population_0_17_areas")
    years = sorted(set(lsoa["year"].astype(int)) | set(areas["year"].astype(int)))
    if not years:
        return {}
    frame = frame.assign(year=_nearest_year(frame["period"], years))
    own = areas.assign(year=areas["year"].astype(int))
    is_country = own["area_code"].astype(str).str[1:3] == "92"  # E92000001 (X92000001 in the demo)
    country = own[is_country].sort_values("area_code").drop_duplicates("year")[["year", "population"]]
    look = inputs.lookup.dropna(subset=["sicbl_code"]) if "sicbl_code" in inputs.lookup else None
    if look is not None and len(lsoa):
        summed = look[["lsoa_code", "sicbl_code"]].drop_duplicates("lsoa_code").merge(
            lsoa.assign(year=lsoa["year"].astype(int)), on="lsoa_code")
        summed = summed.groupby(["year", "sicbl_code"], as_index=False)["population"].sum().rename(
            columns={"sicbl_code": "area_code"})
    else:
        summed = pd.DataFrame(columns=["year", "area_code", "population"])
    # a sub-ICB's own row in the estimates (ONS publishes them) before the sum of the LSOAs the lookup gives it
    sub_pop = pd.concat([own[~is_country][["year", "area_code", "population"]], summed], ignore_index=True)
    sub_pop = sub_pop.drop_duplicates(["year", "area_code"])
    eng = frame[frame["area_level"] == "country"].merge(country, on="year")
    sub = frame[frame["area_level"] == "sicbl"].merge(sub_pop, on=["year", "area_code"])
    both = pd.concat([eng, sub], ignore_index=True).rename(columns={"population": "denominator"})
    both = both[both["denominator"] > 0].drop(columns="year")
    if both.empty:
        return {}
    return {NHS_CYP_MH: _nhs_levels(both, inputs, NHS_CYP_MH)}


NHS_PAEDIATRICS = {"nhs_paediatrics_over_18_weeks": ("waiting >18-52 weeks", "waiting >52 weeks"),
                   "nhs_paediatrics_over_52_weeks": ("waiting >52 weeks",)}


def nhs_paediatrics_counts(inputs: Inputs) -> dict[str, pd.DataFrame]:
    """NHS England's children's community paediatric service waiting lists: the share waiting over 18 and over
    52 weeks, England's and each ICB's (by its ODS code) as published at each month end."""
    s = inputs.query("nhs_community_paediatrics")
    if s.empty:
        return {}
    gss = _gss_of_ods(inputs, "icb")
    national = s["geographic_level"] == "National"
    s = s.assign(area_code=s["area_code"].where(national, s["area_code"].map(gss)),
                 area_level=np.where(national, "country", "icb")).dropna(subset=["area_code"])
    if s.empty:
        return {}
    wide = s.pivot_table(index=["period", "area_level", "area_code"], columns="measure", values="value",
                         aggfunc="first").reset_index()
    if "total waiting list" not in wide:
        return {}
    out = {}
    for indicator_id, bands in NHS_PAEDIATRICS.items():
        have = [b for b in bands if b in wide]
        if len(have) < len(bands):
            continue
        frame = wide.assign(numerator=wide[list(bands)].sum(axis=1, min_count=len(bands)),
                            denominator=wide["total waiting list"], breakdown="all")
        frame = frame.dropna(subset=["numerator", "denominator"])
        frame = frame[frame["area_level"].isin(get_indicator(indicator_id).levels) & (frame["denominator"] > 0)]
        out[indicator_id] = frame[COUNT_COLUMNS].reset_index(drop=True)
    return out


# NHS England's figures each local waiting-list figure is compared with: (local indicator, breakdowns)
NHS_COMPARES = {
    NHS_AUTISM: ("waiting_over_13_weeks", ("pathway=asc",)),
    "nhs_paediatrics_over_18_weeks": ("waiting_over_18_weeks", ("pathway=asc", "pathway=adhd")),
    "nhs_paediatrics_over_52_weeks": ("waiting_over_52_weeks", ("pathway=asc", "pathway=adhd")),
}
NHS_KINDS = (("nhs_england", "country"), ("nhs_sub_icb", "sicbl"), ("nhs_icb", "icb"))  # comparator, NHS level


def quarter_end_month(period: pd.Series) -> pd.Series:
    """'2024-Q3' -> '2024-09'."""
    year, quarter = period.str[:4], pd.to_numeric(period.str[-1], errors="coerce")
    return year + "-" + (quarter * 3).map(lambda m: f"{int(m):02d}" if pd.notna(m) else "")


def nhs_comparisons(values: pd.DataFrame) -> pd.DataFrame:
    """The local waiting list's figures at each quarter end against NHS England's for the quarter's last month
    (`NHS_COMPARES`): England's (comparator 'nhs_england') and, for a sub-ICB or ICB row, the same area's as NHS
    England published it ('nhs_sub_icb', 'nhs_icb'). Rows of COMPARISON_COLUMNS."""
    parts = []
    for nhs_id, (local_id, breakdowns) in NHS_COMPARES.items():
        local = values[(values["indicator_id"] == local_id) & values["breakdown"].isin(breakdowns)
                       & values["value"].notna()]
        nhs = values[(values["indicator_id"] == nhs_id) & values["value"].notna()]
        if local.empty or nhs.empty:
            continue
        local = local.assign(month=quarter_end_month(local["period"].astype(str)))
        polarity = get_indicator(local_id).polarity
        for kind, level in NHS_KINDS:
            theirs = nhs[nhs["area_level"] == level][["period", "area_code", "value"]].rename(
                columns={"period": "month", "area_code": "comparator_code", "value": "comparator_value"})
            same_area = level != "country"
            rows = local[local["area_level"] == level].assign(comparator_code=lambda f: f["area_code"]) \
                if same_area else local
            r = rows.merge(theirs, on=["month", "comparator_code"] if same_area else ["month"])
            if r.empty:
                continue
            result = methods.compare(r["value"], r["lower_ci95"], r["upper_ci95"], r["comparator_value"].to_numpy(),
                                     polarity)
            parts.append(r.assign(comparator_type=kind, comparison=np.asarray(result))[COMPARISON_COLUMNS])
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=COMPARISON_COLUMNS)


def build(inputs: Inputs) -> dict[str, pd.DataFrame]:
    out: dict[str, pd.DataFrame] = {}
    for part in (wait_counts, waiting_counts, referral_counts, advice_counts, nhs_autism_counts,
                 nhs_paediatrics_counts, nhs_cyp_mh_counts):
        out.update(part(inputs))
    return {k: v for k, v in out.items() if v is not None and len(v)}
