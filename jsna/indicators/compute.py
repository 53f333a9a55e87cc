"""From counts to published indicator values, the same way for every indicator.

Builders hand over counts: one row per period, area (level and code) and breakdown with a numerator
and a denominator. Here they become values with 95% and 99.8% limits by the indicator's method,
comparisons (with England where it is published, otherwise the area the row sits in, and with the
target), and Fingertips' recent trend, with area names attached.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from jsna.indicators import methods, targets
from jsna.indicators.catalogue import Indicator
from jsna.schemas.vocab import AGE_BANDS

VALUE_COLUMNS = ["indicator_id", "period", "area_code", "area_name", "area_level", "breakdown", "numerator",
                 "denominator", "value", "lower_ci95", "upper_ci95", "lower_ci998", "upper_ci998",
                 "comparator", "comparison", "trend", "symbol"]
COMPARISON_COLUMNS = ["indicator_id", "period", "area_level", "area_code", "breakdown", "comparator_type",
                      "comparator_code", "comparator_value", "comparison"]
COUNT_COLUMNS = ["period", "area_level", "area_code", "breakdown", "numerator", "denominator"]
LIMITS = ["value", "lower_ci95", "upper_ci95", "lower_ci998", "upper_ci998"]


def empty_values() -> pd.DataFrame:
    return pd.DataFrame(columns=VALUE_COLUMNS)


def academic_period(census_year: pd.Series) -> pd.Series:
    """January census of 2025 -> '202425' (DfE's academic year code)."""
    years = census_year.astype(int)
    codes, uniques = pd.factorize(years)
    labels = np.array([f"{y - 1}{y % 100:02d}" for y in uniques], dtype=object)
    return pd.Series(labels[codes], index=census_year.index, dtype=object)


def age_band(age: pd.Series, prefix: str = "age_band=") -> pd.Series:
    """'age_band=0-4' ... 'age_band=20-25' (None outside 0-25); `prefix=""` gives the band alone ('0-4')."""
    codes, ages = pd.factorize(age)  # the bands of each distinct age, then of every row (millions for England)
    labels = pd.Series(None, index=range(len(ages) + 1), dtype=object)  # the last: a missing age's
    for label, lo, hi in AGE_BANDS:
        labels[np.append((ages >= lo) & (ages <= hi), False)] = f"{prefix}{label}"
    return pd.Series(labels.to_numpy()[codes], index=age.index, dtype=object)


def to_levels(counts: pd.DataFrame, lookup: pd.DataFrame, levels: list[str], keys: list[str],
              measures: list[str]) -> pd.DataFrame:
    """Sum LSOA counts to each level: rows of (area_level, area_code, *keys, *measures)."""
    counts, rows = lsoa_rows(counts, lookup["lsoa_code"])
    coded = as_codes(counts[[*keys, *measures]], keys)
    parts = []
    for level in levels:
        col = "lsoa_code" if level == "lsoa" else f"{level}_code"
        if col not in lookup:
            continue
        area = at_rows(pd.Categorical(lookup[col]), rows)
        g = sum_codes(coded.assign(area_code=area), ["area_code", *keys], measures, counts.dtypes)
        parts.append(g.astype({"area_code": lookup[col].dtype}).assign(area_level=level))
    if not parts:
        return pd.DataFrame(columns=["area_level", "area_code", *keys, *measures])
    return pd.concat(parts, ignore_index=True)


# -- grouping millions of rows by codes -----------------------------------------------------------
# A frame's string keys (and the area codes of its rows' LSOAs) as categoricals: grouped by their integer codes,
# never by merging and hashing strings, the sums are those of grouping the strings (the same rows, added in the
# same order) in a fraction of the time and memory; England's population is 19 million rows by age and sex.
def as_codes(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """`frame` with its `keys` as categoricals (in their sorted order: a grouping's order)."""
    return frame.astype({k: "category" for k in keys if not isinstance(frame[k].dtype, pd.CategoricalDtype)})


def lsoa_rows(frame: pd.DataFrame, lsoa_codes: pd.Series) -> tuple[pd.DataFrame, np.ndarray]:
    """`frame` and the position in `lsoa_codes` of each of its rows' LSOA (-1: not there), looked up once per LSOA;
    where `lsoa_codes` holds an LSOA more than once, the frame's rows matched with each (an inner merge's rows)."""
    if not lsoa_codes.is_unique:
        at = pd.DataFrame({"lsoa_code": lsoa_codes.to_numpy(), "_at": np.arange(len(lsoa_codes))})
        merged = frame.merge(at, on="lsoa_code")
        return merged.drop(columns="_at"), merged["_at"].to_numpy()
    codes, uniques = pd.factorize(frame["lsoa_code"])
    return frame, np.append(pd.Index(lsoa_codes).get_indexer(uniques), -1)[codes]


def at_rows(values: pd.Categorical, rows: np.ndarray) -> pd.Categorical:
    """The categorical `values` at positions `rows` (-1: missing)."""
    codes = np.where(rows >= 0, values.codes[rows], -1)
    return pd.Categorical.from_codes(codes, dtype=values.dtype)


def sum_codes(coded: pd.DataFrame, keys: list[str], measures: list[str], dtypes: Mapping[str, Any]) -> pd.DataFrame:
    """`coded.groupby(keys, as_index=False)[measures].sum()` of categorical `keys` (`as_codes`), each key column back
    in its own dtype (`dtypes`, where it names it)."""
    g = coded.groupby(keys, as_index=False, observed=True)[measures].sum()
    return g.astype({k: dtypes[k] for k in keys if k in dtypes})


def with_breakdowns(frame: pd.DataFrame, by: dict[str, str], keys: list[str], measures: list[str]) -> pd.DataFrame:
    """Totals ('all') and one set of rows per breakdown column: by maps a column to its breakdown name."""
    parts = [frame.groupby(keys, as_index=False, observed=True)[measures].sum().assign(breakdown="all")]
    for col, name in by.items():
        sub = frame.dropna(subset=[col])
        g = sub.groupby([*keys, col], as_index=False, observed=True)[measures].sum()
        g["breakdown"] = name + "=" + g[col].astype(str)
        parts.append(g.drop(columns=col))
    return pd.concat(parts, ignore_index=True)


def prefer_published(*frames: pd.DataFrame) -> pd.DataFrame:
    """Counts from several sources, the first source winning where two give the same period, area and
    breakdown (published statistics first: they are the official figures at the levels they cover)."""
    parts = [f for f in frames if f is not None and len(f)]
    if not parts:
        return pd.DataFrame(columns=COUNT_COLUMNS)
    both = pd.concat(parts, ignore_index=True)
    return both.drop_duplicates(["period", "area_level", "area_code", "breakdown"], keep="first")


# -- values and limits ----------------------------------------------------------------------------
def limits(frame: pd.DataFrame, ind: Indicator) -> pd.DataFrame:
    """value and its 95% / 99.8% limits by the indicator's method."""
    out = frame.copy()
    for col in LIMITS:
        out[col] = np.nan
    x = pd.to_numeric(out["numerator"], errors="coerce").astype(float)
    n = pd.to_numeric(out["denominator"], errors="coerce").astype(float)
    if ind.method == "count":
        ok = x.notna()
        res = pd.DataFrame({"value": x[ok]})
        for level, label in ((0.95, "95_0"), (0.998, "99_8")):
            lo, hi = methods.count_limits(x[ok].to_numpy(), level)
            res[f"lower{label}cl"], res[f"upper{label}cl"] = lo, hi
    elif ind.method in ("proportion_wilson", "crude_rate"):
        ok = x.notna() & n.notna() & (n > 0) & (x >= 0)
        if ind.method == "proportion_wilson":
            ok &= x <= n
            res = methods.proportion(x[ok].to_numpy(), n[ok].to_numpy(), ind.multiplier)
        else:
            res = methods.crude_rate(x[ok].to_numpy(), n[ok].to_numpy(), ind.multiplier)
    elif ind.method in ("value", "median"):  # computed by the builder (a median wait, a ratio)
        return out.assign(value=frame["value"], **{c: frame.get(c, np.nan) for c in LIMITS[1:]})
    elif ind.method == "dsr":
        return dsr_limits(frame, ind)
    else:
        raise ValueError(f"{ind.id}: method {ind.method} has no limits")
    if ok.any():
        res.index = out.index[ok]
        out.loc[ok, "value"] = res["value"]
        out.loc[ok, "lower_ci95"], out.loc[ok, "upper_ci95"] = res["lower95_0cl"], res["upper95_0cl"]
        out.loc[ok, "lower_ci998"], out.loc[ok, "upper_ci998"] = res["lower99_8cl"], res["upper99_8cl"]
    return out


def dsr_limits(frame: pd.DataFrame, ind: Indicator) -> pd.DataFrame:
    """Directly standardised rates (PHE's method, Dobson limits): the builder hands one row per age band
    (``age_band``) with its count, population and ``standard_population`` weight (e.g.
    methods.ESP2013's bands); each period, area and breakdown becomes one row whose numerator and
    denominator are the totals. Fewer than 10 events give no value (PHE suppresses such DSRs)."""
    missing = {"age_band", "standard_population"} - set(frame.columns)
    if missing:
        raise ValueError(f"{ind.id}: a DSR needs the columns {sorted(missing)} (one row per age band)")
    keys = [c for c in frame.columns if c not in {"age_band", "standard_population", "numerator", "denominator",
                                                    *LIMITS}]
    data = frame.assign(numerator=pd.to_numeric(frame["numerator"], errors="coerce").astype(float),
                        denominator=pd.to_numeric(frame["denominator"], errors="coerce").astype(float))
    res = methods.dsr(data, "numerator", "denominator", stdpop="standard_population", by=keys,
                      multiplier=ind.multiplier).reset_index()
    return pd.DataFrame({
        **{k: res[k] for k in keys}, "numerator": res["total_count"], "denominator": res["total_pop"],
        "value": res["value"], "lower_ci95": res["lower95_0cl"], "upper_ci95": res["upper95_0cl"],
        "lower_ci998": res["lower99_8cl"], "upper_ci998": res["upper99_8cl"],
    })


# -- comparisons ----------------------------------------------------------------------------------
def comparisons(values: pd.DataFrame, ind: Indicator, parent_of: pd.DataFrame,
                neighbours: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every comparison of every row: with England, the region, the parent area, the statistical
    neighbours' combined value and the target (rows of COMPARISON_COLUMNS).

    parent_of: child_level, child_code, parent_level, parent_code. neighbours: area_code, neighbour_code.
    """
    key = ["period", "breakdown"]
    by_area = values.set_index([*key, "area_level", "area_code"])["value"]
    parts = []

    def compare_with(rows: pd.DataFrame, kind: str, comp_level: pd.Series, comp_code: pd.Series) -> None:
        idx = pd.MultiIndex.from_arrays([rows["period"], rows["breakdown"], comp_level, comp_code])
        comp_value = by_area.reindex(idx).to_numpy()
        have = ~np.isnan(comp_value)
        if not have.any():
            return
        r = rows.loc[have]
        result = _judge(r, comp_value[have], ind)
        parts.append(pd.DataFrame({
            "indicator_id": ind.id, "period": r["period"], "area_level": r["area_level"], "area_code": r["area_code"],
            "breakdown": r["breakdown"], "comparator_type": kind, "comparator_code": comp_code[have].to_numpy(),
            "comparator_value": comp_value[have], "comparison": result,
        }))

    england = values[values["area_level"] == "country"]
    if len(england):
        others = values[values["area_level"] != "country"]
        code = england["area_code"].iloc[0]
        compare_with(others, "england", pd.Series("country", index=others.index), pd.Series(code, index=others.index))
    # the area each row sits in (an authority's parent is its region) and a district's region
    rows = values.merge(_ancestors(parent_of), left_on=["area_level", "area_code"],
                        right_on=["child_level", "child_code"])
    rows = _beyond_itself(rows, values, parent_of)
    for kind in ("region", "parent"):
        sub = rows[(rows["parent_level"] == "region") == (kind == "region")]
        if len(sub):
            compare_with(sub, kind, sub["parent_level"], sub["parent_code"])
    if neighbours is not None and len(neighbours):
        parts.append(_neighbour_comparison(values, ind, neighbours))
    if ind.target is not None:
        # each period against the target then in force (a local trajectory's; else the one target)
        target = targets.by_period(ind, values["period"])
        top = values[~np.isnan(target)]
        target = target[~np.isnan(target)]
        result = methods.compare_to_target(top["value"], target, ind.polarity)
        parts.append(pd.DataFrame({
            "indicator_id": ind.id, "period": top["period"], "area_level": top["area_level"],
            "area_code": top["area_code"], "breakdown": top["breakdown"], "comparator_type": "target",
            "comparator_code": [f"{t:g}" for t in target], "comparator_value": target, "comparison": result,
        }))
    if not parts:
        return pd.DataFrame(columns=COMPARISON_COLUMNS)
    return pd.concat(parts, ignore_index=True)[COMPARISON_COLUMNS]


def _ancestors(parent_of: pd.DataFrame) -> pd.DataFrame:
    """child_level, child_code, parent_level, parent_code, via_level, via_code: each area's parent (via itself)
    and a district's region (via its upper tier)."""
    rel = parent_of.drop_duplicates(["child_level", "child_code", "parent_level"])
    direct = rel.assign(via_level=rel["child_level"], via_code=rel["child_code"])
    up = rel[(rel["child_level"] == "lad") & (rel["parent_level"] == "utla")]
    region = rel[(rel["child_level"] == "utla") & (rel["parent_level"] == "region")]
    two = up.merge(region, left_on="parent_code", right_on="child_code", suffixes=("", "_r"))
    two = pd.DataFrame({"child_level": two["child_level"], "child_code": two["child_code"],
                        "parent_level": "region", "parent_code": two["parent_code_r"], "via_level": "utla",
                        "via_code": two["parent_code"]})
    direct = direct[~((direct["child_level"] == "lad") & (direct["parent_level"] == "region"))]
    return pd.concat([direct, two], ignore_index=True)


def _beyond_itself(rows: pd.DataFrame, values: pd.DataFrame, parent_of: pd.DataFrame) -> pd.DataFrame:
    """Drop comparisons with a parent holding nothing beyond the one area below it on the way (a one-county
    region of case-level figures, a unitary as its own upper tier): one child, and the same numerator,
    denominator and value. A region whose published figures count other authorities too stays a comparison."""
    rel = parent_of.drop_duplicates(["child_level", "child_code", "parent_level"])
    children = rel.groupby(["parent_level", "parent_code"]).size()
    only = children.reindex(pd.MultiIndex.from_arrays([rows["parent_level"], rows["parent_code"]])).to_numpy() == 1
    if not only.any():
        return rows
    counts = values.set_index(["period", "breakdown", "area_level", "area_code"])[["numerator", "denominator", "value"]]
    counts = counts[~counts.index.duplicated()]

    def at(level: str, code: str) -> pd.DataFrame:
        idx = pd.MultiIndex.from_arrays([rows["period"], rows["breakdown"], rows[level], rows[code]])
        return counts.reindex(idx).astype(float)

    via, parent = at("via_level", "via_code"), at("parent_level", "parent_code")
    same = np.ones(len(rows), dtype=bool)
    for col in ("numerator", "denominator", "value"):
        a, b = via[col].to_numpy(), parent[col].to_numpy()
        same &= (a == b) | (np.isnan(a) & np.isnan(b))
    return rows[~(only & same)]


def _judge(rows: pd.DataFrame, comparator: np.ndarray, ind: Indicator) -> np.ndarray:
    """better / similar / worse by the indicator's polarity (higher / similar / lower without one),
    the row's 95% interval against the comparator's value."""
    if ind.polarity == "no_judgement":
        result = methods.compare_direction(rows["value"], rows["lower_ci95"], rows["upper_ci95"], comparator)
    else:
        result = methods.compare(rows["value"], rows["lower_ci95"], rows["upper_ci95"], comparator, ind.polarity)
    return np.asarray(result)


def _neighbour_comparison(values: pd.DataFrame, ind: Indicator, neighbours: pd.DataFrame) -> pd.DataFrame:
    """Each authority against its statistical neighbours pooled: their numerators over denominators."""
    las = values[values["area_level"] == "utla"]
    pooled = neighbours.merge(las, left_on="neighbour_code", right_on="area_code")
    pooled = pooled.groupby(["area_code_x", "period", "breakdown"], as_index=False)[["numerator", "denominator"]].sum()
    pooled = pooled.rename(columns={"area_code_x": "comparator_for"})
    if pooled.empty or ind.method not in ("proportion_wilson", "crude_rate"):
        return pd.DataFrame(columns=COMPARISON_COLUMNS)
    pooled["comparator_value"] = pooled["numerator"] / pooled["denominator"] * ind.multiplier
    rows = las.merge(pooled[["comparator_for", "period", "breakdown", "comparator_value"]],
                     left_on=["area_code", "period", "breakdown"], right_on=["comparator_for", "period", "breakdown"])
    result = _judge(rows, rows["comparator_value"].to_numpy(), ind)
    return pd.DataFrame({
        "indicator_id": ind.id, "period": rows["period"], "area_level": rows["area_level"],
        "area_code": rows["area_code"], "breakdown": rows["breakdown"], "comparator_type": "neighbours",
        "comparator_code": "statistical neighbours", "comparator_value": rows["comparator_value"], "comparison": result,
    })


PRIMARY = ["england", "parent", "region", "target"]  # the comparison shown beside each value, in order of preference


def primary_comparison(values: pd.DataFrame, comps: pd.DataFrame) -> pd.DataFrame:
    """comparator and comparison columns: England where published, else the parent area, else the target."""
    out = values.drop(columns=["comparator", "comparison"], errors="ignore")
    if comps.empty:
        return out.assign(comparator=None, comparison="not compared")
    c = comps[comps["comparator_type"].isin(PRIMARY)].copy()
    c["rank"] = c["comparator_type"].map({k: i for i, k in enumerate(PRIMARY)})
    c = c.sort_values("rank").drop_duplicates(["period", "area_level", "area_code", "breakdown"])
    c["comparator"] = np.where(c["comparator_type"] == "target", "target " + c["comparator_code"],
                               c["comparator_type"] + " " + c["comparator_code"].astype(str))
    c["comparison"] = c["comparison"].replace({"higher": "not compared", "lower": "not compared"})
    out = out.merge(c[["period", "area_level", "area_code", "breakdown", "comparator", "comparison"]],
                    on=["period", "area_level", "area_code", "breakdown"], how="left")
    out["comparison"] = out["comparison"].fillna("not compared")
    return out


# -- trend ----------------------------------------------------------------------------------------
def trends(values: pd.DataFrame) -> pd.Series:
    """Fingertips' recent trend over each series' five latest periods, on the row of the latest."""
    trend = pd.Series(None, index=values.index, dtype=object)
    ordered = values.dropna(subset=["value"]).sort_values(["area_level", "area_code", "breakdown", "period"])
    last5 = ordered.groupby(["area_level", "area_code", "breakdown"], sort=False).tail(5)
    counts = last5.groupby(["area_level", "area_code", "breakdown"], sort=False)["value"].transform("size")
    full = last5[counts == 5]
    if full.empty:
        return trend
    arr = lambda col: full[col].to_numpy(dtype=float).reshape(-1, 5)  # noqa: E731
    result = methods.trend_test(arr("value"), arr("lower_ci95"), arr("upper_ci95"))
    latest = full.groupby(["area_level", "area_code", "breakdown"], sort=False).tail(1).index
    trend.loc[latest] = np.asarray(result)
    return trend


def finish(counts: pd.DataFrame, ind: Indicator, names: pd.DataFrame, parent_of: pd.DataFrame,
           neighbours: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(values, comparisons) for one indicator's counts: limits, comparisons, trend and names."""
    if counts.empty:
        return empty_values(), pd.DataFrame(columns=COMPARISON_COLUMNS)
    counts = counts.reset_index(drop=True)
    # population denominators are sums of apportioned estimates: the database may add them in any
    # order, so the last bits differ between runs; six decimals keep two refreshes identical
    counts["denominator"] = pd.to_numeric(counts["denominator"], errors="coerce").astype(float).round(6)
    values = limits(counts, ind)
    comps = comparisons(values, ind, parent_of, neighbours)
    values = primary_comparison(values, comps)
    values["trend"] = trends(values)
    values = values.drop(columns="area_name", errors="ignore").merge(names, on=["area_level", "area_code"], how="left")
    values["area_name"] = values["area_name"].fillna(values["area_code"])
    values["indicator_id"], values["symbol"] = ind.id, None
    order = ["period", "area_level", "area_code", "breakdown"]
    return values[VALUE_COLUMNS].sort_values(order, ignore_index=True), comps
