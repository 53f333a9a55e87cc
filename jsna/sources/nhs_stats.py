"""NHS England published statistics as the same long frame as the DfE files (jsna.sources.ees).

Kinds: `autism_stats` (NHS Autism Statistics, already long: one metric value per row), `mhsds` (the
Mental Health Services Data Set monthly time series, likewise long) and `community_health` (community
health services waiting lists: the monthly workbooks' Table 4 and 4a-4g by organisation and service,
or DfE's derived CSV time series). `*` is NHS England's suppression of small numbers: kept as the
symbol, the value left missing.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from jsna.errors import SourceError
from jsna.sources.base import LayoutError, Parsed, Screen, match_columns, norm, parse_date, read_delimited
from jsna.sources.datasets import dataset
from jsna.sources.ees import file_stem, finish, read_cells, screen_cells

ENGLAND = "E92000001"


# -- NHS long files (Autism Statistics, MHSDS) ----------------------------------------------------
def _columns(measure_id: str, measure_name: str, value: str) -> dict[str, list[str]]:
    return {
        "start": ["REPORTING_PERIOD_START"], "end": ["REPORTING_PERIOD_END"], "breakdown": ["BREAKDOWN"],
        "primary": ["PRIMARY_LEVEL"], "primary_name": ["PRIMARY_LEVEL_DESCRIPTION"],
        "secondary": ["SECONDARY_LEVEL"], "secondary_name": ["SECONDARY_LEVEL_DESCRIPTION"],
        "measure_id": [measure_id], "measure_name": [measure_name], "value": [value],
    }


AUTISM_COLUMNS = _columns("METRIC", "METRIC_DESCRIPTION", "METRIC_VALUE")
MHSDS_COLUMNS = _columns("MEASURE_ID", "MEASURE_NAME", "MEASURE_VALUE")


# The first part of BREAKDOWN ("Sub ICB - GP Practice or Residence; Age Group") -> geographic level.
NHS_LEVELS = [
    (r"^england$", "National"), (r"^region$", "NHS region"), (r"sub icb", "Sub-ICB"), (r"^ccg", "CCG"),
    (r"^icb$", "ICB"), (r"^stp$", "STP"), (r"^provider", "Provider"),
]


def _on_uniques(s: pd.Series, fn: Any) -> pd.Series:
    """fn applied once per distinct value (NHS files repeat periods and breakdowns hundreds of thousands of times)."""
    codes, uniques = pd.factorize(s)
    return pd.Series(np.asarray(fn(pd.Series(uniques, dtype="str")))[codes], index=s.index)


def _periods(start: pd.Series, end: pd.Series) -> pd.DataFrame:
    """Reporting periods (dd/mm/yyyy start and end) -> time_period (the end month, 2022-11), time_identifier
    (Month, Rolling 3 months, Rolling 12 months) and whether the period is whole calendar months."""
    codes, uniques = pd.factorize(start.str.strip() + "|" + end.str.strip())
    parts = pd.Series(uniques, dtype="str").str.split("|", n=1)
    first, last = parse_date(parts.str[0]), parse_date(parts.str[1])
    months = (last.dt.year - first.dt.year) * 12 + last.dt.month - first.dt.month + 1
    table = pd.DataFrame({
        "time_period": last.dt.strftime("%Y-%m"),
        "time_identifier": ("Rolling " + months.astype("Int64").astype(str) + " months").where(months != 1, "Month"),
        "whole": (first.dt.day == 1) & ((last + pd.Timedelta(days=1)).dt.day == 1) & (months >= 1),
    })
    return table.take(codes).set_index(start.index)


def _level(breakdown: pd.Series) -> pd.Series:
    def levels(u: pd.Series) -> pd.Series:
        first = u.str.split(";").str[0].str.strip().str.lower()
        out = pd.Series(None, index=u.index, dtype=object)
        for pattern, level in NHS_LEVELS:
            out = out.where(out.notna() | ~first.str.contains(pattern), level)
        return out
    return _on_uniques(breakdown, levels)


def read_nhs_long(path: Path, dataset: str, required: dict[str, list[str]],
                  areas: str | list[str] | None = None) -> Parsed:
    """An NHS England long CSV: period start/end, BREAKDOWN with primary/secondary levels, one value per row.
    `areas` (a code or list of codes) keeps only those organisations (PRIMARY_LEVEL)."""
    frame = match_columns(read_delimited(path, list(required.values())), path, required)
    skipped = 0
    if areas:
        keep = frame["primary"].str.strip().isin([str(a) for a in ([areas] if isinstance(areas, str) else areas)])
        skipped = int((~keep).sum())
        frame = frame.loc[keep]
    frame = frame.reset_index(drop=True)

    period = _periods(frame["start"], frame["end"])
    level = _level(frame["breakdown"])
    topic = frame["breakdown"].str.partition(";")[2].str.strip()
    topic = topic.where(topic != "", "Total")
    secondary = frame["secondary"].str.strip().str.upper().isin(["", "NONE"])
    national = level == "National"
    area_code = frame["primary"].str.strip().where(~national, ENGLAND)
    value = read_cells(frame["value"])

    screen = Screen(frame, record_columns=["start", "end", "breakdown", "primary", "secondary", "measure_id"])
    screen.rule(period["time_period"].isna(), "end", "reporting period dates not dd/mm/yyyy")
    screen.rule(~period["whole"], "end", "reporting period is not whole calendar months")
    screen.rule(level.isna(), "breakdown", "breakdown's geographic level not recognised")
    screen.rule(area_code.str.upper().isin(["", "NONE"]), "primary", "no organisation code")
    screen.rule(frame["measure_id"].str.strip() == "", "measure_id", "no measure id")
    screen.rule(value.bad, required["value"][0], "not a number or a known symbol")

    # England rows broken down by a characteristic carry the category in PRIMARY_LEVEL, others in SECONDARY.
    category = frame["secondary_name"].str.strip().where(~secondary, frame["primary_name"].str.strip())
    ids = pd.DataFrame({
        "__row__": frame.index.to_numpy(), "line": frame["__line__"], "dataset": dataset,
        "time_period": period["time_period"], "time_identifier": period["time_identifier"],
        "geographic_level": level, "area_code": area_code,
        "area_name": frame["primary_name"].str.strip().where(~national, "England"),
        "old_la_code": pd.Series(None, index=frame.index, dtype="str"),
        "breakdown_topic": topic, "breakdown": category.where(topic != "Total", "Total"),
    })
    ids["measure"] = frame["measure_id"].str.strip().str.lower()
    parsed = finish(screen, ids, {"value": value}, key="published_column")
    latest = (frame.assign(month=period["time_period"]).sort_values("month", kind="stable")
              .drop_duplicates("measure_id", keep="last"))
    parsed.extras["measures"] = dict(zip(latest["measure_id"].str.strip().str.lower(),
                                         latest["measure_name"].str.strip(), strict=True))
    parsed.extras["rows_outside_areas"] = skipped
    return parsed


def read_autism_stats(path: Path, options: dict[str, Any], context: object = None) -> Parsed:
    """NHS Autism Statistics by sub-ICB (suspected-autism referrals, waits over 13 weeks, by age group).
    measure = the metric id lower-cased (asd16a); extras['measures'] maps it to its description."""
    return read_nhs_long(path, dataset("autism_stats"), AUTISM_COLUMNS, options.get("areas"))


def read_mhsds(path: Path, options: dict[str, Any], context: object = None) -> Parsed:
    """MHSDS monthly time series (monthly, rolling 3 and 12 month measures; providers, CCGs, sub-ICBs, ICBs).
    Option `areas`: organisation codes (PRIMARY_LEVEL) to keep; other rows are skipped before counting."""
    return read_nhs_long(path, dataset("mhsds"), MHSDS_COLUMNS, options.get("areas"))


# -- community health services waiting lists ---------------------------------------------------------
CH_LEVELS = {"national": "National", "region": "NHS region", "icb": "ICB", "provider": "Provider",
             "organisation": "Provider"}
MONTHS = r"(January|February|March|April|May|June|July|August|September|October|November|December) (\d{4})"


def _band(title: str) -> str | None:
    """'Total waiting list by service' -> 'total waiting list'; 'Number waiting >1-2 weeks (8-14 days)'
    -> 'waiting >1-2 weeks'; 'Number waiting over 52 weeks' -> 'waiting >52 weeks'."""
    if title.lower().startswith("total waiting list"):
        return "total waiting list"
    m = re.search(r"waiting\s+(over\s+|>)?(\d+(?:-\d+)?)\s+weeks", title, re.I)
    return f"waiting {'>' if m[1] else ''}{m[2]} weeks" if m else None


def _text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return format(v, ".15g")
    return str(v).strip()


def _month_cell(v: object) -> str | None:
    if isinstance(v, datetime | date):
        return f"{v.year:04d}-{v.month:02d}"
    if isinstance(v, str) and re.fullmatch(r"[A-Z][a-z]{2}-\d{2}", v.strip()):
        return datetime.strptime(v.strip(), "%b-%y").strftime("%Y-%m")
    return None


def _data_month(titles: list[str], series: Callable[[], list[tuple[object, ...]]]) -> str | None:
    """The month the tables describe: from a title ('..., January 2023'), else the last month of the
    national time series (Table 2's first rows, read only then) with an England figure."""
    for title in titles:
        m = re.search(MONTHS, title)
        if m:
            return datetime.strptime(f"{m[1]} {m[2]}", "%B %Y").strftime("%Y-%m")
    rows = series()
    header = next((r for r in rows if sum(_month_cell(c) is not None for c in r) >= 2), None)
    england = next((r for r in rows if any(_text(c).lower() == "england" for c in r)), None)
    if header is None or england is None:
        return None
    filled = [_month_cell(h) for h, v in zip(header, england, strict=False)
              if _month_cell(h) and isinstance(v, int | float)]
    return filled[-1] if filled else None


def _sheet_rows(ws: Any, limit: int | None = None) -> list[tuple[object, ...]]:
    ws.reset_dimensions()  # some months' workbooks declare a one-cell dimension
    return list(itertools.islice(ws.iter_rows(values_only=True), limit))


def _service_table(rows: list[tuple[object, ...]], sheet: str, path: Path) -> pd.DataFrame:
    """A Table 4x sheet as text: level, code, name, one column per service, `__line__` (the sheet row)."""
    header_at = next((i for i, r in enumerate(rows[:40])
                      if sum(_text(c).startswith(("(A)", "(CYP)")) for c in r) >= 3), None)
    if header_at is None:
        raise SourceError(path, f"sheet '{sheet}' has no header row of services ('(A) ...', '(CYP) ...').")
    header = [_text(c) for c in rows[header_at]]
    first = next(j for j, h in enumerate(header) if h.startswith(("(A)", "(CYP)")))
    body = rows[header_at + 1:]
    lines = np.arange(len(body)) + header_at + 2
    names = [norm(h) for h in header[:first]]
    name_at = next((j for j, h in enumerate(names) if h in ("organisation_name", "name")), None)
    if name_at is None:  # older layout: unlabelled columns, the name column starts with England
        name_at = next((j for j in range(first) if body and _text(body[0][j]).lower() == "england"), first - 1)
    code_at = next((j for j, h in enumerate(names) if "code" in h), None)
    level_at = next((j for j, h in enumerate(names) if h in ("organisation_type", "level")), name_at - 1)
    services = [j for j in range(first, len(header)) if header[j]]

    def cell(r: tuple[object, ...], j: int | None) -> str:
        return _text(r[j]) if j is not None and j < len(r) else ""

    text = [[cell(r, j) for j in [level_at, code_at, name_at, *services]] for r in body]
    frame = pd.DataFrame(text, columns=["level", "code", "name", *[header[j] for j in services]], dtype="str")
    frame["__line__"] = lines
    frame = frame.loc[(frame.drop(columns="__line__") != "").any(axis=1)]
    # Older layout: the level is written on the first row of each group only; England's row has none.
    level = frame["level"].where(frame["level"] != "").ffill().fillna("")
    frame["level"] = level.where(~((level == "") & (frame["name"].str.lower() == "england")), "National")
    return frame.assign(sheet=sheet)


def _read_ch_workbook(path: Path) -> Parsed:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile/KeyError/InvalidFileException for non-workbooks
        raise SourceError(path, f"is not a readable .xlsx workbook ({type(exc).__name__}).") from exc
    sheets = [n for n in wb.sheetnames if re.fullmatch(r"Table 4[a-g]?", n.strip())]
    if not sheets:
        raise LayoutError(path, f"has no sheets 'Table 4', 'Table 4a'..'Table 4g' (waiting lists by organisation "
                                f"and service; it has: {', '.join(wb.sheetnames)}); is it the right kind of file?")
    tables, titles = [], []
    for sheet in sheets:
        rows = _sheet_rows(wb[sheet])
        title = next((_text(c) for r in rows[:3] for c in r if _text(c)), "")
        band = _band(title)
        if band is None:
            raise SourceError(path, f"sheet '{sheet}' title does not name a waiting list or weeks band ('{title}').")
        titles.append(title)
        tables.append(_service_table(rows, sheet, path).assign(band=band))
    month = _data_month(titles, lambda: _sheet_rows(wb["Table 2"], 12) if "Table 2" in wb.sheetnames else [])
    if month is None:
        raise SourceError(path, "cannot tell the month reported (no 'Month YYYY' in the titles, no Table 2 series).")

    frame = pd.concat(tables, ignore_index=True).fillna("")
    services = [c for c in frame.columns if c not in ("level", "code", "name", "__line__", "sheet", "band")]
    level = frame["level"].str.lower().map(CH_LEVELS)
    code = frame["code"].where(frame["code"] != "", frame["name"].str.upper())
    screen = Screen(frame, record_columns=["sheet", "level", "code", "name"])
    screen.rule(level.isna(), "level", "organisation type not recognised")
    screen.rule(frame["name"] == "", "name", "no organisation name")
    cells = screen_cells(screen, frame, services)
    ids = pd.DataFrame({
        "__row__": frame.index.to_numpy(), "line": frame["__line__"], "dataset": dataset("community_health"),
        "time_period": month, "time_identifier": "Month", "geographic_level": level,
        "area_code": code.where(level != "National", ENGLAND), "area_name": frame["name"],
        "old_la_code": pd.Series(None, index=frame.index, dtype="str"), "breakdown_topic": "Service",
        "measure": frame["band"],
    })
    return finish(screen, ids, cells, key="breakdown")


def _read_ch_series(path: Path) -> Parsed:
    """DfE's derived CSV series (Organisation Type/Name, formattedDate, Therapy, waiting-list measures);
    R's NA means nothing published. Organisations carry names only: area_code is the name upper-cased."""
    required = {"month_start": ["formattedDate"], "service": ["Therapy", "Service"]}
    optional = {"org_type": ["Organisation Type"], "org_name": ["Organisation Name"], "month_label": ["Date"]}
    frame = match_columns(read_delimited(path, list(required.values())), path, required, optional)
    frame = frame.reset_index(drop=True)
    ids_cols = {*required, *optional, "__line__"}
    measures = [c for c in frame.columns if c not in ids_cols and c.strip() and not c.startswith("Unnamed")]
    name = frame["org_name"].str.strip().where(frame["org_name"].str.strip() != "", "England")
    level = frame["org_type"].str.strip().replace("NA", "").str.lower().map(CH_LEVELS)
    level = level.where(level.notna() | (name.str.lower() != "england"), "National")
    period = frame["month_start"].str.strip().str[:7]
    screen = Screen(frame, record_columns=["month_start", "org_type", "org_name", "service"])
    screen.rule(~period.str.fullmatch(r"\d{4}-\d{2}"), "month_start", "formattedDate not YYYY-MM-DD")
    screen.rule(level.isna(), "org_type", "organisation type not recognised")
    blanked = frame.assign(**{c: frame[c].where(frame[c].str.strip() != "NA", "") for c in measures})
    cells = screen_cells(screen, blanked, measures)
    ids = pd.DataFrame({
        "__row__": frame.index.to_numpy(), "line": frame["__line__"],
        "dataset": dataset("community_health", file_stem(path)),
        "time_period": period, "time_identifier": "Month", "geographic_level": level,
        "area_code": name.str.upper().where(level != "National", ENGLAND), "area_name": name,
        "old_la_code": pd.Series(None, index=frame.index, dtype="str"), "breakdown_topic": "Service",
        "breakdown": frame["service"].str.strip(),
    })
    return finish(screen, ids, cells)


def read_community_health(path: Path, options: dict[str, Any], context: object = None) -> Parsed:
    """Community health services waiting lists: a monthly workbook (Table 4 total and 4a-4g weeks-waiting
    bands, by organisation and service; time_period = the month reported) or a derived CSV series."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_ch_workbook(path)
    return _read_ch_series(path)
