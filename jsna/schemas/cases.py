"""Contracts of the health and social care case rows as they land (after pseudonymisation): waiting
lists, EHC health-advice returns and the disabled children's team caseload.

Values are checked, not storage types (the adapters have already parsed them); a row failing any check
goes to quarantine under the check's name."""

from __future__ import annotations

import pandera.pandas as pa

from jsna.schemas.health_vocab import DIAGNOSIS_OUTCOMES, DISABILITIES, PATHWAYS

KEY = r"^[0-9a-f]{32}$"
GSS = r"^[EWSNKX]\d{8}$"
ODS = r"^[A-Z0-9]{3,9}$"  # NHS organisation (ODS) codes: trusts have three characters, sites five


def _one_of(values: list[str], nullable: bool = True) -> pa.Column:
    return pa.Column(None, pa.Check.isin(values), nullable=nullable)


def _key(nullable: bool = False) -> pa.Column:
    return pa.Column(None, pa.Check.str_matches(KEY), nullable=nullable)


WAITING_LIST = pa.DataFrameSchema(
    {
        "child_key": _key(),
        "referral_key": _key(),
        "pathway": _one_of(sorted(set(PATHWAYS.values())), nullable=False),
        "outcome": _one_of(sorted(set(DIAGNOSIS_OUTCOMES.values()))),
        "age_at_referral": pa.Column(None, pa.Check.in_range(0, 25)),
        "sex": _one_of(["F", "M"]),
        "lsoa_code": pa.Column(None, pa.Check.str_matches(GSS)),
    },
    strict=False,
)

ADVICE_RETURNS = pa.DataFrameSchema(
    {
        "case_key": _key(),
        "trust_code": pa.Column(None, pa.Check.str_matches(ODS)),
    },
    strict=False,
)

SOCIAL_CARE_CASES = pa.DataFrameSchema(
    {
        "child_key": _key(),
        "age_at_start": pa.Column(None, pa.Check.in_range(0, 25)),
        "sex": _one_of(["F", "M"]),
        "primary_disability": _one_of(sorted(set(DISABILITIES.values()))),
        "lsoa_code": pa.Column(None, pa.Check.str_matches(GSS)),
    },
    strict=False,
)
