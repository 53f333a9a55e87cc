"""Every dashboard page, for every value its URL filters accept and for values they do not, shows data or a
'no data' message, never an exception (issue 14, point 9). Streamlit's AppTest runs each page in-process
over the session's refreshed demo warehouse, each URL in a new session, as a browser opening a link."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

pytestmark = pytest.mark.db

APP = Path(__file__).resolve().parents[2] / "dashboards" / "app.py"

#: values no filter accepts: a code of the right shape the warehouse does not hold, garbage, nothing,
#: a very long value, and values that look like SQL or HTML
INVALID = {
    "absent code": "E06000001", "garbage": "%~!*\x7f", "empty": "", "very long": "E0" + "7" * 5000,
    "SQL": "X07000001' OR '1'='1'; DROP TABLE published.areas; --", "HTML": "<script>alert('x')</script>",
    "number": "-1e309",
}
#: the invalid kinds tried on secondary filters (every filter reads the URL through ui.url_choice or
#: ui.url_flag, so one kind that is not an option exercises the same path as any other)
SOME = [INVALID["garbage"], INVALID["empty"]]
URL = dict[str, str]


@pytest.fixture(scope="module")
def app(refreshed: dict) -> Any:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=120).run()
    assert not at.exception
    return at


@pytest.fixture(scope="module")
def areas(refreshed: dict, engine: sa.Engine) -> dict[str, list[str]]:
    """Published areas by level: the county, every district, two small areas, an MSOA, the region, England."""
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT area_level, area_code FROM published.areas ORDER BY area_code")).all()
    by_level: dict[str, list[str]] = {}
    for level, code in rows:
        by_level.setdefault(level, []).append(code)
    return {"utla": by_level["utla"], "lad": by_level["lad"], "lsoa": by_level["lsoa"][:1] + by_level["lsoa"][-1:],
            "msoa": by_level["msoa"][:1], "region": by_level["region"], "england": ["E92000001"]}


def values(engine: sa.Engine, sql: str, **params: str) -> list[str]:
    with engine.connect() as conn:
        return [str(v) for v in conn.execute(sa.text(sql), params).scalars()]


def visit(at: Any, page: str, url: URL) -> str | None:
    """Open `page` with `url` as its query string in a new session; what is wrong with the result, if anything."""
    from streamlit.testing.v1.app_test import TESTING_KEY
    from streamlit.testing.v1.element_tree import ElementTree

    # a new session: no widget state from the last URL (a new AppTest per URL costs a second more)
    at._session_state._state.clear()
    at._session_state._state[TESTING_KEY] = {}
    at._tree = ElementTree()
    at._tree._runner = at
    at.query_params.clear()
    at.query_params.update(url)
    at.switch_page(f"views/{page}.py")
    at.run()
    if at.exception:
        return f"exception {at.exception[0].message}"
    if at.error:
        return f"error {at.error[0].value}"
    if not at.title:
        return "no title"
    shown = sum(len(at.get(kind)) for kind in ("vega_lite_chart", "plotly_chart", "html", "dataframe", "markdown",
                                               "info", "warning"))
    return None if shown else "neither data nor a 'no data' message"


def sweep(at: Any, page: str, urls: Iterable[URL]) -> None:
    """Open every URL (each once); fail listing every URL that shows an exception, an error or nothing."""
    failures = []
    unique = {tuple(sorted(url.items())): url for url in urls}
    count = len(unique)
    for url in unique.values():
        problem = visit(at, page, url)
        if problem:
            failures.append(f"/{page}?{ {k: v[:60] for k, v in url.items()} }: {problem[:300]}")
    assert count > 0
    assert not failures, f"{len(failures)} of {count} URLs fail:\n" + "\n".join(failures)


def each(key: str, valid: Iterable[str], invalid: Iterable[str] = INVALID.values(), **fixed: str) -> list[URL]:
    """`key` set to every valid value and every invalid kind, the other filters `fixed`."""
    return [{**fixed, key: v} for v in [*valid, *invalid]]


def every_area(areas: dict[str, list[str]]) -> list[str]:
    return [code for codes in areas.values() for code in codes]


def test_overview_every_indicator_and_period(app: Any, engine: sa.Engine) -> None:
    """Given the overview, when its indicator or period is any catalogue id or published period, or anything
    else, then it shows data or says there is none."""
    ids = values(engine, "SELECT indicator_id FROM published.indicators ORDER BY 1")
    periods = values(engine, "SELECT DISTINCT period FROM published.indicator_values WHERE indicator_id = "
                     "'ehcp_rate_0_25' AND area_level = 'lad' ORDER BY 1")
    sweep(app, "overview", [{}, *each("indicator", ids), *each("period", periods, indicator="ehcp_rate_0_25"),
                            *each("period", periods[:1], SOME, indicator="ehcp_20_weeks")])


def test_ehcp_every_area_of_every_level_and_every_tab(app: Any, areas: dict[str, list[str]]) -> None:
    """Given the EHC plans page, when the area is any area of any level (or not an area) on any tab, then it
    shows data or says there is none (/ehcp?area=X07000001 included)."""
    tabs = ["Caseload", "Requests and timeliness", "Placements and needs", "Transfers"]
    home = [*areas["utla"], *areas["lad"]]  # the areas the page offers, on every tab
    sweep(app, "ehcp", [url for tab in tabs for url in each("area", home, [], ehcp_tab=tab)]
          + each("area", every_area(areas)) + each("ehcp_tab", tabs)
          + [url for area in (*areas["utla"], *areas["lad"][:1]) for url in each("measure", ["count", "rate"],
                                                                                 SOME, area=area)])


def test_health_every_area_tab_pathway_and_measure(app: Any, areas: dict[str, list[str]]) -> None:
    tabs = ["Waits", "Variation between districts", "Six-week health advice"]
    home = [*areas["utla"], *areas["lad"]]
    sweep(app, "health", each("area", home, [], health_tab=tabs[0])
          + [url for tab in tabs[1:] for url in each("area", home[:3], [], health_tab=tab)]
          + each("area", every_area(areas)) + each("health_tab", tabs)
          + [url for area in (*areas["utla"], *areas["lad"][:2])
             for url in each("pathway", ["asc", "adhd", "camhs"], SOME, area=area)]
          + each("funnel", ["waiting_over_18_weeks", "waiting_over_13_weeks", "waiting_over_52_weeks",
                            "referrals_rate", "ehcp_20_weeks", "ehcp_rate_0_25"], SOME, health_tab=tabs[1])
          + [url for measure in ("waiting_over_18_weeks", "ehcp_rate_0_25")
             for url in each("limits", ["plain", "multiplicative", "additive"], SOME, health_tab=tabs[1],
                             funnel=measure)])


def test_social_care_every_indicator_and_period(app: Any, engine: sa.Engine) -> None:
    ids = ["cin_disability_rate", "dct_caseload_rate", "short_breaks_pct"]
    urls = each("indicator", ids)
    for indicator in ids:
        periods = values(engine, "SELECT DISTINCT period FROM published.indicator_values WHERE indicator_id = :i "
                         "AND area_level = 'lad' ORDER BY 1", i=indicator)
        urls += each("period", periods, SOME, indicator=indicator)
    sweep(app, "social_care", urls)


def test_profile_every_area_and_indicator(app: Any, engine: sa.Engine, areas: dict[str, list[str]]) -> None:
    ids = values(engine, "SELECT indicator_id FROM published.indicators ORDER BY 1")
    sweep(app, "profile", each("area", every_area(areas)) + each("indicator", ids[::3], SOME, area=areas["lad"][0]))


def test_methods_every_indicator(app: Any, engine: sa.Engine) -> None:
    ids = values(engine, "SELECT indicator_id FROM published.indicators ORDER BY 1")
    sweep(app, "methods", each("indicator", ids) + each("catalogue", ["true", "false", "1"], SOME))


def test_map_every_filter(app: Any, engine: sa.Engine, areas: dict[str, list[str]]) -> None:
    """Given the map explorer, when any of its filters takes any value it offers (every indicator, level,
    period, breakdown, class scheme and count, layer, focus) or any other, then it shows data or says there
    is none."""
    ids = values(engine, "SELECT indicator_id FROM published.indicators ORDER BY 1")
    levels = ["lsoa", "msoa", "lad", "utla", "region", "trust"]
    lad = {"indicator": "ehcp_plans", "level": "lad"}
    periods = values(engine, "SELECT DISTINCT period FROM published.indicator_values WHERE indicator_id = "
                     "'ehcp_plans' AND area_level = 'lad' ORDER BY 1")
    splits = values(engine, "SELECT DISTINCT breakdown FROM published.indicator_values WHERE indicator_id = "
                    "'ehcp_plans' AND area_level = 'lad' AND period = :p ORDER BY 1", p=periods[-1])
    sweep(app, "map", each("indicator", ids) + each("level", levels, indicator="ehcp_plans")
          + [url for level in levels for url in each("indicator", ["ehcp_20_weeks", "wait_median_weeks"], [],
                                                      level=level)]
          + each("period", periods[::3], SOME, **lad) + each("breakdown", splits[::3], SOME, **lad, period=periods[-1])
          + each("scheme", ["quantiles", "natural_breaks", "equal_interval"], SOME, **lad)
          + each("k", ["3", "7", "2"], SOME, **lad)
          + [url for flag in ("schools", "special", "sites", "figures")
             for url in each(flag, ["1", "0", "true"], SOME[:1], **lad)]
          + each("focus", [*areas["utla"], *areas["lad"]], SOME, indicator="ehcp_plans", level="lsoa")
          + each("focus", areas["lad"][:1], [], indicator="ehcp_plans", level="msoa"))


def test_planner_every_filter(app: Any, engine: sa.Engine, areas: dict[str, list[str]]) -> None:
    tabs = ["Forecast", "Places against demand", "Scenarios", "Access"]
    years = values(engine, "SELECT DISTINCT year FROM published.sufficiency ORDER BY 1")[::3]
    needs = values(engine, "SELECT DISTINCT need FROM published.sufficiency ORDER BY 1")
    forecast = {"planner_tab": "Forecast"}
    places = {"planner_tab": "Places against demand"}
    scenarios = {"planner_tab": "Scenarios"}
    school = {**scenarios, "new_area": areas["lad"][0]}
    extra = {**scenarios, "extra_area": areas["lad"][0]}
    sweep(app, "planner", each("planner_tab", tabs)
          + each("fc_area", [*areas["utla"], *areas["lad"][::2]], SOME, **forecast)
          + each("fc_measure", ["ehc_plans", "requests", "new_plans"], SOME, **forecast)
          + each("fc_topic", ["Total", "age band", "placement", "primary need"], SOME, **forecast)
          + each("fc_breakdown", ["ASD", "SEMH"], SOME, **forecast, fc_topic="primary need")
          + each("need", ["all", *needs[::2]], SOME, **places)
          + each("provision", ["special", "resourced", "all"], SOME, **places)
          + each("year", years, SOME, **places)
          + each("share", ["0", "25", "50"], SOME, **scenarios)
          + each("new_area", ["none", *areas["lad"][::3]], SOME, **scenarios)
          + each("new_need", needs[::3], SOME, **school) + each("new_places", ["25", "200"], SOME, **school)
          + each("new_year", years, SOME, **school)
          + each("extra_area", ["none", *areas["lad"][1::5]], SOME, **scenarios)
          + each("extra_need", needs[:3], SOME, **extra) + each("extra_places", ["10", "100"], SOME, **extra)
          + each("extra_year", years, SOME, **extra)
          + each("access_need", needs[::2], SOME, planner_tab="Access"))
