"""Disclosure control at the publishing boundary: nothing leaves with a small count in clear, and no
suppressed count can be worked out by arithmetic. Every published table passes through `protect` under its
declaration in `TABLES` (its counts, what is worked from them, its additive structure; or that it counts
no children).

Policy (jsna.toml [disclosure]: min_count, symbol, round_to):
1. Primary suppression: a count from 1 to min_count-1 is replaced by the symbol (DfE's `c`). For a
   proportion the denominator and the complement (denominator - numerator) count children too, so
   they are checked the same way. A suppressed row loses its numerator, value, limits, comparison
   and trend (values derived from a suppressed count go with it).
2. Secondary suppression: rows add up. An area's count is the sum of its sub-areas' (LSOAs to
   MSOA, MSOAs to district, districts to county...), an indicator's trusts add up to its county
   (`PARTITIONS`), and the 'all' breakdown is the sum of each breakdown's categories (the five age
   bands, the needs...). In every sum group (a total and its parts) the protection rule holds: never
   exactly one hidden row, and while the total is shown the hidden parts add up to min_count at least
   (each could then be anything from 0 to that sum). A group that breaks it hides one more: the part
   with the smallest count above zero, else any part, else the total; to a fixed point.
   Sums crossing each other can still pin a cell each sum alone leaves free, so the result is audited
   by linear programming (`jsna.publish.audit`, as statistical offices audit tables) and any hidden
   count still narrower than min_count widens its groups again (`secure`).
   Where a total counts more than its parts (children placed in no district, a need not recorded), the
   remainder is a part that is never published (`with_remainders`): protected like the others, so that
   subtraction gives no small count back.
   Local breakdowns (`LOCAL_KINDS`: deciles ranked within each area) are parts of their own area's
   'all' but do not add up across areas.
3. Derived values (an indicator's `derived_from`, e.g. an SII fitted to decile rates): withheld wherever
   one of the rows they are computed from is suppressed, so the hidden row cannot be worked back.
4. Optional rounding of published counts to a base (e.g. 5), after suppression, values rescaled to the
   rounded counts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from jsna.config import Disclosure

DERIVED = ["value", "lower_ci95", "upper_ci95", "lower_ci998", "upper_ci998"]
KEY = ["indicator_id", "period", "area_level", "area_code", "breakdown"]
LOCAL_KINDS = ("local_imd_decile",)  # breakdowns defined within each area: no sum across areas
# Levels that divide the same children another way than the area nesting: an indicator's trusts (each
# trust's returns, for every child of the area) add up to its upper-tier rows together.
PARTITIONS = {"trust": "utla"}
# Sub-ICB rows re-cut the districts' children: hidden first where a sum needs one more row hidden (not ICBs: an
# ICB is often one authority, or several whole ones, and hiding it would hide the authority with it)
RECUT_LEVELS = ("sicbl",)
# Published counts that count the same children: one indicator's count (its numerator or denominator) is
# another's, or the sum of another's breakdown categories. Each (whole, parts) is a sum group per cell (period,
# area; and breakdown where none is named) whose members name their measure: shown or hidden together, and
# the audit knows the equality; else the one shown would give the other's hidden count back. A member is
# 'indicator.measure', or 'indicator.measure@breakdown' (that category of the same period and area).
SAME_CHILDREN: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ehcp_plans.numerator", ("ehcp_rate_0_25.numerator",)),  # plans per 1,000 residents
    ("ehcp_plans.numerator", ("ehcp_specialist_placement.denominator",)),  # of all plans, in specialist places
    ("ehcp_specialist_placement.numerator@all", ("ehcp_plans.numerator@placement=special",
                                                 "ehcp_plans.numerator@placement=specialist_post16",
                                                 "ehcp_plans.numerator@placement=independent_special")),
    ("ehcp_neet_16_25.denominator@all", ("ehcp_plans.numerator@age_band=16-19",
                                         "ehcp_plans.numerator@age_band=20-25")),
    # requests: all received, and those decided to assess or not, counted again by their outcome
    ("ehcp_request_outcomes.numerator@all", ("ehcp_requests_rate.numerator@all",)),
    ("ehcp_requests_assessed.numerator@all", ("ehcp_request_outcomes.numerator@outcome=assess",)),
    ("ehcp_requests_assessed.denominator@all", ("ehcp_request_outcomes.numerator@outcome=assess",
                                                "ehcp_request_outcomes.numerator@outcome=not_assess")),
    ("ehcp_requests_decided_6_weeks.denominator", ("ehcp_requests_assessed.denominator",)),
    ("dct_caseload_rate.numerator", ("short_breaks_pct.denominator",)),  # children open to the team
    ("sen_support_pupils_pct.denominator", ("ehcp_pupils_pct.denominator",)),  # pupils on roll
    ("wait_median_weeks.numerator", ("wait_p90_weeks.numerator",)),  # completed assessments
    ("waiting_over_13_weeks.denominator", ("waiting_over_18_weeks.denominator",)),  # children still waiting
    ("waiting_over_13_weeks.denominator", ("waiting_over_52_weeks.denominator",)),
)

# Links (by their whole) that hold only where both counts come from the case-level records: where a DfE release
# gives the figures, the decisions to assess or not and the decisions within six weeks or not are two of its
# tables, not the same count, and every authority's are public already (binding them over all England's
# authorities pinned hidden counts faster than hiding could free them). Bound in the cells of districts and
# smaller or NHS areas, and of an authority whose districts the records give the same indicator for; and in
# every cell, only where the counts agree (or one is unknown).
RECORDS_ONLY = frozenset({"ehcp_requests_assessed.denominator@all", "ehcp_requests_decided_6_weeks.denominator"})
RECORD_LEVELS = ("lsoa", "msoa", "lad", "sicbl", "icb")


def linked_indicators(derived: Mapping[str, str] | None = None) -> list[set[str]]:
    """Indicators disclosure control protects together: each SAME_CHILDREN link's, and a derived indicator with
    the one it is computed from (`derived`: {id: 'source_id:breakdown'}). Any other two are protected apart."""
    links = [{name.partition(".")[0] for name in (whole, *same)} for whole, same in SAME_CHILDREN]
    return links + [{i, source.partition(":")[0]} for i, source in (derived or {}).items()]


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
    # only the keys and counts the sums read (not every column of every value)
    v = values[[c for c in (*KEY, "numerator", "denominator") if c in values]].reset_index(names="row")
    parts = []
    # what each breakdown is, worked out once per distinct breakdown rather than once per row
    # (a missing breakdown, code -1, takes the last entry: not local, no kind)
    code, names = pd.factorize(v["breakdown"])
    each = pd.Series(names, dtype=object)
    local = pd.Series(np.r_[each.str.startswith(tuple(f"{k}=" for k in LOCAL_KINDS)).to_numpy(bool), False][code],
                      index=v.index)
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
    areas = areas[~areas.groupby("group")["is_total"].transform("all")]  # a total without parts here: no sum
    parts.append(areas[["row", "group", "is_total"]])
    # partitions: the trusts and the upper tier, same indicator, period and breakdown
    pkey = ["indicator_id", "period", "breakdown"]
    for level, whole in PARTITIONS.items():
        pieces = v[v["area_level"] == level]
        if pieces.empty:
            continue
        tops = v[v["area_level"] == whole].merge(pieces[pkey].drop_duplicates(), on=pkey)
        p = pd.concat([pieces[["row", *pkey]].assign(is_total=False), tops[["row", *pkey]].assign(is_total=True)],
                      ignore_index=True)
        p["group"] = f"p{level}" + p.groupby(pkey, sort=False, dropna=False).ngroup().astype(str)
        parts.append(p[["row", "group", "is_total"]])
    # the same children counted by two indicators (SAME_CHILDREN): a whole and its parts in each cell (the linked
    # indicators' rows taken once, each link's members then picked from them)
    linked = v[v["indicator_id"].isin({i for together in linked_indicators() for i in together})]
    for n, (whole, same) in enumerate(SAME_CHILDREN):
        if (link := _same_children(linked, whole, same, nest if whole in RECORDS_ONLY else None)) is not None:
            link["group"] = f"s{n}_" + link["group"].astype(str)
            parts.append(link)
    # breakdowns: 'all' and the categories of one breakdown type, same indicator, period and area
    kind = np.r_[each.str.split("=", n=1).str[0].where(each.str.contains("="), None).to_numpy(object), None][code]
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


REMAINDER = "~remainder"


def _remainders(values: pd.DataFrame) -> np.ndarray:
    """Which rows are remainders (`with_remainders`): parts never published."""
    if "breakdown" not in values:
        return np.zeros(len(values), bool)
    return values["breakdown"].eq(REMAINDER).to_numpy(bool)


def with_remainders(values: pd.DataFrame, groups: pd.DataFrame, counts_children: pd.Series
                    ) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    """The rows and sum groups with each group's remainder as one more part: where a total counts more than its
    parts (children placed in no district, a need not recorded), the difference is a count an attacker works out
    by subtraction, so it is protected as a part that is never published. Returns the rows with the remainders
    appended (breakdown '~remainder'), the groups with them in, and which rows' denominators count children."""
    g = groups[groups["group"].str.startswith("a")]  # the area nesting's sums (see sum_groups)
    g = g[g.groupby("group")["is_total"].transform("any")]
    if g.empty:
        return values, groups, counts_children
    rows, total = g["row"].to_numpy(), g["is_total"].to_numpy(bool)
    gid, names = pd.factorize(g["group"])
    sign = np.where(total, 1.0, -1.0)
    cc = counts_children.to_numpy(bool)
    num = values["numerator"].fillna(0).to_numpy(float)
    den = np.where(cc, values["denominator"].fillna(0).to_numpy(float), 0.0)
    rest_num = np.bincount(gid, weights=sign * num[rows], minlength=len(names))
    rest_den = np.bincount(gid, weights=sign * den[rows], minlength=len(names))
    total_row = np.zeros(len(names), int)
    total_row[gid[total]] = rows[total]
    keep = (rest_num > -0.5) & (rest_den > -0.5) & ((rest_num >= 0.5) | (rest_den >= 0.5))
    if not keep.any():
        return values, groups, counts_children
    at = total_row[keep]
    extra = values.iloc[at].assign(breakdown=REMAINDER, numerator=rest_num[keep],
                                   denominator=np.where(cc[at], rest_den[keep], np.nan))
    extra.index = len(values) + np.arange(len(extra))
    member = pd.DataFrame({"row": extra.index, "group": names[keep], "is_total": False})
    return (pd.concat([values, extra]), pd.concat([groups, member], ignore_index=True),
            pd.concat([counts_children, pd.Series(cc[at], index=extra.index)]))


def _same_children(v: pd.DataFrame, whole: str, same: tuple[str, ...], records: pd.DataFrame | None = None,
                   tolerance: float = 0.5) -> pd.DataFrame | None:
    """The sum groups of one SAME_CHILDREN link over rows `v` (row, group, is_total, measure); None if a member
    has no rows. With `records` (the area nesting), only in the cells counted from the case-level records
    (RECORDS_ONLY) and where the counts are all unknown or agree within `tolerance`."""
    members = []
    for name in (whole, *same):
        indicator, _, rest = name.partition(".")
        measure, _, breakdown = rest.partition("@")
        rows = v[(v["indicator_id"] == indicator) & ((v["breakdown"] == breakdown) if breakdown else True)]
        members.append((rows, measure, bool(breakdown)))
    if any(rows.empty for rows, _, _ in members):
        return None
    key = ["period", "area_level", "area_code"] + ([] if members[0][2] else ["breakdown"])
    cells = members[0][0][["row", *key]].rename(columns={"row": "r0"})
    for k, (rows, _, _) in enumerate(members[1:], start=1):
        cells = cells.merge(rows[["row", *key]].rename(columns={"row": f"r{k}"}), on=key)  # every part there
    if records is not None:
        cells = cells[_from_records(cells, members[0][0], records) & _agree(v, cells, members, tolerance)]
    group = np.arange(len(cells))
    return pd.concat([pd.DataFrame({"row": cells[f"r{k}"].to_numpy(), "group": group, "is_total": k == 0,
                                    "measure": measure}) for k, (_, measure, _) in enumerate(members)],
                     ignore_index=True)


def _from_records(cells: pd.DataFrame, rows: pd.DataFrame, nest: pd.DataFrame) -> np.ndarray:
    """Which cells are counted from the case-level records: a district's or smaller or NHS area's, or an
    authority's whose districts `rows` (the link's whole) give in the same period."""
    lads = rows.loc[rows["area_level"] == "lad", ["period", "area_code"]].merge(
        nest[(nest["child_level"] == "lad") & (nest["parent_level"] == "utla")],
        left_on="area_code", right_on="child_code")
    counted = pd.MultiIndex.from_arrays([lads["period"], lads["parent_code"]])
    at_utla = pd.MultiIndex.from_arrays([cells["period"], cells["area_code"]]).isin(counted)
    return cells["area_level"].isin(RECORD_LEVELS).to_numpy() | ((cells["area_level"] == "utla").to_numpy() & at_utla)


def _agree(v: pd.DataFrame, cells: pd.DataFrame, members: list[tuple[pd.DataFrame, str, bool]],
           tolerance: float) -> np.ndarray:
    """Cells whose whole is the sum of its parts within `tolerance`, or with a count unknown."""
    if not {"numerator", "denominator"} <= set(v.columns):
        return np.ones(len(cells), dtype=bool)
    by_row = v.set_index("row")[["numerator", "denominator"]].astype(float)
    counts = [by_row[measure].reindex(cells[f"r{k}"]).to_numpy() for k, (_, measure, _) in enumerate(members)]
    known = np.all([~np.isnan(c) for c in counts], axis=0)
    return ~(known & (np.abs(counts[0] - np.sum(counts[1:], axis=0)) > tolerance))


def _short(hidden_sum: np.ndarray, min_count: int) -> np.ndarray:
    """Hidden parts adding up to too little: from 1 to min_count - 1. Parts adding up to 0 are each 0, which
    the policy shows in clear (a zero is not a small count): hiding more would not protect them."""
    return (hidden_sum > 0) & (hidden_sum < min_count)


def secondary(values: pd.DataFrame, hidden: pd.Series, groups: pd.DataFrame, min_count: int = 1,
              counts_children: pd.Series | None = None, max_rounds: int = 500) -> pd.Series:
    """Extend `hidden` to a fixed point of the protection rule, in every sum group:
    - never exactly one hidden row (it would be its total minus the rest), nor one published row hidden
      alone with a remainder while another part can go with it (`with_remainders`: never published, so never
      picked to hide);
    - while the total is shown, the hidden parts' counts add up to at least `min_count` (numerators, and
      for proportions denominators and complements too), or to 0: each hidden part then lies anywhere from
      0 to that sum, at least `min_count` wide, or is 0, as shown in clear. Two hidden parts of 1 and 2
      would otherwise be pinned to [0, 3].
    A group that breaks the rule takes one more part: the smallest count above zero, else a zero, else
    the total (a hidden total leaves its parts unbounded above). Sub-ICB rows (`RECUT_LEVELS`: the same
    children cut again) come last: the sums without them settle first, and then a sub-ICB row goes before any
    other, one already covering a hidden district first, so that publishing sub-ICBs hides sub-ICBs rather than
    more districts."""
    recut = (values["area_level"].isin(RECUT_LEVELS).to_numpy(bool) if "area_level" in values
             else np.zeros(len(values), bool))
    touched = groups["group"].isin(groups.loc[recut[groups["row"].to_numpy()], "group"]) if len(groups) else None
    if touched is not None and touched.any() and not touched.all():
        # the districts' own sums settle first; the sub-ICBs then hide around what they hide
        hidden = secondary(values, hidden, groups[~touched.to_numpy(bool)], min_count, counts_children, max_rounds)
    out = hidden.to_numpy(dtype=bool).copy()
    if len(groups) == 0:
        return pd.Series(out, index=hidden.index)
    rows = groups["row"].to_numpy()
    gid, names = pd.factorize(groups["group"])
    n_groups = len(names)
    is_total = groups["is_total"].to_numpy(dtype=bool)
    num = values["numerator"].fillna(0).to_numpy(dtype=float)
    cc = np.zeros(len(values), bool) if counts_children is None else counts_children.to_numpy(dtype=bool)
    den = np.where(cc, values["denominator"].fillna(0).to_numpy(dtype=float), 0.0)
    counts = [num[rows], den[rows], np.where(cc, den - num, 0.0)[rows]]
    child_group = np.bincount(gid, weights=cc[rows], minlength=n_groups) > 0
    order_count = num[rows]
    rank = np.where(is_total, 2, np.where(order_count > 0, 0, 1))
    rank = np.where(recut[rows], -1, rank)
    virtual = _remainders(values)[rows]
    for _ in range(max_rounds):
        h = out[rows]
        n_hidden = np.bincount(gid, weights=h, minlength=n_groups)
        n_published = np.bincount(gid, weights=h & ~virtual, minlength=n_groups)
        parts_left = np.bincount(gid, weights=~h & ~virtual & ~is_total, minlength=n_groups) > 0
        total_hidden = np.bincount(gid, weights=h & is_total, minlength=n_groups) > 0
        short = _short(np.bincount(gid, weights=np.where(h, counts[0], 0.0), minlength=n_groups), min_count)
        for c in counts[1:]:
            short |= child_group & _short(np.bincount(gid, weights=np.where(h, c, 0.0), minlength=n_groups),
                                          min_count)
        bad = (n_hidden == 1) | ((n_published == 1) & parts_left) | ((n_hidden > 0) & ~total_hidden & short)
        cand = np.flatnonzero(bad[gid] & ~h & ~virtual)
        if len(cand) == 0:
            return pd.Series(out, index=hidden.index)
        # an NHS row totalling a group with a part already hidden first: hiding it gives nothing back
        covering = np.zeros(len(values), bool)
        covering[rows[is_total & (np.bincount(gid, weights=h & ~is_total, minlength=n_groups) > 0)[gid]]] = True
        now = np.where(recut[rows] & covering[rows], -2, rank)
        first = cand[np.lexsort((rows[cand], order_count[cand], now[cand], gid[cand]))]
        pick = first[np.r_[True, gid[first][1:] != gid[first][:-1]]]
        out[rows[pick]] = True
    raise RuntimeError("secondary suppression did not settle")


def secure(values: pd.DataFrame, hidden: pd.Series, groups: pd.DataFrame, min_count: int,
           counts_children: pd.Series | None = None, slack: float = 0.0, max_rounds: int = 20) -> pd.Series:
    """`secondary`, then the audit (`jsna.publish.audit`: linear programming over the published values and
    the sums): wherever a hidden count is still narrower than `min_count` (sums crossing each other can pin
    what each sum alone leaves free), one more member of every group it is in is hidden (`_widen`), and both
    run again."""
    from jsna.publish.audit import audit  # HiGHS: loaded only where something is hidden

    cc = pd.Series(False, index=values.index) if counts_children is None else counts_children
    groups = groups.assign(group=pd.factorize(groups["group"])[0])  # the same groups, numbered: cheaper to match
    hidden = secondary(values, hidden, groups, min_count, cc)
    focus = None  # the first audit solves everything; later ones only where something was hidden since
    settled = pd.DataFrame(columns=["row", "kind"])  # shown wide already: hiding more never narrows them
    for _ in range(max_rounds):
        result = audit(values, hidden, groups, cc, min_count, slack=slack, truth=values, focus=focus,
                       settled=settled)
        narrow = result.narrow
        if narrow.empty:
            return hidden
        wide = result.cells.loc[result.cells["width"] >= min_count, ["row", "kind"]]
        settled = pd.concat([settled, wide], ignore_index=True) if len(settled) else wide
        more = _widen(values, hidden.to_numpy(), groups, narrow["row"].unique())
        if more.sum() == hidden.sum():
            break
        widened = secondary(values, pd.Series(more, index=hidden.index), groups, min_count, cc)
        # next, the components holding what was hidden since, and those still narrow
        focus = np.union1d(np.flatnonzero(widened.to_numpy() & ~hidden.to_numpy()), narrow["row"].unique())
        hidden = widened
    raise RuntimeError(_unsettled(values, narrow["row"].unique(), more.sum() == hidden.sum(), max_rounds))


def _unsettled(values: pd.DataFrame, rows: np.ndarray, stuck: bool, rounds: int) -> str:
    """Why disclosure control stopped unsettled, and where: how many hidden counts the sums still pin, and the first
    few indicators and periods they are in where the table has them (aggregate keys only)."""
    cols = [c for c in ("indicator_id", "period") if c in values]
    where = sorted({" ".join(map(str, k)) for k in values.iloc[rows][cols].itertuples(index=False)}) if cols else []
    more = f" and {len(where) - 5} more" if len(where) > 5 else ""
    return (f"disclosure control did not settle ({'no shown member left to hide' if stuck else f'{rounds} rounds'}): "
            f"{len(rows)} hidden counts the sums still pin" + (f", in {', '.join(where[:5])}{more}" if where else ""))


def _widen(values: pd.DataFrame, hidden: np.ndarray, groups: pd.DataFrame, rows: np.ndarray) -> np.ndarray:
    """`hidden` and, in every group a narrow row is in, one more member: the shown part with the smallest
    count above zero, else a zero, else the total (as `secondary` picks); where a group has none left, the
    same in the groups of the members hidden with it, a ring out."""
    more = hidden.copy()
    num = values["numerator"].fillna(0).to_numpy(dtype=float)
    for _ring in range(10):
        g = groups[groups["group"].isin(groups.loc[groups["row"].isin(rows), "group"])]
        r = g["row"].to_numpy()
        free = g[~more[r] & ~_remainders(values)[r]]
        if len(free):
            count = num[free["row"].to_numpy()]
            rank = np.where(free["is_total"].to_numpy(bool), 2, np.where(count > 0, 0, 1))
            pick = free.assign(rank=rank, count=count).sort_values(["group", "rank", "count", "row"])
            more[pick.drop_duplicates("group")["row"].to_numpy()] = True
            return more
        rows = np.unique(r)
    return more


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
    nest = hierarchy if hierarchy is not None else pd.DataFrame(
        columns=["child_level", "child_code", "parent_level", "parent_code"])
    # derived values (an SII) add up to nothing: they take no part in the sum groups
    additive = ~out["indicator_id"].isin(list(derived or {}))
    # the counts and what they add up along: the other columns need not be copied with the remainders
    counted = out[[c for c in (*KEY, "numerator", "denominator") if c in out]]
    full, groups, full_cc = with_remainders(counted, sum_groups(counted[additive], nest), counts_children)
    hide_full = primary(full, policy, full_cc)
    if hide_full.any():
        hide_full = secure(full, hide_full, groups, policy.min_count, full_cc)
    hide = hide_full.iloc[:len(out)].set_axis(out.index)
    if hide.any() and derived:
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


# -- the boundary: every published table -------------------------------------------------------------
Groups = Callable[[pd.DataFrame], pd.DataFrame]


@dataclass(frozen=True)
class Table:
    """How a published table is disclosure-controlled.

    counts: columns counting children (a small one hides its row; rounded to `round_to`).
    withheld: columns worked from those counts (bounds, a surplus against places...): hidden with them.
    sums: the table's additive structure, as sum groups (row, group, is_total) over its rows: a group
    with no total row adds up to a total published elsewhere.
    min_children: for a distribution over children (its count not published): withheld below this many.
    slack: how far each part of a sum may be from exact (figures rounded on their own), for the audit.
    no_children: for a table that counts no children, what it holds instead (published in clear).
    """

    counts: tuple[str, ...] = ()
    withheld: tuple[str, ...] = ()
    sums: Groups | None = None
    min_children: int | None = None
    no_children: str = ""
    slack: float = 0.0


def category_groups(by: list[str], topic: str, total: str) -> Groups:
    """Each `topic`'s categories add up to the row whose topic is `total`, rows alike in `by`."""
    def groups(frame: pd.DataFrame) -> pd.DataFrame:
        f = frame.reset_index(drop=True).reset_index(names="row")
        tot = f[f[topic] == total].drop(columns=topic)
        cats = f[f[topic] != total]
        kinds = cats[[*by, topic]].drop_duplicates()
        g = pd.concat([cats[["row", *by, topic]].assign(is_total=False),
                       tot[["row", *by]].merge(kinds, on=by).assign(is_total=True)], ignore_index=True)
        g["group"] = f"{topic}:" + g.groupby([*by, topic], sort=False, dropna=False).ngroup().astype(str)
        return g[["row", "group", "is_total"]]
    return groups


def nest_groups(by: list[str], part: Callable[[pd.DataFrame], pd.Series], parent: str, code: str) -> Groups:
    """Rows `part` selects add up, alike in `by`, to the row whose `code` is their `parent`."""
    def groups(frame: pd.DataFrame) -> pd.DataFrame:
        f = frame.reset_index(drop=True).reset_index(names="row")
        kids = f[part(f) & f[parent].notna()].rename(columns={parent: "parent"})
        tot = f[~part(f)].drop(columns=parent).merge(kids[[*by, "parent"]].drop_duplicates(),
                                                     left_on=[*by, code], right_on=[*by, "parent"])
        g = pd.concat([kids[["row", *by, "parent"]].assign(is_total=False),
                       tot[["row", *by, "parent"]].assign(is_total=True)], ignore_index=True)
        g["group"] = f"{parent}:" + g.groupby([*by, "parent"], sort=False, dropna=False).ngroup().astype(str)
        return g[["row", "group", "is_total"]]
    return groups


def all_groups(*makers: Groups) -> Groups:
    def groups(frame: pd.DataFrame) -> pd.DataFrame:
        return pd.concat([m(frame) for m in makers], ignore_index=True)
    return groups


def milestone_groups(frame: pd.DataFrame) -> pd.DataFrame:
    """published.milestones' sums: per milestone and horizon, the authority's districts with its unplaced children,
    its teams, and its trusts each add up to it; per cell, weeks 1-2 add up to the next 14 days and 1-4 to 28."""
    f = frame.reset_index(drop=True).reset_index(names="row")
    split = f["area_level"].map({"lad": "place", "unplaced": "place", "team": "team", "trust": "trust"})
    totals = f[f["area_level"] == "utla"]
    by = ["milestone", "horizon"]  # the table is about one authority
    parts = []
    for kind in ("place", "team", "trust"):
        kids = f[split == kind]
        if kids.empty:
            continue
        tot = totals.merge(kids[by].drop_duplicates(), on=by)
        g = pd.concat([kids[["row", *by]].assign(is_total=False), tot[["row", *by]].assign(is_total=True)],
                      ignore_index=True)
        g["group"] = f"{kind}:" + g.groupby(by, sort=False).ngroup().astype(str)
        parts.append(g[["row", "group", "is_total"]])
    cell = ["milestone", "area_level", "area_code", "team"]
    for total, weeks in (("next_14_days", 2), ("next_28_days", 4)):
        members = f[f["horizon"].isin([f"week_{k}" for k in range(1, weeks + 1)])].assign(is_total=False)
        g = pd.concat([members, f[f["horizon"] == total].assign(is_total=True)], ignore_index=True)
        g["group"] = f"{total}:" + g.groupby(cell, sort=False, dropna=False).ngroup().astype(str)
        parts.append(g[["row", "group", "is_total"]])
    return pd.concat(parts, ignore_index=True)


FORECAST_VALUES = ("lower80", "upper80", "lower95", "upper95")
TABLES: dict[str, Table] = {
    # indicator values: primary, sum groups (areas, partitions, breakdowns) and derived values in `suppress`
    "indicator_values": Table(counts=("numerator", "denominator"), withheld=tuple(DERIVED)),
    "comparisons": Table(no_children="comparisons of indicator values: a suppressed value's rows are removed"),
    "indicators": Table(no_children="the indicator catalogue: definitions"),
    "area_hierarchy": Table(no_children="which area lies in which"),
    "indicator_coverage": Table(no_children="which area levels, breakdowns and periods each indicator is published "
                                            "for, counted from indicator_values after its protection (no figure)"),
    "areas": Table(no_children="areas and their boundaries"),
    "schools": Table(no_children="schools from Get Information About Schools (public)"),
    "service_sites": Table(no_children="service sites (public information about services)"),
    "sources": Table(no_children="the files behind the figures and their row accounting"),
    "source_rules": Table(no_children="the validation rules each file breaks and how many of its records do: "
                                      "data quality, as the sources' quarantine counts, no child's attributes"),
    "build": Table(no_children="the refresh run that built the published tables: its id, start and code version"),
    "headline_history": Table(no_children="the headline figures each build published, taken from indicator_values "
                                          "after disclosure control (values and symbols only, suppressed stay so)"),
    "runs": Table(no_children="each refresh: when, its status and a one-sentence reason"),
    "run_files": Table(no_children="the files behind each refresh and their row accounting, as published.sources, "
                                   "with the rules that quarantined most rows (no value or record)"),
    "school_places": Table(no_children="schools' commissioned and resourced places (public)"),
    "access": Table(no_children="distances from each LSOA to the nearest school with places for a need"),
    "forecasts": Table(
        counts=("point",), withheld=FORECAST_VALUES,
        sums=all_groups(
            category_groups(["measure", "area_level", "area_code", "year"], "breakdown_topic", "Total"),
            nest_groups(["measure", "breakdown_topic", "breakdown", "year"], lambda f: f["area_level"] == "lad",
                        "parent_code", "area_code")),
        slack=0.5),
    # a district's children in special (or resourced) places, summed over needs, are its forecast by placement
    "sufficiency": Table(
        counts=("demand",), withheld=("demand_lower80", "demand_upper80", "surplus", "short"),
        sums=lambda f: f.reset_index(drop=True).reset_index(names="row").assign(
            group=lambda g: g.groupby(["area_code", "provision", "year"]).ngroup().astype(str),
            is_total=False)[["row", "group", "is_total"]]),
    "access_summary": Table(withheld=("median_km", "p90_km", "pct_beyond_10km"), min_children=10),
    "candidate_sites": Table(counts=("children_brought_within",)),
    # children whose statutory step is due or overdue (jsna.indicators.milestones), by area, team and week
    "milestones": Table(counts=("children",), sums=milestone_groups),
    "alerts": Table(no_children="alert states over published figures: each value is a published one (a suppressed "
                                "figure raises or closes nothing)"),
}


def declared(table: str) -> str:
    """The table's name, once it is declared in `TABLES` (a published table must be)."""
    if table not in TABLES:
        raise KeyError(f"published table '{table}' has no disclosure declaration in jsna.publish.disclosure.TABLES")
    return table


def protect(table: str, frame: pd.DataFrame, policy: Disclosure, *, hierarchy: pd.DataFrame | None = None,
            counts_children: pd.Series | bool = True, derived: Mapping[str, str] | None = None,
            hidden: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every published table passes through here on its way out, under its declaration in `TABLES`:
    small counts hidden (symbol), the protection rule over its sum groups, values worked from a hidden count
    hidden with it, counts rounded to `round_to`. `indicator_values` take their area nesting (`hierarchy`),
    which rows' denominators count children, and derived indicators (see `suppress`); `comparisons` drop the
    rows of `hidden` indicator values (KEY columns)."""
    spec = TABLES[declared(table)]
    if table == "indicator_values":
        return suppress(frame, policy, counts_children, hierarchy, derived)
    if table == "comparisons":
        if hidden is None or frame.empty:
            return frame
        out = frame.merge(hidden[KEY].drop_duplicates(), on=KEY, how="left", indicator=True)
        return out[out.pop("_merge") == "left_only"].reset_index(drop=True)
    if spec.no_children or frame.empty:
        return frame
    out = frame.reset_index(drop=True).copy()
    if spec.min_children is not None:
        hide = out["children"] < spec.min_children
        out = out.drop(columns="children")
    else:
        hide = pd.Series(False, index=out.index)
        for col in spec.counts:
            hide |= _small(out[col], policy.min_count)
        if spec.sums is not None and hide.any():
            counts = out[list(spec.counts[:1])].set_axis(["numerator"], axis=1).assign(denominator=np.nan)
            hide = secure(counts, hide, spec.sums(out), policy.min_count, slack=spec.slack)
    cols = [*spec.counts, *spec.withheld]
    for col in cols:
        kept = out[col].astype("boolean") if pd.api.types.is_bool_dtype(out[col]) else out[col]
        out[col] = kept.mask(hide)
    out["symbol"] = pd.Series(policy.symbol, index=out.index, dtype=object).where(hide, None)
    if policy.round_to:
        base = policy.round_to
        numeric = [c for c in cols if pd.api.types.is_float_dtype(out[c]) or pd.api.types.is_integer_dtype(out[c])]
        out[numeric] = (out[numeric] / base).round() * base
    return out
