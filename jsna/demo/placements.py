"""Where plan holders are educated: placement type by age and era, and a nearby setting's URN."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from jsna.demo.sampling import categorical

MAINSTREAM = "Mainstream school"
RESOURCED = "Resourced provision or SEN unit"
SPECIAL = "Special school (maintained or academy)"
INDEPENDENT = "Independent or non-maintained special school"
FE = "General FE or sixth form college"
POST16 = "Specialist post-16 institution"
EARLY_YEARS = "Early years setting"
AP = "Alternative provision"
ELSEWHERE = "Educated elsewhere"
NEET = "NEET"
TYPES = np.array([MAINSTREAM, RESOURCED, SPECIAL, INDEPENDENT, FE, POST16, EARLY_YEARS, AP, ELSEWHERE, NEET],
                 dtype=object)
SPECIALIST = (SPECIAL, INDEPENDENT, POST16)


def specialist_share(issue_year: np.ndarray) -> np.ndarray:
    """Chance a plan holder is in a specialist setting: high for old statements, falling since 2015."""
    return np.clip(0.76 - 0.045 * (issue_year - 2014), 0.3, 0.76)


def placement_types(age: np.ndarray, issue_year: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A placement type per plan from the holder's age (whole years) and the plan's year of issue."""
    s = specialist_share(issue_year)
    n = len(age)
    p = np.zeros((n, len(TYPES)))
    ey, school, post16, adult = age < 4, (age >= 4) & (age < 16), (age >= 16) & (age < 20), age >= 20
    p[ey] = _row({EARLY_YEARS: 0.8, MAINSTREAM: 0.1, SPECIAL: 0.1})
    p[school] = (s[school, None] * _row({SPECIAL: 0.82, INDEPENDENT: 0.18})
                 + (1 - s[school, None]) * _row({MAINSTREAM: 0.78, RESOURCED: 0.12, AP: 0.04, ELSEWHERE: 0.06}))
    s16 = 0.85 * s[post16, None]
    p[post16] = (s16 * _row({SPECIAL: 0.55, INDEPENDENT: 0.2, POST16: 0.25})
                 + (1 - s16) * _row({FE: 0.6, MAINSTREAM: 0.25, NEET: 0.08, ELSEWHERE: 0.07}))
    s20 = 0.6 * s[adult, None]
    p[adult] = s20 * _row({POST16: 1.0}) + (1 - s20) * _row({FE: 0.7, NEET: 0.2, ELSEWHERE: 0.1})
    return TYPES[categorical(p, rng)]


def _row(weights: dict[str, float]) -> np.ndarray:
    out = np.zeros(len(TYPES))
    for k, v in weights.items():
        out[list(TYPES).index(k)] = v
    return out[None, :]


def _candidates(schools: pd.DataFrame) -> dict[str, np.ndarray]:
    kind = schools["kind"].to_numpy()
    high = schools["StatutoryHighAge"].to_numpy()
    rp = (schools["ResourcedProvisionCapacity"].to_numpy() != "") | (schools["SENUnitCapacity"].to_numpy() != "")
    primary = np.isin(kind, ("primary", "infant", "junior", "all_through"))
    secondary = np.isin(kind, ("secondary", "all_through"))
    return {
        "primary": primary, "secondary": secondary, "sixth": secondary & (high >= 18),
        "rp_primary": rp & primary, "rp_secondary": rp & secondary, "special": kind == "special",
        "independent": np.isin(kind, ("indep_special", "nmss")), "fe": kind == "fe", "pru": kind == "pru",
        "nursery": kind == "nursery",
    }


def _category(ptype: np.ndarray, age: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    cat = np.full(len(ptype), "", dtype=object)
    young = age < 11
    cat[(ptype == MAINSTREAM) & young] = "primary"
    cat[(ptype == MAINSTREAM) & ~young & (age < 16)] = "secondary"
    cat[(ptype == MAINSTREAM) & (age >= 16)] = "sixth"
    cat[(ptype == RESOURCED) & young] = "rp_primary"
    cat[(ptype == RESOURCED) & ~young] = "rp_secondary"
    cat[ptype == SPECIAL] = "special"
    cat[ptype == INDEPENDENT] = "independent"
    cat[ptype == FE] = "fe"
    cat[ptype == AP] = "pru"
    cat[(ptype == EARLY_YEARS) & (rng.random(len(ptype)) < 0.2)] = "nursery"
    return cat


def setting_urns(ptype: np.ndarray, age: np.ndarray, x: np.ndarray, y: np.ndarray, schools: pd.DataFrame,
                 rng: np.random.Generator) -> np.ndarray:
    """URN of one of the four nearest schools of the right kind (blank when not a school placement)."""
    cat = _category(ptype, age, rng)
    out = np.full(len(ptype), "", dtype=object)
    urn = schools["URN"].to_numpy()
    xy = schools[["Easting", "Northing"]].to_numpy(float)
    for name, mask in _candidates(schools).items():
        rows = np.flatnonzero(cat == name)
        pool = np.flatnonzero(mask)
        if not len(rows) or not len(pool):
            continue
        k = min(4, len(pool))
        _, near = cKDTree(xy[pool]).query(np.column_stack([x[rows], y[rows]]), k=k)
        near = np.asarray(near).reshape(len(rows), k)
        w = np.array([0.55, 0.25, 0.12, 0.08][:k])
        pick = near[np.arange(len(rows)), rng.choice(k, size=len(rows), p=w / w.sum())]
        out[rows] = urn[pool[pick]].astype(str)
    return out
