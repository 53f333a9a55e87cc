"""Population-weighted apportionment: figures published for one geography (e.g. 2017 CCGs, wards,
an older LA boundary) re-cut to another (e.g. 2022 sub-ICB locations, districts) through LSOAs.

Method. The LSOAs are the common building blocks: each LSOA row says which from-area and which
to-area it lies in, and how many people live in it (`population`; an LSOA split between areas may
appear on several rows with its population divided between them). For each from-area f,

    P(f)    = population of all its LSOA rows
    P(f, t) = population of its LSOA rows that lie in to-area t
    value(t) = sum over f of value(f) * P(f, t) / P(f)

so each from-area's value is shared among the to-areas in proportion to the people they have in
common, assuming the counted thing is spread like the population within the from-area. Every
from-area's value is shared out in full, so totals are conserved: sum of value(t) = sum of value(f).

A from-area whose LSOAs hold no population at all is shared in proportion to its number of LSOA
rows instead. A from-area with a value but no LSOA rows cannot be shared and is an error (it would
break the conservation of totals), as is a negative population. Missing values are skipped.
The weights should describe the population the figure counts (e.g. residents aged 0-25 for a count
of children with EHC plans) and the time of the figure.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def apportion(values: pd.DataFrame, lsoa_weights: pd.DataFrame) -> pd.DataFrame:
    """Share each from-area's value among to-areas by the population of the LSOAs they have in common.

    `values` has columns from_code, value; `lsoa_weights` has lsoa_code, from_code, to_code,
    population. Returns to_code, value (one row per to-area reached, sorted by to_code).
    """
    for name, frame, cols in (("values", values, ["from_code", "value"]),
                              ("lsoa_weights", lsoa_weights, ["lsoa_code", "from_code", "to_code", "population"])):
        missing = [c for c in cols if c not in frame.columns]
        if missing:
            raise ValueError(f"{name} lacks column(s) {', '.join(missing)}")
    vals = values.loc[values["value"].notna(), ["from_code", "value"]].astype({"value": float})
    vals = vals.groupby("from_code", as_index=False)["value"].sum()
    w = lsoa_weights[["from_code", "to_code", "population"]].astype({"population": float})
    if (w["population"] < 0).any() or w["population"].isna().any():
        raise ValueError("lsoa_weights has missing or negative populations")
    unknown = sorted(set(vals["from_code"]) - set(w["from_code"]))
    if unknown:
        raise ValueError(f"{len(unknown)} from-area(s) have no LSOAs in lsoa_weights, e.g. {', '.join(unknown[:5])}")
    w = w.assign(rows=1.0)
    common = w.groupby(["from_code", "to_code"], as_index=False)[["population", "rows"]].sum()
    total = common.groupby("from_code")[["population", "rows"]].transform("sum")
    by_people = total["population"] > 0
    common["share"] = np.where(by_people, common["population"] / total["population"].where(by_people, 1.0),
                               common["rows"] / total["rows"])
    parts = vals.merge(common[["from_code", "to_code", "share"]], on="from_code", how="inner")
    parts["value"] = parts["value"] * parts["share"]
    out = parts.groupby("to_code", as_index=False)["value"].sum()
    return out.sort_values("to_code").reset_index(drop=True)
