"""Specialist place sufficiency: projected demand by need and area against the places there, year by year, and
the year each area first runs short; what-if scenarios are parameters.

Frames in:

* demand: area, need, year, demand (children needing a specialist place; e.g. the special and resourced
  placements of `transition.simulate` by district, or a forecast share of plans). An optional `provision`
  column ('special' or 'resourced') says which kind; without it all demand is for special-school places.
* capacity: area, need, provision, places (one row per school and need is fine: they are summed); built from
  the schools list and the commissioned-places file by `capacity_from_schools`.

Scenarios:

* `MainstreamShare(share, from_year)`: a share of the special-school demand from new plans is met in mainstream
  schools with resourced provision instead. New plans' demand is taken as the growth of special-school demand
  over the base year (the demand from plans that did not exist then), unless `demand` carries it as
  `new_demand`; the share moves from 'special' to 'resourced' demand from `from_year`.
* `NewSchool(area, places, year, need)`: a special school of `places` opening in `year` (need: one need, or
  places by need).
* `ExtraPlaces(area, need, places, year, provision)`: more places at existing provision from `year`.

A cell is short when demand exceeds places; `first_short` names the first year per area (and need).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

KEYS = ["area", "need", "provision"]
SPECIAL, RESOURCED = "special", "resourced"


@dataclass(frozen=True)
class MainstreamShare:
    share: float
    from_year: int | None = None  # default: the first year after the base year


@dataclass(frozen=True)
class NewSchool:
    area: str
    places: int
    year: int
    need: str | Mapping[str, int]
    name: str = "new special school"


@dataclass(frozen=True)
class ExtraPlaces:
    area: str
    need: str
    places: int
    year: int
    provision: str = SPECIAL


Scenario = MainstreamShare | NewSchool | ExtraPlaces


@dataclass
class Sufficiency:
    table: pd.DataFrame          # area, need, provision, year, demand, places, surplus, short
    scenarios: Sequence[Scenario] = field(default_factory=tuple)

    def first_short(self, by: Sequence[str] = ("area", "need", "provision")) -> pd.DataFrame:
        """The first year demand exceeds places, per `by` (demand and places summed within it, so leaving out
        provision lets resourced places seat special-school demand): NA if never."""
        t = self.table.groupby([*by, "year"], as_index=False)[["demand", "places"]].sum()
        t["short"] = t["demand"] > t["places"] + 1e-9
        first = t[t["short"]].groupby(list(by))["year"].min().rename("first_short_year")
        out = t.drop_duplicates(list(by))[list(by)].merge(first.reset_index(), on=list(by), how="left")
        out["first_short_year"] = out["first_short_year"].astype("Int64")
        return out.sort_values(list(by)).reset_index(drop=True)

    def area_first_short(self) -> pd.DataFrame:
        """Per area, the first year any need (or provision) in it is short: one need's surplus does not seat
        another's children."""
        t = self.table.groupby(["area", "year"])["short"].any().reset_index()
        first = t[t["short"]].groupby("area")["year"].min().rename("first_short_year")
        out = pd.DataFrame({"area": sorted(t["area"].unique())}).merge(first.reset_index(), on="area", how="left")
        out["first_short_year"] = out["first_short_year"].astype("Int64")
        return out


def _demand_frame(demand: pd.DataFrame, base_year: int, scenarios: Sequence[Scenario]) -> pd.DataFrame:
    d = demand.copy()
    if "provision" not in d:
        d["provision"] = SPECIAL
    d = d.groupby([*KEYS, "year"], as_index=False).agg(
        demand=("demand", "sum"), **({"new_demand": ("new_demand", "sum")} if "new_demand" in d else {}))
    for s in scenarios:
        if not isinstance(s, MainstreamShare):
            continue
        if not 0 <= s.share <= 1:
            raise ValueError(f"share must be within 0..1, not {s.share}")
        start = base_year + 1 if s.from_year is None else s.from_year
        sp = d[d["provision"] == SPECIAL].copy()
        if "new_demand" in sp:
            new = sp["new_demand"]
        else:
            base = sp[sp["year"] == base_year].set_index(["area", "need"])["demand"]
            at_base = pd.Series(list(zip(sp["area"], sp["need"], strict=True)), index=sp.index).map(base).fillna(0)
            new = (sp["demand"] - at_base).clip(lower=0)
        moved = (s.share * new).where(sp["year"] >= start, 0.0)
        sp["demand"] = sp["demand"] - moved
        rp = sp.assign(provision=RESOURCED, demand=moved)
        d = pd.concat([d[d["provision"] != SPECIAL], sp, rp], ignore_index=True)
        d = d.groupby([*KEYS, "year"], as_index=False)["demand"].sum()
    return d[[*KEYS, "year", "demand"]]


def _capacity_frame(capacity: pd.DataFrame, years: Sequence[int], scenarios: Sequence[Scenario]) -> pd.DataFrame:
    c = capacity.groupby(KEYS, as_index=False)["places"].sum()
    grid = c.merge(pd.DataFrame({"year": list(years)}), how="cross")
    extra = []
    for s in scenarios:
        if isinstance(s, NewSchool):
            by_need = {s.need: s.places} if isinstance(s.need, str) else dict(s.need)
            if isinstance(s.need, Mapping) and sum(by_need.values()) != s.places:
                raise ValueError(f"{s.name}: places by need add to {sum(by_need.values())}, not {s.places}")
            extra += [(s.area, need, SPECIAL, y, n) for need, n in by_need.items() for y in years if y >= s.year]
        elif isinstance(s, ExtraPlaces):
            extra += [(s.area, s.need, s.provision, y, s.places) for y in years if y >= s.year]
    if extra:
        grid = pd.concat([grid, pd.DataFrame(extra, columns=[*KEYS, "year", "places"])], ignore_index=True)
    return grid.groupby([*KEYS, "year"], as_index=False)["places"].sum()


def sufficiency(demand: pd.DataFrame, capacity: pd.DataFrame, scenarios: Sequence[Scenario] = (),
                base_year: int | None = None) -> Sufficiency:
    """Demand against places by area, need, provision and year (the years of `demand`), under `scenarios`."""
    base = int(demand["year"].min()) if base_year is None else base_year
    d = _demand_frame(demand, base, scenarios)
    years = sorted(int(y) for y in d["year"].unique())
    c = _capacity_frame(capacity, years, scenarios)
    t = d.merge(c, on=[*KEYS, "year"], how="outer").fillna({"demand": 0.0, "places": 0.0})
    t["surplus"] = t["places"] - t["demand"]
    t["short"] = t["surplus"] < -1e-9
    t = t.sort_values([*KEYS, "year"]).reset_index(drop=True)
    return Sufficiency(t, tuple(scenarios))


# -- capacity from the schools list --------------------------------------------------------------------------
def gias_need(label: pd.Series) -> pd.Series:
    """GIAS SEN provision names to need codes: 'ASD - Autistic Spectrum Disorder' -> 'ASD', 'SpLD - ...' -> 'SPLD'."""
    code = label.fillna("").astype("str").str.extract(r"^\s*([A-Za-z]+)\s*-", flags=re.I)[0]
    return code.str.upper().where(code.notna(), None)


def capacity_from_schools(schools: pd.DataFrame, places: pd.DataFrame) -> pd.DataFrame:
    """Places by area, need and provision: special schools' commissioned places by need (`places`: urn, need,
    places) and mainstream schools' resourced provision and SEN unit capacity under their first SEN
    provision type (`schools`: urn, area, resourced_capacity, sen_unit_capacity, sen1)."""
    s = schools.copy()
    sp = places.merge(s[["urn", "area"]], on="urn", how="inner")
    special = sp.assign(provision=SPECIAL)[["urn", *KEYS, "places"]]
    rp_places = (pd.to_numeric(s.get("resourced_capacity"), errors="coerce").fillna(0)
                 + pd.to_numeric(s.get("sen_unit_capacity"), errors="coerce").fillna(0))
    rp = s.assign(need=gias_need(s["sen1"]), provision=RESOURCED, places=rp_places)
    rp = rp[(rp["places"] > 0) & ~rp["urn"].isin(places["urn"])]
    rp = rp.assign(need=rp["need"].fillna("unknown"))[["urn", *KEYS, "places"]]
    out = pd.concat([special, rp], ignore_index=True)
    out["places"] = out["places"].astype(float)
    return out


def demand_from_simulation(summary: pd.DataFrame, settings: Mapping[str, str] | None = None,
                           column: str = "mean") -> pd.DataFrame:
    """A transition-model summary by (area, need, setting, year) as sufficiency demand: settings mapped to
    provision (default special and independent special -> 'special', resourced -> 'resourced'; others left
    out)."""
    settings = settings or {"special": SPECIAL, "independent_special": SPECIAL, "resourced": RESOURCED}
    s = summary[summary["setting"].isin(list(settings))]
    out = s.assign(provision=s["setting"].map(settings), demand=s[column].astype(float))
    return out.groupby([*KEYS, "year"], as_index=False)["demand"].sum()


def shortfall_places(result: Sufficiency) -> pd.DataFrame:
    """Places needed per area and need by year (the shortfall, 0 where there is room)."""
    t = result.table.assign(shortfall=np.maximum(-result.table["surplus"], 0.0))
    return t.pivot_table(index=["area", "need", "provision"], columns="year", values="shortfall", aggfunc="sum")


def from_published(table: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """(demand, capacity, base year) from the published sufficiency table (area_code, need, provision, year,
    demand, places), to run scenarios on what is published: withheld demand (under the disclosure threshold)
    counts as none, and places are the base year's (the published table carries no scenario)."""
    t = table.rename(columns={"area_code": "area"})
    base = int(t["year"].min())
    demand = t[[*KEYS, "year"]].assign(demand=t["demand"].astype(float).fillna(0.0))
    capacity = t.loc[t["year"] == base, [*KEYS, "places"]].astype({"places": float})
    return demand, capacity, base


def compare(before: Sufficiency, after: Sufficiency) -> pd.DataFrame:
    """Per area: the first year any need is short and the places short in the last year, before and after a
    scenario (shortfall summed over needs and provision; one need's surplus does not seat another's children)."""
    out = []
    for label, r in (("before", before), ("after", after)):
        last = r.table[r.table["year"] == r.table["year"].max()]
        short = last.assign(s=np.maximum(-last["surplus"], 0.0)).groupby("area")["s"].sum().rename(f"short_{label}")
        first = r.area_first_short().set_index("area")["first_short_year"].rename(f"first_short_{label}")
        out.append(pd.concat([first, short], axis=1))
    return pd.concat(out, axis=1).reset_index().rename(columns={"index": "area"})
