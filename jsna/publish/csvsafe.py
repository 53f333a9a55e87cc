"""CSV files safe to open in a spreadsheet (OWASP's advice against CSV injection): a text cell that
starts with =, +, -, @, a tab or a carriage return is read by Excel as a formula, so it gets a leading
single quote. Numbers, dates and missing values are not text and stay as they are."""

from __future__ import annotations

import pandas as pd
from pandas.api.types import is_bool_dtype, is_datetime64_any_dtype, is_numeric_dtype

#: the first characters that make a spreadsheet read a cell as a formula
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_text(value: object) -> object:
    """`value` with a single quote before it when it is text a spreadsheet would read as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` whose text cells are safe in a spreadsheet (numeric columns untouched)."""
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if is_numeric_dtype(values) or is_bool_dtype(values) or is_datetime64_any_dtype(values):
            continue
        out[column] = values.map(neutralise_text)
    out.columns = [neutralise_text(c) for c in out.columns]
    return out


def to_csv(frame: pd.DataFrame) -> str:
    """`frame` as CSV text (no index), its text cells neutralised, rows ended by CRLF as RFC 4180 has it (so
    that a cell holding a carriage return is quoted, and stays one cell)."""
    return neutralise(frame).to_csv(index=False, lineterminator="\r\n")
