"""A disclosure scanner over everything published, shared by the demo and real-data tests."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa


def disclosure_problems(engine: sa.Engine) -> dict[str, pd.DataFrame]:
    """What would breach the policy: counts from 1 to 4 in clear (a proportion's complement too), and
    sum groups (an area and the areas in it, or an area's breakdown categories and its 'all', for one
    indicator and period) in which exactly one value is suppressed while another could give it away."""
    v = pd.read_sql("SELECT * FROM published.indicator_values", engine)
    methods = pd.read_sql("SELECT indicator_id, method FROM published.indicators", engine)
    v = v.merge(methods, on="indicator_id")
    from jsna.indicators.catalogue import load_catalogue

    derived = [i.id for i in load_catalogue().values() if i.derived_from]  # fitted to rows, adds up to nothing
    v = v[~v["indicator_id"].isin(derived)]
    v["hidden"] = v["symbol"].eq("c")
    small = v[v["numerator"].between(1, 4)]
    props = v[v["method"] == "proportion_wilson"]
    complement = props[(props["denominator"] - props["numerator"]).between(1, 4) | props["denominator"].between(1, 4)]
    nest = pd.read_sql("SELECT * FROM published.area_hierarchy", engine)
    from jsna.publish.disclosure import LOCAL_KINDS

    # breakdowns ranked within each area (local deprivation deciles) do not add up across areas
    across = v[~v["breakdown"].str.startswith(tuple(f"{k}=" for k in LOCAL_KINDS))]
    kids = across.merge(nest, left_on=["area_level", "area_code"], right_on=["child_level", "child_code"])
    parents = across.merge(nest[["parent_level", "parent_code", "child_level"]].drop_duplicates(),
                      left_on=["area_level", "area_code"], right_on=["parent_level", "parent_code"])
    key = ["indicator_id", "period", "breakdown", "parent_level", "parent_code", "child_level"]
    area_groups = pd.concat([kids[[*key, "hidden"]], parents[[*key, "hidden"]]]).groupby(key)["hidden"].agg(
        ["sum", "size"])
    banded = v[v["breakdown"].str.contains("=")].assign(kind=lambda f: f["breakdown"].str.split("=").str[0])
    bkey = ["indicator_id", "period", "area_level", "area_code"]
    totals = v[v["breakdown"] == "all"].merge(banded[[*bkey, "kind"]].drop_duplicates(), on=bkey)
    breakdown_groups = pd.concat([banded[[*bkey, "kind", "hidden"]], totals[[*bkey, "kind", "hidden"]]]).groupby(
        [*bkey, "kind"])["hidden"].agg(["sum", "size"])
    exposed = lambda g: g[(g["sum"] == 1) & (g["size"] >= 2)]  # noqa: E731
    return {"small counts": small, "small complements": complement, "area groups": exposed(area_groups),
            "breakdown groups": exposed(breakdown_groups)}
