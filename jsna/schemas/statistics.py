"""Contract of published aggregate statistics as they land: one long row per (input row x measure).

Every statistics adapter (DfE explore-education-statistics files, NHS Autism Statistics, MHSDS,
community health waiting lists) returns these columns; rows failing a check are quarantined whole
(the input row they came from) under the check's name."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

LONG_COLUMNS = [
    "line", "dataset", "time_period", "time_identifier", "geographic_level", "area_code", "area_name",
    "old_la_code", "breakdown_topic", "breakdown", "measure", "value", "symbol",
]

# Publishers' special values: kept as the symbol, the value left missing (never read as zero).
SYMBOLS = {
    "c": "confidential: suppressed to protect individuals (DfE)",
    "k": "rounds to zero but is not zero (DfE)",
    "low": "rounds to zero but is not zero (DfE)",
    "u": "low reliability (DfE)",
    "x": "not available / unavailable (DfE)",
    "z": "not applicable (DfE)",
    ":": "not available (older DfE and ONS tables)",
    "..": "not available (older DfE and ONS tables)",
    "-": "nil or not applicable (older tables)",
    "~": "fewer than 5, or rounds to zero (older DfE tables)",
    "*": "suppressed small number (NHS England)",
}

GEOGRAPHIC_LEVELS = [
    "National", "Regional", "Local authority", "Local authority district", "Parliamentary constituency",
    "Local skills improvement plan area", "Ward", "School", "Provider", "NHS region", "ICB", "Sub-ICB", "CCG", "STP",
]

# A period as published: a year (2024), an academic or financial year (202425) or a month (2023-03).
PERIOD = r"^(\d{4}|\d{6}|\d{4}-(0[1-9]|1[0-2]))$"


def _two_year_periods_consecutive(period: pd.Series) -> pd.Series:
    """202425 is fine, 202427 is not: the second year of a six-digit period follows the first."""
    period = period.astype(str)
    u = pd.Series(period.unique(), dtype="str")
    six = u[u.str.fullmatch(r"\d{6}")]
    wrong = six[(pd.to_numeric(six.str[:4]) + 1) % 100 != pd.to_numeric(six.str[4:])]
    return ~period.isin(list(wrong))


def _value_iff_no_symbol(frame: pd.DataFrame) -> pd.Series:
    return frame["value"].isna() == frame["symbol"].notna()


def _text(*checks: pa.Check, nullable: bool = False) -> pa.Column:
    return pa.Column(None, [*checks], nullable=nullable)


STATISTICS = pa.DataFrameSchema(
    {
        "line": pa.Column(None, pa.Check.ge(1)),
        "dataset": _text(pa.Check.str_matches(r"^[a-z0-9_]+(:[A-Za-z0-9_.\- ]+)?$")),
        "time_period": _text(pa.Check.str_matches(PERIOD),
                             pa.Check(_two_year_periods_consecutive, name="two_year_period_consecutive")),
        "time_identifier": _text(pa.Check.str_length(min_value=1)),
        "geographic_level": _text(pa.Check.isin(GEOGRAPHIC_LEVELS)),
        "area_code": _text(pa.Check.str_length(min_value=1)),
        "area_name": _text(nullable=True),
        "old_la_code": _text(pa.Check.str_matches(r"^\d{3}$"), nullable=True),
        "breakdown_topic": _text(pa.Check.str_length(min_value=1)),
        "breakdown": _text(pa.Check.str_length(min_value=1)),
        "measure": _text(pa.Check.str_length(min_value=1), pa.Check(lambda s: s == s.str.lower(),
                                                                     name="lower_case")),
        "value": pa.Column(float, nullable=True),
        "symbol": _text(pa.Check.isin(list(SYMBOLS)), nullable=True),
    },
    checks=[pa.Check(_value_iff_no_symbol, name="value_missing_iff_symbol")],
    strict=False,
)
