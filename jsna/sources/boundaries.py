"""ONS boundary files as published: GeoJSON, GeoPackage or zipped Shapefile, any CRS, generalised or
full resolution. Geometries are reprojected to British National Grid; invalid ones are repaired,
and any that cannot be repaired into a polygon go to quarantine with the reason."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from jsna.errors import SourceError
from jsna.geography.codes import LEVEL_STEMS, code_column_level, is_gss
from jsna.sources.base import Parsed, Screen

RAW_TABLE = "boundaries"
BNG = 27700


def _open(path: Path) -> gpd.GeoDataFrame:
    target = f"zip://{path}" if path.suffix.lower() == ".zip" else str(path)
    try:
        return gpd.read_file(target, engine="pyogrio")
    except Exception as exc:  # pyogrio raises several types for unreadable files
        raise SourceError(path, f"cannot be read as a boundary file ({type(exc).__name__}: {exc}).") from exc


def _columns(
    gdf: gpd.GeoDataFrame, path: Path, level: str, options: dict[str, Any]
) -> tuple[str, str | None, int | None]:
    if "code_column" in options:
        code_col = str(options["code_column"])
        if code_col not in gdf.columns:
            raise SourceError(path, f"missing column {code_col} (the file has: {', '.join(map(str, gdf.columns))}).")
        return code_col, options.get("name_column"), None
    for col in gdf.columns:
        found = code_column_level(str(col))
        if found and found[0] == level:
            stem = str(col).upper().split("CD")[0]
            name_col = next((c for c in gdf.columns if str(c).upper() == f"{stem}NM"), None)
            return str(col), name_col, found[1]
    lowered = {str(c).lower(): str(c) for c in gdf.columns}
    if "areacd" in lowered:
        return lowered["areacd"], lowered.get("areanm"), None
    stems = [s for s, lv in LEVEL_STEMS.items() if lv == level]
    raise SourceError(
        path, f"no {level} code column (expected one of {', '.join(s + 'yyCD' for s in stems)}); "
        f"the file has: {', '.join(map(str, gdf.columns))}."
    )


def _polygonal(geoms: np.ndarray) -> np.ndarray:
    """Keep only the polygon parts (make_valid can return collections with lines); MultiPolygon out."""
    out = np.empty(len(geoms), dtype=object)
    for i, g in enumerate(geoms):
        if g is None or g.is_empty:
            out[i] = None
            continue
        parts = [p for p in shapely.get_parts(g) if p.geom_type in ("Polygon", "MultiPolygon")]
        polys = [q for p in parts for q in shapely.get_parts(p)]
        out[i] = shapely.MultiPolygon(polys) if polys else None
    return out


def read(path: Path, options: dict[str, Any], context: object = None) -> Parsed:
    level = str(options.get("level", "")).lower()
    if not level:
        raise SourceError(path, "boundary sources need `level` (lsoa, msoa, ward, lad, utla, sicbl, icb, ...).")
    gdf = _open(path)
    if gdf.empty:
        raise SourceError(path, "the file holds no features.")
    code_col, name_col, yy = _columns(gdf, path, level, options)
    vintage = int(options.get("vintage") or yy or 0)
    if not vintage:
        raise SourceError(path, f"cannot tell the vintage from column {code_col}; set `vintage` in jsna.toml.")
    if gdf.crs is None:
        raise SourceError(path, "the file declares no coordinate reference system.")
    gdf = gdf.to_crs(BNG)
    frame = pd.DataFrame({
        "area_code": gdf[code_col].astype(str).str.strip(),
        "area_name": gdf[name_col].astype(str).str.strip() if name_col else gdf[code_col].astype(str),
        "__line__": np.arange(1, len(gdf) + 1),
    })
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    invalid = ~shapely.is_valid(geoms) & ~shapely.is_missing(geoms)
    repaired = geoms.copy()
    if invalid.any():
        repaired[invalid] = shapely.make_valid(geoms[invalid])
    multi = _polygonal(repaired)
    frame["geom"] = multi
    frame["reason_value"] = np.where(invalid, shapely.is_valid_reason(geoms), "")

    screen = Screen(frame, record_columns=["area_code", "area_name"])
    screen.rule(frame["area_code"].eq("") | frame["area_code"].eq("nan"), "area_code", "missing area code")
    screen.rule(~is_gss(frame["area_code"]), "area_code", "not a GSS code (nine characters, e.g. E01000001)")
    screen.rule(frame["area_code"].duplicated(keep="first"), "area_code", "duplicate area code")
    screen.rule(pd.Series(pd.isna(multi), index=frame.index), "geometry",
                "missing or unrepairable geometry (no polygon after make_valid)", frame["reason_value"])
    good, quarantine = screen.split()
    out = gpd.GeoDataFrame(
        {
            "line": good["__line__"].to_numpy(),
            "area_code": good["area_code"].to_numpy(),
            "area_name": good["area_name"].to_numpy(),
            "area_level": level,
            "vintage": vintage,
        },
        geometry=gpd.GeoSeries(good["geom"].to_numpy(), crs=BNG),
    ).rename_geometry("geom")
    return Parsed(out, quarantine, len(gdf), RAW_TABLE, extras={"repaired": int(invalid.sum())})
