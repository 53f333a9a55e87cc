"""The Overview page in-process with Streamlit's AppTest."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

pytestmark = pytest.mark.db

APP = Path(__file__).resolve().parents[2] / "dashboards" / "app.py"


def test_overview_renders_headlines_and_selectors(refreshed: dict, engine: sa.Engine) -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == "SEND needs assessment: Demoshire"
    labels = [m.label for m in at.metric]
    assert labels[0].startswith("EHC plans per 1,000 aged 0-25 (Jan 20")
    assert at.selectbox(key="indicator").value == "ehcp_rate_0_25"
    at.selectbox(key="indicator").select("ehcp_20_weeks").run()
    assert not at.exception
    assert at.query_params["indicator"] == "ehcp_20_weeks"
    with engine.connect() as conn:
        districts = conn.execute(sa.text("SELECT count(DISTINCT area_code) FROM published.indicator_values "
                                         "WHERE area_level = 'lad'")).scalar_one()
    assert len(at.dataframe[0].value) == districts
