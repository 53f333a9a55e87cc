"""Run every step of the synthetic demo and write its files and jsna.toml."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Literal

import numpy as np

from jsna.demo import (
    advice,
    benchmarks,
    cin_census,
    deprivation,
    ehcp,
    geography,
    nhs,
    pathway,
    people,
    population,
    postcodes,
    school_census,
    schools,
    sen2,
    social_care,
    trusts,
    waits,
    writers,
)
from jsna.demo.spec import FIRST_YEAR, LAST_YEAR, SCALES, ScaleSpec

STEPS = ("geography", "deprivation", "population", "postcodes", "schools", "ehcp", "waits", "social_care",
         "people", "advice", "school_census", "files", "cin", "benchmarks", "pathway", "nhs",
         "nhs_mhsds")


def generate(out_dir: Path, scale: Literal["county", "england"] = "county", seed: int = 2017,
             progress: Callable[[str], None] | None = None) -> Path:
    """Write the synthetic demo data set for `scale` into `out_dir`; returns the path of its jsna.toml.

    Deterministic: the same scale and seed give byte-identical files.
    """
    return generate_spec(Path(out_dir), SCALES[scale], seed, progress)


def generate_spec(out: Path, spec: ScaleSpec, seed: int, progress: Callable[[str], None] | None = None) -> Path:
    """`generate` for any `ScaleSpec` (tests use a tiny one)."""
    say = progress or (lambda _msg: None)
    rng = dict(zip(STEPS, np.random.default_rng(seed).spawn(len(STEPS)), strict=True))
    out.mkdir(parents=True, exist_ok=True)

    say(f"geography: {spec.n_lsoa:,} LSOAs")
    geo = geography.build(spec, rng["geography"])
    say("deprivation")
    dep = deprivation.build(geo, spec, rng["deprivation"])
    rank = dep["rank"].to_numpy()
    say("population")
    pop = population.build(geo, spec, 1.0 - rank / rank.max(), rng["population"])
    say("postcodes")
    pc = postcodes.build(geo, rng["postcodes"])
    say("schools")
    sch = schools.build(geo, pop, pc, rng["schools"])
    tr = trusts.build(geo)

    register = people.Register()
    weight = people.lsoa_weights(pop, rank)
    children = np.bincount(geo.lsoa_utla, weights=pop.lsoa_ages(0, 25), minlength=len(geo.utla))
    say("EHC requests and plans")
    plans = ehcp.build(spec, geo, children, weight, sch.table, register, rng["ehcp"])
    say("waiting lists")
    referrals = waits.build(geo, pop, plans, weight, register, rng["waits"])
    say("disabled children's team")
    episodes = social_care.build(geo, pop, plans, weight, register, rng["social_care"])
    say(f"register: {register.size:,} children")
    who = register.finalise(geo, pop, pc, rng["people"])

    say("England, regions and statistical neighbours")
    bench = benchmarks.build(geo, pop, rank, plans.requests, rng["benchmarks"])

    say("writing boundaries and lookups")
    writers.write_boundaries(out, geo, rng["files"])
    writers.write_lookups(out, geo)
    nhs_areas = nhs.build(geo)
    nhs.write_lookup(out, geo, nhs_areas)
    writers.write_towns(out, geo)
    writers.write_service_sites(out, geo, spec.project_name)
    say("writing population, deprivation, postcodes and schools")
    writers.write_csv(out / "population" / "myeb1_lad.csv", population.mye_table(geo, pop, benchmarks.others(bench)))
    writers.write_csv(out / "population" / "census2021_lsoa21_age6.csv", population.census_table(geo, pop))
    writers.write_imd(out, geo, rank, dep["decile"].to_numpy())
    writers.write_csv(out / "postcodes" / "onspd_demo.csv", pc.table)
    writers.write_csv(out / "schools" / "edubasealldata_demo.csv", sch.table, encoding="cp1252",
                      columns=schools.GIAS_COLUMNS)
    writers.write_csv(out / "schools" / "special_school_places.csv", sch.places)
    say("writing case-level files")
    writers.write_csv(out / "education" / "ehcp_cases.csv", ehcp.table(plans.requests, who), columns=ehcp.COLUMNS)
    sen2_path = sen2.write_returns(out, plans.requests, who, geo.utla["la_number"].to_numpy())
    writers.write_csv(out / "health" / "waiting_list.csv", waits.table(referrals, who, tr, geo, rng["waits"]),
                      columns=waits.COLUMNS)
    nhs.write_autism(out, referrals, nhs_areas, rng["nhs"])
    nhs.write_mhsds(out, referrals, nhs_areas, *population.children_0_17(pop, benchmarks.others(bench)),
                    rng["nhs_mhsds"])
    writers.write_csv(out / "health" / "ehc_advice_returns.csv", advice.table(plans.requests, tr, who, rng["advice"]),
                      columns=advice.COLUMNS)
    writers.write_csv(out / "social_care" / "disabled_children_team.csv", social_care.table(episodes, who),
                      columns=social_care.COLUMNS)
    writers.write_csv(out / "education" / "school_census_sen.csv",
                      school_census.table(sch.table, geo, rng["school_census"]), columns=school_census.COLUMNS)
    cin_census.write_return(out / "social_care" / cin_census.FILE,
                            cin_census.build(geo, pop, plans, episodes, who, rng["cin"]),
                            la_number=str(geo.utla["la_number"][0]))
    benchmarks.write(out, bench)
    say("writing the 0-25 pathway's statistics: early years SEN and key stage 4 destinations")
    pathway.write(out, bench, geo, pop, rng["pathway"])
    writers.write_readme(out, spec.project_name, spec.name, seed)
    say("done")
    return writers.write_toml(out, spec.project_name, str(geo.utla["code"][0]), FIRST_YEAR, LAST_YEAR,
                              paths={"ehcp_cases": sen2_path})
