"""Inequality by deprivation within an area, as Fingertips measures it for local areas: the area's own small
areas ranked by IMD and cut into local deciles, counts and residents summed by decile, and the slope index of
inequality (SII) of the rate across them (`methods.sii`, PHE's phe_sii)."""

from __future__ import annotations

import pandas as pd

from jsna.indicators import methods
from jsna.indicators.compute import COUNT_COLUMNS, LIMITS, as_codes, at_rows, lsoa_rows, sum_codes

LEVELS = ("lad", "utla")  # deciles are cut for districts and the county


def _area_rows(frame: pd.DataFrame, lookup: pd.DataFrame, levels: tuple[str, ...]) -> pd.DataFrame:
    """`frame` (by lsoa_code) once for each area above each LSOA: area_level and area_code added."""
    merged = frame.merge(lookup, on="lsoa_code")
    parts = []
    for level in levels:
        if f"{level}_code" in merged:
            rows = merged.dropna(subset=[f"{level}_code"])
            parts.append(rows.assign(area_level=level, area_code=rows[f"{level}_code"]))
    if not parts:
        return pd.DataFrame(columns=[*frame.columns, "area_level", "area_code"])
    return pd.concat(parts, ignore_index=True)[[*frame.columns, "area_level", "area_code"]]


def national_deciles(pop: pd.DataFrame, lookup: pd.DataFrame, levels: tuple[str, ...] = LEVELS) -> pd.DataFrame:
    """Each LSOA's IMD decile in England (area_level, area_code, lsoa_code, decile), for each area above it."""
    ranked = pop.dropna(subset=["imd_decile"]).drop_duplicates("lsoa_code")[["lsoa_code", "imd_decile"]]
    return _area_rows(ranked.rename(columns={"imd_decile": "decile"}), lookup, levels)


def local_deciles(pop: pd.DataFrame, lookup: pd.DataFrame, levels: tuple[str, ...] = LEVELS) -> pd.DataFrame:
    """Each LSOA's local deprivation decile within each area above it (area_level, area_code, lsoa_code,
    decile): the area's LSOAs ranked by IMD rank (1 = most deprived) and cut into ten groups of as near
    equal numbers as can be, decile 1 the most deprived. LSOAs without a rank are left out, and so are areas
    with fewer than ten ranked LSOAs."""
    ranked = pop.dropna(subset=["imd_rank"]).drop_duplicates("lsoa_code")[["lsoa_code", "imd_rank"]]
    a = _area_rows(ranked, lookup, levels).sort_values(["area_level", "area_code", "imd_rank", "lsoa_code"])
    area = a.groupby(["area_level", "area_code"])
    a["decile"] = (area.cumcount() * 10 // area["lsoa_code"].transform("size") + 1).astype(int)
    a = a[area["lsoa_code"].transform("size") >= 10]
    return a[["area_level", "area_code", "lsoa_code", "decile"]].reset_index(drop=True)


def decile_counts(c: pd.DataFrame, pop: pd.DataFrame, deciles: pd.DataFrame, kind: str) -> pd.DataFrame:
    """`plans` (by LSOA and period) and `population` by decile for each area, from `deciles` (each LSOA's
    decile in each area: `national_deciles` or `local_deciles`): breakdown '<kind>=1' (most deprived) ...
    '=10'; areas' deciles without a plan count zero; periods of `c` only (no census in the extract, no rate)."""
    if deciles.empty:
        return pd.DataFrame()
    keys = ["period", "area_level", "area_code", "decile"]
    num, den = _by_decile(c, deciles, "plans"), _by_decile(pop, deciles, "population")
    both = den.merge(num, on=keys, how="left").fillna({"plans": 0})
    both = both[both["period"].isin(c["period"].unique())]
    both["breakdown"] = f"{kind}=" + both["decile"].astype(int).astype(str)
    return both.drop(columns="decile").reset_index(drop=True)


def _by_decile(frame: pd.DataFrame, deciles: pd.DataFrame, measure: str) -> pd.DataFrame:
    """`measure` summed by period, area_level, area_code and decile of the LSOAs' `deciles` (sorted by them): a merge
    with `deciles` grouped, by codes, a level at a time (England's population is 19 million rows)."""
    keys = ["period", "area_level", "area_code", "decile"]
    parts = []
    for level, d in deciles.groupby("area_level", sort=False):
        rows_of, rows = lsoa_rows(frame, d["lsoa_code"])  # each row's LSOA's decile of `level`
        coded = as_codes(rows_of[["period", measure]], ["period"])
        area = at_rows(pd.Categorical(d["area_code"]), rows)
        g = sum_codes(coded.assign(area_code=area, decile=at_rows(pd.Categorical(d["decile"]), rows)),
                      ["period", "area_code", "decile"], [measure], {**frame.dtypes, **d.dtypes})
        level_col = pd.Series(level, index=g.index, dtype=d["area_level"].dtype)
        parts.append(g.assign(area_level=level_col)[[*keys, measure]])
    return pd.concat(parts, ignore_index=True).sort_values(keys, ignore_index=True)


def sii(local: pd.DataFrame, multiplier: float, repetitions: int = 100_000) -> pd.DataFrame:
    """The slope index of inequality in the rate (`plans` per `population` x `multiplier`) across each area's
    local deprivation deciles (`decile_counts` of `local_deciles`), as Fingertips gives it for local areas: the rate
    regressed on each decile's population midpoint (methods.sii, PHE's phe_sii), signed so that a positive
    SII means a higher rate at the most deprived end; the gap, in the rate's unit, between the fitted most
    and least deprived ends. Limits are simulated (a fixed seed, so a refresh publishes the same figures).
    Only areas with residents and plans in all ten deciles get one."""
    if local.empty:
        return pd.DataFrame(columns=[*COUNT_COLUMNS, *LIMITS])
    d = local[local["population"] > 0].copy()
    rates = methods.crude_rate(d["plans"].to_numpy(), d["population"].to_numpy(), multiplier)
    d["rate"], d["lo"], d["hi"] = rates["value"].to_numpy(), rates["lower95_0cl"].to_numpy(), \
        rates["upper95_0cl"].to_numpy()
    d["decile"] = d["breakdown"].str.partition("=")[2].astype(int)
    keys = ["period", "area_level", "area_code"]
    # every decile with residents and at least one plan (the limits are taken on the log scale)
    d = d[(d.groupby(keys)["decile"].transform("nunique") == 10) & (d.groupby(keys)["plans"].transform("min") > 0)]
    if d.empty:
        return pd.DataFrame(columns=[*COUNT_COLUMNS, *LIMITS])
    s = methods.sii(d, "decile", "population", "rate", by=keys, lower_cl="lo", upper_cl="hi", value_type=1,
                    multiplier=-1, confidence=(0.95, 0.998), repetitions=repetitions, seed=0)
    s = s.dropna(subset=["sii"]).reset_index()
    return pd.DataFrame({
        "period": s["period"], "area_level": s["area_level"], "area_code": s["area_code"], "breakdown": "all",
        "numerator": float("nan"), "denominator": float("nan"), "value": s["sii"],
        "lower_ci95": s["sii_lower95_0cl"], "upper_ci95": s["sii_upper95_0cl"],
        "lower_ci998": s["sii_lower99_8cl"], "upper_ci998": s["sii_upper99_8cl"]})
