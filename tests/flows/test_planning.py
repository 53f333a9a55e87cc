"""Place planning published by the refresh: forecasts with nested intervals, sufficiency arithmetic,
access distances, and nothing small in clear."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

pytestmark = [pytest.mark.db, pytest.mark.flow]


def test_district_forecasts_have_nested_intervals(refreshed: dict, engine: sa.Engine) -> None:
    f = pd.read_sql("SELECT * FROM published.forecasts WHERE symbol IS NULL", engine)
    assert f.loc[f["area_level"] == "lad", "area_code"].nunique() == 11
    assert sorted(f["horizon"].unique()) == [1, 2, 3, 4, 5]
    assert ((f["lower95"] <= f["lower80"]) & (f["lower80"] <= f["point"]) & (f["point"] <= f["upper80"])
            & (f["upper80"] <= f["upper95"])).all()


def test_the_county_is_its_districts_sum_and_demand_follows_their_forecasts(refreshed: dict,
                                                                           engine: sa.Engine) -> None:
    """Demoshire's forecast is the sum of its districts' (points and bounds, to rounding) although DfE's caseload
    for it is loaded too, every breakdown adding up alike; no withheld value can be recovered from the sums
    published beside it; and the simulated demand behind the sufficiency table is brought to the same totals.
    The other authorities of DfE's files are forecast by the pooled model."""
    f = pd.read_sql("SELECT * FROM published.forecasts WHERE measure = 'ehc_plans'", engine)
    others = f[(f["area_level"] == "utla") & (f["area_code"] != "X10000001")]
    assert others["area_code"].nunique() > 100 and not others["method"].str.startswith("sum of the area's").any()
    county = f[f["area_code"] == "X10000001"]
    assert len(county) and county["method"].str.startswith("sum of the area's").all()
    keys = ["breakdown_topic", "breakdown", "year"]
    lads = f[f["area_level"] == "lad"]
    summed = lads.groupby(keys)[["point", "upper80"]].sum(min_count=1).add_suffix("_districts")
    both = county.set_index(keys)[["point", "upper80", "symbol"]].join(summed)
    whole = both[both["symbol"].isna() & (lads.groupby(keys)["symbol"].count().reindex(both.index) == 0)]
    assert len(whole) > 20
    n = lads.groupby(keys).size().reindex(whole.index)
    assert ((whole["point"] - whole["point_districts"]).abs() <= n / 2 + 0.5).all()  # each rounded on its own
    assert ((whole["upper80"] - whole["upper80_districts"]).abs() <= n / 2 + 0.5).all()
    # no lone withheld cell: among an area's categories, or among the districts of one category
    for members, group in ((f[f["breakdown_topic"] != "Total"], ["area_code", "breakdown_topic", "year"]),
                           (lads, keys)):
        lone = members.groupby(group)["symbol"].apply(lambda x: (x == "c").sum() == 1)
        assert not lone.any(), lone[lone]
    # the simulated demand was brought to the districts' forecasts: the county's demand for special school
    # places stays close to its forecast placements in special schools (independent ones included), though
    # the simulation moves children between settings as the census's age mix says while the placement
    # forecast holds the census's shares, and withheld cells (under 5) are left out of the demand summed here
    # (measured: 0.96 in 2026 to 0.92 by 2030; before the reconciliation, 1.22 to 1.57)
    s = pd.read_sql("SELECT year, sum(demand) AS demand FROM published.sufficiency WHERE provision = 'special' "
                    "AND symbol IS NULL GROUP BY year ORDER BY year", engine).set_index("year")["demand"]
    special = county[(county["breakdown_topic"] == "placement")
                     & county["breakdown"].isin(["special", "independent_special"])].groupby("year")["point"].sum()
    ratio = s.reindex(special.index) / special
    print(ratio.round(3).to_dict())
    assert ratio.between(0.88, 1.05).all()


def test_sufficiency_arithmetic_and_first_short_year(refreshed: dict, engine: sa.Engine) -> None:
    """surplus = places - demand on every row whose demand is shown; first_short_year is the first year a
    shown row of that district, need and provision is short; a withheld demand withholds whether it is short."""
    s = pd.read_sql("SELECT * FROM published.sufficiency", engine)
    shown = s[s["symbol"].isna()]
    assert len(shown) > 100
    assert np.allclose(shown["surplus"], shown["places"] - shown["demand"])
    assert (shown["short"] == (shown["demand"] > shown["places"])).all()
    assert s.loc[s["symbol"] == "c", "short"].isna().all() and s.loc[s["symbol"].isna(), "short"].notna().all()
    first = s[s["short"].fillna(False).astype(bool)].groupby(["area_code", "need", "provision"])["year"].min()
    published = s.dropna(subset=["first_short_year"]).groupby(["area_code", "need", "provision"])[
        "first_short_year"].first()
    joined = first.to_frame("year").join(published)
    assert (joined["year"] == joined["first_short_year"]).all()
    assert not s.loc[s["symbol"].isna(), "demand"].between(1, 4).any()
    # no lone withheld cell among a district's needs (their sum is published by placement)
    lone = s.groupby(["area_code", "provision", "year"])["symbol"].apply(lambda x: (x == "c").sum() == 1)
    assert not lone.any()


def test_access_is_the_nearest_school_with_places_for_the_need(refreshed: dict, engine: sa.Engine) -> None:
    """For a sample of LSOAs and needs, the published school is the nearest with places for the need
    (checked in PostGIS), and the road distance is 1.3 times the straight line."""
    a = pd.read_sql("SELECT * FROM published.access", engine)
    assert np.allclose(a["road_km"], a["straight_km"] * 1.3)
    sample = a.sample(20, random_state=1)
    with engine.connect() as conn:
        for r in sample.itertuples():
            best = conn.execute(sa.text(
                "SELECT s.urn FROM core.schools s JOIN core.school_places p USING (urn) "
                "JOIN core.areas l ON l.area_code = :lsoa AND l.area_level = 'lsoa' "
                "WHERE p.need = :need AND p.places > 0 "
                "ORDER BY ST_Distance(s.geom, ST_PointOnSurface(l.geom)), s.urn LIMIT 1"),
                {"lsoa": r.lsoa_code, "need": r.need}).scalar_one()
            assert best == r.urn


def test_candidate_sites_withhold_small_counts(refreshed: dict, engine: sa.Engine) -> None:
    c = pd.read_sql("SELECT * FROM published.candidate_sites", engine)
    assert len(c) and not c["children_brought_within"].between(1, 4).any()
    assert (c.groupby("need")["rank"].min() == 1).all()
