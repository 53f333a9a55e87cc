"""Best-fit and overlap lookups between two sets of areas, from their boundaries."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely import box

from jsna.geography.bestfit import best_fit, overlap_shares

BOUNDARIES = Path(__file__).resolve().parents[3].parent / "shared/realdata/geography/drkane_geo_lookups/boundaries"
CENSUS = (Path(__file__).resolve().parents[3].parent / "shared/realdata/population"
          / "census2021_lsoa21_age6_via_hack25usefuldata/census2021_usual_residents_lsoa21_age6_hampshire_DERIVED.csv")


def _frame(codes: list[str], geoms: list[object]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"code": codes}, geometry=geoms, crs=27700)


def test_a_hand_made_split() -> None:
    """Given old area A cut 70/30 into X and Y, and old area B that is exactly new area Z plus a sliver
    of Y (0.05%), then A fits X, B fits Z, and the sliver is dropped from the overlap shares."""
    source = _frame(["A", "B"], [box(0, 0, 10, 10), box(10, 0, 20, 10)])
    target = _frame(["X", "Y", "Z"], [box(0, 0, 7, 10), box(7, 0, 10.005, 10), box(10.005, 0, 20, 10)])
    fit = best_fit(source, target)
    assert fit["source_code"].tolist() == ["A", "B"]
    assert fit["target_code"].tolist() == ["X", "Z"]
    assert fit["share_of_source"].tolist() == pytest.approx([0.7, 0.9995])
    shares = overlap_shares(source, target)
    assert list(zip(shares["source_code"], shares["target_code"], strict=True)) == [("A", "X"), ("A", "Y"), ("B", "Z")]
    assert shares["share_of_source"].tolist() == pytest.approx([0.7, 0.3, 1.0])
    assert shares["share_of_target"].tolist() == pytest.approx([1.0, 30 / 30.05, 1.0])


def test_population_weights_of_the_target_areas() -> None:
    """Given A cut 70/30 by area into X (10 people) and Y (90 people), then by population A fits Y."""
    source = _frame(["A"], [box(0, 0, 10, 10)])
    target = _frame(["X", "Y"], [box(0, 0, 7, 10), box(7, 0, 10, 10)])
    fit = best_fit(source, target, weights=pd.Series({"X": 10.0, "Y": 90.0}))
    assert fit[["target_code", "share_of_source"]].values.tolist() == [["Y", pytest.approx(0.9)]]
    empty = best_fit(source, target, weights=pd.Series({"X": 0.0, "Y": 0.0}))  # nobody: area shares
    assert empty["target_code"].tolist() == ["X"]


def test_ties_go_to_the_lowest_code_and_crs_and_codes_are_checked() -> None:
    source = _frame(["A"], [box(0, 0, 10, 10)])
    target = _frame(["Y", "X"], [box(5, 0, 10, 10), box(0, 0, 5, 10)])
    assert best_fit(source, target)["target_code"].tolist() == ["X"]
    wgs = gpd.GeoDataFrame({"code": ["A"]}, geometry=[box(0, 50, 1, 51)], crs=4326)
    with pytest.raises(ValueError, match="projected"):
        best_fit(wgs, wgs)
    with pytest.raises(ValueError, match="duplicate"):
        best_fit(_frame(["A", "A"], [box(0, 0, 1, 1), box(1, 0, 2, 1)]), target)
    here = _frame(["A"], [box(440_000, 110_000, 440_010, 110_010)])  # near Southampton
    there = _frame(["Y", "X"], [box(440_004, 110_000, 440_010, 110_010), box(440_000, 110_000, 440_004, 110_010)])
    fit = best_fit(here, there.to_crs(4326))  # the target is reprojected to the source's CRS
    assert fit["target_code"].tolist() == ["Y"] and fit["share_of_source"].iloc[0] == pytest.approx(0.6, abs=1e-3)


@pytest.fixture(scope="module")
def hampshire() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    def read(folder: str, column: str) -> gpd.GeoDataFrame:
        path = BOUNDARIES / folder / "E10000014_Hampshire_UTLA.geojson"
        if not path.exists():
            pytest.fail(f"{path} is missing: the real public files must sit beside the repository")
        frame = gpd.read_file(path).to_crs(27700)
        return frame.rename(columns={column: "code"})[["code", "geometry"]]

    return read("lsoa11", "LSOA11CD"), read("lsoa", "LSOA21CD")


@pytest.mark.realdata
def test_hampshire_lsoa_2011_to_2021(hampshire: tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]) -> None:
    """Given Hampshire's 832 LSOA 2011 and 865 LSOA 2021, then each 2011 LSOA fits exactly one 2021
    LSOA, and at least 90% of the codes in both vintages fit themselves with more than 95% of their area."""
    old, new = hampshire
    assert (len(old), len(new)) == (832, 865)
    fit = best_fit(old, new)
    assert len(fit) == 832 and fit["source_code"].is_unique and set(fit["source_code"]) == set(old["code"])
    assert set(fit["target_code"]) <= set(new["code"])
    unchanged = fit[fit["source_code"].isin(new["code"])]
    assert len(unchanged) > 700
    to_self = (unchanged["target_code"] == unchanged["source_code"]) & (unchanged["share_of_source"] > 0.95)
    assert to_self.mean() >= 0.9
    shares = overlap_shares(old, new)
    assert shares.groupby("source_code")["share_of_source"].sum().to_numpy() == pytest.approx(1.0)
    assert set(shares["source_code"]) == set(old["code"])


@pytest.mark.realdata
def test_hampshire_weighted_by_census_population(hampshire: tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]) -> None:
    old, new = hampshire
    census = pd.read_csv(CENSUS)
    people = census.groupby("lsoa21_code")["usual_residents"].sum()
    fit = best_fit(old, new, weights=people)
    assert len(fit) == 832
    unchanged = fit[fit["source_code"].isin(new["code"])]
    to_self = (unchanged["target_code"] == unchanged["source_code"]) & (unchanged["share_of_source"] > 0.95)
    assert to_self.mean() >= 0.9
