"""The inspection evidence pack's content (issue 16 point 2), read from the refreshed demo county as jsna_reader:
each evaluation area of the area SEND framework with its indicators' latest published figures, trends and ratings
against target, and the information the handbook asks for, held or listed as a gap. Every figure is checked
against the published tables read independently (as the owner, with plain SQL)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest
import sqlalchemy as sa

from jsna.errors import ExportError
from jsna.publish.inspection import Evidence, evidence
from jsna.publish.inspection_framework import BETTER, Requested, load_framework

pytestmark = pytest.mark.db
COUNT_UNITS = {"plans", "requests", "assessments"}


@pytest.fixture(scope="module")
def reader(refreshed: dict) -> Iterator[sa.Connection]:
    from jsna.warehouse.engine import get_engine, reader_url

    with get_engine(reader_url()).connect() as conn:
        yield conn


@pytest.fixture(scope="module")
def home(engine: sa.Engine, refreshed: dict) -> str:
    with engine.connect() as conn:
        code = conn.execute(sa.text("SELECT area_code FROM published.areas WHERE area_level = 'utla'")).scalar_one()
    return str(code)


@pytest.fixture(scope="module")
def ev(reader: sa.Connection, home: str) -> Evidence:
    return evidence(reader, home)


def published(engine: sa.Engine, sql: str, **params: Any) -> list[sa.Row]:
    with engine.connect() as conn:
        return list(conn.execute(sa.text(sql), params))


def series(engine: sa.Engine, area: str, indicator: str, breakdown: str) -> list[sa.Row]:
    """The area's published rows of one indicator and breakdown, oldest first."""
    return published(engine, "SELECT period, value, symbol, trend FROM published.indicator_values"
                     " WHERE indicator_id = :i AND area_level = 'utla' AND area_code = :a AND breakdown = :b"
                     " ORDER BY period",
                     i=indicator, a=area, b=breakdown)


def test_every_evaluation_area_has_rows_or_says_why(ev: Evidence, engine: sa.Engine, home: str) -> None:
    """Given the framework's seven areas, then each has published rows or a sentence saying why not; the indicators
    an area names that the demo does not publish for the county are listed as missing, exactly those."""
    assert ev.area_name == "Demoshire" and [a.id for a in ev.areas] == [a.id for a in load_framework().area]
    for area, spec in zip(ev.areas, load_framework().area, strict=True):
        assert len(area.rows) or (area.note and len(area.note) > 20), area.id
        absent = set()
        for item in spec.indicators:
            like = f"{item.topic}=%" if item.topic else item.breakdown
            n = published(engine, "SELECT count(*) FROM published.indicator_values WHERE indicator_id = :i AND "
                          "area_level = 'utla' AND area_code = :a AND breakdown LIKE :b", i=item.id, a=home, b=like)
            if n[0][0] == 0:
                absent.add(item.id if item.breakdown == "all" else f"{item.id}:{item.breakdown}")
        assert set(area.missing) == absent, area.id
    by_id = {a.id: a for a in ev.areas}
    assert by_id["participation"].rows.empty and "survey" in str(by_id["participation"].note)
    assert all(len(by_id[a].rows) for a in by_id if a != "participation")
    assert by_id["right_help"].missing == ["ehcp_transfers_completed:transfer=*"]  # no transfer figures in the demo
    assert by_id["partnership"].missing == ["cin_disability_rate"]  # nor DfE's CIN statistics
    assert set(by_id["right_help"].rows.query("indicator_id == 'wait_p90_weeks'")["breakdown"]) == {
        "pathway=asc", "pathway=adhd", "pathway=camhs"}


def test_the_catalogue_s_indicators_all_exist_in_the_published_catalogue(ev: Evidence, engine: sa.Engine) -> None:
    """A renamed or dropped indicator breaks this: every id the framework names is in published.indicators, with
    the direction that is better and the target the catalogue states."""
    rows = {r[0]: r for r in published(engine, "SELECT indicator_id, polarity, target FROM published.indicators")}
    assert load_framework().indicator_ids() <= set(rows)
    for area in load_framework().area:
        for item in area.indicators:
            _, polarity, target = rows[item.id]
            assert item.better == BETTER[polarity] and item.target == target, item.id


def test_values_are_the_latest_published_values(ev: Evidence, engine: sa.Engine, home: str) -> None:
    """Each row's period is its series' latest, and its value, symbol, published trend and England value are the
    published ones; no count from 1 to 4 appears; periods read as the dashboards write them."""
    checked = 0
    for area in ev.areas:
        for row in area.rows.to_dict("records"):
            rows = series(engine, home, row["indicator_id"], row["breakdown"])
            period, value, symbol, trend = rows[-1]
            assert row["period"] == period, row
            assert (pd.isna(row["value"]) and value is None) or row["value"] == pytest.approx(value), row
            assert row["symbol"] == symbol and row["recent_trend"] == trend, row
            england = published(engine, "SELECT value FROM published.indicator_values WHERE indicator_id = :i AND "
                                "period = :p AND breakdown = :b AND area_level = 'country'",
                                i=row["indicator_id"], p=period, b=row["breakdown"])
            assert (row["england_value"] == pytest.approx(england[0][0])) if england else pd.isna(row["england_value"])
            if row["unit"] in COUNT_UNITS and not pd.isna(row["value"]):
                assert not 1 <= row["value"] <= 4, row
            checked += 1
    assert checked >= 50
    plans = next(a for a in ev.areas if a.id == "partnership").rows.query("indicator_id == 'ehcp_plans'").iloc[0]
    assert plans["period_label"] == f"Jan {int(plans['period'][:4]) + 1}" and plans["shown"].endswith(" plans")
    waits = next(a for a in ev.areas if a.id == "right_help").rows.query("indicator_id == 'waiting_over_18_weeks'")
    assert all(label == f"{p[:4]} {p[5:]}" for p, label in zip(waits["period"], waits["period_label"], strict=True))


def test_the_trend_is_the_direction_of_the_latest_three_published_values(ev: Evidence, engine: sa.Engine,
                                                                        home: str) -> None:
    """Worked by hand from the published series: the earliest of the latest three published values against the
    latest, read through the indicator's polarity."""
    rows = next(a for a in ev.areas if a.id == "identified_assessed").rows.set_index("indicator_id")
    for indicator, better in (("ehcp_20_weeks", "higher"), ("ehcp_backlog", "lower"), ("ehcp_requests_rate", None)):
        values = [float(r[1]) for r in series(engine, home, indicator, "all")[-3:]]
        first, last = round(values[0], 1), round(values[-1], 1)
        way = "no change" if first == last else "up" if last > first else "down"
        if better and way != "no change":
            way += " (improving)" if (way == "up") == (better == "higher") else " (worsening)"
        assert rows.loc[indicator, "trend"] == way, indicator


def test_suppressed_figures_stay_suppressed(reader: sa.Connection, engine: sa.Engine, home: str) -> None:
    """Given a cut-off whose latest quarter has pathways suppressed, then those rows show 'suppressed', carry no
    number, no trend and no rating, exactly where the published row is hidden."""
    hidden = published(engine, "SELECT indicator_id, breakdown FROM published.indicator_values WHERE area_level = "
                       "'utla' AND area_code = :a AND period = '2025-Q2' AND symbol = 'c' AND value IS NULL", a=home)
    assert len(hidden) >= 4
    ev = evidence(reader, home, period="2025-Q2")
    rows = next(a for a in ev.areas if a.id == "right_help").rows
    quarter = rows[rows["period"] == "2025-Q2"]
    shown = {(r["indicator_id"], r["breakdown"]) for r in quarter.to_dict("records") if r["shown"] == "suppressed"}
    named = {(i, b) for i, b in hidden if i in set(quarter["indicator_id"])}
    assert shown == named and len(shown) >= 4
    for r in quarter[quarter["shown"] == "suppressed"].to_dict("records"):
        assert pd.isna(r["value"]) and r["symbol"] == "c" and r["trend"] == "suppressed" and r["rating"] == "no target"
    early = evidence(reader, home, period="202223")
    ap = next(a for a in early.areas if a.id == "alternative_provision").rows.iloc[0]
    assert (ap["period"], ap["shown"], ap["symbol"]) == ("202223", "suppressed", "c") and pd.isna(ap["value"])


@pytest.mark.parametrize("indicator", ["ehcp_20_weeks", "advice_6_weeks"])
def test_ratings_agree_with_the_target_worked_by_hand(reader: sa.Connection, engine: sa.Engine, home: str,
                                                      indicator: str) -> None:
    """At each of the latest twelve published periods as the cut-off, the rating is 'met' exactly where the
    published value reaches the catalogue's target (high is good for both)."""
    (target,) = published(engine, "SELECT target FROM published.indicators WHERE indicator_id = :i", i=indicator)[0]
    assert target == 95
    rows = series(engine, home, indicator, "all")[-12:]
    assert len(rows) >= 10
    for period, value, _, _ in rows:
        ev = evidence(reader, home, period=period)
        row = next(a for a in ev.areas if a.id == "identified_assessed").rows.set_index("indicator_id").loc[indicator]
        assert row["period"] == period and row["target"] == target
        assert row["rating"] == ("met" if value >= target else "not met"), (period, value)
    others = next(a for a in evidence(reader, home).areas if a.id == "identified_assessed").rows
    assert set(others.query("indicator_id == 'ehcp_requests_rate'")["rating"]) == {"no target"}


def test_the_gaps_list_names_what_the_demo_lacks(ev: Evidence, reader: sa.Connection, engine: sa.Engine,
                                                 home: str) -> None:
    """Items the warehouse never receives are gaps, with the reason; items it publishes are held and name their
    evidence; an item whose indicators have no published figure for the area becomes a gap at run time."""
    gaps = set(ev.gaps["id"])
    assert {"self_evaluation", "suspensions_exclusions", "attendance", "elective_home_education", "adult_services",
            "annual_reviews", "tribunals_complaints"} <= gaps
    assert all(isinstance(n, str) and len(n) > 10 for n in ev.gaps["note"])
    held = ev.requested.set_index("id")
    for item in ("jsna", "ehcp_timeliness", "health_waits", "by_need_and_setting", "social_care", "sufficiency",
                 "alternative_provision"):
        assert held.loc[item, "held"] and held.loc[item, "evidence"], item
    assert "New EHC plans within 20 weeks" in held.loc["ehcp_timeliness", "evidence"]
    assert not published(engine, "SELECT 1 FROM published.indicator_values WHERE indicator_id = 'cin_disability_rate'"
                         " AND area_code = :a", a=home)
    assert "CIN assessments finding a disability" in held.loc["social_care", "note"]

    lacking = Requested(id="cin_statistics", label="DfE's children in need statistics",
                        indicators=["cin_disability_rate"])
    framework = load_framework().model_copy(update={"requested": [lacking]})
    only = evidence(reader, home, framework=framework)
    assert list(only.gaps["id"]) == ["cin_statistics"] and not only.gaps.loc[0, "evidence"]
    assert "CIN assessments finding a disability, per 10,000" in only.gaps.loc[0, "note"]


def test_an_area_not_published_is_one_sentence(reader: sa.Connection) -> None:
    with pytest.raises(ExportError, match="No upper-tier area E10000014 is published"):
        evidence(reader, "E10000014")
