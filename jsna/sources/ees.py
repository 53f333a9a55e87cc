"""DfE explore-education-statistics tidy CSVs as one long frame of published statistics.

Kinds: `ees_ehcp` (the "Education, health and care plans" release files), `sen2_mi` (the older SEN2
layout: sen2_mi and the age/establishment files), `school_census_sen` ("Special educational needs in
England", school or LA level) and `cin_census` (children in need census tables, incl. CIN by SEN
status). Id and filter columns are kept; every other column is a measure, one long row per (input
row x measure). Suppression symbols stay symbols with a missing value; blank cells publish nothing
and give no long row. Also the long-frame helpers the NHS adapters share.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import pandera.pandas as pa

from jsna.errors import SourceError
from jsna.schemas.statistics import LONG_COLUMNS, PERIOD, STATISTICS, SYMBOLS
from jsna.sources import datasets
from jsna.sources.base import Parsed, Screen, match_columns, norm, parse_number, read_delimited
from jsna.sources.screening import check_periods, require_measures, screen_negative

RAW_TABLE = "statistics"


# -- shared long-frame helpers --------------------------------------------------------------------
class Cells(NamedTuple):
    """One published column read cell by cell: the number, the symbol, blank, and neither (bad)."""

    value: pd.Series
    symbol: pd.Series
    blank: pd.Series
    bad: pd.Series


def read_cells(text: pd.Series) -> Cells:
    """Numbers (thousands separators allowed), publisher symbols (case and spaces ignored), blanks.
    Each distinct text is parsed once (published columns repeat their values a great deal)."""
    codes, uniques = pd.factorize(text.astype(str))
    t = pd.Series(uniques, dtype="str").str.strip()
    low = t.str.lower()
    symbol = low.where(low.isin(list(SYMBOLS)))
    value = parse_number(t).astype(float).where(symbol.isna())
    blank = t == ""
    bad = value.isna() & symbol.isna() & ~blank

    def spread(s: pd.Series) -> pd.Series:
        return pd.Series(s.to_numpy()[codes], index=text.index)

    return Cells(spread(value), spread(symbol.astype(object)), spread(blank), spread(bad))


def melt(ids: pd.DataFrame, cells: Mapping[str, Cells], key: str = "measure") -> pd.DataFrame:
    """One long row per (row of `ids` x column of `cells`), blank cells left out. The column names go
    to `key` (lower-cased when it is the measure), the numbers to `value`, the symbols to `symbol`."""
    names = list(cells)
    n, m = len(ids), len(names)
    if not m:
        return ids.iloc[:0].assign(**{key: pd.Series(dtype="str"), "value": pd.Series(dtype=float),
                                      "symbol": pd.Series(dtype="str")})
    values = np.column_stack([cells[c].value.to_numpy(dtype=float) for c in names])
    symbols = np.column_stack([cells[c].symbol.to_numpy(dtype=object) for c in names])
    blank = np.column_stack([cells[c].blank.to_numpy(dtype=bool) for c in names])
    keep = ~blank.ravel()
    row = np.repeat(np.arange(n), m)[keep]
    col = np.tile(np.arange(m), n)[keep]
    out = ids.take(row).reset_index(drop=True)
    labels = [norm_measure(c) for c in names] if key == "measure" else [str(c).strip() for c in names]
    out[key] = pd.Series(labels, dtype="str").take(col).reset_index(drop=True)
    out["value"] = values.ravel()[keep]
    sym = symbols.ravel()[keep]
    out["symbol"] = pd.array(np.where(pd.isna(sym), None, sym), dtype="str")
    return out


def norm_measure(name: str) -> str:
    """Measures as published, lower-cased (pandas' '.1' suffix of a repeated header kept)."""
    return str(name).replace("\ufeff", "").strip().lower()


def check_long(screen: Screen, long: pd.DataFrame, schema: pa.DataFrameSchema = STATISTICS) -> pd.DataFrame:
    """Apply the contract to the long rows; an input row with any failing long row is quarantined whole
    (under the check's name). `long['__row__']` is the index of its input row in `screen.frame`."""
    # symbol first: a frame-wide check (value missing iff symbol) is then reported against the symbol.
    order = ["symbol", "value", *(c for c in long.columns if c not in ("symbol", "value"))]
    check = Screen(long[order].assign(__line__=long["line"]), record_columns=["__row__"])
    check.validate(schema)
    for q in check.rows:
        rows = pd.Series([r["__row__"] for r in q["record"]])
        shown = pd.Series(q["value"].to_numpy(), index=rows.to_numpy()).groupby(level=0).first()
        bad = pd.Series(screen.frame.index.isin(rows.to_numpy()), index=screen.frame.index)
        screen.rule(bad, q["column_name"].iloc[0], q["rule"].iloc[0],
                    shown.reindex(screen.frame.index).astype(object))
    return long.loc[~long["__row__"].isin(screen.frame.index[screen.failed])]


def finish(screen: Screen, ids: pd.DataFrame, cells: Mapping[str, Cells], key: str = "measure",
           signed: tuple[str, ...] = ()) -> Parsed:
    """Melt the rows that passed the row rules (`ids`: one row per input row, `__row__` its index in
    `screen.frame`), apply the contract, and return the long frame with the quarantine. A negative
    number quarantines its row unless its column is one of the `signed` (published differences)."""
    screen_negative(screen, {c: cell.value for c, cell in cells.items()}, signed)
    ok = ~screen.failed
    long = melt(ids.loc[ok], {c: Cells(*(s.loc[ok] for s in cell)) for c, cell in cells.items()}, key)
    long = check_long(screen, long)
    good, quarantine = screen.split()
    frame = long[LONG_COLUMNS].reset_index(drop=True)
    frame["line"] = frame["line"].astype("int64")
    return Parsed(frame, quarantine, len(screen.frame), RAW_TABLE, rows_loaded=len(good))


def screen_cells(screen: Screen, frame: pd.DataFrame, columns: list[str]) -> dict[str, Cells]:
    """Read each measure column; a cell that is neither a number, a known symbol nor blank quarantines its row."""
    cells = {c: read_cells(frame[c]) for c in columns}
    for c, cell in cells.items():
        screen.rule(cell.bad, c, "not a number or a known symbol")
    return cells


# -- DfE tidy files -------------------------------------------------------------------------------
COMMON = {
    "time_period": ["time_period"],
    "time_identifier": ["time_identifier"],
    "geographic_level": ["geographic_level"],
    "country_code": ["country_code"],
    "country_name": ["country_name"],
}
LA = {
    "region_code": ["region_code"], "region_name": ["region_name"],
    "new_la_code": ["new_la_code"], "old_la_code": ["old_la_code"], "la_name": ["la_name"],
}
BREAKDOWN = {"breakdown_topic": ["breakdown_topic"], "breakdown": ["breakdown"]}
# Each EES geographic level: the columns holding its area code and name.
LEVELS = {
    "National": ("country_code", "country_name"),
    "Regional": ("region_code", "region_name"),
    "Local authority": ("new_la_code", "la_name"),
    "School": ("urn", "school_name"),
    "Local authority district": ("lad_code", "lad_name"),
    "Parliamentary constituency": ("pcon_code", "pcon_name"),
    "Local skills improvement plan area": ("lsip_code", "lsip_name"),
    "Ward": ("ward_code", "ward_name"),
    "Provider": ("provider_ukprn", "provider_name"),
}
AREA_COLUMNS = {c: [c] for pair in LEVELS.values() for c in pair}
OPTIONAL = {**LA, **BREAKDOWN, **AREA_COLUMNS}
# Filters DfE files carry besides breakdown_topic/breakdown (others are found by their text values).
FILTERS = {"characteristic_age", "category", "social_care_group", "population_type", "establishment_group",
           "establishment_type", "characteristic_grouping", "pupil_characteristic", "setting_type",
           "phase_type_grouping", "type_of_establishment",
           # early years (funded early education) and key stage 4 destination files
           "entitlement_type", "year_group", "age", "ethnicity_major", "sen", "sen_status", "sen_provision",
           "level_methodology", "institution_group", "institution_type", "version", "data_type"}


def _is_filter(column: str, cells: Cells) -> bool:
    """A known filter, or a column whose filled cells are mostly neither numbers nor symbols."""
    if norm(column) in FILTERS:
        return True
    filled = ~cells.blank
    return bool(filled.any()) and cells.bad[filled].mean() > 0.5


def _drop_repeated_headers(frame: pd.DataFrame) -> pd.DataFrame:
    """A header published twice (annual_reviews' review_meeting_prior_24), as read or as pandas renames it
    ('.1'): kept once when the values are the same, else the repeat is named '<header>.<n>'."""
    def base(name: str) -> str:
        return re.sub(r"\.\d+$", "", name)

    keep: list[int] = []
    names: list[str] = []
    for i, name in enumerate(frame.columns):
        if any(base(names[k]) == base(name) and frame.iloc[:, j].equals(frame.iloc[:, i]) for k, j in enumerate(keep)):
            continue
        label, n = name, 0
        while label in names:
            n += 1
            label = f"{base(name)}.{n}"
        keep.append(i)
        names.append(label)
    out = frame.iloc[:, keep]
    out.columns = names
    return out


def _breakdown(frame: pd.DataFrame, filters: list[str], fold: tuple[str, ...] = ()) -> tuple[pd.Series, pd.Series]:
    """breakdown_topic/breakdown as published; else the other filters' names and values joined by '; '
    ('Total' when there are none or every filter reads Total). The `fold` filters (a file whose rows repeat a
    breakdown once per institution group, data type ...) follow the published topic and breakdown, '; '-joined."""
    topic, value = frame["breakdown_topic"].str.strip(), frame["breakdown"].str.strip()
    has = topic != ""
    for c in (f for f in fold if f in frame.columns):
        topic = topic.where(~has, topic + "; " + c)
        value = value.where(~has, value.where(value != "", "Total") + "; " + frame[c].str.strip())
    if filters:
        vals = [frame[c].str.strip() for c in filters]
        joined = vals[0].str.cat(vals[1:], sep="; ") if len(vals) > 1 else vals[0]
        total = pd.concat([v.str.lower().isin(["total", ""]) for v in vals], axis=1).all(axis=1)
        topic = topic.where(has, pd.Series("; ".join(filters), index=frame.index, dtype="str").where(~total, "Total"))
        value = value.where(has, joined.where(~total, "Total"))
    else:
        topic, value = topic.where(has, "Total"), value.where(has, "Total")
    return topic, value.where(value != "", "Total")


Namer = Callable[[pd.DataFrame], str]
RECORD = ["time_period", "time_identifier", "geographic_level", "new_la_code", "urn", "breakdown_topic", "breakdown"]


def read_tidy(path: Path, required: Mapping[str, list[str]], dataset: str | Namer,
              fold: tuple[str, ...] = ()) -> Parsed:
    """Any EES-style tidy CSV whose `required` columns are there; `dataset` names it (or is called on
    the frame of text to name it). The dataset's HEADLINE measures must be there too, and its periods
    complete (jsna.sources.screening.check_periods). `fold`: filters kept beside breakdown_topic (`_breakdown`)."""
    frame = read_delimited(path, list(required.values()))
    frame = match_columns(frame, path, required, {k: v for k, v in OPTIONAL.items() if k not in required})
    frame = _drop_repeated_headers(frame).reset_index(drop=True)
    named = dataset if isinstance(dataset, str) else dataset(frame)
    headline = HEADLINE.get(named, ())
    require_measures(path, frame.columns, headline, named.replace(":", " "))
    summed, england_rounding = SUMMED.get(named.split(":")[0], ((), 0))
    ids = {*COMMON, *OPTIONAL}
    cells = {c: read_cells(frame[c]) for c in frame.columns if c not in ids and not c.startswith("__")}
    filters = [c for c, cell in cells.items() if _is_filter(c, cell)]
    measures = [c for c in cells if c not in filters]
    if not measures:
        raise SourceError(path, "has no measure columns (every column is an id or a filter).")

    level = frame["geographic_level"].str.strip()
    period = frame["time_period"].str.strip()
    screen = Screen(frame, record_columns=RECORD)
    screen.rule(~period.str.fullmatch(PERIOD), "time_period",
                "time period not a year (2024), academic/financial year (202425) or month (2023-03)")
    screen.rule(~level.isin(list(LEVELS)), "geographic_level", "geographic level not supported")
    area_code = pd.Series("", index=frame.index, dtype="str")
    area_name = pd.Series("", index=frame.index, dtype="str")
    for lvl, (code, name) in LEVELS.items():
        at = level == lvl
        if at.any():
            area_code = area_code.where(~at, frame[code].str.strip())
            area_name = area_name.where(~at, frame[name].str.strip())
            screen.rule(at & (area_code == ""), code, f"no {code} on a {lvl} row")
    for c in measures:
        screen.rule(cells[c].bad, c, "not a number or a known symbol")

    topic, value = _breakdown(frame, filters, fold)
    ok = ~screen.failed
    by_norm = {norm(c): c for c in measures}
    check_periods(path, pd.DataFrame({
        "period": period + "|" + frame["time_identifier"].str.strip(), "level": level, "area": area_code,
        "group": topic + "|" + value,
    }).loc[ok], {h: cells[by_norm[norm(h)]].value.loc[ok]
                 for h in headline or [c for c in summed if norm(c) in by_norm][:1] if norm(h) in by_norm},
        england_rounding=england_rounding)
    old = frame["old_la_code"].str.strip()
    ids_frame = pd.DataFrame({
        "__row__": frame.index.to_numpy(), "line": frame["__line__"],
        "dataset": named, "time_period": period,
        "time_identifier": frame["time_identifier"].str.strip(), "geographic_level": level,
        "area_code": area_code, "area_name": area_name, "old_la_code": old.where(old != ""),
        "breakdown_topic": topic, "breakdown": value,
    })
    return finish(screen, ids_frame, {c: cells[c] for c in measures}, signed=SIGNED.get(named, ()))


# -- kinds ----------------------------------------------------------------------------------------
EHCP_FILES = {  # a column only that file has -> the release's file name
    "ehcplans": "caseload", "new_ehc_plans": "newplans", "plans_issued_within_20_weeks": "timeliness_20_week",
    "requests_received_in_year": "requests", "assess_in_year": "assessments", "total_ceased": "ceased_plans",
    "review_expected": "annual_reviews", "personal_budget": "personal_budgets", "res_tot": "residential_settings",
    "open_wbp": "work_based_placements",
}


# Per dataset: the count every file of it has (checked on the real releases, EHC plans 2019-2025 and
# SEN2 to 2022), in which its authorities add up to England (jsna.sources.screening.check_periods).
HEADLINE = {
    **{datasets.dataset("ees_ehcp", stem): (column,) for column, stem in EHCP_FILES.items()},
    datasets.SEN_NEEDS_ALL_PLANS: ("ehc_plans",), datasets.SEN_NEED_NEWPLANS: ("ehc_plans",),
    datasets.SEN2_MI: ("NewallEHC",), datasets.SEN2_AGE_CASELOAD: ("total_ehc",),
    datasets.SEN2_ESTAB_CASELOAD: ("total_ehc",), datasets.SEN2_AGE_NEW_PLANS: ("total_new_ehc",),
    datasets.SEN2_ESTAB_NEW_PLANS: ("total_new_ehc",),
}
# Per kind whose files are named by the publisher's file name (which changes with every release): counts to
# add up where a file has one (the first of them it has), and the rounding of England's row. The children in
# need tables publish England rounded to the nearest 10 and authorities unrounded (checked on the real
# tables, 2013-2025); the SEN in England tables publish both unrounded.
SUMMED = {
    "cin_census": (("At31_episodes", "referral_count", "Section47", "CPP_At31", "CPP_start",
                    "Episodes_with_assessment_factor", "children_count", "t_pupils"), 10),
    "school_census_sen": (("ehc_plan",), 0),
}
# Measures published as differences, which DfE publishes below zero (more reviews decided than expected).
SIGNED = {datasets.ANNUAL_REVIEWS: ("review_decision_outstanding", "no_outcome")}
# The data files of each kind's release, by name (jsna.sources.releases): in a release's zip or folder,
# one of these that cannot be read stops the source; other files are read when their columns fit.
RELEASE_FILES = {
    "ees_ehcp": frozenset({*EHCP_FILES.values(), "sen_needs_all_plans", "sen_need_newplans"}),
    "sen2_mi": frozenset({"sen2_mi", "sen2_age_caseload", "sen2_age_new_plans", "sen2_estab_caseload",
                          "sen2_estab_new_plans"}),
}


def file_stem(path: Path) -> str:
    """'caseload.csv.gz' -> 'caseload'; other characters than a-z, 0-9 and _ become _."""
    return re.sub(r"[^a-z0-9_]+", "_", path.name.split(".")[0].lower()).strip("_")


def _ehcp_file(path: Path) -> Namer:
    """Which release file: by the file name when it is one of the release's, else by a column only it has
    (the two need files by their time identifier: January caseload by academic year, new plans by calendar)."""
    def name(frame: pd.DataFrame) -> str:
        stem = file_stem(path)
        if stem in RELEASE_FILES["ees_ehcp"]:
            return datasets.dataset("ees_ehcp", stem)
        cols = {norm(c) for c in frame.columns}
        if "number_asd" in cols:
            academic = frame["time_identifier"].str.contains("academic", case=False).any()
            return datasets.SEN_NEEDS_ALL_PLANS if academic else datasets.SEN_NEED_NEWPLANS
        return datasets.dataset("ees_ehcp", next((f for c, f in EHCP_FILES.items() if c in cols), stem))
    return name


def read_ees_ehcp(path: Path, options: dict[str, Any], context: object = None) -> Parsed:
    """The "Education, health and care plans" release files (2025 layout, with breakdown_topic/breakdown)."""
    return read_tidy(path, {**COMMON, **LA, **BREAKDOWN}, _ehcp_file(path))


def _sen2_file(frame: pd.DataFrame) -> str:
    """sen2_mi, or sen2_mi:{age|estab}_{caseload|new_plans} for the files broken down by age or establishment."""
    cols = {norm(c) for c in frame.columns}
    by = "age" if "characteristic_age" in cols else "estab"
    if "total_new_st" in cols or "total_new_ehc" in cols:
        return datasets.dataset("sen2_mi", f"{by}_new_plans")
    if "total_st" in cols or "total_ehc" in cols:
        return datasets.dataset("sen2_mi", f"{by}_caseload")
    return datasets.SEN2_MI


def read_sen2_mi(path: Path, options: dict[str, Any], context: object = None) -> Parsed:
    """The older SEN2 layout (to 2022): sen2_mi (measures as columns, no filter) and the age and
    establishment files (filter characteristic_age, or establishment_group and establishment_type)."""
    return read_tidy(path, {**COMMON, **LA}, _sen2_file)


def read_school_census_sen(path: Path, options: dict[str, Any], context: object = None) -> Parsed:
    """DfE "Special educational needs in England": school level (urn, school_name; area_code = URN) or LA level."""
    required = {**COMMON, "ehc_plan": ["ehc_plan", "EHC plan", "number_ehc_plan"],
                "sen_support": ["sen_support", "SEN support", "number_sen_support"]}
    return read_tidy(path, required, datasets.SCHOOL_CENSUS_SEN)


def read_cin_census(path: Path, options: dict[str, Any], context: object = None) -> Parsed:
    """Children in need census tables (referrals, assessments and their factors, s47s, plans, CLA rates,
    CIN by SEN status). dataset = cin_census:<file stem>."""
    return read_tidy(path, COMMON, datasets.dataset("cin_census", file_stem(path)))


# -- the 0-25 pathway: early years and destinations ------------------------------------------------
EY_CHILDREN = "registered_children_count"


def read_early_years_sen(path: Path, options: dict[str, Any], context: object = None) -> Parsed:
    """DfE "Funded early education and childcare" (formerly "Education provision: children under 5 years of
    age"), data file 4 "Children registered by ethnicity and SEN provision": children registered for funded
    early education by entitlement_type, year_group, age, ethnicity_major, SEN status (`sen` in 2025,
    `sen_status` from 2026) and sen_provision; counts `number_children` (2025) or `registered_children_count`
    (2026), percentages beside them. The filters' values, '; '-joined, are the breakdown."""
    required = {**COMMON, "entitlement_type": ["entitlement_type"], "sen_provision": ["sen_provision"],
                EY_CHILDREN: [EY_CHILDREN, "number_children"]}  # the 2025 name is read as the 2026 one
    return read_tidy(path, required, datasets.EARLY_YEARS_SEN)


# the key stage 4 file's filters besides breakdown_topic/breakdown: kept in the breakdown, in this order
KS4_FOLD = ("institution_group", "institution_type", "level_methodology", "data_type", "version")


def read_ks4_destinations(path: Path, options: dict[str, Any], context: object = None) -> Parsed:
    """DfE "Key stage 4 destination measures": the local authority file ("Key stage 4 leavers local authority
    level destinations": regions, authorities, districts and constituencies) and the national file, with
    breakdown_topic/breakdown (2021/22 to 2022/23 layout) and the filters level_methodology, institution_group,
    institution_type, version and data_type ('Number of pupils' or 'Percentage'), which follow the breakdown
    ('<breakdown>; <institution group>; <institution type>; <level methodology>; <data type>; <version>')."""
    required = {**COMMON, **BREAKDOWN, "institution_group": ["institution_group"], "data_type": ["data_type"],
                "cohort": ["cohort"], "overall": ["overall"]}
    return read_tidy(path, required, datasets.KS4_DESTINATIONS, fold=KS4_FOLD)
