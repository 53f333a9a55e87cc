"""Tidy authority x year series from the DfE releases, stitched into units that stay the same over time.

Every series here is long and tidy: one row per (unit, [breakdown], year) with `value`, where `year` is the
calendar year of the observation: the January census for caseloads (EES time period 202425 and SEN2 2025
both mean January 2025), the calendar year itself for flows (requests, new plans issued in 2024).

Units. Forecasting needs one history per place, so the local authorities are followed by their `old_la_code`
(the three-digit DfE number, which survives GSS re-coding: Buckinghamshire E10000002 -> E06000060 -> back,
Gateshead, Northumberland), and authorities that were reorganised are stitched into the smallest unit that
covers both the old and the new map (`STITCHED`). A unit's value in a year is the sum of its members
published that year; a suppressed member makes the unit-year missing, not smaller.

Release preference: where two releases give the same year, the first frame passed wins (the 2025 release
over the 2022 SEN2 layout; they agree to the plan in every overlapping year 2019-2022).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class StableUnit:
    """Authorities followed together because their boundaries changed: `old_la_codes` are the DfE numbers
    of every member, before and after the reorganisation."""

    code: str
    name: str
    old_la_codes: tuple[str, ...]
    reorganised: str


STITCHED: tuple[StableUnit, ...] = (
    StableUnit(
        "E06000058+E06000059", "Dorset with Bournemouth, Christchurch and Poole", ("835", "836", "837", "838", "839"),
        "1 April 2019: Bournemouth (837), Poole (836) and Dorset county (835, which held Christchurch) became "
        "Bournemouth, Christchurch and Poole (839) and Dorset (838).",
    ),
    StableUnit(
        "E06000061+E06000062", "North and West Northamptonshire", ("928", "940", "941"),
        "1 April 2021: Northamptonshire county (928) became North (940) and West (941) Northamptonshire.",
    ),
    StableUnit(
        "E06000063+E06000064", "Cumberland with Westmorland and Furness", ("909", "942", "943"),
        "1 April 2023: Cumbria county (909) became Cumberland (942) and Westmorland and Furness (943).",
    ),
)

SERIES_COLUMNS = ["unit", "unit_name", "breakdown", "year", "value"]
# The five age bands of the SEN2 age files; the 2025 release's single years of age map onto them.
AGE_BANDS = {"Under 5": "0-4", "Age 5 to 10": "5-10", "Age 11 to 15": "11-15", "Age 16 to 19": "16-19",
             "Age 20 to 25": "20-25"}


def _band_of_age(label: pd.Series) -> pd.Series:
    """'under 3', 'age 3' ... 'age 25' (2025 release) -> the SEN2 bands ('0-4', '5-10', ...)."""
    age = pd.to_numeric(label.str.extract(r"(\d+)")[0], errors="coerce")
    age = age.where(~label.str.contains("under", case=False), 0)
    bins = [-1, 4, 10, 15, 19, 25]
    return pd.Series(pd.cut(age, bins, labels=list(AGE_BANDS.values())).astype("str"), index=label.index)


def period_year(time_period: pd.Series) -> pd.Series:
    """EES time periods as the calendar year observed: academic '201819' -> 2019 (its January), '2022' -> 2022."""
    t = time_period.astype("str").str.strip()
    year = pd.to_numeric(t.str[:4], errors="coerce")
    return (year + (t.str.len() == 6).astype(int)).astype("int64")


def la_rows(frame: pd.DataFrame, measure: str, topic: str | None = None,
            breakdown: str | Iterable[str] | None = None) -> pd.DataFrame:
    """The local-authority rows of one measure of an adapter's long frame (EES/SEN2 `Parsed.frame`), with
    `year` and the published `breakdown` kept."""
    f = frame[(frame["geographic_level"] == "Local authority") & (frame["measure"] == measure)]
    if topic is not None:
        f = f[f["breakdown_topic"] == topic]
    if breakdown is not None:
        f = f[f["breakdown"].isin([breakdown] if isinstance(breakdown, str) else list(breakdown))]
    return pd.DataFrame({
        "old_la_code": f["old_la_code"].astype("str").str.strip(), "area_code": f["area_code"].astype("str"),
        "area_name": f["area_name"].astype("str"), "breakdown": f["breakdown"].astype("str"),
        "year": period_year(f["time_period"]), "value": f["value"].astype(float),
        "suppressed": f["symbol"].notna().to_numpy(),
    }).reset_index(drop=True)


def units(rows: pd.DataFrame, stitched: Sequence[StableUnit] = STITCHED) -> pd.DataFrame:
    """old_la_code -> (unit, unit_name): stitched members to their unit, every other authority to itself,
    named and coded as it was most recently published."""
    latest = rows.sort_values("year").drop_duplicates("old_la_code", keep="last")
    out = pd.DataFrame({"old_la_code": latest["old_la_code"], "unit": latest["area_code"],
                        "unit_name": latest["area_name"]})
    for u in stitched:
        at = out["old_la_code"].isin(u.old_la_codes)
        out.loc[at, "unit"], out.loc[at, "unit_name"] = u.code, u.name
    return out.reset_index(drop=True)


def to_units(rows: pd.DataFrame, stitched: Sequence[StableUnit] = STITCHED,
             names: pd.DataFrame | None = None) -> pd.DataFrame:
    """Sum `la_rows` over each unit's members per (breakdown, year); a suppressed member makes it missing."""
    if rows.empty:
        return pd.DataFrame({c: pd.Series(dtype=float if c == "value" else "int64" if c == "year" else "str")
                             for c in SERIES_COLUMNS})
    names = units(rows, stitched) if names is None else names
    f = rows.merge(names, on="old_la_code", how="left")
    f["unit"] = f["unit"].fillna(f["area_code"])
    f["unit_name"] = f["unit_name"].fillna(f["area_name"])
    f = f.drop_duplicates(["old_la_code", "breakdown", "year"])
    g = f.groupby(["unit", "breakdown", "year"], sort=True)
    out = g.agg(unit_name=("unit_name", "first"), value=("value", "sum"), suppressed=("suppressed", "any"))
    out.loc[out["suppressed"], "value"] = np.nan
    out = out.reset_index()[SERIES_COLUMNS]
    out["year"] = out["year"].astype("int64")
    return out


def combine(*series: pd.DataFrame) -> pd.DataFrame:
    """Several tidy series of the same thing: each (unit, breakdown, year) from the first frame that has it."""
    parts = [s.assign(_rank=i) for i, s in enumerate(series) if s is not None and not s.empty]
    if not parts:
        return pd.DataFrame(columns=SERIES_COLUMNS)
    f = pd.concat(parts, ignore_index=True).sort_values("_rank", kind="stable")
    f = f.drop_duplicates(["unit", "breakdown", "year"], keep="first").drop(columns="_rank")
    # one name per unit: the most recent publication's
    latest = f.sort_values("year").drop_duplicates("unit", keep="last").set_index("unit")["unit_name"]
    f["unit_name"] = f["unit"].map(latest)
    return f.sort_values(["unit", "breakdown", "year"]).reset_index(drop=True)


def _name_table(*rows: pd.DataFrame) -> pd.DataFrame:
    return units(pd.concat([r for r in rows if r is not None and not r.empty], ignore_index=True))


# -- the series the forecasts use ------------------------------------------------------------------
def caseload(ehcp_caseload: pd.DataFrame, sen2_age_caseload: pd.DataFrame | None = None) -> pd.DataFrame:
    """EHC plans in January by unit, 2010-2025: the 2025 release's `ehcplans` (All EHC plans, 2019-2025),
    then the 2022 SEN2 age file's `total_all` (plans and statements, the headline series before 2018;
    equal to total_ehc from 2019) for earlier years. breakdown = 'Total'."""
    new = la_rows(ehcp_caseload, "ehcplans", "All EHC plans")
    old = la_rows(sen2_age_caseload, "total_all", breakdown="Total") if sen2_age_caseload is not None else None
    names = _name_table(new, old) if old is not None else None
    parts = [to_units(new.assign(breakdown="Total"), names=names)]
    if old is not None:
        parts.append(to_units(old, names=names))
    return combine(*parts)


def placements(ehcp_caseload: pd.DataFrame, measure: str = "special_total") -> pd.DataFrame:
    """Plans by placement (a caseload column: special_total, mainstream_total, ...) by unit, 2019-2025 (the
    2022 release in the real data has no placement file, so nothing earlier). breakdown = the measure."""
    rows = la_rows(ehcp_caseload, measure, "All EHC plans")
    return combine(to_units(rows.assign(breakdown=measure)))


def age_bands(ehcp_caseload: pd.DataFrame, sen2_age_caseload: pd.DataFrame | None = None) -> pd.DataFrame:
    """Plans by age band (0-4, 5-10, 11-15, 16-19, 20-25) by unit, 2010-2025: the 2025 release's single years
    of age summed into the SEN2 bands, then the SEN2 age file."""
    new = la_rows(ehcp_caseload, "ehcplans", "Child or young persons age")
    new = new.assign(breakdown=_band_of_age(new["breakdown"]))
    new = new.groupby(["old_la_code", "area_code", "area_name", "breakdown", "year"], as_index=False).agg(
        value=("value", "sum"), suppressed=("suppressed", "any"))
    parts = [new]
    if sen2_age_caseload is not None:
        old = la_rows(sen2_age_caseload, "total_all", breakdown=list(AGE_BANDS))
        parts.append(old.assign(breakdown=old["breakdown"].map(AGE_BANDS)))
    names = _name_table(*parts)
    return combine(*(to_units(p, names=names) for p in parts))


def _new_plans_checked(newplans: pd.DataFrame, tolerance: float = 0.02) -> pd.DataFrame:
    """The 2025 release's new_ehc_plans by LA, checked against the row's own mainstream_total and
    mainstream_total_pc: where they disagree by more than `tolerance` the total implied by the percentage is
    used; a value equal to a region's published figure that year, not so corrected, is taken as missing.
    (In calendar 2022 every Yorkshire and the Humber authority carries the region's 6,078; the placement
    columns and percentages on those rows are the authority's own, e.g. Barnsley 254 in mainstream = 79.6%
    -> 319; Wakefield's are all suppressed.)"""
    def one(measure: str) -> pd.DataFrame:
        r = la_rows(newplans, measure, "New EHC plans")
        return r[r["breakdown"] == "New EHC plans"].set_index(["old_la_code", "area_code", "year"])

    n, mt, pc = one("new_ehc_plans"), one("mainstream_total"), one("mainstream_total_pc")
    implied = (mt["value"] * 100 / pc["value"].where(pc["value"] > 0)).reindex(n.index).round()
    wrong = ((n["value"] / implied - 1).abs() > tolerance) & implied.notna()
    n.loc[wrong, "value"] = implied[wrong]
    n.loc[wrong, "suppressed"] = False
    # an authority still carrying a region's published figure that year (its own columns suppressed) is unknown
    reg = newplans[(newplans["geographic_level"] == "Regional") & (newplans["measure"] == "new_ehc_plans")
                   & (newplans["breakdown"] == "New EHC plans")]
    regional = set(zip(period_year(reg["time_period"]), reg["value"], strict=True))
    copied = pd.Series([(y, v) in regional for y, v in zip(n.index.get_level_values("year"), n["value"],
                                                             strict=True)], index=n.index) & ~wrong
    n.loc[copied, "value"] = np.nan
    n.loc[copied, "suppressed"] = True
    return n.reset_index().assign(breakdown="new_plans")


def needs(sen_needs_all_plans: pd.DataFrame) -> pd.DataFrame:
    """Plans by primary need by unit (the 2025 release's sen_needs_all_plans: January 2025 only):
    breakdown = the need code ('ASD', 'SEMH', ..., 'unknown')."""
    f = sen_needs_all_plans
    f = f[f["measure"].str.startswith("number_") & (f["breakdown_topic"] == "All EHC plans")]
    parts = []
    for m in sorted(f["measure"].unique()):
        code = m.removeprefix("number_").upper()
        parts.append(la_rows(f, m, "All EHC plans").assign(breakdown="unknown" if code == "NEED_UNKNOWN" else code))
    rows = pd.concat(parts, ignore_index=True)
    return combine(to_units(rows))


def flows(requests: pd.DataFrame | None = None, newplans: pd.DataFrame | None = None,
          sen2_mi: pd.DataFrame | None = None) -> pd.DataFrame:
    """Calendar-year flows by unit with breakdown = 'requests' (initial requests for an EHC needs
    assessment) or 'new_plans' (plans issued for the first time): the 2025 release (2019-2024, new plans
    checked by `_new_plans_checked`) then the 2022 release's sen2_mi (InreqEHC from 2016, NewallEHC from
    2014)."""
    parts: list[pd.DataFrame] = []
    if requests is not None:
        r = la_rows(requests, "requests_received_in_year", "All requests for EHC needs assessments")
        parts.append(r[r["breakdown"] == "All requests for EHC needs assessments"].assign(breakdown="requests"))
    if newplans is not None:
        parts.append(_new_plans_checked(newplans))
    if sen2_mi is not None:
        parts.append(la_rows(sen2_mi, "inreqehc").assign(breakdown="requests"))
        parts.append(la_rows(sen2_mi, "newallehc").assign(breakdown="new_plans"))
    if not parts:
        return pd.DataFrame(columns=SERIES_COLUMNS)
    names = _name_table(*parts)
    return combine(*(to_units(p, names=names) for p in parts))


def population(mye_tidy: pd.DataFrame, age_group: str = "Children aged 0 to 17 years") -> pd.DataFrame:
    """Mid-year population by unit from the EES-shaped ONS file (`read_cin_census` of
    ons_mid-year_population_estimates_2012_to_2024.csv): `year` is the mid-year. Stitched units are only
    complete where every current member is published (old Dorset, Bournemouth and Poole are not, 2012-2018)."""
    rows = la_rows(mye_tidy, "population_estimate", breakdown=age_group)
    rows = rows.assign(breakdown="population")
    out = to_units(rows)
    # a stitched unit must have its full membership for the year: as many members as in its latest year
    count = rows.merge(units(rows), on="old_la_code").groupby(["unit", "year"])["old_la_code"].nunique()
    latest = count.groupby(level=0).transform("last")
    full = (count >= latest).rename("full").reset_index()
    out = out.merge(full, on=["unit", "year"], how="left")
    out.loc[~out["full"].fillna(False).astype(bool), "value"] = np.nan
    return out.drop(columns="full")


def national(series: pd.DataFrame) -> pd.DataFrame:
    """England (sum of units) per breakdown and year, over the years where every unit that has a value in
    any year has one (so the national growth is like for like)."""
    w = series.groupby(["breakdown", "unit", "year"])["value"].sum(min_count=1).unstack("year")
    out = []
    for b, sub in w.groupby(level=0):
        complete = sub.notna().all(axis=0)
        tot = sub.sum(axis=0, min_count=1).where(complete)
        out.append(pd.DataFrame({"breakdown": b, "year": tot.index.astype("int64"), "value": tot.to_numpy()}))
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame(columns=["breakdown", "year", "value"])


def wide(series: pd.DataFrame, breakdown: str | None = None) -> pd.DataFrame:
    """unit x year matrix of one breakdown (the only one when None)."""
    s = series if breakdown is None else series[series["breakdown"] == breakdown]
    if breakdown is None and s["breakdown"].nunique() > 1:
        raise ValueError("several breakdowns: name one")
    w = s.groupby(["unit", "year"])["value"].sum(min_count=1).unstack("year")
    w.columns = w.columns.astype("int64")
    return w.reindex(columns=range(int(w.columns.min()), int(w.columns.max()) + 1)).astype(float)


# -- the real files, read by the project's adapters --------------------------------------------------
class RealSeries(NamedTuple):
    caseload: pd.DataFrame
    special: pd.DataFrame
    age_bands: pd.DataFrame
    flows: pd.DataFrame
    population: pd.DataFrame
    placements_all: pd.DataFrame
    needs: pd.DataFrame


PLACEMENT_MEASURES = ("mainstream_total", "special_total", "ap_pru_total", "fe_total", "ed_elsewhere",
                      "nm_early_years")


def read_real(realdata: Path) -> RealSeries:
    """The national series from the real public files (in place): the 2025 and 2022 EHC plan releases and
    the ONS 0-17 population series, each read by its `jsna.sources` adapter."""
    from jsna.sources import ees

    edu = Path(realdata) / "education"
    new = ees.read_ees_ehcp(edu / "ehcp_sen2_2025" / "data" / "caseload.csv", {}).frame
    old = ees.read_sen2_mi(edu / "ehcp_sen2_2022" / "data" / "sen2_age_caseload.csv", {}).frame
    mi = ees.read_sen2_mi(edu / "ehcp_sen2_2022" / "data" / "sen2_mi.csv", {}).frame
    req = ees.read_ees_ehcp(edu / "ehcp_sen2_2025" / "data" / "requests.csv", {}).frame
    newplans = ees.read_ees_ehcp(edu / "ehcp_sen2_2025" / "data" / "newplans.csv", {}).frame
    pop = ees.read_cin_census(
        Path(realdata) / "population" / "ons_mye_la" / "ons_mid-year_population_estimates_2012_to_2024.csv", {}
    ).frame
    allp = pd.concat([placements(new, m) for m in PLACEMENT_MEASURES], ignore_index=True)
    need = ees.read_ees_ehcp(edu / "ehcp_sen2_2025" / "data" / "sen_needs_all_plans.csv", {}).frame
    return RealSeries(
        caseload=caseload(new, old), special=placements(new, "special_total"), age_bands=age_bands(new, old),
        flows=flows(req, newplans, mi), population=population(pop), placements_all=allp, needs=needs(need),
    )
