"""Forecasting: fitting and forecasting the ~150 authorities, the backtest protocol, and the transition model's
Monte Carlo at county scale (with sufficiency and access on its output).

Authorities: the real national series from ../shared/realdata when present (else a synthetic panel of 150
units, 2010-2025, with the same shape). County: the demo county generated afresh (seed 2017), its case-level
plans read by the project's adapter.

Usage: python -m bench.forecast [--sims 1000] [--years 5] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
REALDATA = REPO.parent / "shared" / "realdata"


def clock(fn: Callable[[], Any], repeat: int = 1) -> tuple[float, Any]:
    """Median wall time (s) of `repeat` calls, and the last result."""
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def synthetic_panel(units: int = 150, seed: int = 0) -> Any:
    from jsna.forecasting.models import Panel

    rng = np.random.default_rng(seed)
    years = range(2010, 2026)
    rate = rng.normal(0.07, 0.03, units)
    y = pd.DataFrame({yr: 1500 * np.exp(rate * (yr - 2010) + rng.normal(0, 0.03, units)) for yr in years},
                     index=pd.Index([f"U{i:03d}" for i in range(units)], name="unit"))
    return Panel(y=y)


def authorities(repeat: int) -> dict[str, float]:
    from jsna.forecasting import backtest as B
    from jsna.forecasting.forecast import DEFAULT_SETTINGS, forecast
    from jsna.forecasting.models import PooledGrowthModel

    out: dict[str, float] = {}
    if REALDATA.is_dir():
        out["read real series (s)"], (plans, special) = clock(lambda: B.real_panels(REALDATA))
    else:
        plans, special = synthetic_panel(), None
    out["units"] = float(len(plans.y))
    out["fit 1-5 years, all units (s)"], _ = clock(
        lambda: PooledGrowthModel(DEFAULT_SETTINGS, (1, 2, 3, 4, 5)).fit(plans.with_y(plans.y)).predict(), repeat)
    out["forecast table with calibrated intervals (s)"], _ = clock(lambda: forecast(plans.with_y(plans.y)), repeat)
    out["backtest protocol, plans (s)"], result = clock(lambda: B.run_protocol(plans.with_y(plans.y)))
    if special is not None:
        out["backtest protocol, special schools (s)"], _ = clock(
            lambda: B.run_placement_protocol(special, plans, result.selection.settings))
    return out


def county(sims: int, years: int) -> dict[str, float]:
    import geopandas as gpd

    from jsna.demo import generate
    from jsna.forecasting import access, sufficiency, transition
    from jsna.sources import ehcp_cases, postcodes
    from jsna.sources.context import Placement, ReadContext
    from jsna.sources.identity import Pseudonymiser

    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        demo = Path(tmp)
        out["generate demo county (s)"], _ = clock(lambda: generate(demo, scale="county", seed=2017))
        lsoas = gpd.read_file(demo / "boundaries" / "lsoa21.gpkg").rename(columns={"LSOA21CD": "area_code"})
        directory = postcodes.directory(postcodes.read(demo / "postcodes" / "onspd_demo.csv", {}).frame)
        ctx = ReadContext(Placement(lsoas=lsoas[["area_code", "geometry"]], vintage=2021, postcodes=directory,
                                    known=set(lsoas["area_code"])), Pseudonymiser(None, demo=True))
        out["read case-level plans (s)"], parsed = clock(
            lambda: ehcp_cases.read(demo / "education" / "ehcp_cases.csv", {}, ctx))
        cases = parsed.frame
        lookup = pd.read_csv(demo / "lookups" / "lsoa21_msoa21_lad23.csv", dtype=str, encoding="utf-8-sig")
        district = lookup.set_index("LSOA21CD")["LAD23NM"]
        cases = cases.assign(district=cases["lsoa_code"].map(district))
        out["child-year panel 2016-2025 (s)"], panel = clock(
            lambda: transition.panel_from_cases(cases, range(2016, 2026), group="district"))
        county_panel = panel.drop(columns="district")
        out["children in January 2025"] = float((county_panel["year"] == 2025).sum())
        out["estimate rates (s)"], rates = clock(
            lambda: transition.estimate(county_panel, setting_moves="cross_section"))
        out[f"simulate {sims} paths x {years} years (s)"], sim = clock(
            lambda: transition.simulate(rates, years=years, sims=sims))
        assert sim.conserved()
        out[f"by district, {sims // 4} paths (s)"], by_district = clock(
            lambda: transition.simulate_groups(panel, "district", years=years, sims=sims // 4,
                                               setting_moves="cross_section"))

        # sufficiency: special and resourced demand by district and need against the demo's places
        gias = pd.read_csv(demo / "schools" / "edubasealldata_demo.csv", dtype=str, keep_default_na=False,
                           encoding="cp1252")
        schools = pd.DataFrame({
            "urn": pd.to_numeric(gias["URN"]), "area": gias["LSOA (code)"].map(district),
            "resourced_capacity": gias["ResourcedProvisionCapacity"], "sen_unit_capacity": gias["SENUnitCapacity"],
            "sen1": gias["SEN1 (name)"], "x": pd.to_numeric(gias["Easting"]), "y": pd.to_numeric(gias["Northing"]),
        })
        places = pd.read_csv(demo / "schools" / "special_school_places.csv", encoding="utf-8-sig")
        demand = sufficiency.demand_from_simulation(by_district.rename(columns={"district": "area"}))
        cap = sufficiency.capacity_from_schools(schools, places)
        scen: list[sufficiency.Scenario] = [sufficiency.MainstreamShare(0.2),
                                            sufficiency.NewSchool(str(district.iloc[0]), 125, 2027, "ASD")]
        out["sufficiency with scenarios (s)"], suff = clock(lambda: sufficiency.sufficiency(demand, cap, scen))
        out["areas short within 5 years"] = float(suff.area_first_short()["first_short_year"].notna().sum())

        # access: every LSOA to the nearest special school with places for each need
        cent = lsoas.to_crs(27700).geometry.centroid
        pop = pd.read_csv(demo / "population" / "census2021_lsoa21_age6.csv", encoding="utf-8-sig")
        kids = pop[pop["age_group"].str.contains("15 years and under")].set_index("lsoa21_code")["usual_residents"]
        areas = pd.DataFrame({"area_code": lsoas["area_code"], "x": cent.x, "y": cent.y,
                              "weight": lsoas["area_code"].map(kids).fillna(0).to_numpy()})
        sch = places.merge(schools[["urn", "x", "y"]], on="urn")
        out["access: nearest by need, all LSOAs (s)"], dist = clock(lambda: access.nearest(areas, sch))
        asd = dist[dist["need"] == "ASD"]
        summary = access.distribution(asd, areas[["area_code", "weight"]])
        out["ASD: % of children beyond 10 km by road"] = float(summary["pct_beyond_10km"].iloc[0])
        sites = areas.sample(200, random_state=0)[["area_code", "x", "y"]].rename(columns={"area_code": "site"})
        out["rank 200 candidate sites (s)"], _ = clock(lambda: access.rank_sites(areas, dist, sites, "ASD"))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.forecast")
    parser.add_argument("--sims", type=int, default=1000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    results = {"authorities": authorities(args.repeat), "county": county(args.sims, args.years)}
    for section, rows in results.items():
        print(f"\n{section}")
        for k, v in rows.items():
            print(f"  {k:<48s} {v:>10.2f}")


if __name__ == "__main__":
    main()
