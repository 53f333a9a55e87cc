"""The demo's benchmarks, as their publishers lay them out: DfE's "Education, health and care plans"
figures for England, every region and every authority (the release's caseload, timeliness_20_week and
requests files), and DfE's children's services statistical neighbours (the 2021 groupings' and the
2025 model's layouts).

An authority the demo simulated case by case (Demoshire; every authority at England scale) is published
as DfE counts its SEN2 return: the same plans the case-level files hold, by the same definitions the
warehouse's named queries use, so its published and case-level figures agree. At county scale the rest of
England is made here: the England scale's make-up (24 counties and 129 unitaries in nine regions, LSOAs
in the same ranges), England's caseload and 20-week share by year as the England scale is calibrated to
(`ENGLAND_CASELOAD`, `ENGLAND_TIMELINESS`), residents scaled from Demoshire's by size.

Neighbours follow DfE's method: each authority's ten nearest by Euclidean distance over standardised
characteristics (deprivation, density of residents, the share of residents under 18), the 2021 groupings
over the first two, the 2025 model over all three; closeness bands by distance.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from jsna.demo import names
from jsna.demo.dates import EXTRACT, age_on, day, year_of
from jsna.demo.ehcp import Requests
from jsna.demo.geography import LA_NUMBERS, Geography
from jsna.demo.population import Population
from jsna.demo.spec import ENGLAND, ENGLAND_CASELOAD, ENGLAND_TIMELINESS, FIRST_YEAR, IMD_LSOAS, LAST_YEAR

FOLDER = "statistics"
RELEASE = f"{FOLDER}/ehcp_plans"  # the release's data files, as "download all" gives them
SN_2025 = f"{FOLDER}/sn_model_2025_wide.csv"
SN_2021 = f"{FOLDER}/New_Statistical_Neighbour_Groupings_April_2021.csv"
WITHIN = 140  # days: 20 weeks from request to final plan
ID_COLUMNS = ["time_period", "time_identifier", "geographic_level", "country_code", "country_name", "region_code",
              "region_name", "new_la_code", "old_la_code", "la_name", "breakdown_topic", "breakdown"]
BANDS = ((0.10, "Extremely close"), (0.30, "Very close"), (0.60, "Close "), (0.85, "Somewhat close"),
         (np.inf, "Not close"))  # share of all distances to a tenth neighbour; DfE writes 'Close ' with a space
GROUPINGS_2021 = {"Extremely close": "Extremely Close", "Very close": "Very Close", "Close ": "Close",
                  "Not close": "Not Close"}


@dataclass
class Authorities:
    """Every upper-tier authority of the published files, the demo's own (case-level) ones first."""

    code: np.ndarray
    name: np.ndarray
    la_number: np.ndarray
    region: np.ndarray  # index into region_code / region_name
    is_county: np.ndarray
    pop: np.ndarray  # authority x sex x age x year (MYE)
    deprivation: np.ndarray  # mean national IMD position of its LSOAs, 0 least .. 1 most deprived
    density: np.ndarray  # residents per hectare
    region_code: np.ndarray
    region_name: np.ndarray
    simulated: int  # the first `simulated` authorities are the geography's own


@dataclass
class Figures:
    """Counts per authority and year (columns FIRST_YEAR..LAST_YEAR): plans at the January census of the
    year, new plans issued in the calendar year (all, within 20 weeks, and both without exceptions), requests."""

    plans: np.ndarray
    issued: np.ndarray
    within: np.ndarray
    issued_ex: np.ndarray
    within_ex: np.ndarray
    requests: np.ndarray


@dataclass
class Benchmarks:
    authorities: Authorities
    figures: Figures


YEARS = np.arange(FIRST_YEAR, LAST_YEAR + 1)


def census(year: int) -> float:
    """The third Thursday of January (DfE's SEN2 census day; sql/queries/ehcp_caseload.sql)."""
    first = day(year)
    weekday = (int(first) + 3) % 7  # 0 = Monday: 1970-01-01 (day 0) was a Thursday
    return first + (3 - weekday) % 7 + 14


def case_figures(rows: Requests, n: int) -> Figures:
    """DfE's counts from the simulated requests, by the warehouse's definitions (sql/queries/ehcp_*.sql)."""
    issued = rows.final <= EXTRACT
    held_kind = (rows.outcome == "Plan") | (rows.transfer != "")
    plans = np.zeros((n, len(YEARS)), dtype=np.int64)
    for j, y in enumerate(YEARS):
        d = census(int(y))
        age = age_on(rows.dob, day(int(y) - 1, 8, 31))
        held = issued & held_kind & (rows.final <= d) & ~(rows.cease <= d) & (age >= 0) & (age <= 25)
        plans[:, j] = np.bincount(rows.auth[held], minlength=n)
    new = issued & (rows.transfer == "") & (rows.outcome == "Plan")
    final_year = np.where(new, year_of(np.where(new, rows.final, 0.0)), 0)
    on_time = new & (rows.final - rows.request <= WITHIN)
    no_ex = rows.exception != "Y"
    request_year = year_of(rows.request)
    asked = rows.transfer == ""

    def count(mask: np.ndarray, years: np.ndarray) -> np.ndarray:
        out = np.zeros((n, len(YEARS)), dtype=np.int64)
        for j, y in enumerate(YEARS):
            out[:, j] = np.bincount(rows.auth[mask & (years == y)], minlength=n)
        return out

    return Figures(plans=plans, issued=count(new, final_year), within=count(on_time, final_year),
                   issued_ex=count(new & no_ex, final_year), within_ex=count(on_time & no_ex, final_year),
                   requests=count(asked, request_year))


def own_authorities(geo: Geography, pop: Population, rank: np.ndarray) -> Authorities:
    """The geography's authorities with their residents, deprivation and density."""
    lad_utla = geo.lad["utla"].to_numpy()
    n = len(geo.utla)
    mye = np.stack([pop.lad_mye[lad_utla == u].sum(axis=0) for u in range(n)])
    lsoa_utla = geo.lsoa_utla
    deprived = np.bincount(lsoa_utla, 1.0 - rank / IMD_LSOAS, n) / np.bincount(lsoa_utla, minlength=n)
    hectares = shapely.area(geo.utla_geom) / 10_000
    density = mye[:, :, :, -1].sum(axis=(1, 2)) / hectares
    return Authorities(
        code=geo.utla["code"].to_numpy(), name=geo.utla["name"].to_numpy(),
        la_number=geo.utla["la_number"].to_numpy(), region=geo.utla["region"].to_numpy(),
        is_county=geo.utla["is_county"].to_numpy(), pop=mye, deprivation=deprived, density=density,
        region_code=geo.region["code"].to_numpy(), region_name=geo.region["name"].to_numpy(), simulated=n)


def _rest_of_england(own: Authorities, rng: np.random.Generator) -> Authorities:
    """Every other authority of the England scale's make-up, residents scaled from the demo's own by size."""
    n_county, n_unitary = ENGLAND.n_counties - int(own.is_county.sum()), ENGLAND.n_unitaries
    lo, hi = ENGLAND.county_lsoas
    county_lsoas = rng.integers(lo, hi + 1, n_county)
    rest = IMD_LSOAS - ENGLAND.demoshire_lsoas - county_lsoas.sum()
    share = rng.lognormal(0.0, 0.45, n_unitary)
    unitary_lsoas = np.maximum(np.round(rest * share / share.sum()), 60).astype(np.int64)
    lsoas = np.concatenate([county_lsoas, unitary_lsoas])
    is_county = np.arange(len(lsoas)) < n_county
    per_lsoa = own.pop[0] / ENGLAND.demoshire_lsoas  # sex x age x year
    size = lsoas * rng.normal(1.0, 0.04, len(lsoas))
    young = rng.normal(1.0, 0.06, len(lsoas))  # unitaries have relatively more children and young adults
    young = np.where(is_county, young, young + 0.06)
    tilt = np.ones((len(lsoas), 1, per_lsoa.shape[1], 1))
    tilt[:, :, :26, :] = young[:, None, None, None]
    pop = np.round(per_lsoa[None] * size[:, None, None, None] * tilt).astype(np.int64)
    deprivation = np.where(is_county, rng.normal(0.42, 0.06, len(lsoas)), rng.normal(0.55, 0.12, len(lsoas)))
    density = np.where(is_county, own.density[0] * rng.lognormal(0.0, 0.35, len(lsoas)),
                       own.density[0] * rng.lognormal(1.8, 0.8, len(lsoas)))
    # nine regions as at England scale; the demo's own region keeps its code and name
    others = [r for r in names.REGIONS if r not in set(own.region_name)]
    region_name = np.array([*own.region_name, *others[: ENGLAND.n_regions - len(own.region_name)]], dtype=object)
    region_code = np.array([f"X12{i:06d}" for i in range(1, len(region_name) + 1)], dtype=object)
    region = rng.permutation(np.arange(len(lsoas)) % len(region_name))
    code = np.array([*(f"X10{i:06d}" for i in range(len(own.code) + 1, len(own.code) + 1 + n_county)),
                     *(f"X06{i:06d}" for i in range(1, n_unitary + 1))], dtype=object)
    taken = set(own.name)
    county_pool = [c for c in names.county_names(rng, n_county + len(taken)) if c not in taken][:n_county]
    places = names.place_names(rng, n_unitary, exclude=taken)
    numbers = [n for n in LA_NUMBERS if n not in set(own.la_number)][: len(lsoas)]
    return Authorities(
        code=np.concatenate([own.code, code]), name=np.array([*own.name, *county_pool, *places], dtype=object),
        la_number=np.concatenate([own.la_number, numbers]), region=np.concatenate([own.region, region]),
        is_county=np.concatenate([own.is_county, is_county]), pop=np.concatenate([own.pop, pop]),
        deprivation=np.concatenate([own.deprivation, deprivation]), density=np.concatenate([own.density, density]),
        region_code=region_code, region_name=region_name, simulated=own.simulated)


def _rest_figures(auth: Authorities, own: Figures, rng: np.random.Generator) -> Figures:
    """Counts of the made-up authorities: England's caseload and 20-week share by year, shared out by
    residents aged 0-25 with a lasting authority effect (more plans where more deprived)."""
    k = auth.simulated
    young = auth.pop[k:, :, :26, :].sum(axis=(1, 2)).astype(float)  # authority x year
    effect = rng.normal(0.0, 0.18, len(young)) + 0.8 * (auth.deprivation[k:] - auth.deprivation[k:].mean())
    weight = young * np.exp(effect[:, None] + rng.normal(0.0, 0.03, young.shape))
    target = np.array([ENGLAND_CASELOAD[int(y)] for y in YEARS]) - own.plans.sum(axis=0)
    plans = _share_out(weight, target)
    issued = np.round(plans * 0.11 * np.exp(rng.normal(0.0, 0.12, plans.shape))).astype(np.int64)
    skill = rng.normal(0.0, 0.9, len(young))
    logit = np.log([ENGLAND_TIMELINESS[int(y)] / (1 - ENGLAND_TIMELINESS[int(y)]) for y in YEARS])
    p = 1 / (1 + np.exp(-(logit[None, :] + skill[:, None] + rng.normal(0.0, 0.35, plans.shape))))
    within = rng.binomial(issued, p)
    exceptions = rng.binomial(issued - within, 0.12)
    requests = np.round(issued * 1.45 * np.exp(rng.normal(0.0, 0.1, plans.shape))).astype(np.int64)
    return Figures(plans=plans, issued=issued, within=within, issued_ex=issued - exceptions, within_ex=within,
                   requests=requests)


def _share_out(weight: np.ndarray, total: np.ndarray) -> np.ndarray:
    """Whole counts proportional to `weight` (authority x year) adding up to `total` per year."""
    raw = weight / weight.sum(axis=0) * total
    out = np.floor(raw).astype(np.int64)
    for j in range(out.shape[1]):
        short = int(np.round(total[j])) - int(out[:, j].sum())
        out[np.argsort(-(raw[:, j] - out[:, j]), kind="stable")[:short], j] += 1
    return out


def build(geo: Geography, pop: Population, rank: np.ndarray, requests: Requests,
          rng: np.random.Generator) -> Benchmarks:
    """The authorities and their counts: the geography's own from the cases, the rest of England made up
    where the demo is a single county."""
    own = own_authorities(geo, pop, rank)
    figures = case_figures(requests, len(own.code))
    if len(own.code) > 1:  # England scale (or a small place of several authorities): its own authorities only
        return Benchmarks(own, figures)
    auth = _rest_of_england(own, rng)
    rest = _rest_figures(auth, figures, rng)
    both = Figures(**{f: np.concatenate([getattr(figures, f), getattr(rest, f)]) for f in vars(figures)})
    return Benchmarks(auth, both)


def others(b: Benchmarks) -> Authorities | None:
    """The authorities beyond the geography (None at England scale), for the mid-year estimates."""
    a, k = b.authorities, b.authorities.simulated
    if len(a.code) == k:
        return None
    return Authorities(code=a.code[k:], name=a.name[k:], la_number=a.la_number[k:], region=a.region[k:],
                       is_county=a.is_county[k:], pop=a.pop[k:], deprivation=a.deprivation[k:],
                       density=a.density[k:], region_code=a.region_code, region_name=a.region_name, simulated=0)


# -- files ----------------------------------------------------------------------------------------------
def _rows(b: Benchmarks, periods: list[str], identifier: str, topic: str,
          measures: dict[str, np.ndarray]) -> pd.DataFrame:
    """One file's rows: England, each region and each authority, for every period, in DfE's tidy layout."""
    a = b.authorities
    by_region = {m: np.stack([v[a.region == r].sum(axis=0) for r in range(len(a.region_code))])
                 for m, v in measures.items()}
    parts = []
    for j, period in enumerate(periods):
        common = {"time_period": period, "time_identifier": identifier, "country_code": "X92000001",
                  "country_name": "England", "breakdown_topic": topic, "breakdown": topic}
        parts.append(pd.DataFrame({**common, "geographic_level": "National", "region_code": "", "region_name": "",
                                   "new_la_code": "", "old_la_code": "", "la_name": "",
                                   **{m: [int(v[:, j].sum())] for m, v in measures.items()}}))
        parts.append(pd.DataFrame({**common, "geographic_level": "Regional", "region_code": a.region_code,
                                   "region_name": a.region_name, "new_la_code": "", "old_la_code": "",
                                   "la_name": "", **{m: v[:, j] for m, v in by_region.items()}}))
        order = np.argsort(a.code, kind="stable")
        parts.append(pd.DataFrame({**common, "geographic_level": "Local authority",
                                   "region_code": a.region_code[a.region][order],
                                   "region_name": a.region_name[a.region][order], "new_la_code": a.code[order],
                                   "old_la_code": a.la_number[order].astype(str), "la_name": a.name[order],
                                   **{m: v[order, j] for m, v in measures.items()}}))
    return pd.concat(parts, ignore_index=True)[ID_COLUMNS + list(measures)]


def _pc(num: pd.Series, den: pd.Series) -> pd.Series:
    """A percentage to one decimal place, 'z' where nothing was issued (DfE's 'not applicable')."""
    return (100 * num / den.where(den > 0)).round(1).astype(object).where(den > 0, "z")


def release_files(b: Benchmarks) -> dict[str, pd.DataFrame]:
    """caseload, timeliness_20_week and requests of DfE's "Education, health and care plans" release."""
    f = b.figures
    academic = [f"{y - 1}{y % 100:02d}" for y in YEARS]  # January 2025's census is 2024/25's
    calendar = [str(y) for y in YEARS]
    caseload = _rows(b, academic, "Academic year", "All EHC plans", {"ehcplans": f.plans})
    timeliness = _rows(b, calendar, "Calendar year", "All EHC plans issued", {
        "plans_issued_den": f.issued, "plans_issued_den_ex": f.issued_ex,
        "plans_issued_within_20_weeks": f.within, "plans_issued_20_weeks_ex": f.within_ex})
    timeliness.insert(len(timeliness.columns), "pc_plans_issued_within_20_weeks",
                      _pc(timeliness["plans_issued_within_20_weeks"], timeliness["plans_issued_den"]))
    timeliness.insert(len(timeliness.columns), "PC_plans_issued_20_weeks_ex",
                      _pc(timeliness["plans_issued_20_weeks_ex"], timeliness["plans_issued_den_ex"]))
    requests = _rows(b, calendar, "Calendar year", "All requests for EHC needs assessments",
                     {"requests_received_in_year": f.requests})
    return {"caseload": caseload, "timeliness_20_week": timeliness, "requests": requests}


def neighbours(a: Authorities, columns: int) -> tuple[np.ndarray, np.ndarray]:
    """Each authority's ten nearest (indices) and their closeness bands, by standardised Euclidean distance
    over the first `columns` of deprivation, log density and the share of residents under 18."""
    pop = a.pop[:, :, :, -1].sum(axis=1)
    under_18 = pop[:, :18].sum(axis=1) / pop.sum(axis=1)
    x = np.column_stack([a.deprivation, np.log(a.density), under_18])[:, :columns]
    z = (x - x.mean(axis=0)) / x.std(axis=0)
    dist = np.sqrt(((z[:, None, :] - z[None, :, :]) ** 2).sum(axis=2))
    np.fill_diagonal(dist, np.inf)
    nearest = np.argsort(dist, axis=1, kind="stable")[:, :min(10, len(z) - 1)]  # ten, or all others of a few
    d = np.take_along_axis(dist, nearest, axis=1)
    cuts = np.quantile(d[:, -1], [q for q, _ in BANDS[:-1]])
    band = np.array([label for _, label in BANDS], dtype=object)[np.searchsorted(cuts, d)]
    return nearest, band


def neighbour_files(a: Authorities) -> dict[str, pd.DataFrame]:
    """DfE's two layouts: the 2025 model (old_la_code, SN_1, SN_1P ...) and the 2021 groupings (LA num,
    SN1, SNP ... and an empty last column)."""
    order = np.argsort(a.name.astype(str), kind="stable")
    region_ind = a.region + 1
    near, band = neighbours(a, 3)
    model = pd.DataFrame({"old_la_code": a.la_number, "la_name": a.name, "region_ind": region_ind,
                          "region_name": a.region_name[a.region]})
    for k in range(near.shape[1]):
        model[f"SN_{k + 1}"], model[f"SN_{k + 1}P"] = a.la_number[near[:, k]], band[:, k]
    near, band = neighbours(a, 2)
    cols: dict[str, object] = {"LA num": a.la_number, "LA Name": a.name, "LA number": a.la_number,
                               "GOInd": region_ind, "GOReg": a.region_name[a.region]}
    groupings = pd.DataFrame(cols)
    title = pd.DataFrame(band).replace(GROUPINGS_2021).to_numpy()  # the 2021 file's wording of the bands
    for k in range(near.shape[1]):
        groupings[f"SN{k + 1}"] = a.la_number[near[:, k]]
        groupings.insert(len(groupings.columns), f"SNP.{k}", title[:, k], allow_duplicates=True)
    groupings[""] = ""
    groupings.columns = [("SNP" if c.startswith("SNP.") else c) for c in groupings.columns]
    return {SN_2025: model.iloc[order], SN_2021: groupings.iloc[np.argsort(a.la_number, kind="stable")]}


def write(out: Path, b: Benchmarks) -> None:
    """The release's files under statistics/ehcp_plans/ and both neighbour files under statistics/."""
    (out / RELEASE).mkdir(parents=True, exist_ok=True)
    files = {f"{RELEASE}/{name}.csv": frame for name, frame in release_files(b).items()}
    for rel, frame in {**files, **neighbour_files(b.authorities)}.items():
        frame.to_csv(out / rel, index=False, encoding="utf-8-sig", lineterminator="\r\n")
