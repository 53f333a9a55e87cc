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
