"""Population: ONS mid-year estimates by local authority and single year of age (the MYEB1 long
layout as CSV, or the published workbook's MYEB1 / MYE2 sheets), and Census 2021 usual residents by
LSOA and age band."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from jsna.errors import SourceError
from jsna.geography.codes import is_gss
from jsna.sources.base import Parsed, Screen, match_columns, norm, parse_number, read_delimited

MYE_TABLE = "population_mye"
CENSUS_TABLE = "population_census"


# -- mid-year estimates ------------------------------------------------------------------------------
def _sheet_frames(path: Path) -> list[tuple[pd.DataFrame, str, int | None]]:
    """(frame of text, sex, year) per usable sheet: MYEB1 (long, all years) or MYE2 Females/Males."""
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    out: list[tuple[pd.DataFrame, str, int | None]] = []
    names = wb.sheetnames
    wanted = [n for n in names if n.upper() == "MYEB1"]
    wanted = wanted or [n for n in names if re.match(r"MYE2\s*-\s*(fe)?males", n, re.I)]
    for name in wanted:
        rows = list(wb[name].iter_rows(values_only=True))
        header_at = next((i for i, r in enumerate(rows[:40]) if r and norm(r[0]) == "code"), None)
        if header_at is None:
            continue
        title = " ".join(str(c) for r in rows[:header_at] for c in r if c)
        year = re.search(r"mid-(\d{4})", title)
        header = [str(c).strip() if c is not None else "" for c in rows[header_at]]
        body = pd.DataFrame(rows[header_at + 1:], columns=header).astype(str).replace("None", "")
        body["__line__"] = np.arange(len(body)) + header_at + 2
        sex = "" if name.upper() == "MYEB1" else ("F" if "Female" in name else "M")
        out.append((body, sex, int(year.group(1)) if year else None))
    if not out:
        raise SourceError(path, "no MYEB1 or 'MYE2 - Females'/'MYE2 - Males' sheet with a Code header row.")
    return out


SEX_CODES = {"1": "M", "2": "F", "M": "M", "F": "F", "MALE": "M", "FEMALE": "F", "MALES": "M", "FEMALES": "F"}


def _screen_wide(
    frame: pd.DataFrame, values: list[str], sex: pd.Series, age: pd.Series | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Check each input row whole: its code, sex, age and every population value on it."""
    numbers = pd.DataFrame({c: parse_number(frame[c]) for c in values}, index=frame.index)
    checked = frame.assign(code=frame["code"].str.strip(), sex=sex)
    screen = Screen(checked, record_columns=["code"])
    screen.rule(~is_gss(checked["code"]), "code", "not a GSS code")
    screen.rule(~checked["sex"].isin(["M", "F"]), "sex", "sex is not M/F (1/2)")
    if age is not None:
        screen.rule(age.isna() | ~age.between(0, 90), "age", "age not 0-90")
    for c in values:
        screen.rule(numbers[c].isna() | (numbers[c] < 0), c, "population missing or negative")
    good, quarantine = screen.split()
    return pd.concat([good.drop(columns=values), numbers.loc[good.index]], axis=1), quarantine


def _myeb1(frame: pd.DataFrame, path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    frame = match_columns(frame, path, {"code": ["code", "ladcode21", "ladcode23", "ladcode18"],
                                        "sex": ["sex"], "age": ["age"]})
    years = [c for c in frame.columns if re.fullmatch(r"population_\d{4}", c)]
    if not years:
        raise SourceError(path, "no population_YYYY columns.")
    sex = frame["sex"].str.strip().str.upper().map(SEX_CODES)
    age = pd.to_numeric(frame["age"].str.replace("+", "", regex=False), errors="coerce")
    good, quarantine = _screen_wide(frame.assign(age=age), years, sex, age)
    long = good.melt(id_vars=["__line__", "code", "sex", "age"], value_vars=years, var_name="year",
                     value_name="population")
    long["year"] = long["year"].str[-4:].astype("int64")
    return long, quarantine


def _mye2(frame: pd.DataFrame, path: Path, sex: str, year: int | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    if year is None:
        raise SourceError(path, "cannot tell the year of an MYE2 sheet (no 'mid-YYYY' in its title).")
    frame = frame.rename(columns={c: norm(c) for c in frame.columns if c != "__line__"})
    ages = [c for c in frame.columns if re.fullmatch(r"\d+", str(c))]
    good, quarantine = _screen_wide(frame, ages, pd.Series(sex, index=frame.index), None)
    long = good.melt(id_vars=["__line__", "code", "sex"], value_vars=ages, var_name="age", value_name="population")
    long["age"], long["year"] = long["age"].astype("int64"), year
    return long, quarantine


def read_mye(path: Path, options: dict[str, Any], context: object = None) -> Parsed:
    """Long rows (area, year, sex, age, population); a row with any bad value is quarantined whole."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        sheets = _sheet_frames(path)
        results = [_myeb1(f, path) if not sex else _mye2(f, path, sex, year) for f, sex, year in sheets]
        rows_in = sum(len(f) for f, _, _ in sheets)
    else:
        frame = read_delimited(path, [["code", "ladcode21", "ladcode23"], ["sex"], ["age"]])
        results = [_myeb1(frame, path)]
        rows_in = len(frame)
    long = pd.concat([r[0] for r in results], ignore_index=True)
    quarantine = pd.concat([r[1] for r in results], ignore_index=True)
    out = pd.DataFrame({
        "line": long["__line__"].astype("int64"), "area_code": long["code"], "year": long["year"].astype("int64"),
        "sex": long["sex"], "age": long["age"].astype("int64"), "population": long["population"].astype(float),
    })
    return Parsed(out, quarantine, rows_in, MYE_TABLE, rows_loaded=rows_in - len(quarantine))


# -- census -------------------------------------------------------------------------------------------
BAND = re.compile(
    r"aged\s+(?:(?P<lo>\d+)\s+to\s+(?P<hi>\d+)\s+years|(?P<under>\d+)\s+years?\s+and\s+under|(?P<over>\d+)\s+years?\s+and\s+over)",
    re.I,
)


def age_band_limits(label: pd.Series) -> tuple[pd.Series, pd.Series]:
    """('Aged 16 to 24 years' -> 16, 24); 'Aged 15 years and under' -> 0, 15; '... and over' -> n, 90."""
    parts = label.str.extract(BAND)
    lo = pd.to_numeric(parts["lo"]).fillna(0).where(parts["over"].isna(), pd.to_numeric(parts["over"]))
    hi = pd.to_numeric(parts["hi"]).fillna(pd.to_numeric(parts["under"])).where(parts["over"].isna(), 90)
    unparsed = parts.isna().all(axis=1)
    return lo.where(~unparsed), hi.where(~unparsed)


def read_census(path: Path, options: dict[str, Any], context: object = None) -> Parsed:
    cols = {"lsoa_code": ["lsoa21_code", "lsoa21cd", "geography code", "lsoa_code"],
            "age_group": ["age_group", "age"], "usual_residents": ["usual_residents", "observation", "count"]}
    frame = read_delimited(path, list(cols.values()))
    frame = match_columns(frame, path, cols)
    lo, hi = age_band_limits(frame["age_group"])
    frame = frame.assign(age_from=lo, age_to=hi, population=parse_number(frame["usual_residents"]),
                         lsoa_code=frame["lsoa_code"].str.strip())
    screen = Screen(frame)
    screen.rule(~is_gss(frame["lsoa_code"]), "lsoa_code", "not a GSS code")
    screen.rule(frame["age_from"].isna(), "age_group", "age band not recognised (e.g. 'Aged 16 to 24 years')")
    screen.rule(frame["population"].isna() | (frame["population"] < 0), "usual_residents", "count missing or negative")
    screen.rule(frame.duplicated(["lsoa_code", "age_group"], keep="first"), "age_group", "duplicate LSOA and age band")
    good, quarantine = screen.split()
    out = pd.DataFrame({
        "line": good["__line__"], "lsoa_code": good["lsoa_code"], "vintage": int(options.get("vintage", 2021)),
        "age_band": good["age_group"], "age_from": good["age_from"].astype("int64"),
        "age_to": good["age_to"].astype("int64"), "population": good["population"].astype(float),
    })
    return Parsed(out, quarantine, len(frame), CENSUS_TABLE)
