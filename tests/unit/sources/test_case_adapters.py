"""The case-level adapters on the demo county: every row accounted for, no identifier leaves the adapter,
and the same child carries the same key in education, health and social care files."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from jsna.sources import advice_returns, ehcp_cases, postcodes, social_care_cases, waiting_list
from jsna.sources.base import Parsed
from jsna.sources.context import Placement, ReadContext
from jsna.sources.identity import Pseudonymiser
from jsna.sources.records import local_keys

FILES: dict[str, tuple[Callable[..., Parsed], str]] = {
    "ehcp_cases": (ehcp_cases.read, "education/ehcp_cases.csv"),
    "waiting_list": (waiting_list.read, "health/waiting_list.csv"),
    "advice_returns": (advice_returns.read, "health/ehc_advice_returns.csv"),
    "social_care_cases": (social_care_cases.read, "social_care/disabled_children_team.csv"),
}
IDENTIFYING = ("Child ID", "Person ID", "LA Case Reference", "UPN", "NHS Number", "Referral ID", "Forename",
               "Surname", "Date of Birth", "Postcode")
# Structured identifiers found inside longer text: NHS numbers, UPNs, person and referral ids, postcodes, dates.
TOKENS = re.compile(r"\d{10}|X\d{12}|[PR]\d{7,8}|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}|\d\d/\d\d/\d{4}")
CLEAR_COLUMNS = {"child_id", "upn", "nhs_number", "referral_id", "forename", "surname", "dob", "postcode"}


def demo_context(demo: Path) -> ReadContext:
    """The ReadContext the pipeline builds for the demo: its LSOAs, postcode directory and demo key."""
    lsoas = gpd.read_file(demo / "boundaries" / "lsoa21.gpkg").rename(columns={"LSOA21CD": "area_code"})
    directory = postcodes.directory(postcodes.read(demo / "postcodes" / "onspd_demo.csv", {}).frame)
    placement = Placement(lsoas=lsoas[["area_code", "geometry"]], vintage=2021, postcodes=directory,
                          known=set(lsoas["area_code"]))
    return ReadContext(placement, Pseudonymiser(None, demo=True))


@pytest.fixture(scope="module")
def context(demo_dir: Path) -> ReadContext:
    return demo_context(demo_dir)


@pytest.fixture(scope="module")
def raw(demo_dir: Path) -> dict[str, pd.DataFrame]:
    """Each input file as text, indexed by its line number in the file."""
    out = {}
    for kind, (_, rel) in FILES.items():
        frame = pd.read_csv(demo_dir / rel, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        out[kind] = frame.set_index(pd.RangeIndex(2, len(frame) + 2))
    return out


@pytest.fixture(scope="module")
def parsed(demo_dir: Path, context: ReadContext) -> dict[str, Parsed]:
    return {kind: read(demo_dir / rel, {}, context) for kind, (read, rel) in FILES.items()}


def keys_by(parsed: Parsed, raw: pd.DataFrame, column: str, key: str = "child_key") -> pd.Series:
    """Output keys (`key`) indexed by the input's clear identifier in `column` (joined on line)."""
    f = parsed.frame
    return pd.Series(f[key].to_numpy(), index=raw.loc[f["line"], column].to_numpy())


@pytest.mark.parametrize("kind", list(FILES))
def test_the_clean_demo_file_loads_every_row(parsed: dict[str, Parsed], raw: dict[str, pd.DataFrame],
                                             kind: str) -> None:
    """Given the demo county's file, when its adapter reads it, then every row is loaded and none quarantined."""
    p = parsed[kind]
    assert p.rows_in == len(raw[kind]) == p.rows_loaded + len(p.quarantine)
    assert p.quarantine.empty, p.quarantine.groupby("rule").size().to_dict()
    assert p.rows_loaded == len(p.frame) and p.frame["line"].is_unique
    key = "case_key" if kind == "advice_returns" else "child_key"
    assert p.frame[key].str.fullmatch(r"[0-9a-f]{32}").all()


@pytest.mark.parametrize(("kind", "columns"), [
    ("waiting_list", ["line", "child_key", "referral_key", "pathway", "provider", "gp_practice", "referral_date",
                      "first_contact_date", "assessment_date", "outcome", "discharge_date", "age_at_referral",
                      "sex", "lsoa_code", "vintage"]),
    ("advice_returns", ["line", "trust_code", "trust_name", "case_key", "child_key", "request_date", "due_date",
                        "returned_date"]),
    ("social_care_cases", ["line", "child_key", "start_date", "end_date", "age_at_start", "sex",
                           "primary_disability", "short_breaks", "lsoa_code", "vintage"]),
])
def test_frames_have_the_raw_table_columns_and_values(parsed: dict[str, Parsed], kind: str,
                                                      columns: list[str]) -> None:
    """Given a loaded file, then its frame has exactly the raw table's columns, coded values and sane types."""
    p = parsed[kind]
    assert p.raw_table == kind and list(p.frame.columns) == columns
    f = p.frame
    if kind == "waiting_list":
        assert set(f["pathway"]) == {"asc", "adhd", "camhs"}
        assert set(f["outcome"].dropna()) == {"diagnosed", "not_diagnosed"}
        assert f.loc[f["pathway"] == "camhs", "outcome"].isna().all()
        assert f["age_at_referral"].dtype == "int64" and f["age_at_referral"].between(0, 25).all()
        assert f["referral_key"].is_unique and not f["referral_key"].isin(f["child_key"]).any()
        assert (f["assessment_date"].dropna() >= f.loc[f["assessment_date"].notna(), "referral_date"]).all()
    elif kind == "advice_returns":
        assert (f["due_date"] - f["request_date"]).dt.days.eq(42).all()
        assert (f["returned_date"].dropna() >= f.loc[f["returned_date"].notna(), "request_date"]).all()
        assert f["trust_code"].str.fullmatch(r"[A-Z0-9]{3,9}").all()
    else:
        assert f["short_breaks"].dtype == bool and 0.3 < f["short_breaks"].mean() < 0.8
        assert f["age_at_start"].dtype == "int64" and f["age_at_start"].between(0, 25).all()
        assert f["primary_disability"].notna().all() and "autism" in set(f["primary_disability"])
    if "lsoa_code" in f:
        assert f["lsoa_code"].str.fullmatch(r"X01\d{6}").all() and (f["vintage"] == 2021).all()
    if "sex" in f:
        assert set(f["sex"].dropna()) == {"F", "M"}


@pytest.mark.parametrize("kind", list(FILES))
def test_no_identifier_leaves_the_adapter(parsed: dict[str, Parsed], raw: dict[str, pd.DataFrame],
                                          kind: str) -> None:
    """Given a file of named children, when read, then no text value of the frame is (or holds) one of
    the input's NHS numbers, UPNs, local or referral ids, names, postcodes or dates of birth, and no
    date column is the date of birth."""
    r, f = raw[kind], parsed[kind].frame
    assert not CLEAR_COLUMNS & set(f.columns)
    clear: set[str] = set()
    for col in IDENTIFYING:
        if col in r:
            values = r[col].str.strip()
            clear |= set(values[values != ""])
    assert len(clear) > 1000
    for col in f.columns:
        if pd.api.types.is_datetime64_any_dtype(f[col]) or pd.api.types.is_numeric_dtype(f[col]):
            continue
        values = pd.unique(f[col].dropna().astype(str).to_numpy())
        assert not clear.intersection(values), f"{col} holds an input identifier"
        tokens = set(TOKENS.findall("\n".join(values)))
        assert not clear & tokens, f"{col} holds an input identifier inside its text"
    if "Date of Birth" in r:
        dob = pd.to_datetime(r.loc[f["line"], "Date of Birth"], format="%d/%m/%Y").to_numpy()
        for col in f.columns:
            if pd.api.types.is_datetime64_any_dtype(f[col]):
                assert (f[col].to_numpy() == dob).mean() < 0.001, f"{col} looks like the date of birth"


def test_the_same_child_has_the_same_key_in_education_health_and_social_care(
    parsed: dict[str, Parsed], raw: dict[str, pd.DataFrame]
) -> None:
    """Given children recorded by NHS number in the EHC, waiting-list and social care files, when read,
    then every NHS number gets one key everywhere, and the files overlap as the county's services do."""
    ehcp = keys_by(parsed["ehcp_cases"], raw["ehcp_cases"], "NHS Number")
    for kind in ("waiting_list", "social_care_cases"):
        other = keys_by(parsed[kind], raw[kind], "NHS Number")
        shared = ehcp.index.intersection(other.index).unique()
        assert len(shared) > 1000
        a = ehcp[~ehcp.index.duplicated()].loc[shared]
        b = other[~other.index.duplicated()].loc[shared]
        assert (a.to_numpy() == b.to_numpy()).all()
        assert other.groupby(level=0).nunique().eq(1).all()  # one key per child within the file too
    with_request = set(parsed["ehcp_cases"].frame["child_key"])
    social = set(parsed["social_care_cases"].frame["child_key"])
    assert len(social & with_request) / len(social) > 0.5  # most of the team's children have an EHC request
    waits = parsed["waiting_list"].frame
    asc = set(waits.loc[waits["pathway"] == "asc", "child_key"])
    assert len(asc & with_request) > 1000  # diagnosed autistic children who went on to request an assessment


def test_advice_returns_key_the_child_by_the_la_case_reference(
    parsed: dict[str, Parsed], raw: dict[str, pd.DataFrame], context: ReadContext
) -> None:
    """Given advice returns naming children by the LA case reference (the EHC file's Child ID), when read,
    then each child's key is the one its Child ID alone gives, and every return is for a requested child."""
    advice = keys_by(parsed["advice_returns"], raw["advice_returns"], "LA Case Reference", key="case_key")
    ehcp_ids = raw["ehcp_cases"]["Child ID"].drop_duplicates()
    by_child_id = pd.Series(local_keys(ehcp_ids, context).to_numpy(), index=ehcp_ids.to_numpy())
    assert advice.index.isin(by_child_id.index).all()
    assert (advice.to_numpy() == by_child_id.loc[advice.index].to_numpy()).all()
    assert advice.nunique() > 5000


def test_advice_returns_key_the_child_by_the_upn_as_a_sen2_return_does(
    parsed: dict[str, Parsed], raw: dict[str, pd.DataFrame], context: ReadContext
) -> None:
    """Given advice returns that give the child's UPN beside the case reference, when read, then child_key is the
    key the UPN alone gives (as a SEN2 return keys a child with a UPN), not the case reference's."""
    advice = keys_by(parsed["advice_returns"], raw["advice_returns"], "UPN")
    assert context.pseudonymiser is not None
    by_upn = context.pseudonymiser.child_key(upn=pd.Series(advice.index))
    assert (advice.to_numpy() == by_upn.to_numpy()).all() and advice.nunique() > 5000
    assert not (advice.to_numpy() == parsed["advice_returns"].frame["case_key"].to_numpy()).any()


def test_advice_returns_join_ehcp_cases_on_case_key(parsed: dict[str, Parsed]) -> None:
    """Given the EHC file and the advice returns for the same requests, when both are read, then every
    advice return's case key is the case key of an EHC request (the authority's case reference)."""
    requested = set(parsed["ehcp_cases"].frame["case_key"].dropna())
    assert parsed["advice_returns"].frame["case_key"].isin(requested).all()
