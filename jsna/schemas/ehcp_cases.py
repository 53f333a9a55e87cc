"""Contract of case-level EHC needs assessment rows as they land (after pseudonymisation).

Values are checked, not storage types (the adapter has already parsed them); a row failing any check
goes to quarantine under the check's name."""

from __future__ import annotations

import pandera.pandas as pa

from jsna.schemas.vocab import DECISIONS, OUTCOMES, PLACEMENTS, PRIMARY_NEEDS, TRANSFERS


def _one_of(values: list[str]) -> pa.Column:
    return pa.Column(None, pa.Check.isin(values), nullable=True)


EHCP_CASES = pa.DataFrameSchema(
    {
        "child_key": pa.Column(None, pa.Check.str_matches(r"^[0-9a-f]{32}$")),
        "age_at_request": pa.Column(None, pa.Check.in_range(0, 25)),
        "age_at_31aug": pa.Column(None, pa.Check.in_range(0, 25)),
        "decision": _one_of(sorted(set(DECISIONS.values()))),
        "assessment_outcome": _one_of(sorted(set(OUTCOMES.values()))),
        "sex": _one_of(["F", "M"]),
        "primary_need": _one_of(sorted(PRIMARY_NEEDS)),
        "placement": _one_of([*sorted(set(PLACEMENTS.values())), "other"]),
        "transfer": _one_of(sorted(set(TRANSFERS.values()))),
        "lsoa_code": pa.Column(None, pa.Check.str_matches(r"^[EWSNKX]\d{8}$"), nullable=True),  # None: unplaced
    },
    strict=False,
)
