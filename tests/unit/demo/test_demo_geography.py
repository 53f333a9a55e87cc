"""The synthetic county's areas: counts, a gap-free non-overlapping coverage, exact dissolves, codes."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

REAL_CODE = re.compile(r"^[EWSNK]\d{8}$")


@pytest.fixture(scope="module")
def lsoa(county: Path) -> gpd.GeoDataFrame:
    return gpd.read_file(county / "boundaries" / "lsoa21.gpkg", layer="lsoa21")


@pytest.fixture(scope="module")
def lookup(read: Callable[..., pd.DataFrame]) -> pd.DataFrame:
    return read("lookups/lsoa21_msoa21_lad23.csv")


def test_counts(lsoa: gpd.GeoDataFrame, lookup: pd.DataFrame, county: Path) -> None:
    assert 800 <= len(lsoa) <= 900
    assert lookup["LAD23CD"].nunique() == 11
    assert 150 <= lookup["MSOA21CD"].nunique() <= 190
    per_msoa = lookup.groupby("MSOA21CD").size()
    assert 4 <= per_msoa.mean() <= 6
    assert len(gpd.read_file(county / "boundaries" / "lad23.gpkg")) == 11
    assert len(gpd.read_file(county / "boundaries" / "ctyua23.gpkg")) == 1


def test_layer_columns_and_crs(lsoa: gpd.GeoDataFrame, county: Path) -> None:
    assert list(lsoa.columns) == ["LSOA21CD", "LSOA21NM", "BNG_E", "BNG_N", "LAT", "LONG", "GlobalID", "geometry"]
    assert lsoa.crs.to_epsg() == 27700
    assert set(lsoa.geom_type) == {"MultiPolygon"}
    for layer, prefix in (("msoa21", "MSOA21"), ("lad23", "LAD23"), ("ctyua23", "CTYUA23"), ("rgn23", "RGN23")):
        frame = gpd.read_file(county / "boundaries" / f"{layer}.gpkg", layer=layer)
        assert list(frame.columns[:2]) == [f"{prefix}CD", f"{prefix}NM"]
        assert frame.crs.to_epsg() == 27700
    xmin, ymin, xmax, ymax = lsoa.total_bounds
    assert xmin >= 395_000 and xmax <= 525_000 and ymin >= 55_000 and ymax <= 185_000


def test_lsoas_form_a_valid_coverage(lsoa: gpd.GeoDataFrame) -> None:
    geoms = lsoa.geometry.to_numpy()
    assert shapely.is_valid(geoms).all()
    assert not shapely.is_empty(geoms).any()
    areas = shapely.area(geoms)
    union = shapely.union_all(geoms)
    assert abs(union.area - areas.sum()) / areas.sum() < 1e-6  # no overlaps
    assert shapely.get_num_interior_rings(shapely.get_geometry(union, 0)) == 0  # no holes or gaps
    assert shapely.get_num_geometries(union) == 1


def test_districts_and_county_are_exact_unions(lsoa: gpd.GeoDataFrame, lookup: pd.DataFrame, county: Path) -> None:
    lad = gpd.read_file(county / "boundaries" / "lad23.gpkg").set_index("LAD23CD")
    merged = lsoa.merge(lookup[["LSOA21CD", "LAD23CD"]], on="LSOA21CD")
    for code, part in merged.groupby("LAD23CD"):
        union = shapely.union_all(part.geometry.to_numpy())
        target = lad.geometry[code]
        assert shapely.symmetric_difference(union, target).area / target.area < 1e-9
        assert shapely.get_num_geometries(target) == 1  # districts are contiguous
    cty = gpd.read_file(county / "boundaries" / "ctyua23.gpkg").geometry.iloc[0]
    assert shapely.symmetric_difference(shapely.union_all(lsoa.geometry.to_numpy()), cty).area / cty.area < 1e-9


def test_msoas_nest_and_names_follow_ons(lookup: pd.DataFrame) -> None:
    assert lookup.groupby("MSOA21CD")["LAD23CD"].nunique().max() == 1
    assert (lookup.apply(lambda r: r["LSOA21NM"][:-1] == r["MSOA21NM"], axis=1)).all()
    assert lookup["MSOA21NM"].str.fullmatch(r".+ \d{3}").all()
    assert lookup["LSOA21CD"].str.fullmatch(r"X01\d{6}").all()
    assert lookup["MSOA21CD"].str.fullmatch(r"X02\d{6}").all()
    assert lookup["LAD23CD"].str.fullmatch(r"X07\d{6}").all()


def test_postcodes_lie_inside_their_lsoa(lsoa: gpd.GeoDataFrame, read: Callable[..., pd.DataFrame]) -> None:
    pc = read("postcodes/onspd_demo.csv")
    geom = lsoa.set_index("LSOA21CD").geometry
    inside = shapely.contains_xy(geom.loc[pc["lsoa21"]].to_numpy(), pc["oseast1m"].astype(float).to_numpy(),
                                 pc["osnrth1m"].astype(float).to_numpy())
    assert inside.all()
    per_lsoa = pc.groupby("lsoa21").size()
    assert per_lsoa.index.nunique() == len(lsoa) and 12 <= per_lsoa.mean() <= 18
    assert pc["pcds"].is_unique
    assert pc["pcds"].str.fullmatch(r"X[A-Z]\d{1,2} \d[A-Z]{2}").all()
    assert (pc["pcd"].str.len() == 7).all() and (pc["pcd2"].str.len() == 8).all()
    assert (pc["pcd"].str.replace(" ", "") == pc["pcds"].str.replace(" ", "")).all()
    terminated = (pc["doterm"] != "").mean()
    assert 0.015 < terminated < 0.05
    assert (pc.loc[pc["doterm"] != "", "doterm"].astype(int) > pc.loc[pc["doterm"] != "", "dointr"].astype(int)).all()
    assert (pc["ctry"] == "X92000001").all() and (pc["lsoa11"] == pc["lsoa21"]).all()


def test_no_code_could_be_a_real_ons_code(county: Path) -> None:
    for path in sorted(county.rglob("*.csv")):
        enc = "cp1252" if path.name.startswith("edubase") else "utf-8-sig"
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding=enc)
        for col in frame.columns:
            hits = frame[col].str.fullmatch(REAL_CODE.pattern)
            assert not hits.any(), f"{path.name}:{col} has {frame.loc[hits, col].iloc[0]}"
    for path in sorted(county.rglob("*.gpkg")):
        frame = gpd.read_file(path)
        code = frame.columns[0]
        assert not frame[code].str.fullmatch(REAL_CODE.pattern).any()
        assert frame[code].str.startswith("X").all()


def test_deprivation_deciles(read: Callable[..., pd.DataFrame], county: Path) -> None:
    raw = (county / "deprivation" / "imd2019_lsoa.csv").read_bytes().decode("utf-8-sig")
    assert re.search(r',"\d{1,2},\d{3}",\d+\r\n', raw)  # ranks carry thousands separators, quoted
    imd = read("deprivation/imd2019_lsoa.csv")
    assert list(imd.columns) == [
        "LSOA code (2011)", "LSOA name (2011)", "Local Authority District code (2019)",
        "Local Authority District name (2019)", "Index of Multiple Deprivation (IMD) Rank",
        "Index of Multiple Deprivation (IMD) Decile"]
    rank = imd["Index of Multiple Deprivation (IMD) Rank"].str.replace(",", "").astype(int)
    decile = imd["Index of Multiple Deprivation (IMD) Decile"].astype(int)
    assert rank.is_unique and rank.between(1, 32_844).all()
    assert (decile == np.minimum(np.ceil(rank / 3284.4), 10)).all()
    counts = decile.value_counts()
    assert set(counts.index) == set(range(1, 11))
    assert counts.max() > 3 * counts.min()  # not uniform: a less deprived county


def test_towns(read: Callable[..., pd.DataFrame], lookup: pd.DataFrame) -> None:
    towns = read("places/towns.csv")
    assert list(towns.columns[:4]) == ["name", "easting", "northing", "district_code"]
    assert len(towns) >= 11 and towns["name"].is_unique
    assert set(towns["district_code"]) <= set(lookup["LAD23CD"])
