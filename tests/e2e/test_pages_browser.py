"""Every dashboard page in real headless Chromium, offline, against the session's refreshed demo warehouse.

Each test's page fixture saves a screenshot (tests/e2e/screenshots/) and records any request that leaves
the app; none may.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

pytestmark = [pytest.mark.db, pytest.mark.browser]

TIMEOUT = 60_000
# Vega's SVG: a chart's drawn marks, a map's areas and its points (legends draw their own, other-role symbols)
CHART = "[data-testid='stVegaLiteChart'] svg.marks"
AREAS = "[data-testid='stVegaLiteChart'] .mark-shape.role-mark path"
POINTS = "[data-testid='stVegaLiteChart'] .mark-symbol.role-mark path"


def read(engine: sa.Engine, sql: str, **params: object) -> pd.DataFrame:
    return pd.read_sql(sa.text(sql), engine, params=params)


def latest_county(engine: sa.Engine, indicator: str) -> pd.Series:
    """The county's latest row (the published statistics hold every other English authority too)."""
    return read(engine, "SELECT * FROM published.indicator_values WHERE indicator_id = :i AND area_level = 'utla' "
                "AND area_code IN (SELECT area_code FROM published.areas WHERE area_level = 'utla') "
                "AND breakdown = 'all' ORDER BY period DESC LIMIT 1", i=indicator).iloc[0]


def published(engine: sa.Engine, indicator: str) -> bool:
    return bool(read(engine, "SELECT EXISTS (SELECT 1 FROM published.indicator_values WHERE indicator_id = :i) AS x",
                     i=indicator)["x"].iloc[0])


def areas_in_county(engine: sa.Engine, level: str) -> int:
    """LSOAs, MSOAs or districts of the demo county (the whole warehouse is the county)."""
    return int(read(engine, "SELECT count(DISTINCT area_code) AS n FROM published.areas WHERE area_level = :l",
                    l=level)["n"].iloc[0])


def settle(page) -> None:  # type: ignore[no-untyped-def]
    """Wait until Streamlit has finished running the script (no 'running' status widget)."""
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=TIMEOUT)


def no_exceptions(page) -> None:  # type: ignore[no-untyped-def]
    assert page.locator("[data-testid='stException']").count() == 0


def choose(page, label: str, option: str) -> None:  # type: ignore[no-untyped-def]
    """Pick an option as a keyboard user does: focus the select box, type to filter, press Enter."""
    page.locator("[data-testid='stSelectbox']").filter(has_text=label).first.locator("input").click()
    page.keyboard.type(option)
    page.get_by_role("option", name=option).first.wait_for(timeout=TIMEOUT)
    page.keyboard.press("Enter")


def test_overview_headlines_map_and_narrative(page, dashboard_url: str, engine: sa.Engine) -> None:
    """Given the dashboard, when opened, then the headline figures equal the warehouse's, the districts
    are drawn on the map, the narrative is there, and no request leaves the machine."""
    page.goto(dashboard_url)
    page.wait_for_selector(AREAS, timeout=TIMEOUT)
    page.wait_for_selector("[data-testid='headline-value']", timeout=TIMEOUT)
    settle(page)
    values = page.locator("[data-testid='headline-value']").all_inner_texts()
    timely, rate, backlog = (latest_county(engine, i) for i in ("ehcp_20_weeks", "ehcp_rate_0_25", "ehcp_backlog"))
    assert values[:3] == [f"{timely['value']:.1f}%", f"{rate['value']:,.1f} per 1,000",
                          f"{backlog['value']:,.0f} assessments"]
    assert len(values) == 6
    assert page.locator(AREAS).count() == areas_in_county(engine, "lad")
    assert page.locator(AREAS).first.get_attribute("aria-label")  # each area described to screen readers
    assert page.get_by_text(re.compile(r"issued [\d.]+% of new EHC plans within 20 weeks")).count() == 1
    # the tiles England publishes a figure for compare with England (the demo's DfE figures), the rest do not
    badges = page.locator("[data-testid='comparison-badge']").all_inner_texts()
    assert badges[0].endswith("than England") or badges[0] == "Similar to England"
    assert badges[1].endswith("than England") and badges[2] == "Not compared"
    no_exceptions(page)
    assert page.outside_requests == []


def test_ehcp_page_draws_its_charts(page, dashboard_url: str) -> None:
    """The first tab draws its three charts (age bands, local deprivation deciles, pupils); opening another tab
    draws its own and puts it in the URL."""
    page.goto(f"{dashboard_url}/ehcp")
    page.get_by_role("heading", name="Plans by age band").wait_for(timeout=TIMEOUT)
    settle(page)
    page.wait_for_function(f"() => document.querySelectorAll(\"{CHART}\").length >= 3", timeout=TIMEOUT)
    assert page.locator(CHART).count() == 3
    assert page.get_by_text("by age band (0-4, 5-10, 11-15, 16-19, 20-25)", exact=False).count() >= 1
    assert page.get_by_text("by local deprivation decile (its own small areas", exact=False).count() >= 1
    page.get_by_role("tab", name="Placements and needs").click()
    page.get_by_role("heading", name="Primary needs").wait_for(timeout=TIMEOUT)
    page.wait_for_function("() => location.search.includes('ehcp_tab=Placements')", timeout=TIMEOUT)
    settle(page)
    page.wait_for_function(f"() => document.querySelectorAll(\"{CHART}\").length >= 3", timeout=TIMEOUT)
    assert page.get_by_role("heading", name="Plans by age band").count() == 0
    no_exceptions(page)
    assert page.outside_requests == []


def test_a_chart_downloads_as_png(page, dashboard_url: str) -> None:
    """A chart's toolbar button, named with the chart's text alternative, downloads the chart as a PNG image of
    the chart as drawn (at least twice the screen's pixels, for print)."""
    import io

    from PIL import Image

    page.goto(f"{dashboard_url}/ehcp")
    page.wait_for_selector(CHART, timeout=TIMEOUT)
    settle(page)
    chart = page.locator("[data-testid='stVegaLiteChart']").first
    chart.hover()
    button = page.get_by_role("button", name=re.compile(r"^Download as PNG: EHC plans in .* by age band")).first
    with page.expect_download() as info:
        button.click()
    image = Image.open(io.BytesIO(Path(info.value.path()).read_bytes()))
    assert image.format == "PNG"
    assert image.width >= 2 * chart.bounding_box()["width"] * 0.9 and image.height > 300
    no_exceptions(page)
    assert page.outside_requests == []


def test_health_waits_page(page, dashboard_url: str, engine: sa.Engine) -> None:
    """Waits, the district funnel and trusts' six-week compliance, or a clear note while unpublished."""
    page.goto(f"{dashboard_url}/health?pathway=adhd&health_tab=Variation+between+districts")
    page.get_by_role("heading", name="Variation between districts").wait_for(timeout=TIMEOUT)
    settle(page)
    # the chart's caption comes after the chart, in the same rerun: waited for, then counted
    note = "Funnel plot of" if published(engine, "waiting_over_18_weeks") else "No data yet: district figures"
    page.get_by_text(note, exact=False).first.wait_for(timeout=TIMEOUT)
    assert page.get_by_text(note, exact=False).count() == 1
    page.get_by_role("tab", name="Six-week health advice").click()
    page.get_by_role("heading", name=re.compile("six-week compliance")).wait_for(timeout=TIMEOUT)
    settle(page)
    if not published(engine, "advice_6_weeks"):
        assert page.get_by_text("No data yet: NHS trusts' six-week compliance", exact=False).count() == 1
    assert "pathway=adhd" in page.url and "health_tab=Six-week" in page.url
    no_exceptions(page)
    assert page.outside_requests == []


def test_health_waits_for_a_sub_icb_location_against_nhs_england(page, dashboard_url: str, engine: sa.Engine) -> None:
    """A sub-ICB location chosen by its link: its waits, its autism list drawn against NHS England's figures for
    England and the sub-ICB, and its own six-week advice figure."""
    sub = read(engine, "SELECT area_code, area_name FROM published.areas WHERE area_level = 'sicbl' "
                       "ORDER BY area_code LIMIT 1").iloc[0]
    page.goto(f"{dashboard_url}/health?area={sub['area_code']}&pathway=asc")
    page.get_by_role("heading", name=f"Waits in {sub['area_name']}").wait_for(timeout=TIMEOUT)
    page.get_by_role("heading", name="Against NHS England's figures").wait_for(timeout=TIMEOUT)
    settle(page)
    page.get_by_text("against NHS England's published figures", exact=False).first.wait_for(timeout=TIMEOUT)
    assert page.get_by_text("this sub-ICB", exact=False).count() >= 1
    # distribution, thresholds, two trends and the NHS comparison: drawn after their captions, so waited for
    page.locator(CHART).nth(4).wait_for(timeout=TIMEOUT)
    page.get_by_role("tab", name="Six-week health advice").click()
    page.get_by_text(f"Health advice within 6 weeks: {sub['area_name']}", exact=False).first.wait_for(timeout=TIMEOUT)
    settle(page)
    assert f"area={sub['area_code']}" in page.url
    no_exceptions(page)
    assert page.outside_requests == []


def test_social_care_page(page, dashboard_url: str, engine: sa.Engine) -> None:
    page.goto(f"{dashboard_url}/social-care")
    page.get_by_role("heading", name="By place").wait_for(timeout=TIMEOUT)
    settle(page)
    if any(published(engine, i) for i in ("cin_disability_rate", "dct_caseload_rate", "short_breaks_pct")):
        page.wait_for_selector(AREAS, timeout=TIMEOUT)
        assert page.locator(AREAS).count() == areas_in_county(engine, "lad")
    else:
        assert page.get_by_text("No data yet", exact=False).count() >= 1
    no_exceptions(page)
    assert page.outside_requests == []


def test_map_explorer_level_change_updates_map_and_url(page, dashboard_url: str, engine: sa.Engine) -> None:
    """Given the map of districts, when the level is changed to MSOAs, then the URL carries the new level
    and one polygon per MSOA is drawn; special schools and care hubs are point layers."""
    page.goto(f"{dashboard_url}/map?indicator=ehcp_rate_0_25")
    page.wait_for_selector(AREAS, timeout=TIMEOUT)
    settle(page)
    assert page.locator(AREAS).count() == areas_in_county(engine, "lad")
    special = int(read(engine, "SELECT count(*) AS n FROM published.schools WHERE is_special")["n"].iloc[0])
    sites = read(engine, "SELECT service, count(*) AS n FROM published.service_sites GROUP BY 1")
    assert sites.set_index("service")["n"].get("Urgent care hub", 0) >= 1
    assert page.locator(POINTS).count() == special + int(sites["n"].sum())
    assert page.get_by_text(f"{int(sites['n'].sum())} care hubs, clinics and team bases", exact=False).count() == 1
    choose(page, "Level", "Neighbourhoods (MSOA)")
    page.wait_for_function("() => location.search.includes('level=msoa')", timeout=TIMEOUT)
    msoas = areas_in_county(engine, "msoa")
    page.wait_for_function(f"() => document.querySelectorAll(\"{AREAS}\").length === {msoas}", timeout=TIMEOUT)
    caption = page.get_by_text(f"for {msoas} areas", exact=False)
    caption.first.wait_for(timeout=TIMEOUT)  # the chart's caption comes after its polygons, in the same rerun
    assert caption.count() == 1
    no_exceptions(page)
    assert page.outside_requests == []


def test_map_download_returns_the_suppressed_rows(page, dashboard_url: str, engine: sa.Engine) -> None:
    """The CSV download holds what the map shows: the published LSOA rows, suppressed ones as published."""
    period = read(engine, "SELECT max(period) AS p FROM published.indicator_values WHERE indicator_id = 'ehcp_plans' "
                  "AND area_level = 'lsoa' AND breakdown = 'age_band=0-4'")["p"].iloc[0]
    page.goto(f"{dashboard_url}/map?indicator=ehcp_plans&level=lsoa&period={period}&breakdown=age_band%3D0-4")
    page.wait_for_selector(AREAS, timeout=TIMEOUT)
    settle(page)
    button = page.get_by_role("button", name=re.compile("Download the data"))
    with page.expect_download() as info:
        button.click()
    got = pd.read_csv(info.value.path(), dtype={"symbol": str, "period": str})
    expected = read(engine, "SELECT area_code, numerator, value, symbol FROM published.indicator_values WHERE "
                    "indicator_id = 'ehcp_plans' AND area_level = 'lsoa' AND period = :p "
                    "AND breakdown = 'age_band=0-4' "
                    "ORDER BY area_code", p=period)
    assert got["area_code"].tolist() == expected["area_code"].tolist()
    assert (got["symbol"] == "c").sum() == (expected["symbol"] == "c").sum() > 0
    assert got["numerator"].isna().tolist() == expected["numerator"].isna().tolist()
    assert got["numerator"].fillna(-1).tolist() == expected["numerator"].fillna(-1).tolist()
    drawn = page.locator(AREAS).count()
    assert drawn == len(expected)
    # the figures as a grid: drawn once opened (not on the first render), the opened state kept in the URL
    assert page.locator("[data-testid='stDataFrame']").count() == 0
    page.get_by_text("The figures on the map").click()
    page.wait_for_selector("[data-testid='stDataFrame'] canvas", timeout=TIMEOUT)
    page.wait_for_function("() => new URLSearchParams(location.search).has('figures')", timeout=TIMEOUT)
    page.goto(page.url)  # the link opens the map with its figures shown
    page.wait_for_selector("[data-testid='stDataFrame'] canvas", timeout=TIMEOUT)
    no_exceptions(page)
    assert page.outside_requests == []


def test_area_profile_spine_chart(page, dashboard_url: str) -> None:
    page.goto(f"{dashboard_url}/profile")
    page.get_by_text("Spine chart of", exact=False).wait_for(timeout=TIMEOUT)
    settle(page)
    page.wait_for_selector(POINTS, timeout=TIMEOUT)
    assert page.locator(POINTS).count() >= 10
    no_exceptions(page)
    assert page.outside_requests == []


def test_data_and_methods_lineage(page, dashboard_url: str, engine: sa.Engine) -> None:
    """The definition of an indicator linked from the Overview, and the checksum of each file behind it."""
    page.goto(f"{dashboard_url}/methods?indicator=ehcp_20_weeks")
    page.get_by_role("heading", name="Sources: freshness and data quality").wait_for(timeout=TIMEOUT)
    settle(page)
    meta = read(engine, "SELECT title, definition FROM published.indicators WHERE indicator_id = 'ehcp_20_weeks'")
    assert page.get_by_text(meta["definition"].iloc[0], exact=False).count() >= 1
    assert page.get_by_text("Each file is identified by its SHA-256 checksum", exact=False).count() == 1
    with page.expect_download() as info:  # the tables are canvas grids: read the source log as downloaded
        page.get_by_role("button", name=re.compile("Download the source log")).click()
    got = pd.read_csv(info.value.path()).set_index("source_name")
    expected = read(engine, "SELECT source_name, file_name, sha256, rows_in, rows_quarantined FROM published.sources"
                    ).set_index("source_name")
    assert got.loc[expected.index, "sha256"].tolist() == expected["sha256"].tolist()
    assert got.loc[expected.index, "rows_quarantined"].tolist() == expected["rows_quarantined"].tolist()
    page.wait_for_selector(CHART, timeout=TIMEOUT)
    no_exceptions(page)
    assert page.outside_requests == []


def test_overview_indicator_change_updates_the_chart_and_the_url(page, dashboard_url: str) -> None:
    page.goto(f"{dashboard_url}/?indicator=ehcp_rate_0_25")
    page.wait_for_selector(AREAS, timeout=TIMEOUT)
    settle(page)
    choose(page, "Indicator", "Percentage of new EHC plans issued within 20 weeks, including exceptions")
    page.wait_for_function("() => location.search.includes('indicator=ehcp_20_weeks')", timeout=TIMEOUT)
    page.wait_for_selector("text=New EHC plans within 20 weeks by district", timeout=TIMEOUT)
    assert page.locator(AREAS).count() > 0
    assert page.outside_requests == []


def test_csv_of_overview_table(page, dashboard_url: str, engine: sa.Engine) -> None:
    page.goto(f"{dashboard_url}/?indicator=ehcp_20_weeks&period=2024")
    button = page.get_by_role("button", name=re.compile("Download this table"))
    button.wait_for(timeout=TIMEOUT)
    settle(page)
    with page.expect_download() as info:
        button.click()
    got = pd.read_csv(info.value.path())
    expected = read(engine, "SELECT area_code, numerator FROM published.indicator_values WHERE indicator_id = "
                    "'ehcp_20_weeks' AND area_level = 'lad' AND period = '2024' AND breakdown = 'all' "
                    "ORDER BY area_code")
    assert got["area_code"].tolist() == expected["area_code"].tolist()
    assert got["numerator"].tolist() == expected["numerator"].tolist()
    assert set(got.columns) >= {"symbol", "lower_ci95", "upper_ci95", "comparison"}


def test_sufficiency_planner_fan_chart_access_map_and_a_scenario(page, dashboard_url: str, engine: sa.Engine) -> None:
    """The planner draws the forecast fan, the demand against places, the scenario chart and one access polygon
    per small area; choosing a district for a new school puts it in the URL and recomputes the shortfall."""
    page.goto(f"{dashboard_url}/planner")
    page.wait_for_selector(CHART, timeout=TIMEOUT)  # the fan chart, on the first tab
    settle(page)
    assert page.locator(CHART).count() == 1
    assert page.get_by_text(re.compile(r"forecast [\d,]+ in \d{4} \(80% interval")).count() == 1
    page.get_by_role("tab", name="Places against demand").click()
    page.wait_for_function("() => location.search.includes('planner_tab=Places')", timeout=TIMEOUT)
    page.get_by_text("The year each district first runs short", exact=False).wait_for(timeout=TIMEOUT)
    settle(page)
    page.get_by_role("tab", name="Access").click()
    lsoas = areas_in_county(engine, "lsoa")
    page.wait_for_function(f"() => document.querySelectorAll(\"{AREAS}\").length === {lsoas}", timeout=TIMEOUT)
    settle(page)
    special = read(engine, "SELECT count(DISTINCT urn) AS n FROM published.school_places WHERE need = 'ASD' "
                   "AND provision = 'special' AND places > 0")["n"].iloc[0]
    points = int(special) + min(5, int(read(
        engine, "SELECT count(*) AS n FROM published.candidate_sites WHERE need = 'ASD'")["n"].iloc[0]))
    page.wait_for_function(f"() => document.querySelectorAll(\"{POINTS}\").length === {points}", timeout=TIMEOUT)
    s = read(engine, "SELECT * FROM published.sufficiency")
    last = int(s["year"].max())
    asd = s[(s["need"] == "ASD") & (s["provision"] == "special") & (s["year"] == last)]
    gap = (asd["demand"] - asd["places"]).fillna(0)
    row = asd.loc[gap.idxmax()]
    before = float((s.loc[s["year"] == last, "demand"].fillna(0) - s.loc[s["year"] == last, "places"])
                   .clip(lower=0).sum())
    page.get_by_role("tab", name="Scenarios").click()
    metric = page.locator("[data-testid='stMetric']").filter(has_text=f"Places short in {last}")
    metric.wait_for(timeout=TIMEOUT)
    settle(page)
    assert f"{round(before):,}" in metric.inner_text()
    choose(page, "District for the school", str(row["area_name"]))
    page.wait_for_function(f"() => location.search.includes('new_area={row['area_code']}')", timeout=TIMEOUT)
    page.wait_for_function(f"() => [...document.querySelectorAll('[data-testid=stMetric]')].some(e => "
                           f"e.innerText.includes('{round(before - 125):,}'))", timeout=TIMEOUT)
    no_exceptions(page)
    assert page.outside_requests == []
