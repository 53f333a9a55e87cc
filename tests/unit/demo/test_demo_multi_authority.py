"""The England-scale code paths on a small place: several regions, counties with districts, unitaries."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from jsna.demo.generator import generate_spec
from jsna.demo.people import nhs_check_digit, nhs_numbers
from jsna.demo.spec import ENGLAND, ENGLAND_CASELOAD

SMALL = dataclasses.replace(
    ENGLAND, n_lsoa=2_400, radius=70_000.0, n_towns=40, university_towns=3, n_regions=2, n_counties=2,
    n_unitaries=6, county_lsoas=(250, 400), demoshire_lsoas=350, demoshire_districts=5,
    caseload={y: v * 2_400 / 32_844 for y, v in ENGLAND_CASELOAD.items()},
)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo_small_england")
    generate_spec(out, SMALL, 7)
    return out


def _read(folder: Path, rel: str) -> pd.DataFrame:
    return pd.read_csv(folder / rel, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def test_authorities_and_codes(small: Path) -> None:
    lt = _read(small, "lookups/ltla_utla23.csv")
    unitary = lt["LTLA23CD"].str.startswith("X06")
    assert unitary.sum() == 6 and (lt.loc[unitary, "LTLA23CD"] == lt.loc[unitary, "UTLA23CD"]).all()
    districts = lt[~unitary]
    assert districts["LTLA23CD"].str.fullmatch(r"X07\d{6}").all()
    assert districts["UTLA23CD"].nunique() == 2 and districts["UTLA23CD"].str.startswith("X10").all()
    assert (districts.groupby("UTLA23CD").size() >= 3).all()
    demo = districts[districts["UTLA23CD"] == "X10000001"]
    assert set(demo["UTLA23NM"]) == {"Demoshire"} and len(demo) == 5
    rg = _read(small, "lookups/lad23_rgn23.csv")
    assert rg["RGN23CD"].nunique() == 2
    toml = (small / "jsna.toml").read_text(encoding="utf-8")
    assert 'name = "Demo England"' in toml and 'area_code = "X10000001"' in toml


def test_mye_geographies_sum(small: Path) -> None:
    mye = _read(small, "population/myeb1_lad.csv")
    mye["n"] = mye["population_2025"].astype(int)
    kinds = mye.drop_duplicates("code")["geography"].value_counts()
    assert kinds["Unitary Authority"] == 6 and kinds["County"] == 2 and kinds["Region"] == 2
    lads = mye[mye["geography"].isin(["Unitary Authority", "Non-metropolitan District"])]
    assert lads["n"].sum() == mye.loc[mye["geography"] == "Country", "n"].sum()
    assert mye.loc[mye["geography"] == "Region", "n"].sum() == lads["n"].sum()


def test_every_authority_has_plans_and_schools(small: Path) -> None:
    ehcp = _read(small, "education/ehcp_cases.csv")
    pc = _read(small, "postcodes/onspd_demo.csv")[["pcds", "oslaua"]]
    lt = _read(small, "lookups/ltla_utla23.csv")[["LTLA23CD", "UTLA23CD"]]
    where = ehcp.merge(pc, left_on="Postcode", right_on="pcds").merge(lt, left_on="oslaua", right_on="LTLA23CD")
    assert len(where) == len(ehcp) and where["UTLA23CD"].nunique() == 8
    final = pd.to_datetime(ehcp["Final Issue Date"].replace("", None), format="%d/%m/%Y")
    ceased = pd.to_datetime(ehcp["Ceased Date"].replace("", None), format="%d/%m/%Y")
    census = pd.Timestamp(2025, 1, 18)
    held = ((final <= census) & (ceased.isna() | (ceased > census))).sum()
    assert abs(held / SMALL.caseload[2025] - 1) < 0.05
    gias = pd.read_csv(small / "schools" / "edubasealldata_demo.csv", dtype=str, encoding="cp1252")
    assert gias["LA (code)"].nunique() == 8


def testnhs_numbers_stay_distinct_within_authorities_beyond_the_test_range() -> None:
    utla = np.repeat([0, 1], 600_000)
    nhs = nhs_numbers(utla, np.random.default_rng(1))
    for u in (0, 1):
        part = nhs[utla == u]
        assert len(np.unique(part)) == len(part)
    assert (nhs // 10_000_000 == 999).all()
    assert (nhs_check_digit(nhs // 10) == nhs % 10).all()


def test_benchmarks_are_the_place_s_own_authorities(small: Path) -> None:
    """Where the demo holds several authorities (the England scale's code paths), DfE's files publish those, each
    counted from its own cases, adding up to England; each has the others (here fewer than ten) as neighbours."""
    from jsna.demo import benchmarks

    c = _read(small, f"{benchmarks.RELEASE}/caseload.csv")
    las = c[c["geographic_level"] == "Local authority"]
    lt = _read(small, "lookups/ltla_utla23.csv")
    assert set(las["new_la_code"]) == set(lt["UTLA23CD"])
    latest = c[c["time_period"] == "202425"]
    national = int(latest.loc[latest["geographic_level"] == "National", "ehcplans"].iloc[0])
    assert national == latest.loc[latest["geographic_level"] == "Local authority", "ehcplans"].astype(int).sum() > 0
    sn = _read(small, benchmarks.SN_2025)
    assert len(sn) == 8 and "SN_7" in sn.columns and "SN_8" not in sn.columns
    assert (sn["old_la_code"] != sn["SN_1"]).all()


def test_each_authority_sends_its_own_sen2_return(small: Path) -> None:
    """Given a demo of several authorities, then each authority's requests come in a return of its own (headed with
    its LA number), declared by one pattern; together they hold every request of the extract, each child in one."""
    from jsna.demo import sen2
    from jsna.sources.sen2_return.xml import read_xml

    assert not (small / sen2.PATH).exists()
    assert f'path = "{sen2.PATTERN}"' in (small / "jsna.toml").read_text(encoding="utf-8")
    files = sorted((small / sen2.FOLDER).glob("*.xml"))
    read = [read_xml(f) for f in files]
    numbers = [m.header.la for m in read]
    assert [f.name for f in files] == [f"sen2_{n}.xml" for n in numbers] and len(set(numbers)) == 8
    cases = _read(small, "education/ehcp_cases.csv")
    assert sum(len(m.tables["requests"]) for m in read) == len(cases)
    upns = [set(m.tables["person"]["UPN"]) for m in read]
    assert sum(map(len, upns)) == len(set().union(*upns)) == cases["UPN"].nunique()
