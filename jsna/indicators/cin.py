"""Cross-service indicators of the Children in Need census return and EHC plans, linked by the child's key
(a UPN hashes to the same key in both): plan holders who were children in need during the year, and
children in need on 31 March with a disability recorded, by whether they hold a plan then.

The two count different children on purpose: the first the year's plan holders and their need at any time
in it, the second (as DfE reports children in need's characteristics) those in need on the census date. The
count of plan holders in need in the year is therefore never published twice, as one indicator's numerator
and the other's denominator, where disclosure control could hide it in one and show it in the other.

Periods: the census year, '2025' = the year to 31 March 2025, for the years a return covers. Areas: the
district and upper tier where the EHC plan data place the child (a child in need without a plan where the
return places them; the census has no home address, so usually nowhere). Unplaced children count in the
authority's figure, not in any district's, so districts need not add up to it."""

from __future__ import annotations

import pandas as pd

from jsna.indicators.compute import COUNT_COLUMNS
from jsna.indicators.inputs import Inputs

LEVELS = {"lad": "lad_code", "utla": "utla_code"}
PLAN_BREAKDOWN = {True: "ehc_plan=with", False: "ehc_plan=without"}


def _by_levels(frame: pd.DataFrame, keys: list[str], measures: list[str]) -> pd.DataFrame:
    """Sum the linked counts to each district and upper tier (rows without an area at a level skipped)."""
    parts = []
    for level, col in LEVELS.items():
        g = frame.dropna(subset=[col]).groupby([col, *keys], as_index=False)[measures].sum()
        parts.append(g.rename(columns={col: "area_code"}).assign(area_level=level))
    return pd.concat(parts, ignore_index=True)


def linked_counts(inputs: Inputs) -> dict[str, pd.DataFrame]:
    c = inputs.query("cin_ehcp_children", **inputs.years)
    if c.empty:
        return {}
    c = c.assign(period=c["year"].astype(int).astype(str), children=c["children"].astype(int))
    c["in_need_children"] = c["children"].where(c["in_need"], 0)
    c["disabled_children"] = c["children"].where(c["disabled"], 0)
    out: dict[str, pd.DataFrame] = {}
    holders = _by_levels(c[c["plan"]], ["period"], ["in_need_children", "children"])
    holders = holders[holders["children"] > 0].assign(breakdown="all")
    out["ehcp_cin_pct"] = holders.rename(columns={"in_need_children": "numerator", "children": "denominator"})
    need = c[c["in_need_at_census"]]
    if len(need):
        split = _by_levels(need, ["period", "plan_at_census"], ["disabled_children", "children"])
        split["breakdown"] = split.pop("plan_at_census").map(PLAN_BREAKDOWN)
        total = _by_levels(need, ["period"], ["disabled_children", "children"]).assign(breakdown="all")
        both = pd.concat([total, split], ignore_index=True)
        out["cin_disabled_pct"] = both.rename(columns={"disabled_children": "numerator", "children": "denominator"})
    return {k: v[COUNT_COLUMNS].astype({"numerator": float, "denominator": float}).reset_index(drop=True)
            for k, v in out.items() if len(v)}


def build(inputs: Inputs) -> dict[str, pd.DataFrame]:
    return linked_counts(inputs)
