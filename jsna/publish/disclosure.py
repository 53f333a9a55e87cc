"""Disclosure control at the publishing boundary: nothing leaves with a small count in clear, and no
suppressed count can be worked out by subtraction.

Policy (jsna.toml [disclosure]):
1. Primary suppression: a count from 1 to min_count-1 is replaced by the symbol (DfE's `c`). For a
   proportion the denominator and the complement (denominator - numerator) count children too, so
   they are checked the same way. A suppressed row loses its numerator, value, limits, comparison
   and trend (values derived from a suppressed count go with it).
2. Secondary suppression: rows add up. An area's count is the sum of its sub-areas' (LSOAs to
   MSOA, MSOAs to district, districts to county...), and the 'all' breakdown is the sum of each
   breakdown's categories (the five age bands, the needs...). Wherever a sum group (a total and
   its parts) holds exactly one suppressed row, that row could be recovered by subtraction, so
   one more is suppressed: the part with the smallest count above zero, else any part, else the
   total. This repeats until no group holds exactly one suppressed row.
   Local breakdowns (`LOCAL_KINDS`: deciles ranked within each area) are parts of their own area's
   'all' but do not add up across areas.
3. Derived values (an indicator's `derived_from`, e.g. an SII fitted to decile rates): withheld wherever
   one of the rows they are computed from is suppressed, so the hidden row cannot be worked back.
4. Optional rounding of published counts to a base (e.g. 5), values rescaled to the rounded counts.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from jsna.config import Disclosure

DERIVED = ["value", "lower_ci95", "upper_ci95", "lower_ci998", "upper_ci998"]
KEY = ["indicator_id", "period", "area_level", "area_code", "breakdown"]
LOCAL_KINDS = ("local_imd_decile",)  # breakdowns defined within each area: no sum across areas


def _small(x: pd.Series, min_count: int) -> pd.Series:
    return x.notna() & (x > 0) & (x < min_count)


def primary(values: pd.DataFrame, policy: Disclosure, counts_children: pd.Series) -> pd.Series:
    """Rows whose own counts are small."""
    complement = values["denominator"] - values["numerator"]
    hide = _small(values["numerator"], policy.min_count)
    hide |= counts_children & (_small(values["denominator"], policy.min_count) | _small(complement, policy.min_count))
    return hide


def sum_groups(values: pd.DataFrame, hierarchy: pd.DataFrame) -> pd.DataFrame:
    """Each row's membership of sum groups: (row index, group id, is_total).

    `hierarchy` has child_level, child_code, parent_level, parent_code: the area nesting the counts
    were summed along. Breakdowns 'type=category' are the parts of the same area's 'all'.
    """
    v = values.reset_index(names="row")
    parts = []
    local = v["breakdown"].str.startswith(tuple(f"{k}=" for k in LOCAL_KINDS))
    # areas: a parent row and its children rows, same indicator, period and breakdown
    nest = hierarchy.drop_duplicates(["child_level", "child_code", "parent_level"])
    child = v[~local].merge(nest, left_on=["area_level", "area_code"], right_on=["child_level", "child_code"])
    parent = v[~local].merge(nest[["parent_level", "parent_code"]].drop_duplicates(),
                     left_on=["area_level", "area_code"], right_on=["parent_level", "parent_code"])
    gkey = ["indicator_id", "period", "breakdown", "parent_level", "parent_code", "child_level"]
    kids = child[["row", *gkey]].assign(is_total=False)
    totals = parent[["row", "indicator_id", "period", "breakdown", "parent_level", "parent_code"]].merge(
        nest[["parent_level", "parent_code", "child_level"]].drop_duplicates(), on=["parent_level", "parent_code"]
    ).assign(is_total=True)
    areas = pd.concat([kids, totals[["row", *gkey, "is_total"]]], ignore_index=True)
    areas["group"] = "a" + areas.groupby(gkey, sort=False, dropna=False).ngroup().astype(str)
    parts.append(areas[["row", "group", "is_total"]])
    # breakdowns: 'all' and the categories of one breakdown type, same indicator, period and area
    kind = v["breakdown"].str.split("=", n=1).str[0].where(v["breakdown"].str.contains("="), None)
    cats = v.assign(kind=kind).dropna(subset=["kind"])
    bkey = ["indicator_id", "period", "area_level", "area_code"]
    if len(cats):
        groups = cats[[*bkey, "kind"]].drop_duplicates()
        tot = v[v["breakdown"] == "all"].merge(groups, on=bkey)
        b = pd.concat([cats[["row", *bkey, "kind"]].assign(is_total=False),
                       tot[["row", *bkey, "kind"]].assign(is_total=True)], ignore_index=True)
        b["group"] = "b" + b.groupby([*bkey, "kind"], sort=False, dropna=False).ngroup().astype(str)
        parts.append(b[["row", "group", "is_total"]])
    return pd.concat(parts, ignore_index=True)


def secondary(values: pd.DataFrame, hidden: pd.Series, groups: pd.DataFrame, max_rounds: int = 50) -> pd.Series:
    """Extend `hidden` until no sum group holds exactly one hidden row."""
    hidden = hidden.copy()
    count = values["numerator"].fillna(0).to_numpy()
    for _ in range(max_rounds):
        g = groups.assign(hidden=hidden.to_numpy()[groups["row"].to_numpy()])
        exposed = g.groupby("group")["hidden"].sum()
        exposed = exposed[exposed == 1].index
        if len(exposed) == 0:
            return hidden
        cand = g[g["group"].isin(exposed) & ~g["hidden"]].copy()
        cand["count"] = count[cand["row"].to_numpy()]
        # prefer parts over the total, then the smallest count above zero, then any zero
        cand["rank"] = np.where(cand["is_total"], 2, np.where(cand["count"] > 0, 0, 1))
        pick = cand.sort_values(["group", "rank", "count", "row"]).groupby("group").head(1)["row"].unique()
        if len(pick) == 0:  # a group whose only other member is missing: nothing left to hide
            return hidden
        hidden.iloc[pick] = True
    raise RuntimeError("secondary suppression did not settle")


def exposed_groups(values: pd.DataFrame, hidden: pd.Series, groups: pd.DataFrame) -> pd.Index:
    """Sum groups in which a single hidden row could be recovered by subtraction (should be none)."""
    g = groups.assign(hidden=hidden.to_numpy()[groups["row"].to_numpy()])
    n = g.groupby("group")["hidden"].sum()
    return n[n == 1].index


def derived_hidden(values: pd.DataFrame, hidden: pd.Series, derived: Mapping[str, str]) -> pd.Series:
    """Rows of derived indicators ({id: 'source_id:breakdown'}) computed from a hidden row: same period
    and area, the source indicator's rows of that breakdown."""
    out = pd.Series(False, index=values.index)
    for indicator_id, source in derived.items():
        src, _, kind = source.partition(":")
        rows = (values["indicator_id"] == src) & values["breakdown"].str.startswith(f"{kind}=") & hidden
        gone = values.loc[rows, ["period", "area_level", "area_code"]].drop_duplicates()
        mine = values[values["indicator_id"] == indicator_id]
        hit = mine.reset_index().merge(gone, on=["period", "area_level", "area_code"])["index"]
        out.loc[hit] = True
    return out


def suppress(values: pd.DataFrame, policy: Disclosure, count_denominator: pd.Series | bool,
             hierarchy: pd.DataFrame | None = None, derived: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Apply the policy to indicator values (one row per indicator, period, area and breakdown).

    `count_denominator` says, per row or for all, whether the denominator counts children (a
    proportion) rather than residents (a rate's population estimate). `hierarchy` gives the area
    nesting for secondary suppression (none: breakdown groups only). `derived` maps derived indicators to
    the rows they are computed from ('source_id:breakdown').
    """
    out = values.reset_index(drop=True).copy()
    counts_children = (
        pd.Series(count_denominator, index=out.index) if isinstance(count_denominator, bool)
        else count_denominator.reset_index(drop=True)
    ).astype(bool)
    hide = primary(out, policy, counts_children)
    nest = hierarchy if hierarchy is not None else pd.DataFrame(
        columns=["child_level", "child_code", "parent_level", "parent_code"])
    if hide.any():
        # derived values (an SII) add up to nothing: they take no part in the sum groups
        additive = ~out["indicator_id"].isin(list(derived or {}))
        hide = secondary(out, hide, sum_groups(out[additive], nest))
        if derived:
            hide |= derived_hidden(out, hide, derived)
    out.loc[hide, ["numerator", *DERIVED]] = np.nan
    out.loc[hide & counts_children, "denominator"] = np.nan
    out.loc[hide, "symbol"] = policy.symbol
    out.loc[hide, "comparison"] = "not compared"
    out.loc[hide, "trend"] = None
    if policy.round_to:
        base = policy.round_to
        rounded = (out["numerator"] / base).round() * base
        scale = rounded / out["numerator"].where(out["numerator"] > 0)
        out["numerator"] = rounded
        for col in DERIVED:
            out[col] = out[col] * scale.fillna(1)
        out.loc[counts_children, "denominator"] = (out["denominator"] / base).round() * base
    return out
