"""Residents by LSOA, sex and single year of age (2021), the Census 2021 age bands and MYEB1 estimates."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from jsna.demo.geography import Geography
from jsna.demo.sampling import stochastic_round
from jsna.demo.spec import FIRST_YEAR, LAST_YEAR, ScaleSpec

if TYPE_CHECKING:
    from jsna.demo.benchmarks import Authorities as Others

AGES = np.arange(91)  # 90 = 90 and over
CENSUS_BANDS = (
    ("Aged 15 years and under", 0, 15), ("Aged 16 to 24 years", 16, 24), ("Aged 25 to 34 years", 25, 34),
    ("Aged 35 to 49 years", 35, 49), ("Aged 50 to 64 years", 50, 64), ("Aged 65 years and over", 65, 90),
)
_BASE_AGES = (0, 4, 10, 15, 18, 21, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 89)
_BASE_SHARE = (1.1, 1.18, 1.25, 1.22, 1.2, 1.28, 1.36, 1.38, 1.32, 1.25, 1.28, 1.36, 1.36, 1.2, 1.05, 0.98,
               0.8, 0.55, 0.36, 0.24)


@dataclass
class Population:
    """2021 residents per LSOA (n x sex x age, sex 0 = male) and MYE per district (lad x sex x age x year)."""

    lsoa: np.ndarray
    lad_mye: np.ndarray
    years: np.ndarray

    @property
    def lsoa_total(self) -> np.ndarray:
        return self.lsoa.sum(axis=(1, 2))

    def lsoa_ages(self, lo: int, hi: int) -> np.ndarray:
        """Residents aged lo..hi (inclusive) per LSOA."""
        return self.lsoa[:, :, lo: hi + 1].sum(axis=(1, 2))


def _profiles() -> dict[str, np.ndarray]:
    base = np.interp(AGES, _BASE_AGES, _BASE_SHARE)
    base[90] = 0.9
    a = AGES.astype(float)
    family = 0.5 * (a <= 12) + 0.35 * ((a >= 28) & (a <= 45)) - 0.2 * (a >= 60)
    student = 6.0 * ((a >= 18) & (a <= 22)) + 1.0 * ((a >= 23) & (a <= 24))
    retired = 0.7 * ((a >= 60) & (a <= 85)) - 0.35 * ((a >= 18) & (a <= 40)) - 0.2 * (a <= 15)
    return {"base": base, "family": family, "student": student, "retired": retired}


def _male_share() -> np.ndarray:
    return np.interp(AGES, (0, 20, 30, 60, 75, 85, 90), (0.512, 0.51, 0.495, 0.49, 0.465, 0.41, 0.36))


def _lsoa_mix(geo: Geography, deprived: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """Family, student and retired weights per LSOA from deprivation and distance to towns."""
    x = geo.lsoa["x"].to_numpy()
    y = geo.lsoa["y"].to_numpy()
    t = geo.towns
    d = np.sqrt((x[:, None] - t["x"].to_numpy()) ** 2 + (y[:, None] - t["y"].to_numpy()) ** 2)
    rel = d / t["sigma"].to_numpy()
    near = rel.min(axis=1)
    n = len(x)
    family = np.clip(0.3 + 0.6 * deprived + rng.normal(0, 0.25, n), 0, 1.5)
    retired = np.clip(0.18 * (near - 1.5) + rng.normal(0, 0.2, n), 0, 1.0)
    uni = t["university"].to_numpy()
    uni_rel = rel[:, uni].min(axis=1) if uni.any() else np.full(n, np.inf)
    student = np.where((uni_rel < 1.0) & (rng.random(n) < 0.6), rng.uniform(0.6, 1.4, n), 0.0)
    return family, student, retired


def lsoa_residents(geo: Geography, spec: ScaleSpec, deprived: np.ndarray, rng: np.random.Generator
                   ) -> np.ndarray:
    """Integer residents per LSOA x sex x single year of age in 2021."""
    prof = _profiles()
    family, student, retired = _lsoa_mix(geo, deprived, rng)
    mult = (1 + family[:, None] * prof["family"] + student[:, None] * prof["student"]
            + retired[:, None] * prof["retired"])
    shape = prof["base"][None, :] * np.clip(mult, 0.2, None)
    shape /= shape.sum(axis=1, keepdims=True)
    total = rng.uniform(*spec.lsoa_pop, len(family)) * (1 + 0.3 * (student > 0))
    expected = total[:, None] * shape
    male = _male_share()
    by_sex = np.stack([expected * male, expected * (1 - male)], axis=1)
    return stochastic_round(by_sex, rng)


def lad_estimates(geo: Geography, lsoa: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """MYE-style district estimates 2015..2025 (lad x sex x age x year) around the 2021 LSOA sums."""
    n_lad = len(geo.lad)
    lad_of = geo.lsoa["lad"].to_numpy()
    base = np.zeros((n_lad, 2, len(AGES)))
    np.add.at(base, lad_of, lsoa)
    years = np.arange(FIRST_YEAR, LAST_YEAR + 1)
    growth = rng.uniform(0.001, 0.006, n_lad)
    a = AGES.astype(float)
    tilt = np.where(a <= 15, -0.004, np.where(a >= 65, 0.014, 0.001))
    rate = growth[:, None, None, None] + tilt[None, None, :, None]
    level = (1 + rng.normal(0, 0.008, (n_lad, 1, 1, 1)) + rng.normal(0, 0.01, (n_lad, 2, len(AGES), 1))
             + rng.normal(0, 0.006, (n_lad, 2, len(AGES), len(years))))
    est = base[..., None] * level * np.exp(rate * (years - 2021)[None, None, None, :])
    return stochastic_round(est, rng), years


def build(geo: Geography, spec: ScaleSpec, deprived: np.ndarray, rng: np.random.Generator) -> Population:
    """Residents of every LSOA and the district estimates that go with them."""
    lsoa = lsoa_residents(geo, spec, deprived, rng)
    mye, years = lad_estimates(geo, lsoa, rng)
    return Population(lsoa=lsoa, lad_mye=mye, years=years)


def census_table(geo: Geography, pop: Population) -> pd.DataFrame:
    """Census 2021 usual residents by LSOA and six age bands (long)."""
    counts = pop.lsoa.sum(axis=1)
    frames = []
    for label, lo, hi in CENSUS_BANDS:
        frames.append(pd.DataFrame({
            "lsoa21_code": geo.lsoa["code"], "lsoa21_name": geo.lsoa["name"], "age_group": label,
            "usual_residents": counts[:, lo: hi + 1].sum(axis=1).astype(float), "band": lo,
        }))
    out = pd.concat(frames, ignore_index=True).sort_values(["lsoa21_code", "band"], kind="stable")
    return out.drop(columns="band").reset_index(drop=True)


def mye_table(geo: Geography, pop: Population, others: Others | None = None) -> pd.DataFrame:
    """MYEB1 long layout: districts, counties, regions and the country, by sex and single year of age.
    `others`: authorities beyond the geography (the rest of England around a single county), which count
    in their regions and the country too."""
    lad_utla = geo.lad["utla"].to_numpy()
    utla = geo.utla
    county = utla["is_county"].to_numpy()
    region_of_lad = utla["region"].to_numpy()[lad_utla]
    blocks: list[tuple[str, str, str, np.ndarray]] = []
    for i, (code, name, kind) in enumerate(geo.lad[["code", "name", "geography"]].itertuples(index=False)):
        blocks.append((code, name, kind, pop.lad_mye[i]))
    for u in np.flatnonzero(county):
        blocks.append((utla["code"].to_numpy()[u], utla["name"].to_numpy()[u], "County",
                       pop.lad_mye[lad_utla == u].sum(axis=0)))
    regions = list(geo.region[["code", "name"]].itertuples(index=False, name=None))
    extra = np.zeros((len(regions), *pop.lad_mye.shape[1:]), dtype=pop.lad_mye.dtype)
    if others is not None:
        regions += [r for r in zip(others.region_code, others.region_name, strict=True) if r[0] not in
                    set(geo.region["code"])]
        extra = np.zeros((len(regions), *pop.lad_mye.shape[1:]), dtype=pop.lad_mye.dtype)
        for code, name, county_, region, arr in zip(others.code, others.name, others.is_county, others.region,
                                                    others.pop, strict=True):
            blocks.append((code, name, "County" if county_ else "Unitary Authority", arr))
            extra[region] += arr
    for r, (code, name) in enumerate(regions):
        own = pop.lad_mye[region_of_lad == r].sum(axis=0) if r < len(geo.region) else 0
        blocks.append((code, name, "Region", own + extra[r]))
    blocks.append(("X92000001", "England", "Country", pop.lad_mye.sum(axis=0) + extra.sum(axis=0)))
    blocks.sort(key=lambda b: b[0])
    n_age = len(AGES)
    frames = []
    for code, name, kind, arr in blocks:
        data: dict[str, object] = {
            "code": code, "name": name, "geography": kind,
            "sex": np.repeat(["M", "F"], n_age), "age": np.tile(AGES, 2),
        }
        for j, year in enumerate(pop.years):
            data[f"population_{year}"] = arr[:, :, j].reshape(-1)
        frames.append(pd.DataFrame(data))
    return pd.concat(frames, ignore_index=True)


def children_0_17(pop: Population, others: Others | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Residents aged 0-17 by district and mid-year, England's by mid-year (the districts and `others`), and
    the years."""
    lad = pop.lad_mye[:, :, :18, :].sum(axis=(1, 2))
    england = lad.sum(axis=0) + (others.pop[:, :, :18, :].sum(axis=(0, 1, 2)) if others is not None else 0)
    return lad, england, pop.years
