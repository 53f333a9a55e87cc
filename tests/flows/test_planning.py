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
    assert f["area_code"].nunique() == 11 and sorted(f["horizon"].unique()) == [1, 2, 3, 4, 5]
    assert ((f["lower95"] <= f["lower80"]) & (f["lower80"] <= f["point"]) & (f["point"] <= f["upper80"])
            & (f["upper80"] <= f["upper95"])).all()


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
