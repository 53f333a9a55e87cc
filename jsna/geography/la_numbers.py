"""DfE's three-digit local authority numbers and the GSS codes DfE gives them (la_numbers.csv beside this
module, derived from DfE's 2025 EHC plans release; its header says how)."""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

LOOKUP = Path(__file__).with_name("la_numbers.csv")


@lru_cache(maxsize=1)
def la_numbers() -> dict[str, str]:
    """DfE LA number ('850') -> GSS code ('E10000014')."""
    with LOOKUP.open(encoding="utf-8") as f:
        rows = csv.DictReader(line for line in f if not line.startswith("#"))
        return {row["old_la_code"]: row["new_la_code"] for row in rows}


def gss_of_la_number(number: str) -> str | None:
    """The GSS code of a DfE LA number (None when DfE's list does not hold it)."""
    return la_numbers().get(number.strip())
