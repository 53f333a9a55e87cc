"""Every dashboard page in-process with Streamlit's AppTest, over the session's refreshed demo warehouse:
no exception, its key elements, and a filter change written to the page URL (st.query_params)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests.e2e.html_tables import badges, headlines, page_tables

pytestmark = pytest.mark.db

APP = Path(__file__).resolve().parents[2] / "dashboards" / "app.py"


@pytest.fixture(scope="module")
def app(refreshed: dict) -> Any:
    """One AppTest over the app (navigation included); each test switches to its page."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=120).run()
    assert not at.exception
    return at


def open_page(at: Any, script: str, section: str | None = None) -> Any:
    """Switch to a page (and to one of its tabs, by its link's ?<page>_tab=)."""
    at.query_params.clear()
    at.switch_page(f"views/{script}.py")
    if section:
        at.query_params[f"{script}_tab"] = section
    at.run()
    assert not at.exception, at.exception[0].value if at.exception else ""
    return at


def published(engine: sa.Engine, indicator: str) -> bool:
    with engine.connect() as conn:
        return bool(conn.execute(sa.text("SELECT EXISTS (SELECT 1 FROM published.indicator_values "
                                         "WHERE indicator_id = :i)"), {"i": indicator}).scalar_one())


def test_overview_headlines_narrative_and_indicator_filter(app: Any, engine: sa.Engine) -> None:
    at = open_page(app, "overview")
    assert at.title[0].value == "SEND needs assessment: Demoshire"
    labels = [label for label, _ in headlines(at)]
    assert labels[0].startswith("New EHC plans within 20 weeks (20")
    assert labels[1].startswith("EHC plans per 1,000 aged 0-25 (Jan 20")
    assert len(labels) == 6  # three EHC headlines, three health ones ('no data yet' until published)
    story = [m.value for m in at.markdown if m.value.startswith("- Demoshire issued")]
    assert story and "of new EHC plans within 20 weeks" in story[0] and "95% target" in story[0]
    assert at.selectbox(key="indicator").value == "ehcp_rate_0_25"
    at.selectbox(key="indicator").select("ehcp_20_weeks").run()
    assert not at.exception
    assert qp(at, "indicator") == "ehcp_20_weeks"
    with engine.connect() as conn:
        districts = conn.execute(sa.text("SELECT count(DISTINCT area_code) FROM published.indicator_values "
                                         "WHERE area_level = 'lad'")).scalar_one()
    table = page_tables(at)[-1]
    assert len(table) == districts and table.attrs["caption"].startswith("New EHC plans within 20 weeks by district")
    rug = page_tables(at)[0]
    assert len(rug) == districts and rug.columns[0] == "District"


def test_overview_tiles_compare_with_england_where_a_national_figure_exists(app: Any, engine: sa.Engine) -> None:
    """Given the demo's DfE figures for England, when the Overview opens, then the two tiles England publishes
    a figure for (20-week timeliness, plans per 1,000) compare with England, each as the warehouse judges it
    against England's published value; the backlog (no national figure) is not compared, the health advice
    tile keeps its target."""
    at = open_page(app, "overview")
    shown = badges(at)
    with engine.connect() as conn:
        judged = dict(conn.execute(sa.text(
            "SELECT c.indicator_id, coalesce(c.comparison, '') FROM published.comparisons c "
            "WHERE c.area_code = 'X10000001' AND c.breakdown = 'all' AND c.comparator_type = 'england' "
            "AND c.period = (SELECT max(period) FROM published.indicator_values v "
            "WHERE v.indicator_id = c.indicator_id "
            "AND v.area_code = 'X10000001' AND v.breakdown = 'all' AND v.value IS NOT NULL)")).all())
    assert {"ehcp_20_weeks", "ehcp_rate_0_25"} <= set(judged)
    assert shown[0] == f"{judged['ehcp_20_weeks'].capitalize()} than England" or \
        (shown[0] == "Similar to England" and judged["ehcp_20_weeks"] == "similar")
    assert shown[1] == f"{judged['ehcp_rate_0_25'].capitalize()} than England"
    assert shown[2] == "Not compared" and "ehcp_backlog" not in judged
    assert shown[3].endswith("than the 95% target") or shown[3] == "Similar to the 95% target"


def qp(at: Any, key: str) -> str:
    value = at.query_params[key]
    return value[0] if isinstance(value, list) else value


def first_district(engine: sa.Engine) -> str:
    with engine.connect() as conn:
        return str(conn.execute(sa.text("SELECT min(area_code) FROM published.areas WHERE area_level = 'lad'"))
                   .scalar_one())


def test_ehcp_sections_and_measure_filter(app: Any, engine: sa.Engine) -> None:
    tabs = {"Caseload": ["Plans by age band", "Plans by local deprivation decile", "Pupils with SEN in schools"],
            "Requests and timeliness": ["Requests and decisions", "20-week timeliness and the backlog"],
            "Placements and needs": ["Placements", "Primary needs"],
            "Transfers": ["Transfers from statements and learning difficulty assessments"],
            "Early years and adulthood": ["Early years and preparation for adulthood",
                                          "Against England, the region and statistical neighbours",
                                          "Where young people with an EHC plan went after key stage 4"]}
    at = open_page(app, "ehcp")  # the first tab, until another is opened
    assert [t.label for t in at.tabs] == list(tabs)
    assert [h.value for h in at.subheader] == tabs["Caseload"]
    assert any("by age band (0-4, 5-10, 11-15, 16-19, 20-25)" in c.value for c in at.caption)
    # the county's slope index of inequality, as published, in the chart's text and its tile
    with engine.connect() as conn:
        sii = conn.execute(sa.text(
            "SELECT value, lower_ci95, upper_ci95 FROM published.indicator_values WHERE indicator_id = "
            "'ehcp_rate_sii' AND area_level = 'utla' ORDER BY period DESC LIMIT 1")).one()
    text = f"Slope index of inequality {sii.value:,.1f} per 1,000 (95% CI {sii.lower_ci95:,.1f} per 1,000 to "
    assert any(text in c.value and "by local deprivation decile" in c.value for c in at.caption), text
    tile = dict(headlines(at))
    assert tile[next(k for k in tile if "Inequality in EHC plans" in k)] == f"{sii.value:,.1f} per 1,000"
    at.radio(key="measure").set_value("rate").run()
    assert not at.exception
    assert qp(at, "measure") == "rate"
    at.selectbox(key="area").set_value(first_district(engine)).run()
    assert not at.exception
    assert qp(at, "area") == first_district(engine)
    assert any(c.value.startswith("EHC plans in ") and " by age band" in c.value for c in at.caption)
    for tab, heads in list(tabs.items())[1:]:  # each tab draws its own sections only
        at = open_page(app, "ehcp", tab)
        assert [h.value for h in at.subheader] == heads
        assert qp(at, "ehcp_tab") == tab


def test_ehcp_early_years_and_adulthood_shows_the_published_pathway_beside_england(app: Any,
                                                                                  engine: sa.Engine) -> None:
    """Given the demo's early years and key stage 4 destination figures, when the EHC plans page's 'Early years and
    adulthood' tab opens, then its tiles show the county's latest published values, the comparison chart's text
    names England's, and the destinations of plan holders are listed; a district shows its own KS4 figure."""
    with engine.connect() as conn:
        rows = {}
        for key, indicator, area in (("ey", "early_years_sen_pct", "X10000001"),
                                     ("ks4", "ks4_destination_ehcp", "X10000001"),
                                     ("ks4_england", "ks4_destination_ehcp", "X92000001")):
            rows[key] = conn.execute(sa.text(
                "SELECT period, value FROM published.indicator_values WHERE indicator_id = :i AND area_code = :a "
                "AND breakdown = 'all' AND value IS NOT NULL ORDER BY period DESC LIMIT 1"),
                {"i": indicator, "a": area}).one()
    at = open_page(app, "ehcp", "Early years and adulthood")
    at.selectbox(key="area").set_value("X10000001").run()  # the county (an earlier test may have left a district)
    assert not at.exception
    tiles = dict(headlines(at))
    ey, ks4, england = rows["ey"], rows["ks4"], rows["ks4_england"]
    assert tiles[f"Early years children with SEN ({ey.period})"] == f"{ey.value:.1f}%"
    leavers = f"{ks4.period[:4]}/{ks4.period[4:]}"
    assert tiles[f"Sustained destinations after KS4, EHC plan ({leavers})"] == f"{ks4.value:.1f}%"
    against = next(c.value for c in at.caption if c.value.startswith("Early years children with SEN ("))
    assert f"Sustained destinations after KS4, EHC plan ({leavers}): Demoshire {ks4.value:.1f}%, " \
           f"England {england.value:.1f}%" in against
    assert any(c.value.startswith("Key stage 4 leavers with an EHC plan in Demoshire by destination")
               for c in at.caption)
    district = first_district(engine)
    at.selectbox(key="area").set_value(district).run()
    assert not at.exception
    with engine.connect() as conn:
        own = conn.execute(sa.text(
            "SELECT value FROM published.indicator_values WHERE indicator_id = 'ks4_destination_ehcp' AND "
            "area_code = :a AND period = :p AND breakdown = 'all'"), {"a": district, "p": ks4.period}).scalar_one()
    tiles = dict(headlines(at))
    assert tiles[f"Sustained destinations after KS4, EHC plan ({leavers})"] == f"{own:.1f}%"
    assert tiles["Early years children with SEN"] == "no data yet"  # published for authorities only


def test_health_waits_pathway_filter(app: Any, engine: sa.Engine) -> None:
    at = open_page(app, "health", "Variation between districts")
    assert [h.value for h in at.subheader] == ["Variation between districts"]
    at = open_page(app, "health", "Six-week health advice")
    assert any("six-week compliance" in h.value for h in at.subheader)
    notes = " ".join(i.value for i in at.info)
    at = open_page(app, "health")
    assert [t.label for t in at.tabs] == ["Waits", "Variation between districts", "Six-week health advice"]
    notes += " ".join(i.value for i in at.info)
    if not published(engine, "wait_median_weeks"):
        assert "No data yet" in notes
    if not published(engine, "advice_6_weeks"):
        assert "advice_6_weeks" in notes
    at.radio(key="pathway").set_value("adhd").run()
    assert not at.exception
    assert qp(at, "pathway") == "adhd"


def _funnel_lines(at: Any) -> dict[str, list[tuple[float, float]]]:
    """The limit lines the funnel chart draws: side (lower_2s ... upper_3s) -> [(size, value)]."""
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    lines: dict[str, list[tuple[float, float]]] = {}
    for lay in spec["layer"]:
        for v in lay["data"]["values"]:
            if str(v.get("side", "")).endswith(("_2s", "_3s")):
                lines.setdefault(v["side"], []).append((v["size"], v["value"]))
    return lines


def test_health_funnel_for_every_proportion_and_rate_with_plain_or_overdispersed_limits(
        app: Any, engine: sa.Engine) -> None:
    """Given the refreshed demo county,
    When the Health waits page's funnel is opened and its limits switched from plain to overdispersed,
    Then every published proportion and crude rate is offered as a measure, and each choice of limits
    draws different lines, says which it draws, and is kept in the page URL."""
    at = open_page(app, "health", "Variation between districts")
    with engine.connect() as conn:
        ids = set(conn.execute(sa.text(
            "SELECT DISTINCT v.indicator_id FROM published.indicator_values v JOIN published.indicators i "
            "USING (indicator_id) WHERE i.method IN ('proportion_wilson', 'crude_rate')")).scalars())
        titles = set(conn.execute(sa.text("SELECT title FROM published.indicators WHERE indicator_id = ANY(:i)"),
                                  {"i": list(ids)}).scalars())
    assert len(ids) >= 10
    assert set(at.selectbox(key="funnel").options) == titles
    drawn = {}
    for limits in ("plain", "multiplicative", "additive"):
        at.selectbox(key="limits").set_value(limits).run()
        assert not at.exception
        assert qp(at, "limits") == limits
        drawn[limits] = _funnel_lines(at)
        assert set(drawn[limits]) == {"lower_2s", "upper_2s", "lower_3s", "upper_3s"}
        words = " ".join(c.value for c in at.caption)
        assert ("Plain limits" if limits == "plain" else "adjusted for overdispersion") in words
    assert drawn["plain"] != drawn["multiplicative"] != drawn["additive"] != drawn["plain"]


def test_social_care_indicator_filter(app: Any, engine: sa.Engine) -> None:
    at = open_page(app, "social_care")
    assert headlines(at)[:1]
    at.selectbox(key="indicator").set_value("short_breaks_pct").run()
    assert not at.exception
    assert qp(at, "indicator") == "short_breaks_pct"
    if not published(engine, "short_breaks_pct"):
        assert any("No data yet" in i.value for i in at.info)


def map_areas(at: Any) -> int:
    """How many areas the map's text alternative says it draws."""
    text = next(c.value for c in at.caption if c.value.startswith("Map of"))
    return int(text.split(" for ", 1)[1].split(" areas", 1)[0])


def test_map_explorer_level_and_classes(app: Any, engine: sa.Engine) -> None:
    at = open_page(app, "map")
    assert at.selectbox(key="level").value == "lad"
    assert any("classes (ColorBrewer YlGnBu" in c.value for c in at.caption)
    at.selectbox(key="level").set_value("lsoa").run()
    assert not at.exception
    assert qp(at, "level") == "lsoa"
    at.selectbox(key="scheme").set_value("natural_breaks").run()
    assert not at.exception
    assert qp(at, "scheme") == "natural_breaks"
    assert any("natural breaks (jenks) into 5 classes" in c.value for c in at.caption)
    # one district drawn large: only its small areas, its name in the title, the focus in the URL
    with engine.connect() as conn:
        lad, lad_name, inside = conn.execute(sa.text(
            "SELECT a.area_code, a.area_name, (SELECT count(*) FROM published.areas l WHERE l.area_level = 'lsoa' "
            "AND l.parent_code = a.area_code) FROM published.areas a WHERE a.area_level = 'lad' "
            "ORDER BY a.area_code LIMIT 1")).one()
    county = map_areas(at)
    at.selectbox(key="focus").set_value(lad).run()
    assert not at.exception and qp(at, "focus") == lad
    assert 0.9 * inside <= map_areas(at) <= inside < county
    assert any(lad_name in c.value for c in at.caption)
    at.selectbox(key="focus").set_value(at.selectbox(key="focus").options[0]).run()
    with engine.connect() as conn:
        hubs = conn.execute(sa.text("SELECT count(*) FROM published.service_sites WHERE service = 'Urgent care hub'"))\
            .scalar_one()
    assert hubs and any(f"Urgent care hub: {hubs}" in c.value for c in at.caption)
    at.checkbox(key="sites").uncheck().run()
    assert qp(at, "sites") == "0" and not any("care hubs, clinics" in c.value for c in at.caption)


def test_area_profile_spine_and_area_filter(app: Any, engine: sa.Engine) -> None:
    at = open_page(app, "profile")
    assert any(c.value.startswith("Spine chart of ") for c in at.caption)
    table = next(t for t in page_tables(at) if t.attrs["caption"].startswith("Every indicator for "))
    assert "EHC plans per 1,000 aged 0-25" in set(table["Indicator"])
    assert not at.dataframe  # small tables are HTML: no data grid to load
    at.selectbox(key="area").set_value(first_district(engine)).run()
    assert not at.exception
    assert qp(at, "area") == first_district(engine)
    assert any(f"for {at.selectbox(key='area').value}" not in c.value for c in at.caption)


def test_data_and_methods_lineage_and_indicator_filter(app: Any, engine: sa.Engine) -> None:
    at = open_page(app, "methods")
    assert at.title[0].value == "Data and methods"
    at.selectbox(key="indicator").set_value("ehcp_20_weeks").run()
    assert not at.exception
    assert qp(at, "indicator") == "ehcp_20_weeks"
    frames = page_tables(at)
    lineage = next(f for f in frames if "sha256" in f.columns and "rows_in" not in f.columns)
    with engine.connect() as conn:
        sha = conn.execute(sa.text("SELECT sha256 FROM published.sources WHERE source_name = 'ehcp_cases'")
                           ).scalar_one()
    assert sha in set(lineage["sha256"])
    sources = next(f for f in frames if "rows_in" in f.columns)
    assert {"rows_in", "rows_loaded", "rows_quarantined", "sha256"} <= set(sources.columns)


def _shortfall(s: Any, year: int) -> float:
    """Places short in a year, summed over cells (withheld demand as none), from the published table."""
    last = s[s["year"] == year]
    return float((last["demand"].fillna(0) - last["places"]).clip(lower=0).sum())


def test_sufficiency_planner_sections_first_short_table_and_a_new_school(app: Any, engine: sa.Engine) -> None:
    """Given the published sufficiency table, the page's 'first short' grid and its shortfall headline equal
    what the warehouse holds; when a 125-place ASD school opens where ASD is shortest, the shortfall in the
    last year falls by 125 and the choice is in the URL."""
    import pandas as pd

    s = pd.read_sql("SELECT * FROM published.sufficiency", engine)
    last = int(s["year"].max())
    at = open_page(app, "planner")
    assert [t.label for t in at.tabs] == ["Forecast", "Places against demand", "Scenarios", "Access"]
    assert len(at.get("vega_lite_chart")) == 1  # only the open tab is drawn
    pick = qp(at, "fc_area")
    at.selectbox(key="fc_topic").set_value("age band").run()
    at.selectbox(key="fc_breakdown").set_value("16-19").run()
    assert not at.exception and qp(at, "fc_breakdown") == "16-19"
    observed = pd.read_sql(
        "SELECT numerator FROM published.indicator_values WHERE indicator_id = 'ehcp_plans' AND area_code = %(a)s "
        "AND breakdown = 'age_band=16-19' ORDER BY period DESC LIMIT 1", engine, params={"a": pick})["numerator"]
    point = pd.read_sql("SELECT point FROM published.forecasts WHERE area_code = %(a)s AND breakdown_topic = "
                        "'age band' AND breakdown = '16-19' ORDER BY year DESC LIMIT 1", engine, params={"a": pick})
    fan = next(c.value for c in at.caption if c.value.startswith("EHC plans, age band 16-19 in"))
    assert f", {int(observed.iloc[0]):,} in " in fan and f"forecast {int(point['point'].iloc[0]):,} in " in fan
    at = open_page(app, "planner", "Places against demand")
    grid = page_tables(at)[0].set_index("District")
    special = s[(s["provision"] == "special") & s["first_short_year"].notna()]
    assert len(special) > 10
    for r in special.drop_duplicates(["area_code", "need"]).itertuples():
        assert grid.loc[r.area_name, r.need] == str(int(r.first_short_year))
    at = open_page(app, "planner", "Scenarios")
    metric = next(m for m in at.metric if m.label == f"Places short in {last}")
    before = _shortfall(s, last)
    assert metric.value == f"{round(before):,}"

    asd = s[(s["need"] == "ASD") & (s["provision"] == "special") & (s["year"] == last)]
    gap = (asd["demand"] - asd["places"]).fillna(0)
    district = str(asd.loc[gap.idxmax(), "area_code"])
    assert gap.max() >= 125  # the new school is filled in the last year
    at.selectbox(key="new_area").set_value(district).run()
    assert not at.exception
    assert qp(at, "new_area") == district and qp(at, "new_places") == "125" and qp(at, "new_need") == "ASD"
    metric = next(m for m in at.metric if m.label == f"Places short in {last}")
    assert metric.value == f"{round(before - 125):,}"
    assert metric.delta == "-125 against as published"


def test_alerts_page_open_alerts_and_milestones(app: Any, engine: sa.Engine) -> None:
    """Given the demo county refreshed with the demo's example rules, when the Alerts page opens, then its open
    alerts are those published.alerts holds open, and its milestone table gives the authority's published counts
    (c where withheld); choosing a step keeps it in the URL."""
    at = open_page(app, "alerts")
    assert at.title[0].value == "Alerts"
    with engine.connect() as conn:
        open_rules = conn.execute(sa.text("SELECT title FROM published.alerts WHERE status = 'open' ORDER BY title")
                                  ).scalars().all()
        overdue = dict(conn.execute(sa.text(
            "SELECT milestone, coalesce(to_char(children, 'FM999,999'), symbol) FROM published.milestones "
            "WHERE area_level = 'utla' AND horizon = 'overdue'")).all())
    tables = page_tables(at)
    assert open_rules and sorted(tables[0]["What"]) == list(open_rules)
    steps = next(t for t in tables if "Step" in t.columns).set_index("Step")
    assert steps.loc["Final EHC plan (20 weeks)", "Overdue"] == overdue["final_plan_20w"]
    assert steps.loc["Decision whether to assess (6 weeks)", "Overdue"] == overdue["decision_6w"]
    at.selectbox(key="step").select("annual_review").run()
    assert not at.exception
    assert qp(at, "step") == "annual_review"
    assert any(t.columns[0] == "Week beginning" for t in page_tables(at))
