"""How far children live from a special school with places for their need, and where a new school would
bring most of them within reach.

Distances are straight lines between British National Grid points (metres) times a circuity factor, the
ratio of road to straight-line distance. `CIRCUITY = 1.3` is a conventional middle value: published ratios
for road travel in Britain and other developed countries are about 1.2 to 1.4, higher for short trips and
sparse networks (Ballou, Rahardja and Sakai 2002, "Selected country circuity factors for road travel distance
estimation", Transportation Research Part A 36(9) 843-848; Boscoe, Henry and Zdeb 2012, "A nationwide
comparison of driving distance versus straight-line distance to hospitals", The Professional Geographer 64(2)
188-196; Olner 2015, "How wiggly is Britain?", danolner.github.io/2015/07/routeFactor). It is a parameter:
pass a local value where one has been measured.

Frames in:

* areas: area_code, x, y (e.g. LSOA population-weighted centroids) and a weight column (children, or children
  with plans of the need);
* schools: urn, x, y, need, places (one row per school and need; a school counts for a need when places > 0);
* candidates: site, x, y.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

CIRCUITY = 1.3
REACH_KM = 10.0


def nearest(areas: pd.DataFrame, schools: pd.DataFrame, needs: Sequence[str] | None = None,
            circuity: float = CIRCUITY) -> pd.DataFrame:
    """For each area and need: the nearest school with places for that need (urn), the straight-line and the
    estimated road distance in km. Needs no school offers get no row (see `unserved`)."""
    s = schools[schools["places"] > 0]
    needs = sorted(s["need"].unique()) if needs is None else list(needs)
    pts = areas[["x", "y"]].to_numpy(dtype=float)
    out = []
    for need in needs:
        sn = s[s["need"] == need].drop_duplicates("urn")
        if sn.empty:
            continue
        tree = cKDTree(sn[["x", "y"]].to_numpy(dtype=float))
        d, i = tree.query(pts, k=1)
        out.append(pd.DataFrame({"area_code": areas["area_code"].to_numpy(), "need": need,
                                 "urn": sn["urn"].to_numpy()[i], "straight_km": d / 1000.0,
                                 "road_km": d / 1000.0 * circuity}))
    cols = ["area_code", "need", "urn", "straight_km", "road_km"]
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame(columns=cols)


def unserved(schools: pd.DataFrame, needs: Sequence[str]) -> list[str]:
    """The needs no school has places for."""
    have = set(schools.loc[schools["places"] > 0, "need"])
    return [n for n in needs if n not in have]


def _weighted_quantile(v: np.ndarray, w: np.ndarray, q: float) -> float:
    order = np.argsort(v)
    v, w = v[order], w[order]
    cw = np.cumsum(w)
    if cw[-1] <= 0:
        return float("nan")
    return float(v[np.searchsorted(cw, q * cw[-1], side="left")])


def distribution(distances: pd.DataFrame, weights: pd.DataFrame, weight: str = "weight",
                 thresholds: Sequence[float] = (5.0, 10.0, 20.0),
                 quantiles: Sequence[float] = (0.5, 0.9)) -> pd.DataFrame:
    """The population-weighted distribution of road distance by need: weighted mean, quantiles and the share
    (%) of children beyond each threshold. `weights` has area_code and `weight`, and a need column when the
    weights differ by need (children with plans of that need)."""
    on = ["area_code", "need"] if "need" in weights else ["area_code"]
    f = distances.merge(weights[[*on, weight]], on=on, how="left").fillna({weight: 0.0})
    rows = []
    for need, g in f.groupby("need"):
        v, w = g["road_km"].to_numpy(float), g[weight].to_numpy(float)
        tot = w.sum()
        row: dict[str, object] = {"need": need, "children": tot,
                                  "mean_km": float((v * w).sum() / tot) if tot > 0 else np.nan}
        for q in quantiles:
            row[f"p{round(q * 100)}_km"] = _weighted_quantile(v, w, q)
        for t in thresholds:
            row[f"pct_beyond_{t:g}km"] = float(w[v > t].sum() / tot * 100) if tot > 0 else np.nan
        rows.append(row)
    return pd.DataFrame(rows)


def rank_sites(areas: pd.DataFrame, distances: pd.DataFrame, candidates: pd.DataFrame, need: str,
               weight: str = "weight", reach_km: float = REACH_KM, circuity: float = CIRCUITY) -> pd.DataFrame:
    """Candidate sites for a new school for `need`, ranked by the children now beyond `reach_km` (road) from
    any school with places for it whom the site would bring within `reach_km`. Areas with no school for the
    need at all count as beyond. Returns site, x, y, children_brought_within, areas_brought_within, rank."""
    w = areas[["area_code", "x", "y", weight]]
    if "need" in areas:
        w = areas.loc[areas["need"] == need, ["area_code", "x", "y", weight]]
    d = distances.loc[distances["need"] == need, ["area_code", "road_km"]]
    f = w.merge(d, on="area_code", how="left")
    far = f[f["road_km"].isna() | (f["road_km"] > reach_km)]
    brought = np.zeros(len(candidates))
    n_areas = np.zeros(len(candidates), dtype=int)
    if len(far) and len(candidates):
        tree = cKDTree(far[["x", "y"]].to_numpy(dtype=float))
        radius = reach_km * 1000.0 / circuity  # straight-line metres that make reach_km by road
        hits = tree.query_ball_point(candidates[["x", "y"]].to_numpy(dtype=float), r=radius)
        wt = far[weight].to_numpy(dtype=float)
        for i, h in enumerate(hits):
            brought[i] = wt[h].sum()
            n_areas[i] = len(h)
    out = candidates.assign(children_brought_within=brought, areas_brought_within=n_areas)
    out = out.sort_values(["children_brought_within", "site"], ascending=[False, True], kind="stable")
    out["rank"] = np.arange(1, len(out) + 1)
    return out.reset_index(drop=True)
