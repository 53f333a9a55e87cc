"""Lookups between two sets of areas derived from their boundaries, for when the publisher's own lookup
(e.g. ONS's LSOA 2011 to LSOA 2021 best-fit file) is not supplied.

Both sets are overlaid: every (source, target) pair whose polygons overlap gets the overlap's area.

- `overlap_shares` gives, for apportioning, every pair holding more than `min_share` (0.1%) of its
  source; the shares of each source are then rescaled to sum to 1 so that totals are conserved
  (the pairs dropped are slivers from boundaries drawn at different generalisations).
- `best_fit` gives each source area the one target area holding the largest share of it (ties to
  the lowest target code); `share_of_source` is that share before any rescaling, so it also tells
  how good the fit is (1.0 for an area whose boundary did not change).

Shares are of area, or of population when `weights` is given. Population is only known per area,
so `weights` holds the population of each *target* area (e.g. Census 2021 residents per LSOA 2021),
assumed spread evenly over that area: an overlap holds the target's population times the overlap's
share of the target's area, and a source's share in a target is that overlap's population over the
population of all the source's overlaps. (Population per *source* area, spread the same way, would
give exactly the area shares, so it is not asked for.) A source whose overlaps hold no population
falls back to area shares.

Areas are in a projected CRS (British National Grid); the target is reprojected to the source's CRS.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

COLUMNS = ["source_code", "target_code", "share_of_source", "share_of_target"]


def _codes(frame: gpd.GeoDataFrame, column: str | None) -> np.ndarray:
    if column is None:
        column = next((c for c in ("code", "area_code") if c in frame.columns), None)
        if column is None:
            raise ValueError(f"no code column (expected 'code' or 'area_code'; the frame has: {list(frame.columns)})")
    codes = frame[column].astype(str).to_numpy()
    if len(np.unique(codes)) != len(codes):
        raise ValueError(f"duplicate codes in column {column}")
    return codes


def _pairs(source: gpd.GeoDataFrame, target: gpd.GeoDataFrame, weights: pd.Series | None,
           source_code: str | None, target_code: str | None) -> pd.DataFrame:
    """Every overlapping pair with its (unrescaled) share of the source and of the target."""
    if source.crs is not None and source.crs.is_geographic:
        raise ValueError("areas need a projected CRS (e.g. EPSG:27700); reproject the source first.")
    if source.crs is not None and target.crs is not None and target.crs != source.crs:
        target = target.to_crs(source.crs)
    s_codes, t_codes = _codes(source, source_code), _codes(target, target_code)
    s = np.asarray(source.geometry.values, dtype=object)
    t = np.asarray(target.geometry.values, dtype=object)
    si, ti = shapely.STRtree(t).query(s, predicate="intersects")
    area = shapely.area(shapely.intersection(s[si], t[ti]))
    keep = area > 0
    si, ti, area = si[keep], ti[keep], area[keep]
    of_target = area / shapely.area(t)[ti]
    of_source = area / shapely.area(s)[si]
    if weights is not None:
        w = pd.Series(weights, dtype=float).reindex(t_codes).fillna(0.0).to_numpy()
        held = w[ti] * of_target  # population of each overlap, spread evenly over its target
        total = np.bincount(si, weights=held, minlength=len(s_codes))
        has = total[si] > 0
        of_source = np.where(has, held / np.where(has, total[si], 1.0), of_source)
    return pd.DataFrame({"source_code": s_codes[si], "target_code": t_codes[ti],
                         "share_of_source": of_source, "share_of_target": of_target})


def overlap_shares(
    source: gpd.GeoDataFrame, target: gpd.GeoDataFrame, weights: pd.Series | None = None,
    min_share: float = 0.001, source_code: str | None = None, target_code: str | None = None,
) -> pd.DataFrame:
    """Every (source_code, target_code) pair holding more than `min_share` of its source, with
    `share_of_source` rescaled to sum to 1 per source and `share_of_target` (the overlap's share of the
    target's area). Sorted by source then target code. Columns: source_code, target_code,
    share_of_source, share_of_target."""
    pairs = _pairs(source, target, weights, source_code, target_code)
    pairs = pairs.loc[pairs["share_of_source"] > min_share]
    pairs = pairs.assign(share_of_source=pairs["share_of_source"]
                         / pairs.groupby("source_code")["share_of_source"].transform("sum"))
    return pairs.sort_values(["source_code", "target_code"]).reset_index(drop=True)[COLUMNS]


def best_fit(
    source: gpd.GeoDataFrame, target: gpd.GeoDataFrame, weights: pd.Series | None = None,
    source_code: str | None = None, target_code: str | None = None,
) -> pd.DataFrame:
    """One row per source area (those overlapping no target are left out): the target holding the
    largest share of its area (or population, with `weights` per target area), ties to the lowest
    target code. Columns: source_code, target_code, share_of_source."""
    pairs = _pairs(source, target, weights, source_code, target_code)
    pairs = pairs.sort_values(["source_code", "share_of_source", "target_code"], ascending=[True, False, True])
    best = pairs.drop_duplicates("source_code", keep="first")
    return best.reset_index(drop=True)[["source_code", "target_code", "share_of_source"]]
