"""Mid-year estimates and Census 2021 age bands: layouts, exact sums, realistic structure."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pytest

YEARS = [f"population_{y}" for y in range(2015, 2026)]
BANDS = ["Aged 15 years and under", "Aged 16 to 24 years", "Aged 25 to 34 years", "Aged 35 to 49 years",
         "Aged 50 to 64 years", "Aged 65 years and over"]


@pytest.fixture(scope="module")
def mye(read: Callable[..., pd.DataFrame]) -> pd.DataFrame:
    df = read("population/myeb1_lad.csv")
    df[YEARS] = df[YEARS].astype(int)
    df["age"] = df["age"].astype(int)
    return df


def test_mye_layout(mye: pd.DataFrame) -> None:
    assert list(mye.columns) == ["code", "name", "geography", "sex", "age", *YEARS]
    assert set(mye["sex"]) == {"M", "F"}
    assert sorted(mye["age"].unique()) == list(range(91))
    assert mye.groupby(["code", "sex"]).size().eq(91).all()
    kinds = mye.drop_duplicates("code").set_index("code")["geography"]
    assert (kinds[kinds.index.str.startswith("X07")] == "Non-metropolitan District").all()
    assert kinds["X10000001"] == "County" and kinds["X92000001"] == "Country"
    assert (kinds[kinds.index.str.startswith("X12")] == "Region").all()


def test_mye_levels_sum_exactly(mye: pd.DataFrame) -> None:
    """Demoshire is its districts; its region and England add the rest of England's authorities to it."""
    key = ["sex", "age"]
    districts = mye[mye["geography"] == "Non-metropolitan District"].groupby(key)[YEARS].sum()
    level = mye[mye["code"] == "X10000001"].set_index(key)[YEARS].sort_index()
    assert (level == districts.sort_index()).all().all()
    uppers = mye[mye["geography"].isin(["County", "Unitary Authority"])].groupby(key)[YEARS].sum().sort_index()
    for kind in ("Region", "Country"):
        level = mye[mye["geography"] == kind].groupby(key)[YEARS].sum().sort_index()
        assert (level == uppers).all().all()
    assert (mye[mye["code"] == "X12000001"].set_index(key)[YEARS].sort_index() > level / 20).all().all()


def test_mye_structure(mye: pd.DataFrame) -> None:
    county = mye[mye["code"] == "X10000001"]
    total = county[YEARS].sum()
    assert 1.3e6 < total["population_2021"] < 1.5e6
    growth = (total["population_2025"] / total["population_2015"]) ** 0.1 - 1
    assert 0.002 < growth < 0.008
    young = county[county["age"] <= 25]["population_2021"].sum() / total["population_2021"]
    assert 0.27 < young < 0.33
    # a university town: some district has a clear bulge at 18-22
    d = mye[mye["geography"] == "Non-metropolitan District"]
    by = d.groupby(["code", "age"])["population_2021"].sum().unstack()
    bulge = by[list(range(18, 23))].mean(axis=1) / by[list(range(12, 17))].mean(axis=1)
    assert bulge.max() > 1.25 and bulge.median() < 1.1


def test_census_matches_districts(read: Callable[..., pd.DataFrame], mye: pd.DataFrame) -> None:
    census = read("population/census2021_lsoa21_age6.csv")
    assert list(census.columns) == ["lsoa21_code", "lsoa21_name", "age_group", "usual_residents"]
    assert census["usual_residents"].str.fullmatch(r"\d+\.0").all()
    assert census.groupby("lsoa21_code")["age_group"].apply(list).map(lambda x: x == BANDS).all()
    census["n"] = census["usual_residents"].astype(float)
    look = read("lookups/lsoa21_msoa21_lad23.csv")
    per_lsoa = census.groupby("lsoa21_code")["n"].sum()
    assert per_lsoa.between(1_300, 2_600).all() and per_lsoa.median() < 1_800
    by_lad = per_lsoa.groupby(look.set_index("LSOA21CD")["LAD23CD"]).sum()
    mye21 = mye[mye["geography"] == "Non-metropolitan District"].groupby("code")["population_2021"].sum()
    assert ((by_lad / mye21.loc[by_lad.index] - 1).abs() < 0.03).all()
    shares = census.pivot_table(index="lsoa21_code", columns="age_group", values="n")
    shares = shares.div(shares.sum(axis=1), axis=0)
    assert shares["Aged 16 to 24 years"].max() > 2 * shares["Aged 16 to 24 years"].median()  # students
    assert shares["Aged 65 years and over"].std() > 0.02  # retired and young-family areas differ
