"""Hampshire's real geography through the adapters: boundaries, lookups, IMD, Census, schools, districts.

Reads ../shared/realdata in place (never copied into the repository)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from jsna.sources import boundaries, imd, lookup, population, schools
from jsna.sources.context import Placement, ReadContext

pytestmark = pytest.mark.realdata

HAMPSHIRE = "E10000014_Hampshire_UTLA.geojson"
NEIGHBOURS = {"E06000044": "Portsmouth", "E06000045": "Southampton", "E06000046": "Isle of Wight"}
CCGS_2017 = {"10J", "10K", "10V", "11A", "99M"}
CCG_LOOKUP = "geography/ons_lookups_jtrim/226_LSOA11_to_CCG_to_LAD_(April_2017)_Lookup_in_England_(Version_4).csv"
LSOA_LAD_LOOKUP = "geography/drkane_geo_lookups/DERIVED_lsoa21_msoa21_lad_hampshire_soton_pompey_iow.csv"
GIAS = ("education/gias_2025_05_24_via_hack25usefuldata/"
        "gias_open_establishments_hampshire_soton_pompey_iow_20250524_DERIVED.csv")
# Registered with Hampshire (LA 850) but sited in Surrey (its easting/northing, and GIAS's own LSOA
# E01030988, are in Woking): no LSOA of the four authorities holds it.
SCHOOL_OUTSIDE = 147615
# The district file is ultra-generalised (482 vertices for 11 districts, ~2 km segments): its boundary
# lies ~110 m from the 20 m LSOA boundary on average (symmetric difference / perimeter, every district).
# Shifts that size move 1-2.6% of the area of the four smallest districts (26-78 km2: Eastleigh +2.6%,
# Fareham +1.6%, Gosport -1.1%, Rushmoor -1.0%), so a district may differ by 1% or by the area of a
# 40 m band along its boundary, whichever is more; the seven larger districts and the county are within 1%.
BAND = 40.0


def _lsoas(realdata: Path, folder: str, name: str) -> boundaries.Parsed:
    return boundaries.read(realdata / "geography/drkane_geo_lookups/boundaries" / folder / name, {"level": "lsoa"})


@pytest.fixture(scope="module")
def lsoa21(realdata: Path) -> boundaries.Parsed:
    return _lsoas(realdata, "lsoa", HAMPSHIRE)


@pytest.fixture(scope="module")
def lsoa11(realdata: Path) -> boundaries.Parsed:
    return _lsoas(realdata, "lsoa11", HAMPSHIRE)


def test_hampshire_lsoa_boundaries_load_and_validate(lsoa21: boundaries.Parsed, lsoa11: boundaries.Parsed) -> None:
    """865 LSOA 2021 and 832 LSOA 2011, none quarantined or repaired, all valid, in British National Grid."""
    for parsed, n, vintage in ((lsoa21, 865, 2021), (lsoa11, 832, 2011)):
        frame = parsed.frame
        assert (len(frame), len(parsed.quarantine), parsed.rows_in) == (n, 0, n)
        assert parsed.extras["repaired"] == 0
        assert frame["area_code"].is_unique and frame["area_code"].str.match(r"^E01\d{6}$").all()
        assert (frame["vintage"] == vintage).all() and (frame["area_level"] == "lsoa").all()
        assert frame.crs.to_epsg() == 27700
        assert shapely.is_valid(np.asarray(frame.geometry.values, dtype=object)).all()
        x0, y0, x1, y1 = frame.total_bounds  # Hampshire, in metres
        assert 400_000 < x0 < x1 < 500_000 and 80_000 < y0 < y1 < 180_000


def test_every_lsoa_2011_falls_in_one_of_the_five_2017_ccgs(realdata: Path, lsoa11: boundaries.Parsed) -> None:
    """The lookup adapter lands CCG17CD (E38...) as parent 'ccg'; the file's CCG17CDH gives the short codes."""
    parsed = lookup.read(realdata / CCG_LOOKUP, {})
    assert len(parsed.quarantine) == 0
    ccg = parsed.frame.loc[parsed.frame["parent_level"] == "ccg"]
    assert ccg["parent_code"].str.match(r"^E38\d{6}$").all() and (ccg["parent_vintage"] == 2017).all()
    raw = pd.read_csv(realdata / CCG_LOOKUP, dtype=str, encoding="utf-8-sig")
    short = raw.drop_duplicates("CCG17CD").set_index("CCG17CD")["CCG17CDH"]
    hants = ccg.loc[ccg["child_code"].isin(lsoa11.frame["area_code"])]
    assert len(hants) == 832 and hants["child_code"].is_unique
    codes = hants["parent_code"].map(short)
    assert set(codes) == CCGS_2017
    assert codes.isin(CCGS_2017).all()


def test_imd_2019_joins_every_hampshire_lsoa_2011(realdata: Path, lsoa11: boundaries.Parsed) -> None:
    parsed = imd.read(realdata / "population/imd2019/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv", {})
    assert (len(parsed.frame), len(parsed.quarantine)) == (32_844, 0)
    assert parsed.frame["imd_rank"].max() == 32_844  # "32,844": thousands separators parsed
    joined = lsoa11.frame[["area_code"]].merge(parsed.frame, left_on="area_code", right_on="lsoa_code", how="left")
    assert len(joined) == 832 and joined["imd_rank"].notna().all()
    assert joined["imd_decile"].between(1, 10).all()


def test_census_2021_residents_of_hampshire(realdata: Path, lsoa21: boundaries.Parsed) -> None:
    folder = realdata / "population/census2021_lsoa21_age6_via_hack25usefuldata"
    parsed = population.read_census(folder / "census2021_usual_residents_lsoa21_age6_hampshire_DERIVED.csv", {})
    assert len(parsed.quarantine) == 0
    mine = parsed.frame.loc[parsed.frame["lsoa_code"].isin(lsoa21.frame["area_code"])]
    assert mine["lsoa_code"].nunique() == 865
    assert mine["population"].sum() == 1_400_766


@pytest.fixture(scope="module")
def four_authorities(realdata: Path, lsoa21: boundaries.Parsed) -> gpd.GeoDataFrame:
    """LSOA 2021 of Hampshire, Portsmouth, Southampton and the Isle of Wight (1,231)."""
    frames = [lsoa21.frame] + [_lsoas(realdata, "lsoa", f"{code}.geojson").frame for code in NEIGHBOURS]
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geom", crs=27700)


def test_special_schools_are_placed_in_lsoas(realdata: Path, four_authorities: gpd.GeoDataFrame) -> None:
    """74 special schools by `is_special` (every GIAS type with 'special' in its name), of which 73 sit
    in an LSOA of the four authorities; the 74th is sited in Surrey and quarantined as outside them."""
    assert len(four_authorities) == 1231 and four_authorities["area_code"].is_unique
    context = ReadContext(Placement(lsoas=four_authorities, vintage=2021))
    parsed = schools.read(realdata / GIAS, {}, context)
    raw = pd.read_csv(realdata / GIAS, dtype=str)
    assert int(schools.is_special(raw["establishment_type"]).sum()) == 74
    assert parsed.rows_in == 816 and len(parsed.frame) == 815
    out = parsed.quarantine
    assert out["rule"].tolist() == ["outside every loaded LSOA"]
    assert [int(r["urn"]) for r in out["record"]] == [SCHOOL_OUTSIDE]
    outside = raw.loc[raw["urn"] == str(SCHOOL_OUTSIDE)]
    assert outside["establishment_type"].tolist() == ["Other independent special school"]
    special = parsed.frame.loc[parsed.frame["is_special"]]
    assert len(special) == 73
    assert special["lsoa_code"].isin(four_authorities["area_code"]).all()
    assert (parsed.frame["vintage"] == 2021).all()
    # Placement by point agrees with a brute-force test of every school against every LSOA.
    pts = shapely.points(parsed.frame["easting"].to_numpy(float), parsed.frame["northing"].to_numpy(float))
    geoms = np.asarray(four_authorities.geometry.values, dtype=object)
    brute = [four_authorities["area_code"].to_numpy()[shapely.intersects(geoms, p)] for p in pts]
    assert all(code in hits for code, hits in zip(parsed.frame["lsoa_code"], brute, strict=True))


def test_districts_dissolved_from_lsoas_match_the_district_file(realdata: Path, lsoa21: boundaries.Parsed) -> None:
    """The 11 districts dissolved from their LSOAs (LSOA -> LAD lookup) have the district file's areas:
    within 1%, or within a 40 m band of boundary for the small districts where that file is too coarse
    (see BAND above); the county within 0.1%."""
    parsed = lookup.read(realdata / LSOA_LAD_LOOKUP, {})
    lad = parsed.frame.loc[parsed.frame["parent_level"] == "lad"].set_index("child_code")["parent_code"]
    lsoas = lsoa21.frame.assign(lad=lsoa21.frame["area_code"].map(lad))
    assert lsoas["lad"].notna().all()
    dissolved = lsoas.dissolve("lad")
    ref = boundaries.read(realdata / "geography/hampshire_msoa_dashboard/hampshire-districts.geojson", {"level": "lad"})
    assert (len(ref.frame), len(ref.quarantine)) == (11, 0)
    ref_area = ref.frame.set_index("area_code").geometry.area
    assert sorted(dissolved.index) == sorted(ref_area.index)
    ref_geom = ref.frame.set_index("area_code").geometry.reindex(dissolved.index)
    ratio = dissolved.geometry.area / ref_geom.area
    allowed = np.maximum(0.01, BAND * ref_geom.length / ref_geom.area)
    assert ((ratio - 1).abs() <= allowed).all(), ratio.round(4).to_dict()
    assert ((ratio - 1).abs() <= 0.01).sum() >= 7
    assert ((ratio - 1).abs() <= 0.03).all()
    assert dissolved.geometry.area.sum() == pytest.approx(ref_area.sum(), rel=0.001)
    # And each dissolved district overlaps its own reference district more than any other.
    ours = np.asarray(dissolved.geometry.values, dtype=object)
    theirs = np.asarray(ref_geom.values, dtype=object)
    overlap = shapely.area(shapely.intersection(ours[:, None], theirs[None, :]))
    assert (overlap.argmax(axis=1) == np.arange(len(dissolved))).all()
