"""Fictional NHS trusts: a community and an acute trust per authority, a mental health trust per region."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from jsna.demo.geography import Geography

DEMO_MENTAL_HEALTH = "Wessex Partnership NHS Foundation Trust"


@dataclass
class Trusts:
    """`table` has code (XR1...), name; the arrays give a row of `table` per authority/region/district."""

    table: pd.DataFrame
    community: np.ndarray  # per authority
    acute: np.ndarray  # per authority
    mental_health: np.ndarray  # per authority (its region's trust)
    neurodevelopmental: np.ndarray  # per district: who assesses autism and ADHD


def build(geo: Geography) -> Trusts:
    """Trust names from the authority and region names; codes XR1, XR2... in name order."""
    u_names = geo.utla["name"].tolist()
    r_names = geo.region["name"].tolist()
    mh_names = [DEMO_MENTAL_HEALTH if i == 0 else f"{r.replace(' Demo', '')} Partnership NHS Foundation Trust"
                for i, r in enumerate(r_names)]
    utla_region = geo.utla["region"].to_numpy()
    if len(r_names) > 1:  # Demoshire's region gets the Wessex trust; so does no other
        mh_names[int(utla_region[0])] = DEMO_MENTAL_HEALTH
    names = sorted({*[f"{u} Community Health NHS Trust" for u in u_names],
                    *[f"{u} Hospitals NHS Foundation Trust" for u in u_names], *mh_names})
    table = pd.DataFrame({"code": [f"XR{i + 1}" for i in range(len(names))], "name": names})
    row = {n: i for i, n in enumerate(names)}
    community = np.array([row[f"{u} Community Health NHS Trust"] for u in u_names])
    acute = np.array([row[f"{u} Hospitals NHS Foundation Trust"] for u in u_names])
    mental = np.array([row[mh_names[int(r)]] for r in utla_region])
    return Trusts(table=table, community=community, acute=acute, mental_health=mental,
                  neurodevelopmental=_neuro_provider(geo, community, mental))


def _neuro_provider(geo: Geography, community: np.ndarray, mental: np.ndarray) -> np.ndarray:
    """Autism/ADHD assessments: the mental health trust in the western districts of a county, the
    community trust elsewhere."""
    lad_utla = geo.lad["utla"].to_numpy()
    cx = np.bincount(geo.lsoa["lad"], weights=geo.lsoa["x"], minlength=len(lad_utla)) / np.bincount(
        geo.lsoa["lad"], minlength=len(lad_utla))
    out = community[lad_utla].copy()
    for u in np.unique(lad_utla):
        m = np.flatnonzero(lad_utla == u)
        if len(m) > 1:
            west = m[cx[m] < np.median(cx[m])]
            out[west] = mental[u]
    return out
