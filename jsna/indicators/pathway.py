"""The 0-25 pathway from DfE's published statistics: children with SEN in funded early education, and the
destinations of young people with SEN after key stage 4 (preparation for adulthood beyond NEET).

Both read the published long rows (raw.statistics) whose breakdown holds the file's filters '; '-joined
(jsna.sources.ees): each row's filters are split back into columns, one row per period, area and group kept,
and counts (never the published percentages) become numerators and denominators, so that limits, England,
region and neighbour comparisons are computed the one way every indicator's are.
"""

from __future__ import annotations

import re

import pandas as pd

from jsna.indicators.compute import COUNT_COLUMNS
from jsna.indicators.inputs import LEVELS, Inputs
from jsna.sources import datasets
from jsna.sources.ees import EY_CHILDREN

EY_ENTITLEMENT = re.compile(r"15.hour|universal", re.IGNORECASE)  # the universal 3 and 4 year olds' entitlement
EY_PROVISIONS = {"SEN support": "sen_support", "EHC plan": "ehc_plan"}
KS4_MEASURES = {"overall": "all", "education": "destination=education", "appren": "destination=apprenticeship",
                "all_work": "destination=employment", "all_notsust": "destination=not_sustained",
                "all_unknown": "destination=not_captured"}
KS4_GROUPS = {"ks4_destination_ehcp": re.compile(r"ehc|statement", re.IGNORECASE),
              "ks4_destination_sen_support": re.compile(r"^sen support", re.IGNORECASE)}
# which of the file's rows: state-funded schools (mainstream and special; else mainstream), pupils in numbers,
# and per level the published methodology (authorities: the schools' authority; districts: the schools' location)
KS4_INSTITUTIONS = ("State-funded mainstream & special schools", "State-funded mainstream schools")
KS4_METHOD = {"utla": "local education authority area", "region": "local education authority area",
              "lad": "provider location"}
AREA_LEVELS = {**LEVELS, "Local authority district": "lad"}
FILTER_NAMES = {"entitlement_type", "year_group", "age", "ethnicity_major", "sen", "sen_status", "sen_provision",
                "institution_group", "institution_type", "level_methodology", "data_type", "version"}


def filters(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows with a column f_<filter> per filter named in their breakdown_topic ('a; b; c' over 'x; y; z'; a
    published topic in first place gives f_topic); a topic of 'Total' (every filter Total) gives none."""
    parts = []
    for topic, group in rows.groupby("breakdown_topic", sort=False):
        names = str(topic).split("; ")
        codes, unique = pd.factorize(group["breakdown"])  # a few distinct breakdowns repeat over many rows
        split = pd.Series(unique, dtype="str").str.split("; ", expand=True, regex=False)
        if split.shape[1] != len(names):
            continue
        split.columns = [f"f_{n}" if n in FILTER_NAMES else "f_topic" for n in names]
        values = split.take(codes).set_axis(group.index)
        parts.append(pd.concat([group, values], axis=1))
    if not parts:
        return rows.iloc[:0]
    return pd.concat(parts, ignore_index=True)


def _total(frame: pd.DataFrame, column: str) -> pd.Series:
    """A filter at Total (or absent from the row's topic)."""
    if column not in frame:
        return pd.Series(True, index=frame.index)
    return frame[column].isna() | frame[column].str.lower().eq("total")


def _placed(inputs: Inputs, rows: pd.DataFrame) -> pd.DataFrame:
    """area_level and period on national, regional and authority rows (and districts of the run's own)."""
    rows = rows.assign(area_level=rows["geographic_level"].map(AREA_LEVELS)).dropna(subset=["area_level"])
    lads = set(inputs.lookup["lad_code"].dropna()) if "lad_code" in inputs.lookup else set()
    rows = rows[(rows["area_level"] != "lad") | rows["area_code"].isin(lads)]
    return rows.rename(columns={"time_period": "period"})


def _in_years(inputs: Inputs, period: pd.Series) -> pd.Series:
    """A period whose (last) year falls in the run's years: 2026 or 202526 -> 2026."""
    text = period.astype(str)
    year = pd.to_numeric(text.str[:4], errors="coerce") + (text.str.len() == 6).astype(int)
    return year.between(inputs.first_year, inputs.last_year)


def early_years(inputs: Inputs) -> pd.DataFrame:
    """Children with SEN (SEN support or an EHC plan) among those registered for the universal entitlement:
    'all' and by provision. A suppressed count gives no figure for its group (nor for 'all' if it is one of two)."""
    raw = inputs.query("statistics", dataset=datasets.EARLY_YEARS_SEN)
    raw = raw[raw["measure"] == EY_CHILDREN]
    if raw.empty:
        return pd.DataFrame(columns=COUNT_COLUMNS)
    f = _placed(inputs, filters(raw))
    entitlement = f.get("f_entitlement_type", pd.Series("", index=f.index)).fillna("")
    f = f[entitlement.str.contains(EY_ENTITLEMENT) & _total(f, "f_year_group") & _total(f, "f_age")
          & _total(f, "f_ethnicity_major") & _in_years(inputs, f["period"])]
    status = f.get("f_sen_status", f.get("f_sen", pd.Series(None, index=f.index, dtype=object)))
    provision = f["f_sen_provision"].fillna("Total")
    keys = ["period", "area_level", "area_code"]
    everyone = f[provision.str.lower().eq("total") & (status.isna() | status.str.lower().eq("total"))]
    den = everyone.drop_duplicates(keys).set_index(keys)["value"].rename("denominator")
    parts = []
    for label, name in EY_PROVISIONS.items():
        part = f[provision.str.lower().eq(label.lower())].drop_duplicates(keys).set_index(keys)["value"]
        parts.append(part.rename(f"provision={name}"))
    sen = f[provision.str.lower().eq("total") & status.fillna("").str.lower().eq("sen")]
    sen_total = sen.drop_duplicates(keys).set_index(keys)["value"].rename("sen")
    wide = pd.concat([den, sen_total, *parts], axis=1)
    # all with SEN: the published SEN total, else (a layout without sen_status) its two provisions added up
    added = wide[[p.name for p in parts]].sum(axis=1, min_count=len(parts))
    wide["all"] = wide["sen"].where(wide["sen"].notna(), added)
    wide = wide.drop(columns="sen")
    long = wide.reset_index().melt(id_vars=[*keys, "denominator"], var_name="breakdown", value_name="numerator")
    return long.dropna(subset=["numerator", "denominator"])[COUNT_COLUMNS].reset_index(drop=True)


def ks4(inputs: Inputs) -> dict[str, pd.DataFrame]:
    """Key stage 4 leavers with an EHC plan (and on SEN support) sustaining education, apprenticeship or
    employment, and where they went: counts over each group's cohort."""
    raw = inputs.query("statistics", dataset=datasets.KS4_DESTINATIONS)
    raw = raw[raw["measure"].isin(["cohort", *KS4_MEASURES])]
    if raw.empty:
        return {}
    f = _placed(inputs, filters(raw))
    f = f[f["breakdown_topic"].str.match(r"(?i)^sen") & f["f_data_type"].str.lower().eq("number of pupils")
          & _total(f, "f_institution_type") & _in_years(inputs, f["period"])]
    group = next((g for g in KS4_INSTITUTIONS if f["f_institution_group"].eq(g).any()), None)
    if group is None:
        return {}
    f = f[f["f_institution_group"] == group]
    method = f.get("f_level_methodology", pd.Series(None, index=f.index, dtype=object)).str.lower()
    wanted = f["area_level"].map(KS4_METHOD)
    f = f[method.isna() | wanted.isna() | (method == wanted)]
    sen_group = f["f_topic"]
    out = {}
    keys = ["period", "area_level", "area_code"]
    for indicator_id, pattern in KS4_GROUPS.items():
        rows = f[sen_group.str.contains(pattern)]
        if rows.empty:
            continue
        wide = rows.pivot_table(index=keys, columns="measure", values="value", aggfunc="first")
        if "cohort" not in wide:
            continue
        shown = KS4_MEASURES if indicator_id == "ks4_destination_ehcp" else {"overall": "all"}
        parts = [pd.DataFrame({"numerator": wide[m], "denominator": wide["cohort"], "breakdown": b})
                 for m, b in shown.items() if m in wide]
        counts = pd.concat(parts).reset_index().dropna(subset=["numerator", "denominator"])
        out[indicator_id] = counts[counts["denominator"] > 0][COUNT_COLUMNS].reset_index(drop=True)
    return out


def build(inputs: Inputs) -> dict[str, pd.DataFrame]:
    out = {"early_years_sen_pct": early_years(inputs), **ks4(inputs)}
    return {k: v for k, v in out.items() if len(v)}
