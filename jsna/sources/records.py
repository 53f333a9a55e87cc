"""Steps the case-level adapters repeat after `people`: read the table and match its columns, key the
child and place the home, code text against a vocabulary, screen ages, then validate the contract and
split the rows. Like `people`, nothing here lets a clear identifier out of the adapter."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from jsna.errors import SourceError
from jsna.sources.base import Parsed, Screen, match_columns, parse_date, read_table
from jsna.sources.context import ReadContext
from jsna.sources.people import REDACTED, child_keys, place_homes

WITHHELD = "[withheld]"


def read_records(path: Path, required: Mapping[str, Sequence[str]], optional: Mapping[str, Sequence[str]],
                 also_expect: Sequence[str] = (), columns: Mapping[str, str] | None = None) -> pd.DataFrame:
    """A delivered CSV or workbook with its columns renamed to canonical names (every optional column
    present, blank when the file lacks it). The header is found from the required columns and any
    optional ones named in `also_expect` (or from the file's own headers that jsna.toml's `columns`
    maps fields to); one SourceError names every missing required column."""
    expect = [[*a, c] for c, a in required.items()] + [[*optional[c], c] for c in also_expect]
    frame = read_table(path, expect, identifying=True, columns=columns)
    return match_columns(frame, path, required, optional, columns)


def key_children(frame: pd.DataFrame, context: ReadContext | None, path: object, place: bool = True) -> None:
    """Add `child_key` (keyed hash), `dob_parsed` (when the file has a date of birth) and, if `place`,
    `lsoa_code` (home LSOA or None) to `frame` in place."""
    if context is None:
        raise SourceError(path, "child-level files need a read context (run them through the pipeline).")
    frame["child_key"] = child_keys(frame, context, path)
    if "dob" in frame:
        frame["dob_parsed"] = parse_date(frame["dob"])
    if place:
        frame["lsoa_code"] = place_homes(frame, context)


def local_keys(local_ids: pd.Series, context: ReadContext, path: object = "(local ids)") -> pd.Series:
    """The key a child gets from the local authority's own case reference alone (as when a file carries
    no NHS number or UPN): the same hash ehcp_cases gives a Child ID when the row has nothing stronger."""
    if context.pseudonymiser is None:
        raise SourceError(path, "child-level files need a pseudonymisation key (JSNA_PSEUDONYM_KEY).")
    return context.pseudonymiser.child_key(local_id=local_ids)


def screen_unkeyed(screen: Screen, frame: pd.DataFrame) -> None:
    """Rows with an identifier that normalises to nothing (an NHS number without 10 digits, say)."""
    screen.rule(frame["child_key"].isna(), "child_id",
                "identifier not usable (NHS number must have 10 digits and pass the modulus 11 check)",
                pd.Series(REDACTED, index=frame.index))


def coded(s: pd.Series, mapping: Mapping[str, str]) -> tuple[pd.Series, pd.Series]:
    """(code, unknown) for a text column against a vocabulary keyed by lower-case labels; blanks are
    missing, not unknown."""
    t = s.fillna("").astype(str).str.strip().str.lower().str.replace(r"\s+", " ", regex=True)
    code = t.map(mapping).astype(object).where(lambda c: c.notna(), None)
    return code, code.isna() & (t != "")


def text(s: pd.Series, upper: bool = False) -> pd.Series:
    """Stripped text (upper-cased if asked), None for blanks."""
    t = s.fillna("").astype(str).str.strip()
    if upper:
        t = t.str.upper()
    return t.astype(object).where(t != "", None)


def sex_codes(s: pd.Series) -> pd.Series:
    """'F' or 'M' (from F/M/Female/Male in any case), otherwise None."""
    first = s.fillna("").astype(str).str.strip().str.upper().str[:1]
    return first.astype(object).where(first.isin(["F", "M"]), None)


def screen_age(screen: Screen, age: pd.Series, event: str) -> None:
    """Ages must fall in the 0-25 range SEND covers; the date of birth is never shown."""
    withheld = pd.Series(WITHHELD, index=age.index)
    screen.rule(age < 0, "dob", f"date of birth after the {event}", withheld)
    screen.rule(age > 25, "dob", f"over 25 at the {event}", withheld)


def screen_after(screen: Screen, frame: pd.DataFrame, later: str, earlier: str, rule: str) -> None:
    """Quarantine rows whose `<later>_parsed` date falls before their `<earlier>_parsed` date."""
    screen.rule(frame[later + "_parsed"] < frame[earlier + "_parsed"], later, rule)


def finish(screen: Screen, out: pd.DataFrame, schema: pa.DataFrameSchema, checked: Sequence[str], raw_table: str,
           unique: tuple[Sequence[str], str, str] | None = None, integers: Sequence[str] = (),
           free_text: Sequence[str] = ()) -> Parsed:
    """Quarantine rows whose `free_text` columns hold an identifier (they would land in clear);
    validate the output values named in `checked` against the contract (failures to quarantine);
    then, if `unique` = (columns, column shown, rule), quarantine all but the first of the surviving rows
    sharing those columns' values (so a duplicate never displaces a good row); keep the rows that
    passed every rule, with `integers` as plain int64."""
    screen.identifiers_in(free_text)
    screen.frame = screen.frame.assign(**{c: out[c] for c in checked})
    screen.validate(schema)
    if unique is not None:
        columns, shown, rule = unique
        alive = ~screen.failed
        dup = pd.Series(False, index=out.index)
        dup[alive] = out.loc[alive].duplicated(list(columns), keep="first")
        screen.rule(dup, shown, rule)
    good, quarantine = screen.split()
    out = out.loc[good.index]
    for col in integers:
        out[col] = out[col].astype("int64")
    return Parsed(out.reset_index(drop=True), quarantine, len(screen.frame), raw_table)
