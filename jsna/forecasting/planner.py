"""Place planning for the refresh: the tables the Sufficiency planner publishes, from frames.

1. Forecasts of EHC plans 1-5 years on with 80% and 95% intervals: for every authority in the published
   statistics (the pooled model, `forecast.forecast`), and for each district of an area with case-level
   extracts (the same model over its districts, the area's total in England's role).
2. Specialist place sufficiency by district and need: demand from the transition model (children
   moving between need, setting and year group, simulated; moves between settings inferred from the latest
   census, as the extracts record each plan's current placement only), places from the special schools'
   commissioned places and mainstream resourced provision; the year each district first runs short.
3. Access: for every LSOA and need, the nearest special school with places for it (road distance by a
   circuity factor), its distribution over the children with plans, and candidate sites ranked.

Forecast and demand values are rounded to whole children. What leaves here is raw: the publishing boundary
(`jsna.publish.disclosure.protect`, under each table's declaration) withholds small figures and whatever
would give them back, as for every published table. The published tables carry no identifiers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import pandas as pd

from jsna.forecasting import access as A
from jsna.forecasting import series as S
from jsna.forecasting import sufficiency as SUF
from jsna.forecasting import transition as T
from jsna.forecasting.forecast import DEFAULT_SETTINGS, FLOWS_FROM, forecast, panel_from_child_years
from jsna.forecasting.models import Panel, Settings
from jsna.schemas.vocab import AGE_BANDS

LOCAL_SETTINGS = Settings(features="growth", estimator="huber")  # the only features a case-level area has
VALUE_COLUMNS = ["point", "lower80", "upper80", "lower95", "upper95"]


@dataclass
class PlanInputs:
    """caseload_stats / sen2_caseload: published statistics in the adapters' long form (or None).
    cases: core EHC cases (child_key, request_date, issue_date, ceased_date, age_at_31aug, primary_need,
    placement, lad_code). schools: urn, lad_code, x, y, resourced_capacity, sen_unit_capacity, sen1.
    places: urn, need, places. lsoas: lsoa_code, lad_code, utla_code, x, y. names: area_code -> area_name."""

    caseload_stats: pd.DataFrame | None
    sen2_caseload: pd.DataFrame | None
    cases: pd.DataFrame | None
    schools: pd.DataFrame
    places: pd.DataFrame
    lsoas: pd.DataFrame
    names: pd.Series
    last_year: int
    requests_stats: pd.DataFrame | None = None  # ees_ehcp:requests (2025 release)
    sen2_mi: pd.DataFrame | None = None  # sen2_mi:sen2_mi (2022 release: requests and new plans before 2019)
    newplans_stats: pd.DataFrame | None = None  # ees_ehcp:newplans (2025 release)
    population: pd.DataFrame | None = None  # area_code, year (mid-year), population aged 0-17


def _whole(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Round to whole children."""
    out = frame.copy()
    out[columns] = out[columns].round()
    return out


def _nonempty(make: Callable[[], pd.DataFrame]) -> pd.DataFrame | None:
    """A breakdown series, or None where the files loaded do not carry it."""
    try:
        frame = make()
    except (KeyError, ValueError):
        return None
    return frame if len(frame) else None


def authority_forecasts(inp: PlanInputs) -> pd.DataFrame:
    """EHC plans (with age band and placement splits), requests and new plans by authority, from the DfE
    statistics loaded: the backtested model (`DEFAULT_SETTINGS`, as `forecast.forecast_real`) with whatever of
    its drivers the files give (requests and new plans, age bands, children 0-17); a driver not loaded is
    left out of every fit alike."""
    new, old = inp.caseload_stats, inp.sen2_caseload
    if new is None or new.empty:
        return pd.DataFrame()
    series = S.caseload(new, old)
    if series.empty:
        return pd.DataFrame()
    splits = {"age band": _nonempty(lambda: S.age_bands(new, old)),
              "placement": _nonempty(lambda: pd.concat([S.placements(new, m) for m in S.PLACEMENT_MEASURES]))}
    flows = _nonempty(lambda: S.flows(inp.requests_stats, inp.newplans_stats, inp.sen2_mi))
    panel = Panel.from_series(series, flows=flows, bands=splits["age band"])
    panel = replace(panel, population=_population_by_unit(inp.population, panel.y.index))
    f = forecast(panel, settings=DEFAULT_SETTINGS,
                 breakdowns={k: v for k, v in splits.items() if v is not None}).assign(measure="ehc_plans")
    out = [f]
    for flow in ("new_plans", "requests"):
        target = flows[(flows["breakdown"] == flow) & (flows["year"] >= FLOWS_FROM)] if flows is not None else None
        # calendar-year flows run a year behind the January caseload; an older series would forecast the past
        if (target is not None and target["unit"].nunique() >= 3 and target["year"].nunique() >= 6
                and target["year"].max() >= inp.last_year - 1):
            out.append(forecast(Panel.from_series(target), settings=LOCAL_SETTINGS).assign(measure=flow))
    f = pd.concat(out, ignore_index=True)
    return f.assign(area_level="utla", area_code=f["unit"], area_name=f["unit_name"])


def _population_by_unit(population: pd.DataFrame | None, units: pd.Index) -> pd.DataFrame | None:
    """Children 0-17 as a unit x mid-year matrix; a stitched unit ('A+B') where every member is published."""
    if population is None or population.empty:
        return None
    w = population.pivot_table(index="area_code", columns="year", values="population", aggfunc="sum")
    w.columns = w.columns.astype("int64")
    rows = {}
    for unit in units:
        members = [m for m in str(unit).split("+") if m in w.index]
        if members and len(members) == len(str(unit).split("+")):
            rows[unit] = w.loc[members].sum(min_count=len(members)) if len(members) > 1 else w.loc[members[0]]
    if not rows:
        return None
    return pd.DataFrame(rows).T.reindex(units).astype(float)


UNPLACED = "~unplaced"  # the district of children whose home could not be placed: forecast, never published


def district_panel(inp: PlanInputs) -> pd.DataFrame:
    """Child-year panel of plan holders at each January census, by district; children whose home could not be
    placed form a district of their own (`UNPLACED`), so that the area's forecast counts them."""
    if inp.cases is None or inp.cases.empty:
        return pd.DataFrame()
    cases = inp.cases.assign(lad_code=inp.cases["lad_code"].fillna(UNPLACED))
    years = range(int(cases["issue_date"].dt.year.min()) + 1, inp.last_year + 1)
    return T.panel_from_cases(cases, list(years), group="lad_code")


def _district_splits(panel: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Plans at each census by district and age band (age on 31 August, from the NC year), placement and
    primary need, as the tidy series `forecast.split` takes (unit, breakdown, year, value)."""
    age = panel["nc_year"] + 4
    band = pd.Series(None, index=panel.index, dtype=object)
    for label, lo, hi in AGE_BANDS:
        band[(age >= lo) & (age <= hi)] = label
    out = {}
    for topic, values in (("age band", band), ("placement", panel["setting"]), ("primary need", panel["need"])):
        t = panel.assign(breakdown=values).dropna(subset=["breakdown"])
        t = t.groupby(["lad_code", "breakdown", "year"]).size().rename("value").reset_index()
        out[topic] = t.rename(columns={"lad_code": "unit"}).astype({"unit": "str", "value": float})
    return out


def district_forecasts(inp: PlanInputs, panel: pd.DataFrame) -> pd.DataFrame:
    if panel.empty or panel["lad_code"].nunique() < 3:
        return pd.DataFrame()
    p = panel_from_child_years(panel, "lad_code", names=inp.names)
    # an extract's placements and needs are each plan's current ones, its history a later year's: no trend in
    # their shares can be read from it, so the latest (the census's, which is right) is held
    f = forecast(p, settings=LOCAL_SETTINGS, method="pooled model over the area's districts",
                 breakdowns=_district_splits(panel), share_methods={})
    parent = inp.lsoas.drop_duplicates("lad_code").set_index("lad_code")["utla_code"]
    if inp.cases is not None and "utla_code" in inp.cases:  # the unplaced children's authority
        unplaced = inp.cases.loc[inp.cases["lad_code"].isna(), "utla_code"].dropna()
        if len(unplaced):
            parent[UNPLACED] = unplaced.mode().iloc[0]
    return f.assign(area_level="lad", area_code=f["unit"], area_name=f["unit"].map(inp.names), measure="ehc_plans",
                    parent_code=f["unit"].map(parent))


SUMMED = "sum of the area's district forecasts (pooled model); interval: their bounds summed"


def summed_areas(districts: pd.DataFrame) -> list[str]:
    """The upper-tier authorities `forecasts` publishes as the sum of their districts (`area_from_districts`), in
    place of their forecasts from DfE's statistics."""
    return sorted(districts["parent_code"].dropna().unique()) if len(districts) else []


def area_from_districts(districts: pd.DataFrame, inp: PlanInputs, skip: set[str]) -> pd.DataFrame:
    """Each upper-tier authority with districts forecast (its DfE caseload not loaded: not in `skip`) as the
    sum of its districts' forecasts: points (and so every breakdown) add up; each bound is the sum of the
    districts' bounds, since their errors move together (the pooled model carries the area's growth into
    every district): if anything too wide."""
    if districts.empty:
        return pd.DataFrame()
    f = districts[districts["parent_code"].notna() & ~districts["parent_code"].isin(skip)]
    keys = ["measure", "parent_code", "breakdown_topic", "breakdown", "origin", "year", "horizon"]
    f = f.groupby(keys, as_index=False)[VALUE_COLUMNS].sum()
    return f.assign(area_level="utla", area_code=f["parent_code"], area_name=f["parent_code"].map(
        lambda c: inp.names.get(c, c)), method=SUMMED)


def forecasts(inp: PlanInputs, districts: pd.DataFrame, authorities: pd.DataFrame | None = None) -> pd.DataFrame:
    """Authorities (DfE statistics: `authority_forecasts`, computed here unless given), districts (case-level
    records, with the area they lie in, `parent_code`) and the home area as its districts' sum (in place of its
    DfE-based forecast); rounded."""
    if authorities is None:
        authorities = authority_forecasts(inp)
    # an area forecast district by district from its own records is their sum even where DfE's caseload for it
    # is loaded too (the national files hold every authority): its breakdowns and its sufficiency add up
    whole = area_from_districts(districts, inp, set())
    if len(whole) and len(authorities):
        authorities = authorities[~authorities["area_code"].isin(set(whole["area_code"]))]
    if len(districts):  # the unplaced children count in their area's sum, in no district
        districts = districts[districts["area_code"] != UNPLACED]
    parts = [f for f in (authorities, whole, districts) if len(f)]
    if not parts:
        return pd.DataFrame()
    f = pd.concat(parts, ignore_index=True)
    f = f[f["horizon"] > 0].copy()
    # (points the calibration left outside their interval are re-centred in `forecast.recentre`)
    f = _whole(f, VALUE_COLUMNS)
    if "parent_code" not in f:
        f["parent_code"] = None
    cols = ["measure", "area_level", "area_code", "area_name", "breakdown_topic", "breakdown", "origin", "year",
            "horizon", *VALUE_COLUMNS, "method", "parent_code"]
    return f[cols].drop_duplicates(["measure", "area_level", "area_code", "breakdown_topic", "breakdown", "year"])


def capacity(inp: PlanInputs) -> pd.DataFrame:
    schools = inp.schools.rename(columns={"lad_code": "area"})
    return SUF.capacity_from_schools(schools, inp.places)


def simulate(placed: pd.DataFrame, sims: int, totals: pd.DataFrame | None = None, offset: int = 0) -> pd.DataFrame:
    """Demand simulated by district, need and setting, the base year and five years on (the transition model);
    each district's expected caseload brought to its published forecast (`totals`, district x year) when given.
    `placed` may be a part of the districts (`district_parts`, `offset` its first district's place among all):
    each district keeps its seed, so the parts' rows in district order are those of all districts at once."""
    if placed.empty:
        return pd.DataFrame()
    # a case-management extract records each plan's current placement only: moves inferred from the census
    return T.simulate_groups(placed, "lad_code", years=5, sims=sims, by=("need", "setting"),
                             setting_moves="cross_section", totals=totals, offset=offset)


def district_parts(placed: pd.DataFrame, parts: int) -> list[tuple[int, pd.DataFrame]]:
    """The placed children in at most `parts` runs of whole districts (in the simulation's order), each with the
    place of its first district among all (`simulate`'s `offset`)."""
    names = sorted(placed["lad_code"].unique()) if len(placed) else []
    size = max(1, -(-len(names) // max(1, parts)))
    return [(i, placed[placed["lad_code"].isin(names[i:i + size])]) for i in range(0, len(names), size)]


def sufficiency(inp: PlanInputs, sim: pd.DataFrame, scenarios: tuple[SUF.Scenario, ...] = ()) -> pd.DataFrame:
    """Demand (`simulate`d, by district, need and provision, the base year and five years on) against places."""
    if sim.empty:
        return pd.DataFrame()
    sim = sim.rename(columns={"lad_code": "area"})
    demand = SUF.demand_from_simulation(sim)
    bands = SUF.demand_from_simulation(sim, column="lower80").rename(columns={"demand": "demand_lower80"})
    upper = SUF.demand_from_simulation(sim, column="upper80").rename(columns={"demand": "demand_upper80"})
    demand["demand"] = demand["demand"].round()  # whole children: what is published is what is compared
    result = SUF.sufficiency(demand, capacity(inp), scenarios)
    t = result.table.merge(bands, on=[*SUF.KEYS, "year"], how="left").merge(upper, on=[*SUF.KEYS, "year"], how="left")
    t = _whole(t, ["demand", "demand_lower80", "demand_upper80"])
    t["surplus"] = t["places"] - t["demand"]
    t["short"] = t["short"].astype("boolean")
    t = t.rename(columns={"area": "area_code"}).assign(area_name=lambda f: f["area_code"].map(inp.names))
    return t[["area_code", "area_name", "need", "provision", "year", "demand", "demand_lower80", "demand_upper80",
              "places", "surplus", "short"]]


def first_short_years(table: pd.DataFrame) -> pd.DataFrame:
    """The first year each district, need and provision runs short, read from the rows shown (after disclosure
    control: whether a withheld row is short is withheld with it)."""
    keys = ["area_code", "need", "provision"]
    first = table[table["short"].fillna(False).astype(bool)].groupby(keys)["year"].min().rename("first_short_year")
    out = table.drop(columns="first_short_year", errors="ignore").merge(first.reset_index(), on=keys, how="left")
    out["first_short_year"] = out["first_short_year"].astype("Int64")
    return out


def access(inp: PlanInputs, panel: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(distances per LSOA and need, their distribution by district and need with the children it is over,
    candidate sites)."""
    schools = inp.places.merge(inp.schools[["urn", "x", "y"]], on="urn")
    areas = inp.lsoas.rename(columns={"lsoa_code": "area_code"})
    dist = A.nearest(areas, schools)
    if dist.empty or panel.empty or "lsoa_code" not in panel:
        return dist, pd.DataFrame(), pd.DataFrame()
    latest = panel[panel["year"] == panel["year"].max()]
    weights = latest.groupby(["lsoa_code", "need"]).size().rename("weight").reset_index()
    weights = weights.rename(columns={"lsoa_code": "area_code"}).merge(areas[["area_code", "lad_code"]], on="area_code")
    summaries, sites = [], []
    # each need's distances (in their order) beside the children of that need living there, joined once
    joined = dist.merge(weights, on=["area_code", "need"])
    for group in ("lad_code", None):
        for key, d in joined.groupby([group, "need"] if group else "need"):
            g, need = key if group else ("all", key)
            v, wt = d["road_km"].to_numpy(), d["weight"].to_numpy(dtype=float)
            row = {"area_code": g, "need": need, "median_km": A._weighted_quantile(v, wt, 0.5),
                   "p90_km": A._weighted_quantile(v, wt, 0.9),
                   "pct_beyond_10km": float(wt[v > A.REACH_KM].sum() / wt.sum() * 100), "children": wt.sum()}
            summaries.append(row)
    for need, sub in weights.groupby("need"):
        cand = areas.rename(columns={"area_code": "site"})[["site", "x", "y"]]
        ranked = A.rank_sites(areas.merge(sub[["area_code", "weight"]], on="area_code"), dist, cand, need)
        sites.append(ranked.head(10).assign(need=need))
    summary = pd.DataFrame(summaries)
    ranked = pd.concat(sites, ignore_index=True) if sites else pd.DataFrame()
    if len(ranked):
        ranked = _whole(ranked, ["children_brought_within"])
    return dist, summary, ranked


@dataclass
class Prepared:
    """The case-level panel the planning tables share: `panel` (child-years, with each child's home LSOA where
    known: access), `children` (without it: forecasts) and `placed` (those in a district: sufficiency)."""

    panel: pd.DataFrame
    children: pd.DataFrame
    placed: pd.DataFrame


def prepare(inp: PlanInputs) -> Prepared:
    panel = district_panel(inp)
    if len(panel) and "lsoa_code" not in panel and inp.cases is not None and "lsoa_code" in inp.cases:
        homes = inp.cases.drop_duplicates("child_key", keep="last").set_index("child_key")["lsoa_code"]
        panel = panel.assign(lsoa_code=panel["child_key"].map(homes))
    children = panel.drop(columns="lsoa_code", errors="ignore")
    placed = children[children["lad_code"] != UNPLACED] if len(children) else children  # places are by district
    return Prepared(panel, children, placed)


def district_totals(districts: pd.DataFrame) -> pd.DataFrame | None:
    """Each district's forecast total by year: what its simulated caseload is brought to."""
    if districts.empty:
        return None
    return districts[districts["breakdown_topic"] == "Total"].pivot(index="unit", columns="year", values="point")


def assemble(inp: PlanInputs, authorities: pd.DataFrame, districts: pd.DataFrame, sims: Sequence[pd.DataFrame],
             access_parts: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Every published planning table, keyed by table name, before disclosure control, from the parts computed
    apart: `authority_forecasts`, `district_forecasts`, the districts' `simulate` (its parts in district order)
    and `access`."""
    dist, summary, sites = access_parts
    parts = [s for s in sims if len(s)]
    sim = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    places = capacity(inp).groupby(["urn", "area", "need", "provision"], as_index=False, dropna=False)["places"].sum()
    return {
        "school_places": places.rename(columns={"area": "lad_code"}),
        "forecasts": forecasts(inp, districts, authorities),
        "sufficiency": sufficiency(inp, sim),
        "access": dist.rename(columns={"area_code": "lsoa_code"}),
        "access_summary": summary,
        "candidate_sites": sites,
    }
