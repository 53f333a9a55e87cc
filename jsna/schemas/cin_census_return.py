"""The Children in Need census return (DfE's child-level XML, schemas 2016 onward): its code lists and
the contract of its items as they land (one row per referral, assessment, CIN plan, section 47 enquiry
and child protection plan, after pseudonymisation).

Code lists from DfE's "Children in need census: technical specification" (the same in every year's
schema since 2016, except CIN plan dates, first returned for 2021-22, and `TRUE`/`FALSE` flags, accepted
until 2020-21). Values are checked, not storage types; a row failing a check goes to quarantine."""

from __future__ import annotations

from pathlib import Path

import pandera.pandas as pa

from jsna.schemas.cases import GSS, KEY

# The census years whose schema jsna reads (the year of the 31 March the return ends on).
YEARS = range(2016, 2027)
XSD_DIR = Path(__file__).with_name("cin_census")

GENDER = {"1": "M", "2": "F", "0": None, "9": None}  # 0 not recorded or unborn, 9 indeterminate
DISABILITIES = frozenset({"NONE", "MOB", "HAND", "PC", "INC", "COMM", "LD", "HEAR", "VIS", "BEH", "CON", "AUT",
                          "DDA"})
REFERRAL_SOURCES = frozenset({"1A", "1B", "1C", "1D", "2A", "2B", "3A", "3B", "3C", "3D", "3E", "3F", "4", "5A",
                              "5B", "5C", "6", "7", "8", "9", "10"})
PRIMARY_NEEDS = frozenset({f"N{i}" for i in range(10)})
CLOSURE_REASONS = frozenset({f"RC{i}" for i in range(1, 9)})
ABUSE_CATEGORIES = frozenset({"NEG", "PHY", "SAB", "EMO", "MUL"})
FACTORS = frozenset({"1A", "1B", "1C", "2A", "2B", "2C", "3A", "3B", "3C", "4A", "4B", "4C", "5A", "5B", "5C",
                     "6A", "6B", "6C", "7A", "8B", "8C", "8D", "8E", "8F", "9A", "10A", "11A", "12A", "13A",
                     "14A", "15A", "16A", "17A", "18B", "18C", "19B", "19C", "20", "21", "22A", "23A", "24A"})
FLAGS = {"true": True, "1": True, "false": False, "0": False}
UPN = r"^[A-Za-z]\d{12}$|^[A-Za-z]\d{11}[A-Za-z]$"

RECORDS = ["referral", "assessment", "cin_plan", "section47", "cp_plan"]

CIN_CENSUS_RETURN = pa.DataFrameSchema(
    {
        "child_key": pa.Column(None, pa.Check.str_matches(KEY)),
        "record": pa.Column(None, pa.Check.isin(RECORDS)),
        "census_year": pa.Column(None, pa.Check.isin(list(YEARS))),
        "age_at_start": pa.Column(None, pa.Check.in_range(0, 25), nullable=True),
        "age_at_census": pa.Column(None, pa.Check.in_range(0, 25), nullable=True),
        "sex": pa.Column(None, pa.Check.isin(["F", "M"]), nullable=True),
        "lsoa_code": pa.Column(None, pa.Check.str_matches(GSS), nullable=True),
    },
    strict=False,
)
