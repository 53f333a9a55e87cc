"""Access on a tiny grid: distances, the population-weighted distribution and candidate sites, by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from jsna.forecasting.access import CIRCUITY, distribution, nearest, rank_sites, unserved

# Three small areas on a line (metres): 0, 5 km and 20 km east of the ASD school; 10, 20 and 30 children.
AREAS = pd.DataFrame({"area_code": ["A", "B", "C"], "x": [0.0, 5000.0, 20000.0], "y": [0.0, 0.0, 0.0],
                      "weight": [10.0, 20.0, 30.0]})
SCHOOLS = pd.DataFrame({"urn": [1, 2, 3], "x": [0.0, 0.0, 20000.0], "y": [0.0, 0.0, 3000.0],
                        "need": ["ASD", "MLD", "MLD"], "places": [50, 20, 0]})


def test_nearest_school_with_places_for_the_need_times_the_circuity_factor() -> None:
    d = nearest(AREAS, SCHOOLS).set_index(["area_code", "need"])
    assert CIRCUITY == 1.3
    assert d.loc[("B", "ASD"), "straight_km"] == pytest.approx(5.0)
    assert d.loc[("B", "ASD"), "road_km"] == pytest.approx(6.5)
    assert d.loc[("C", "ASD"), "road_km"] == pytest.approx(26.0)
    # the MLD school at (20 km, 3 km) has no places: C's nearest MLD school is urn 2, 20 km away
    assert d.loc[("C", "MLD"), "urn"] == 2 and d.loc[("C", "MLD"), "road_km"] == pytest.approx(26.0)
    assert unserved(SCHOOLS, ["ASD", "MLD", "SLD"]) == ["SLD"]
    assert nearest(AREAS, SCHOOLS, circuity=1.0).set_index(["area_code", "need"]).loc[("B", "ASD"), "road_km"] == 5


def test_population_weighted_distribution() -> None:
    """Road km 0, 6.5, 26 with 10, 20, 30 children: mean (0 + 130 + 780) / 60 = 15.1667; weighted median 6.5
    (half the 60 children is reached at B); beyond 10 km: 30 / 60 = 50%; beyond 5 km: 50 / 60."""
    s = distribution(nearest(AREAS, SCHOOLS, ["ASD"]), AREAS[["area_code", "weight"]]).iloc[0]
    assert s["children"] == 60
    assert s["mean_km"] == pytest.approx(910 / 60)
    assert s["p50_km"] == pytest.approx(6.5)
    assert s["p90_km"] == pytest.approx(26.0)
    assert s["pct_beyond_10km"] == pytest.approx(50.0)
    assert s["pct_beyond_5km"] == pytest.approx(50 / 60 * 100)


def test_candidate_sites_ranked_by_children_brought_within_10_km() -> None:
    """Only C (30 children, 26 km) is beyond 10 km. A site at C brings 30 within reach; one 10 km west of C is
    10 km straight = 13 km by road: none; one 7 km west of C is 9.1 km by road: 30."""
    d = nearest(AREAS, SCHOOLS, ["ASD"])
    sites = pd.DataFrame({"site": ["west", "at C", "near C"], "x": [10000.0, 20000.0, 13000.0],
                          "y": [0.0, 0.0, 0.0]})
    r = rank_sites(AREAS, d, sites, "ASD")
    assert r["site"].tolist() == ["at C", "near C", "west"]
    assert r["children_brought_within"].tolist() == [30, 30, 0]
    assert r["rank"].tolist() == [1, 2, 3]
    # a need with no school at all: every child is beyond reach
    r2 = rank_sites(AREAS, nearest(AREAS, SCHOOLS, ["MLD"]), sites, "SLD")
    assert r2.iloc[0]["children_brought_within"] == 30
