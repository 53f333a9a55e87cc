"""The Health waits page shows the waiting list against NHS England's published autism figures (AppTest)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.db

APP = Path(__file__).resolve().parents[2] / "dashboards" / "app.py"


def test_health_waits_shows_nhs_england_as_comparator(refreshed: dict) -> None:
    """Given the refreshed demo county, when the Health waits page opens on the county, then its Waits tab says
    how the county's autism waiting list compares with England's figure from NHS England's Autism Statistics,
    and draws both over time; for ADHD, against NHS England's community paediatric waiting list."""
    from streamlit.testing.v1 import AppTest

    at: Any = AppTest.from_file(str(APP), default_timeout=120).run()
    at.switch_page("views/health.py")
    at.run()
    assert not at.exception
    assert "Against NHS England's figures" in [h.value for h in at.subheader]
    words = " ".join(c.value for c in at.caption)
    assert "NHS England's Autism Statistics" in words and "England " in words
    specs = [c.proto.spec for c in at.get("vega_lite_chart")]
    assert any("NHS England: England" in s for s in specs)
    at.radio(key="pathway").set_value("adhd").run()  # ADHD: against community paediatrics
    assert not at.exception
    assert "Community Health Services waiting lists" in " ".join(c.value for c in at.caption)


def test_camhs_shows_the_waiting_list_beside_mhsds_access(refreshed: dict) -> None:
    """Given the refreshed demo county, when the Health waits page shows the CAMHS pathway, then its NHS England
    section puts the county's CAMHS waiting list beside NHS England's MHSDS access figures (children and young
    people in contact with NHS-funded mental health services per 1,000) for the county and England, drawn over
    time."""
    from streamlit.testing.v1 import AppTest

    at: Any = AppTest.from_file(str(APP), default_timeout=120).run()
    at.switch_page("views/health.py")
    at.run()
    at.radio(key="pathway").set_value("camhs").run()
    assert not at.exception
    words = " ".join(c.value for c in at.caption)
    assert "The CAMHS waiting list in" in words and "Mental Health Services Data Set (MHSDS)" in words
    assert "per 1,000" in words and "compared with England" in words
    specs = [c.proto.spec for c in at.get("vega_lite_chart")]
    assert any("CYP mental health access: NHS England: England" in s for s in specs)


def test_a_sub_icb_location_can_be_chosen_and_shows_its_own_figures(refreshed: dict, engine: Any) -> None:
    """Given the refreshed demo county, when the Health waits page's area is one of its sub-ICB locations, then
    the page names it, its waits are the sub-ICB's published figures, the autism list is compared with NHS
    England's figure for that sub-ICB, and the advice tab gives the sub-ICB's own six-week figure."""
    import pandas as pd
    import sqlalchemy as sa
    from streamlit.testing.v1 import AppTest

    sub = pd.read_sql(sa.text("SELECT area_code, area_name FROM published.areas WHERE area_level = 'sicbl' "
                              "ORDER BY area_code LIMIT 1"), engine).iloc[0]
    at: Any = AppTest.from_file(str(APP), default_timeout=120).run()
    at.switch_page("views/health.py")
    at.run()
    picker = at.selectbox(key="area")
    assert sub["area_code"] in picker.options or f"{sub['area_name']} (sub-ICB location)" in picker.options
    picker.set_value(sub["area_code"]).run()
    assert not at.exception
    assert at.query_params["area"] == [sub["area_code"]] or at.query_params["area"] == sub["area_code"]
    assert f"Waits in {sub['area_name']}" in [h.value for h in at.subheader]
    words = " ".join(c.value for c in at.caption)
    assert "this sub-ICB" in words  # compared with NHS England's own figure for the sub-ICB
    advice = pd.read_sql(sa.text("SELECT period, value FROM published.indicator_values WHERE indicator_id = "
                                 "'advice_6_weeks' AND area_level = 'sicbl' AND area_code = :a AND value IS NOT NULL "
                                 "ORDER BY period DESC LIMIT 1"), engine, params={"a": sub["area_code"]}).iloc[0]
    at.query_params["health_tab"] = "Six-week health advice"
    at.run()
    assert not at.exception
    shown = " ".join(m.value for m in at.markdown) + " ".join(h.proto.body for h in at.get("html"))
    assert f"Health advice within 6 weeks: {sub['area_name']}" in shown
    assert f"{advice['value']:.1f}%" in shown
