"""The demo's NHS geography and NHS England's Autism Statistics for it, in the published layouts.

Sub-ICB locations are groups of whole neighbouring districts (as most of England's are: the former CCGs),
about three to a group, and each authority's sub-ICBs make one ICB. The lookup is ONS's LSOA (2021) to
Sub ICB Location to ICB to LAD layout, GSS codes beside the NHS's own (ODS) codes. The Autism Statistics
file counts, from the demo's own waiting list, the patients with an open autism (ASC) referral at each
month end and those whose referral had been open 13 weeks or more, by sub-ICB (rounded to 5, '*' below 5,
as NHS England publishes), with England's figures beside them. England's community paediatric service
waiting list is written in the layout of the derived Community Health Services time series, shaped like the
county's autism and ADHD lists and scaled up. The MHSDS monthly time series gives MHS95 (children and young people
under 18 with at least one contact with NHS-funded mental health services in the 12 months) by sub-ICB of
residence (CCG of residence before July 2022, as NHS England published it) and for England: each sub-ICB's
children with a CAMHS assessment completed in the 12 months, all scaled by one factor a month so that the county
has 55 per 1,000 residents aged 0-17 (most children in contact are never on a CAMHS assessment list); England's
at a rate within 10% of the county's.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from jsna.demo.dates import EPOCH, day
from jsna.demo.geography import Geography
from jsna.demo.waits import Referrals
from jsna.demo.writers import write_csv

DISTRICTS_PER_SUB_ICB = 3
LOOKUP = "lookups/lsoa21_sicbl22_icb22_lad22.csv"
AUTISM = "health/nhs_autism_stats/autism_stats_subicb.csv"
PAEDIATRICS = "health/nhs_community_health/eng_ch_time_series_derived.csv"
AUTISM_MONTHS = (2023, 1), (2025, 12)  # first and last month end published
ENGLAND_SCALE = 55.0  # England's open referrals against the county's
BREAKDOWN = "CCG or Sub ICB Location - GP Practice or Residence"
MHSDS = "health/nhs_mhsds/mhsds_time_series.csv"
MHSDS_MONTHS = (2022, 1), (2025, 12)  # last months of the rolling 12 months published
SUB_ICBS_FROM = (2022, 7)  # CCGs became sub-ICB locations (same ODS codes)
MHS95 = ("MHS95", "Number of CYP aged under 18 supported through NHS funded mental health with at least one contact "
                  "(12 month rolling)")
ACCESS_PER_1000 = 55.0  # children in contact with NHS mental health services per 1,000 aged 0-17, county-wide


@dataclass
class NhsAreas:
    """Sub-ICBs (code, ods, name, icb) and ICBs (code, ods, name); `lad_sicbl` is each district's sub-ICB row."""

    sicbl: pd.DataFrame
    icb: pd.DataFrame
    lad_sicbl: np.ndarray


def build(geo: Geography) -> NhsAreas:
    """Each authority's districts in code order, grouped by threes into sub-ICBs; one ICB per authority."""
    lad_utla = geo.lad["utla"].to_numpy()
    lad_sicbl = np.zeros(len(geo.lad), dtype=np.int64)
    rows: list[tuple[str, str, str, int]] = []
    icbs: list[tuple[str, str, str]] = []
    for u in range(len(geo.utla)):
        mine = np.flatnonzero(lad_utla == u)
        mine = mine[np.argsort(geo.lad["code"].to_numpy()[mine], kind="stable")]
        icb_name = f"NHS {geo.utla['name'].iloc[u]} Integrated Care Board"
        icbs.append((f"X54{u + 1:06d}", f"Q{u + 1:02d}", icb_name))
        groups = max(1, round(len(mine) / DISTRICTS_PER_SUB_ICB))
        for part in np.array_split(mine, groups):
            n = len(rows)
            ods = f"X{n + 1:02d}"
            lad_sicbl[part] = n
            rows.append((f"X38{n + 1:06d}", ods, f"NHS {geo.utla['name'].iloc[u]} ICB - {ods}", u))
    sicbl = pd.DataFrame(rows, columns=["code", "ods", "name", "icb"])
    icb = pd.DataFrame(icbs, columns=["code", "ods", "name"])
    return NhsAreas(sicbl, icb, lad_sicbl)


def write_lookup(out: Path, geo: Geography, nhs: NhsAreas) -> None:
    """ONS's LSOA (2021) to Sub ICB Locations to Integrated Care Boards lookup (July 2022) layout."""
    li = geo.lsoa["lad"].to_numpy()
    si = nhs.lad_sicbl[li]
    ii = nhs.sicbl["icb"].to_numpy()[si]
    frame = pd.DataFrame({
        "LSOA21CD": geo.lsoa["code"], "LSOA21NM": geo.lsoa["name"],
        "SICBL22CD": nhs.sicbl["code"].to_numpy()[si], "SICBL22CDH": nhs.sicbl["ods"].to_numpy()[si],
        "SICBL22NM": nhs.sicbl["name"].to_numpy()[si], "ICB22CD": nhs.icb["code"].to_numpy()[ii],
        "ICB22CDH": nhs.icb["ods"].to_numpy()[ii], "ICB22NM": nhs.icb["name"].to_numpy()[ii],
        "LAD22CD": geo.lad["code"].to_numpy()[li], "LAD22NM": geo.lad["name"].to_numpy()[li],
    }).sort_values("LSOA21CD", kind="stable")
    frame["ObjectId"] = np.arange(1, len(frame) + 1)
    write_csv(out / LOOKUP, frame)


def _month_ends(months: tuple[tuple[int, int], tuple[int, int]] = AUTISM_MONTHS) -> list[tuple[float, float]]:
    (y0, m0), (y1, m1) = months
    starts = pd.date_range(f"{y0}-{m0:02d}-01", f"{y1}-{m1:02d}-01", freq="MS")
    return [(day(s.year, s.month, 1), day(s.year, s.month, s.days_in_month)) for s in starts]


def _published(x: np.ndarray) -> list[str]:
    """NHS England's rounding: to the nearest 5, '*' for 1 to 4."""
    return ["*" if 0 < v < 5 else str(int(5 * round(v / 5))) for v in x]


def autism_table(ref: Referrals, nhs: NhsAreas, rng: np.random.Generator) -> pd.DataFrame:
    """ASD16b (open at month end) and ASD16c (open 13 weeks or more) by sub-ICB and month, and England's."""
    asc = ref.pathway == 0
    start, closed, where = ref.referral[asc], ref.referral[asc] + ref.wait[asc], nhs.lad_sicbl[ref.lad[asc]]
    rows = []
    ratio = rng.uniform(0.85, 1.15)  # England's share waiting 13 weeks against the county's
    for first, last in _month_ends():
        is_open = (start <= last) & (closed > last)
        long = is_open & (last - start >= 91)
        n_open = np.bincount(where[is_open], minlength=len(nhs.sicbl))
        n_long = np.bincount(where[long], minlength=len(nhs.sicbl))
        dates = [str((EPOCH + np.timedelta64(int(d), "D")).astype("datetime64[D]").item().strftime("%d/%m/%Y"))
                 for d in (first, last)]
        eng_open = n_open.sum() * ENGLAND_SCALE
        eng_long = min(eng_open, n_long.sum() * ENGLAND_SCALE * ratio)
        for metric, desc, eng, local in (
                ("ASD16b", 'Number of patients aged 0 to 17 with an open "suspected autism" referral in the month',
                 eng_open, n_open),
                ("ASD16c", 'Number of patients aged 0 to 17 with an open "suspected autism" referral in the month '
                           "that has been open for at least 13 weeks", eng_long, n_long)):
            rows.append((*dates, "England", "England", "England", metric, desc, _published(np.array([eng]))[0]))
            rows += [(*dates, BREAKDOWN, ods, name.upper(), metric, desc, v)
                     for ods, name, v in zip(nhs.sicbl["ods"], nhs.sicbl["name"], _published(local), strict=True)]
    frame = pd.DataFrame(rows, columns=["REPORTING_PERIOD_START", "REPORTING_PERIOD_END", "BREAKDOWN",
                                        "PRIMARY_LEVEL", "PRIMARY_LEVEL_DESCRIPTION", "METRIC",
                                        "METRIC_DESCRIPTION", "METRIC_VALUE"])
    frame.insert(2, "STATUS", "Final")
    frame.insert(6, "SECONDARY_LEVEL", "NONE")
    frame.insert(7, "SECONDARY_LEVEL_DESCRIPTION", "NONE")
    return frame


def paediatrics_table(ref: Referrals, rng: np.random.Generator) -> pd.DataFrame:
    """England's community paediatric service waiting list by month (derived series layout)."""
    keep = ref.pathway < 2  # autism and ADHD: assessed by community paediatrics
    start, closed = ref.referral[keep], ref.referral[keep] + ref.wait[keep]
    scale = ENGLAND_SCALE * rng.uniform(1.6, 2.0)  # the service sees more than these two pathways
    rows = []
    for first, last in _month_ends():
        waited = (last - start)[(start <= last) & (closed > last)]
        counts = np.array([len(waited), ((waited > 126) & (waited <= 364)).sum(), (waited > 364).sum()], dtype=float)
        t, a, b = (int(v) for v in np.round(counts * scale * rng.uniform(0.97, 1.03, 3)))
        when = (EPOCH + np.timedelta64(int(first), "D")).astype("datetime64[D]").item()
        rows.append(("Community Paediatric Service", t, a, b, when.strftime(" %B %Y"), 100 * (a + b) / t if t else "",
                     when.strftime("%Y-%m-%d")))
    frame = pd.DataFrame(rows, columns=["Therapy", "Total waiting list", "Waiting >18-52 weeks", "Waiting >52 weeks",
                                        "Date", "Percentage waiting more than 18 weeks", "formattedDate"])
    frame.insert(0, "", np.arange(1, len(frame) + 1))
    return frame


def write_autism(out: Path, ref: Referrals, nhs: NhsAreas, rng: np.random.Generator) -> None:
    """The Autism Statistics file and England's community paediatric waiting list."""
    write_csv(out / AUTISM, autism_table(ref, nhs, rng))
    write_csv(out / PAEDIATRICS, paediatrics_table(ref, rng))


def _ddmmyyyy(d: float) -> str:
    return str((EPOCH + np.timedelta64(int(d), "D")).astype("datetime64[D]").item().strftime("%d/%m/%Y"))


def mhsds_table(ref: Referrals, nhs: NhsAreas, children: np.ndarray, england: np.ndarray, years: np.ndarray,
                rng: np.random.Generator) -> pd.DataFrame:
    """MHS95 (rolling 12 months) by sub-ICB (CCG) of residence and for England, in the MHSDS time series layout.
    `children`: residents aged 0-17 by district and mid-year (`years`); `england`: England's by mid-year."""
    camhs = ref.pathway == 2
    contact = (ref.referral + ref.wait)[camhs]
    person, where = ref.person[camhs], nhs.lad_sicbl[ref.lad[camhs]]
    lad_sicbl = nhs.lad_sicbl
    sub_children = np.stack([np.bincount(lad_sicbl, weights=children[:, j], minlength=len(nhs.sicbl))
                             for j in range(len(years))], axis=1)
    ends = _month_ends(MHSDS_MONTHS)
    windows = [(float(day(*_back_11(last))), last) for _, last in ends]
    seen = []
    for first, last in windows:
        inside = np.isfinite(contact) & (contact >= first) & (contact <= last)
        key = np.unique(np.stack([where[inside], person[inside]]), axis=1)[0] if inside.any() else np.array([], int)
        seen.append(np.bincount(key.astype(np.int64), minlength=len(nhs.sicbl)).astype(float))
    seen_all = np.stack(seen)  # month x sub-ICB
    year_of_month = [int(np.argmin(np.abs(years - _year(last)))) for _, last in ends]
    county_children = np.array([sub_children[:, j].sum() for j in year_of_month])
    scale = ACCESS_PER_1000 / 1000 * county_children / np.maximum(seen_all.sum(axis=1), 1)
    local = seen_all * scale[:, None]
    ratio = rng.uniform(0.9, 1.1)  # England's rate against the county's
    rows = []
    sub_from = day(*SUB_ICBS_FROM)
    for k, (first, last) in enumerate(windows):
        rate = local[k].sum() / county_children[k]
        eng = england[year_of_month[k]] * rate * ratio
        status = "Provisional" if k == len(windows) - 1 else "Performance" if k >= len(windows) - 6 else "Final"
        dates = (_ddmmyyyy(first), _ddmmyyyy(last), status)
        rows.append((*dates, "England", "England", "England", "NONE", "NONE", *MHS95, _published(np.array([eng]))[0]))
        sub = last >= sub_from
        breakdown = "Sub ICB of Residence" if sub else "CCG of Residence"
        for ods, name, v in zip(nhs.sicbl["ods"], nhs.sicbl["name"], _published(local[k]), strict=True):
            label = name.upper() if sub else f"NHS {name.split(' - ')[0].removeprefix('NHS ').removesuffix(' ICB')} " \
                                                f"CCG ({ods})".upper()
            rows.append((*dates, breakdown, ods, label, "NONE", "NONE", *MHS95, v))
    return pd.DataFrame(rows, columns=["REPORTING_PERIOD_START", "REPORTING_PERIOD_END", "STATUS", "BREAKDOWN",
                                       "PRIMARY_LEVEL", "PRIMARY_LEVEL_DESCRIPTION", "SECONDARY_LEVEL",
                                       "SECONDARY_LEVEL_DESCRIPTION", "MEASURE_ID", "MEASURE_NAME", "MEASURE_VALUE"])


def _year(d: float) -> int:
    return int((EPOCH + np.timedelta64(int(d), "D")).astype("datetime64[Y]").astype(int) + 1970)


def _back_11(last: float) -> tuple[int, int, int]:
    """The first day of the 12 months ending on day `last`."""
    m = (EPOCH + np.timedelta64(int(last), "D")).astype("datetime64[M]") - np.timedelta64(11, "M")
    y, mo = int(m.astype("datetime64[Y]").astype(int) + 1970), int(m.astype(int) % 12 + 1)
    return y, mo, 1


def write_mhsds(out: Path, ref: Referrals, nhs: NhsAreas, children: np.ndarray, england: np.ndarray,
                years: np.ndarray, rng: np.random.Generator) -> None:
    """The MHSDS monthly time series (MHS95 only) for the demo's sub-ICBs and England."""
    write_csv(out / MHSDS, mhsds_table(ref, nhs, children, england, years, rng))
