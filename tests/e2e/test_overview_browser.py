"""The Overview page in real headless Chromium, offline, against the refreshed demo warehouse."""

from __future__ import annotations

import pandas as pd
import pytest
import sqlalchemy as sa

pytestmark = [pytest.mark.db, pytest.mark.browser]


def latest_county(engine: sa.Engine, indicator: str) -> pd.Series:
    frame = pd.read_sql(sa.text(
        "SELECT * FROM published.indicator_values WHERE indicator_id = :i AND area_level = 'utla' "
        "AND breakdown = 'all' ORDER BY period DESC LIMIT 1"), engine, params={"i": indicator})
    return frame.iloc[0]


def test_map_and_headline_figures_are_drawn_offline(page, dashboard_url: str, engine: sa.Engine) -> None:
    """Given the dashboard, when opened, then the headline figures equal the warehouse's, the 11
    district polygons are drawn, and no request leaves the machine."""
    page.goto(dashboard_url)
    page.wait_for_selector("[data-testid='stMetricValue']", timeout=30_000)
    page.wait_for_selector("path.choroplethlocation", timeout=30_000)
    values = page.locator("[data-testid='stMetricValue']").all_inner_texts()
    rate, timely = latest_county(engine, "ehcp_rate_0_25"), latest_county(engine, "ehcp_20_weeks")
    assert values == [f"{rate['value']:,.1f} per 1,000", f"{timely['value']:.1f}%"]
    assert page.locator("path.choroplethlocation").count() == 11
    assert page.outside_requests == []


def test_changing_the_indicator_updates_the_chart_and_the_url(page, dashboard_url: str) -> None:
    page.goto(f"{dashboard_url}/?indicator=ehcp_rate_0_25")
    page.wait_for_selector("path.choroplethlocation", timeout=30_000)
    page.locator("[data-testid='stSelectbox']").first.click()
    page.get_by_role("option", name="Percentage of new EHC plans issued within 20 weeks, including exceptions").click()
    page.wait_for_function("() => location.search.includes('indicator=ehcp_20_weeks')", timeout=20_000)
    page.wait_for_selector("text=New EHC plans within 20 weeks by district", timeout=20_000)
    assert page.locator("path.choroplethlocation").count() == 11


def test_download_returns_the_suppressed_table(page, dashboard_url: str, engine: sa.Engine) -> None:
    """The CSV download holds what the table shows: published (suppressed) district values."""
    page.goto(f"{dashboard_url}/?indicator=ehcp_20_weeks&period=2024")
    button = page.get_by_role("button", name="Download this table (CSV, suppressed)")
    button.wait_for(timeout=30_000)
    with page.expect_download() as info:
        button.click()
    got = pd.read_csv(info.value.path())
    expected = pd.read_sql(sa.text(
        "SELECT area_code, numerator, denominator FROM published.indicator_values WHERE indicator_id = "
        "'ehcp_20_weeks' AND area_level = 'lad' AND period = '2024' AND breakdown = 'all' ORDER BY area_code"), engine)
    assert got["area_code"].tolist() == expected["area_code"].tolist()
    assert got["numerator"].tolist() == expected["numerator"].tolist()
    assert set(got.columns) >= {"symbol", "lower_ci95", "upper_ci95", "comparison"}
