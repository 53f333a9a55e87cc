"""A postcode directory: synthetic postcodes (outward codes start with X) at points inside each LSOA."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from jsna.demo.geography import Geography

UNIT_LETTERS = np.array(list("ABDEFGHJLNPQRSTUWXYZ"))  # letters real inward codes use
AREA_LETTERS = "ABCDEFGHJKLMNOPRSTUVWYZ"


@dataclass
class Postcodes:
    """One row per postcode, sorted by postcode; `live` excludes terminated ones."""

    table: pd.DataFrame
    lsoa: np.ndarray
    x: np.ndarray
    y: np.ndarray
    live: np.ndarray

    def live_by_lsoa(self, n_lsoa: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(row indices of live postcodes sorted by LSOA, start offset per LSOA, count per LSOA)."""
        rows = np.flatnonzero(self.live)
        rows = rows[np.argsort(self.lsoa[rows], kind="stable")]
        counts = np.bincount(self.lsoa[rows], minlength=n_lsoa)
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        return rows, starts, counts


def to_wgs84(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(lat, long) of British National Grid coordinates."""
    t = Transformer.from_crs(27700, 4326, always_xy=True)
    lon, lat = t.transform(x, y)
    return np.asarray(lat), np.asarray(lon)


def points_in_polygons(geoms: np.ndarray, counts: np.ndarray, rng: np.random.Generator
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`counts[i]` whole-metre points strictly inside `geoms[i]`, as (owner, x, y) sorted by owner."""
    shapely.prepare(geoms)
    bounds = shapely.bounds(geoms)
    remaining = counts.astype(np.int64).copy()
    owners, xs, ys = [], [], []
    while remaining.sum() > 0:
        idx = np.repeat(np.arange(len(geoms)), remaining * 3 + 2)
        b = bounds[idx]
        cx = np.round(rng.uniform(b[:, 0], b[:, 2]))
        cy = np.round(rng.uniform(b[:, 1], b[:, 3]))
        ok = shapely.contains_xy(geoms[idx], cx, cy)
        idx, cx, cy = idx[ok], cx[ok], cy[ok]
        first = np.searchsorted(idx, idx, side="left")
        keep = (np.arange(len(idx)) - first) < remaining[idx]
        owners.append(idx[keep])
        xs.append(cx[keep])
        ys.append(cy[keep])
        remaining -= np.bincount(idx[keep], minlength=len(geoms))
    owner = np.concatenate(owners)
    order = np.argsort(owner, kind="stable")
    return owner[order], np.concatenate(xs)[order], np.concatenate(ys)[order]


def _codes(geo: Geography, lsoa: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Postcodes: area X? per group of districts, district per 10 MSOAs, sector per MSOA, random units."""
    msoa = geo.lsoa["msoa"].to_numpy()[lsoa]
    n_lad, n_msoa = len(geo.lad), len(geo.msoa)
    lad_rank = np.argsort(np.argsort(geo.lad["code"].to_numpy(), kind="stable"), kind="stable")
    area_of_lad = lad_rank if n_lad <= len(AREA_LETTERS) else lad_rank * len(AREA_LETTERS) // n_lad
    msoa_area = area_of_lad[geo.msoa["lad"].to_numpy()]
    within = np.arange(n_msoa) - np.searchsorted(msoa_area, msoa_area, side="left")  # msoas are in lad order
    district = 1 + within // 10
    sector = within % 10
    slot = np.argsort(rng.random((n_msoa, 400)), axis=1)
    first = np.searchsorted(msoa, msoa, side="left")  # postcodes come sorted by LSOA, hence by MSOA
    unit = slot[msoa, np.arange(len(msoa)) - first]
    letters = np.array(list(AREA_LETTERS))
    outward = np.strings.add(np.strings.add("X", letters[msoa_area[msoa]]), district[msoa].astype("U"))
    inward = np.strings.add(np.strings.add(sector[msoa].astype("U"), UNIT_LETTERS[unit // 20]),
                            UNIT_LETTERS[unit % 20])
    return np.stack([outward, inward], axis=1)


def build(geo: Geography, rng: np.random.Generator) -> Postcodes:
    """About 15 postcodes per LSOA, ~3% terminated, in the ONSPD column layout (subset)."""
    n = len(geo.lsoa)
    counts = rng.integers(12, 19, n)
    lsoa, x, y = points_in_polygons(geo.lsoa_geom, counts, rng)
    parts = _codes(geo, lsoa, rng)
    outward, inward = parts[:, 0].astype(object), parts[:, 1].astype(object)
    pcds = outward + " " + inward
    pcd = np.array([o.ljust(4) + i if len(o) < 4 else o + i for o, i in zip(outward, inward, strict=True)],
                   dtype=object)
    pcd2 = np.array([o.ljust(4) + " " + i for o, i in zip(outward, inward, strict=True)], dtype=object)
    m = len(lsoa)
    intro_y = rng.integers(1980, 2024, m)
    intro_m = rng.integers(1, 13, m)
    terminated = rng.random(m) < 0.03
    term_y = np.maximum(intro_y + 1 + rng.integers(0, 20, m), 2001).clip(max=2025)
    term_m = rng.integers(1, 13, m)
    lat, lon = to_wgs84(x, y)
    lsoa_code = geo.lsoa["code"].to_numpy()[lsoa]
    msoa_idx = geo.lsoa["msoa"].to_numpy()[lsoa]
    msoa_code = geo.msoa["code"].to_numpy()[msoa_idx]
    lad_idx = geo.lsoa["lad"].to_numpy()[lsoa]
    region_idx = geo.utla["region"].to_numpy()[geo.lad["utla"].to_numpy()[lad_idx]]
    table = pd.DataFrame({
        "pcd": pcd, "pcd2": pcd2, "pcds": pcds,
        "dointr": intro_y * 100 + intro_m,
        "doterm": np.where(terminated, (term_y * 100 + term_m).astype(str), ""),
        "oslaua": geo.lad["code"].to_numpy()[lad_idx],
        "osward": np.strings.add("X05", np.strings.zfill((msoa_idx + 1).astype("U"), 6)).astype(object),
        "usertype": (rng.random(m) < 0.05).astype(np.int64),
        "oseast1m": x.astype(np.int64), "osnrth1m": y.astype(np.int64), "osgrdind": 1,
        "ctry": "X92000001", "rgn": geo.region["code"].to_numpy()[region_idx],
        "lsoa11": lsoa_code, "msoa11": msoa_code, "lsoa21": lsoa_code, "msoa21": msoa_code,
        "lat": np.round(lat, 6), "long": np.round(lon, 6),
    })
    order = np.argsort(table["pcd"].to_numpy().astype(str), kind="stable")
    table = table.iloc[order].reset_index(drop=True)
    return Postcodes(table=table, lsoa=lsoa[order], x=x[order], y=y[order], live=~terminated[order])
