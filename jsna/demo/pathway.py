"""The 0-25 pathway's published statistics, as DfE lays them out, for England, every region and every
authority of the benchmarks (and the demo county's districts where DfE publishes districts):

- "Funded early education and childcare", data file 4 (children registered by ethnicity and SEN provision,
  the 2026 layout): children registered for the universal 15-hour entitlement and for the working parents'
  entitlement, by SEN status and provision, each January (reporting year).
- "Key stage 4 destination measures": the local authority file (regions, authorities, the county's districts
  by provider location) and the national file, by SEN provision, in numbers and percentages.

Counts follow each authority's residents (the mid-year estimates the demo writes) with a lasting authority
effect, more SEN where more deprived; regions and England are the sums of their authorities, as DfE's are.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from jsna.demo.benchmarks import FOLDER, YEARS, Authorities, Benchmarks
from jsna.demo.geography import Geography
from jsna.demo.population import Population

EARLY_YEARS = f"{FOLDER}/early_years"  # the release's data files, as "download all" gives them
EY_FILE = "4_children_registered_by_ethnicity_and_sen_provision.csv"
KS4 = f"{FOLDER}/ks4_destinations"
KS4_LA_FILE = "ks4_dm_ud_la.csv"
KS4_NAT_FILE = "ks4_dm_ud_nat.csv"
UNIVERSAL, WORKING = "15-hour entitlement", "Working parents"
EY_COLUMNS = ["time_period", "time_identifier", "geographic_level", "country_code", "country_name", "region_code",
              "region_name", "old_la_code", "new_la_code", "la_name", "entitlement_type", "year_group", "age",
              "ethnicity_major", "sen_status", "sen_provision", "registered_children_count",
              "registered_children_percent"]
KS4_MEASURES = ["cohort", "overall", "education", "fe", "ssf", "sfc", "other_edu", "appren", "appl3", "appl2",
                "all_work", "all_notsust", "all_unknown"]
KS4_LA_COLUMNS = ["time_period", "time_identifier", "geographic_level", "country_code", "country_name", "region_code",
                  "region_name", "old_la_code", "new_la_code", "la_name", "pcon_code", "pcon_name", "lad_code",
                  "lad_name", "level_methodology", "institution_group", "institution_type", "breakdown_topic",
                  "breakdown", "version", "data_type", *KS4_MEASURES]
KS4_NAT_COLUMNS = ["time_period", "time_identifier", "geographic_level", "country_code", "country_name",
                   "institution_group", "institution_type", "breakdown_topic", "breakdown", "version", "data_type",
                   *KS4_MEASURES]
SEN_GROUPS = ("EHC plan", "SEN support", "No identified SEN")
STATE_FUNDED = "State-funded mainstream & special schools"
KS4_YEARS = YEARS[:-1]  # destinations are published a year and more after the cohort leaves


# -- early years -------------------------------------------------------------------------------------------
def early_years_counts(a: Authorities, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Per entitlement, authority x year x (total, SEN support, EHC plan): children registered each January."""
    threes_fours = a.pop[:, :, 3:5, :].sum(axis=(1, 2)).astype(float)  # authority x year (mid-year before)
    effect = rng.normal(0.0, 0.15, len(threes_fours)) + 0.9 * (a.deprivation - a.deprivation.mean())
    trend = 1 + 0.045 * (YEARS - YEARS[0])  # identified SEN in the early years rises year on year
    p_sen = np.clip(0.018 * np.exp(effect)[:, None] * trend[None, :], 0.002, 0.2)
    out = {}
    for entitlement, take_up in ((UNIVERSAL, 0.93), (WORKING, 0.36)):
        total = rng.binomial(threes_fours.astype(np.int64), take_up)
        sen = rng.binomial(total, p_sen * (1.0 if entitlement == UNIVERSAL else 0.8))
        ehc = rng.binomial(sen, 0.14 + 0.01 * (YEARS - YEARS[0])[None, :] / len(YEARS))
        out[entitlement] = np.stack([total, sen - ehc, ehc], axis=2)
    return out


def _areas(a: Authorities) -> list[tuple[str, dict[str, object], np.ndarray]]:
    """(geographic level, id columns, index of the authorities it sums) for England, each region, each authority."""
    blank: dict[str, object] = {"region_code": "", "region_name": "", "old_la_code": "", "new_la_code": "",
                                "la_name": ""}
    out: list[tuple[str, dict[str, object], np.ndarray]] = [("National", blank, np.arange(len(a.code)))]
    for r in range(len(a.region_code)):
        out.append(("Regional", {**blank, "region_code": a.region_code[r], "region_name": a.region_name[r]},
                    np.flatnonzero(a.region == r)))
    for i in np.argsort(a.code, kind="stable"):
        out.append(("Local authority", {"region_code": a.region_code[a.region[i]],
                                        "region_name": a.region_name[a.region[i]], "old_la_code": str(a.la_number[i]),
                                        "new_la_code": a.code[i], "la_name": a.name[i]}, np.array([i])))
    return out


def early_years_file(a: Authorities, counts: dict[str, np.ndarray]) -> pd.DataFrame:
    """File 4 in its 2026 layout: per area, year and entitlement the rows Total, No identified SEN, SEN, and SEN
    by provision (SEN support, EHC plan); year group, age and ethnicity at Total; percentages of all registered."""
    rows = []
    for level, ids, idx in _areas(a):
        for j, year in enumerate(YEARS):
            for entitlement, c in counts.items():
                total, support, ehc = (int(v) for v in c[idx, j].sum(axis=0))
                sen = support + ehc
                for status, provision, n in (("Total", "Total", total), ("No identified SEN", "Total", total - sen),
                                             ("SEN", "Total", sen), ("SEN", "SEN support", support),
                                             ("SEN", "EHC plan", ehc)):
                    rows.append({"time_period": str(year), "time_identifier": "Reporting year",
                                 "geographic_level": level,
                                 "country_code": "X92000001", "country_name": "England", **ids,
                                 "entitlement_type": entitlement, "year_group": "Total", "age": "Total",
                                 "ethnicity_major": "Total", "sen_status": status, "sen_provision": provision,
                                 "registered_children_count": n,
                                 "registered_children_percent": f"{100 * n / total:.6f}" if total else "z"})
    return pd.DataFrame(rows, columns=EY_COLUMNS)


# -- key stage 4 destinations -------------------------------------------------------------------------------
def _destinations(cohort: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """units x year x SEN group x KS4_MEASURES: where each group's leavers went (sustained or not)."""
    sustained_p = np.array([0.885, 0.89, 0.955])  # EHC plan, SEN support, no identified SEN
    unit_effect = np.asarray(rng.normal(0.0, 0.25, cohort.shape[0]))[:, None, None]
    logit = np.log(sustained_p / (1 - sustained_p))[None, None, :] + unit_effect
    p = 1 / (1 + np.exp(-logit))
    overall = rng.binomial(cohort, p)
    unknown = rng.binomial(cohort - overall, 0.25)
    notsust = cohort - overall - unknown
    education = rng.binomial(overall, np.array([0.935, 0.90, 0.92])[None, None, :])
    appren = rng.binomial(overall - education, np.array([0.35, 0.45, 0.5])[None, None, :])
    work = overall - education - appren
    fe = rng.binomial(education, np.array([0.55, 0.6, 0.35])[None, None, :])
    ssf = rng.binomial(education - fe, np.array([0.2, 0.55, 0.6])[None, None, :])
    sfc = rng.binomial(education - fe - ssf, 0.4)
    other = education - fe - ssf - sfc  # special schools, specialist post-16 and independent schools among them
    appl3 = rng.binomial(appren, 0.3)
    return np.stack([cohort, overall, education, fe, ssf, sfc, other, appren, appl3, appren - appl3, work, notsust,
                     unknown], axis=3)


def _leavers(pop15: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """units x year x SEN group: state-funded KS4 leavers with an EHC plan, on SEN support, with no identified SEN."""
    cohort = rng.binomial(pop15.astype(np.int64), 0.92)
    ehc = rng.binomial(cohort, 0.045 + 0.002 * (KS4_YEARS - KS4_YEARS[0])[None, :])
    support = rng.binomial(cohort - ehc, 0.125)
    return np.stack([ehc, support, cohort - ehc - support], axis=2)


def ks4_counts(a: Authorities, geo: Geography, pop: Population, rng: np.random.Generator
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(per authority, per district of the demo's own counties, district -> authority): units x year x SEN group x
    measure. The demo's own authorities are the sums of their districts; the rest of England is drawn whole."""
    j = np.searchsorted(pop.years, KS4_YEARS - 1)  # fifteen-year-olds at the mid-year before they leave
    lad_pop = pop.lad_mye[:, :, 15, :].sum(axis=1)[:, j]
    lad_auth = geo.lad["utla"].to_numpy()
    lad = _destinations(_leavers(lad_pop, rng), rng)
    own = np.stack([lad[lad_auth == u].sum(axis=0) for u in range(a.simulated)])
    rest_pop = a.pop[a.simulated:, :, 15, :].sum(axis=1)[:, j]
    rest = _destinations(_leavers(rest_pop, rng), rng) if len(rest_pop) else own[:0]
    return np.concatenate([own, rest]), lad, lad_auth


def _ks4_rows(ids: dict[str, object], n: np.ndarray, period: str, version: str) -> list[dict[str, object]]:
    """One area's rows of a period: Total and each SEN group, as numbers and as percentages of the cohort
    (counts of 1 or 2 and their percentages 'c'; a positive percentage under 0.5 'low')."""
    rows = []
    groups = [("Total", "Total", n.sum(axis=0))] + [("SEN Provision", g, n[k]) for k, g in enumerate(SEN_GROUPS)]
    for topic, value, m in groups:
        small = (m > 0) & (m < 3)
        counts = [("c" if s else int(v)) for v, s in zip(m, small, strict=True)]
        pct = []
        for k, (v, s) in enumerate(zip(m, small, strict=True)):
            share = 100 * v / m[0] if m[0] else None
            pct.append(int(v) if k == 0 else "z" if share is None else "c" if s
                       else "low" if 0 < share < 0.5 else f"{share:.1f}")
        base = {**ids, "breakdown_topic": topic, "breakdown": value, "version": version, "time_period": period,
                "time_identifier": "Academic year"}
        rows.append({**base, "data_type": "Number of pupils", **dict(zip(KS4_MEASURES, counts, strict=True))})
        rows.append({**base, "data_type": "Percentage", **dict(zip(KS4_MEASURES, pct, strict=True))})
    return rows


def ks4_files(a: Authorities, geo: Geography, by_auth: np.ndarray, by_lad: np.ndarray, lad_auth: np.ndarray
              ) -> dict[str, pd.DataFrame]:
    """The national file and the local authority file (regions, authorities by LEA area, districts of the
    demo's own counties by provider location), every period 'Revised' but the latest ('Provisional')."""
    common = {"country_code": "X92000001", "country_name": "England", "institution_group": STATE_FUNDED,
              "institution_type": "Total"}
    nat, la = [], []
    for j, year in enumerate(KS4_YEARS):
        period = f"{year - 1}{year % 100:02d}"
        version = "Provisional" if j == len(KS4_YEARS) - 1 else "Revised"
        for level, ids, idx in _areas(a):
            n = by_auth[idx, j].sum(axis=0)
            if level == "National":
                nat += _ks4_rows({**common, "geographic_level": level}, n, period, version)
                continue
            la += _ks4_rows({**common, **ids, "geographic_level": level, "pcon_code": "", "pcon_name": "",
                             "lad_code": "", "lad_name": "", "level_methodology": "Local education authority area"},
                            n, period, version)
        for d in np.flatnonzero(a.is_county[lad_auth]):
            u = lad_auth[d]
            la += _ks4_rows({**common, "geographic_level": "Local authority district",
                             "region_code": a.region_code[a.region[u]], "region_name": a.region_name[a.region[u]],
                             "old_la_code": str(a.la_number[u]), "new_la_code": a.code[u], "la_name": a.name[u],
                             "pcon_code": "", "pcon_name": "", "lad_code": geo.lad["code"].iloc[d],
                             "lad_name": geo.lad["name"].iloc[d], "level_methodology": "Provider location"},
                            by_lad[d, j], period, version)
    return {KS4_NAT_FILE: pd.DataFrame(nat, columns=KS4_NAT_COLUMNS),
            KS4_LA_FILE: pd.DataFrame(la, columns=KS4_LA_COLUMNS)}


def write(out: Path, b: Benchmarks, geo: Geography, pop: Population, rng: np.random.Generator) -> None:
    """Both releases' files under statistics/early_years/ and statistics/ks4_destinations/."""
    a = b.authorities
    files = {f"{EARLY_YEARS}/{EY_FILE}": early_years_file(a, early_years_counts(a, rng))}
    by_auth, by_lad, lad_auth = ks4_counts(a, geo, pop, rng)
    files |= {f"{KS4}/{name}": frame for name, frame in ks4_files(a, geo, by_auth, by_lad, lad_auth).items()}
    for rel, frame in files.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        frame.to_csv(out / rel, index=False, encoding="utf-8-sig", lineterminator="\r\n")
