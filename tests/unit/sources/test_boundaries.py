"""Boundary files as published: GeoJSON, GeoPackage and zipped Shapefile, in any CRS, with invalid
geometries repaired or quarantined with the reason."""

from __future__ import annotations

import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
from shapely import LineString, Polygon, box

from jsna.errors import SourceError
from jsna.sources import boundaries


def areas() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"LSOA21CD": ["X01000001", "X01000002"], "LSOA21NM": ["A 001A", "A 001B"]},
                            geometry=[box(450000, 100000, 451000, 101000), box(451000, 100000, 452000, 101000)],
                            crs=27700)


@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "shp.zip"])
def test_any_format_and_crs_lands_in_british_national_grid(tmp_path: Path, fmt: str) -> None:
    """Given the same two LSOAs written in WGS84 as GeoJSON, GeoPackage or a zipped Shapefile, when
    read, then they come back in EPSG:27700 with their codes, names, vintage and areas (to 0.1%)."""
    wgs = areas().to_crs(4326)
    if fmt == "shp.zip":
        folder = tmp_path / "shp"
        folder.mkdir()
        wgs.to_file(folder / "lsoa.shp")
        path = tmp_path / "lsoa.zip"
        with zipfile.ZipFile(path, "w") as z:
            for f in folder.iterdir():
                z.write(f, f.name)
    else:
        path = tmp_path / f"lsoa.{fmt}"
        wgs.to_file(path)
    parsed = boundaries.read(path, {"level": "lsoa"})
    frame = parsed.frame
    assert parsed.rows_in == 2 and parsed.quarantine.empty and frame.crs.to_epsg() == 27700
    assert frame["area_code"].tolist() == ["X01000001", "X01000002"] and (frame["vintage"] == 2021).all()
    assert frame["area_name"].tolist() == ["A 001A", "A 001B"]
    assert frame.geometry.area.sub(1e6).abs().max() < 1e3
    assert (frame.geometry.geom_type == "MultiPolygon").all()


def test_invalid_geometry_is_repaired_and_unrepairable_quarantined(tmp_path: Path) -> None:
    """Given a self-intersecting bow-tie (repairable) and a degenerate polygon (no area left after
    make_valid), then the bow-tie loads as a valid multipolygon and the other goes to quarantine."""
    bowtie = Polygon([(0, 0), (10, 10), (10, 0), (0, 10), (0, 0)])
    flat = Polygon([(0, 0), (10, 0), (20, 0), (0, 0)])
    gdf = gpd.GeoDataFrame({"LSOA21CD": ["X01000001", "X01000002"]}, geometry=[bowtie, flat], crs=27700)
    path = tmp_path / "bad.gpkg"
    gdf.to_file(path)
    parsed = boundaries.read(path, {"level": "lsoa"})
    assert parsed.frame["area_code"].tolist() == ["X01000001"] and parsed.frame.geometry.is_valid.all()
    assert parsed.extras["repaired"] == 2
    assert parsed.quarantine[["line", "rule"]].values.tolist() == [
        [2, "missing or unrepairable geometry (no polygon after make_valid)"]]


def test_a_file_without_the_level_s_code_column_says_what_it_expected(tmp_path: Path) -> None:
    path = tmp_path / "roads.gpkg"
    gpd.GeoDataFrame({"road": ["A31"]}, geometry=[LineString([(0, 0), (1, 1)]).buffer(1)], crs=27700).to_file(path)
    expected = r"roads\.gpkg: no lsoa code column \(expected one of LSOAyyCD\); the file has: road"
    with pytest.raises(SourceError, match=expected):
        boundaries.read(path, {"level": "lsoa"})
