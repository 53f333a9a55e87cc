"""A table cell as the board reads it: one wording for the dashboards' HTML tables and the packs' tables."""

from __future__ import annotations

from typing import Any

import pandas as pd

from jsna.publish.formatting import missing


def cell_text(value: Any, decimals: int | None, na_rep: str) -> str:
    """A value as shown: missing -> `na_rep`; whole numbers with thousands separators; other numbers to
    `decimals` places (1 unless given); text as it is."""
    if value is None or value is pd.NA or missing(value):
        return na_rep
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int) or (isinstance(value, float) and decimals is None and float(value).is_integer()):
        return f"{int(value):,}"
    if isinstance(value, float):
        return f"{value:,.{1 if decimals is None else decimals}f}"
    try:  # numpy and pandas scalars
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    return cell_text(int(number) if number.is_integer() and decimals is None else number, decimals, na_rep)
