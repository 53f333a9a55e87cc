"""School census SEN counts per school and year (DfE "Special educational needs in England" layout)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from jsna.demo.geography import Geography
from jsna.demo.spec import COUNTY_EHC_PUPIL_PCT, COUNTY_SEN_SUPPORT_PCT

YEARS = np.arange(2016, 2026)  # January census of academic years 2015/16 .. 2024/25
ENGLAND_EHC_PCT = dict(zip(YEARS.tolist(), (2.8, 2.8, 2.8, 3.1, 3.3, 3.7, 4.0, 4.3, 4.8, 5.3), strict=True))
PHASE_GROUP = {
    "primary": "State-funded primary", "infant": "State-funded primary", "junior": "State-funded primary",
    "secondary": "State-funded secondary", "all_through": "State-funded secondary",
    "special": "State-funded special school", "nmss": "Non-maintained special school",
    "indep_special": "Independent school", "independent": "Independent school", "pru": "State-funded AP school",
    "nursery": "State-funded nursery",
}
# Fixed rates (EHC plan, SEN support) for settings whose rates do not follow the authority's targets.
FIXED_RATES = {"special": (0.965, 0.02), "nmss": (0.965, 0.02), "indep_special": (0.9, 0.08),
               "pru": (0.16, 0.65), "nursery": (0.02, 0.1), "independent": (0.015, 0.12)}
STATE_MAINSTREAM = ("primary", "infant", "junior", "secondary", "all_through")
COLUMNS = ("time_period", "time_identifier", "geographic_level", "country_code", "country_name", "region_code",
           "region_name", "old_la_code", "new_la_code", "la_name", "urn", "school_name", "phase_type_grouping",
           "type_of_establishment", "total_pupils", "sen_support", "sen_support_percent", "ehc_plan",
           "ehc_plan_percent")


def _pupils(kind: np.ndarray, now: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Pupils per school (rows) and year (columns): primary rolls peaked in 2019, secondary still rising."""
    t = YEARS[None, :].astype(float)
    primary = np.where(t <= 2019, 1 + 0.012 * (t - 2019), 1 - 0.008 * (t - 2019)) / (1 - 0.008 * 6)
    secondary = 1 + 0.018 * (t - 2025)
    trend = np.ones((len(kind), len(YEARS)))
    trend[np.isin(kind, ("primary", "infant", "junior"))] = primary
    trend[np.isin(kind, ("secondary", "all_through"))] = secondary
    noise = rng.normal(1, 0.02, trend.shape)
    return np.maximum(np.round(now[:, None] * trend * noise), 5).astype(np.int64)


def _targets(n_auth: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """EHC plan and SEN support shares of pupils per authority and year; authority 0 follows Demoshire's."""
    ehc = np.array([ENGLAND_EHC_PCT[int(y)] for y in YEARS])[None, :] * rng.lognormal(0, 0.15, (n_auth, 1))
    sup = np.array([COUNTY_SEN_SUPPORT_PCT[int(y)] for y in YEARS])[None, :] * rng.lognormal(0, 0.12, (n_auth, 1))
    ehc[0] = [COUNTY_EHC_PUPIL_PCT[int(y)] for y in YEARS]
    sup[0] = [COUNTY_SEN_SUPPORT_PCT[int(y)] for y in YEARS]
    return ehc / 100, sup / 100


def _rates(sch: pd.DataFrame, pupils: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Per school-year chance of an EHC plan and of SEN support, meeting each authority's targets."""
    kind = sch["kind"].to_numpy()
    auth = sch["utla"].to_numpy()
    n_auth = int(auth.max()) + 1
    ehc_t, sup_t = _targets(n_auth, rng)
    ehc, sup = np.zeros(pupils.shape), np.zeros(pupils.shape)
    for k, (e, s) in FIXED_RATES.items():
        ehc[kind == k], sup[kind == k] = e, s
    main = np.isin(kind, STATE_MAINSTREAM)
    resourced = (sch["ResourcedProvisionCapacity"] != "").to_numpy() | (sch["SENUnitCapacity"] != "").to_numpy()
    f_ehc = rng.lognormal(0, 0.35, len(kind)) * np.where(resourced, 2.5, 1.0)
    f_sup = rng.lognormal(0, 0.25, len(kind))
    total = np.zeros((n_auth, len(YEARS)))
    np.add.at(total, auth, pupils)
    for rate, target, f in ((ehc, ehc_t, f_ehc), (sup, sup_t, f_sup)):
        fixed = np.zeros_like(total)
        np.add.at(fixed, auth[~main], (pupils * rate)[~main])
        weighted = np.zeros_like(total)
        np.add.at(weighted, auth[main], pupils[main] * f[main, None])
        level = np.maximum(target * total - fixed, 0) / np.maximum(weighted, 1)
        rate[main] = np.clip(level[auth[main]] * f[main, None], 0, 0.6)
    return ehc, sup


def table(sch: pd.DataFrame, geo: Geography, rng: np.random.Generator) -> pd.DataFrame:
    """One row per school (not colleges) and academic year."""
    sch = sch[sch["kind"] != "fe"].reset_index(drop=True)
    pupils = _pupils(sch["kind"].to_numpy(), sch["NumberOfPupils"].to_numpy(), rng)
    ehc_rate, sup_rate = _rates(sch, pupils, rng)
    ehc = rng.binomial(pupils, ehc_rate)
    sup = rng.binomial(pupils - ehc, np.clip(sup_rate / np.maximum(1 - ehc_rate, 0.05), 0, 1))
    auth = sch["utla"].to_numpy()
    region = geo.utla["region"].to_numpy()[auth]
    n_s, n_y = pupils.shape
    school = np.repeat(np.arange(n_s), n_y)
    year = np.tile(YEARS, n_s)
    out = pd.DataFrame({
        "time_period": (year - 1) * 100 + year % 100, "time_identifier": "Academic year",
        "geographic_level": "School", "country_code": "X92000001", "country_name": "England",
        "region_code": geo.region["code"].to_numpy()[region][school],
        "region_name": geo.region["name"].to_numpy()[region][school],
        "old_la_code": sch["LA (code)"].to_numpy()[school], "new_la_code": geo.utla["code"].to_numpy()[auth][school],
        "la_name": sch["LA (name)"].to_numpy()[school], "urn": sch["URN"].to_numpy()[school],
        "school_name": sch["EstablishmentName"].to_numpy()[school],
        "phase_type_grouping": [PHASE_GROUP[k] for k in sch["kind"].to_numpy()[school]],
        "type_of_establishment": sch["TypeOfEstablishment (name)"].to_numpy()[school],
        "total_pupils": pupils.ravel(), "sen_support": sup.ravel(),
        "sen_support_percent": np.round(100 * sup.ravel() / pupils.ravel(), 1),
        "ehc_plan": ehc.ravel(), "ehc_plan_percent": np.round(100 * ehc.ravel() / pupils.ravel(), 1),
    })
    return out.sort_values(["time_period", "urn"], kind="stable").reset_index(drop=True)
