"""The headline figures kept per build (jsna.publish.headline_history) and what changed between two builds."""

from __future__ import annotations

import numpy as np
import pandas as pd

from jsna.publish.headline_history import changes, headline_rows


def _values() -> pd.DataFrame:
    rows = [  # indicator, period, area, breakdown, value, symbol
        ("ehcp_20_weeks", "2024", "X1", "all", 48.0, None),
        ("ehcp_20_weeks", "2025", "X1", "all", 51.5, None),
        ("ehcp_20_weeks", "2025", "X2", "all", 90.0, None),          # another area
        ("ehcp_20_weeks", "2025", "X1", "age_band=0-4", 30.0, None),  # a breakdown not shown as a headline
        ("wait_median_weeks", "2025", "X1", "pathway=asc", 39.0, None),
        ("wait_median_weeks", "2025", "X1", "sex=F", 12.0, None),
        ("ehcp_backlog", "2025-11", "X1", "all", np.nan, "c"),
        ("ehcp_backlog", "2025-12", "X1", "all", np.nan, "c"),
        ("short_breaks_pct", "2025", "X1", "all", 20.0, None),       # not a headline
    ]
    return pd.DataFrame(rows, columns=["indicator_id", "period", "area_code", "breakdown", "value", "symbol"])


def test_the_latest_headline_of_the_home_area_is_kept_as_published() -> None:
    """Given published values of several areas, periods and breakdowns, then one row per headline indicator and
    shown breakdown is kept: the home area's latest period, a suppressed figure still suppressed."""
    out = headline_rows(_values(), "X1", run_id=7)
    assert out[["indicator_id", "period", "breakdown"]].values.tolist() == [
        ["ehcp_20_weeks", "2025", "all"], ["ehcp_backlog", "2025-12", "all"],
        ["wait_median_weeks", "2025", "pathway=asc"]]
    assert out["value"].tolist()[0] == 51.5 and np.isnan(out["value"].tolist()[1])
    assert out["symbol"].tolist()[1] == "c" and set(out["run_id"]) == {7}


def test_changes_compare_the_last_two_builds() -> None:
    """Given three builds' headlines, then the last two are compared: the change where both are shown, none
    where one is suppressed, and a figure new in the last build has nothing before it."""
    first = headline_rows(_values(), "X1", run_id=1).assign(value=0.0)
    second = headline_rows(_values(), "X1", run_id=2)
    third = second.assign(run_id=5)
    third.loc[third["indicator_id"] == "ehcp_20_weeks", "value"] = 55.0
    third.loc[third["indicator_id"] == "ehcp_20_weeks", "period"] = "2026"
    extra = pd.DataFrame([{"run_id": 5, "indicator_id": "ehcp_plans", "period": "202425", "area_code": "X1",
                           "breakdown": "all", "value": 17816.0, "symbol": None}])
    out = changes(pd.concat([first, second, third, extra], ignore_index=True)).set_index("indicator_id")
    assert out.loc["ehcp_20_weeks", ["period_before", "value_before", "period_now", "value_now"]].tolist() == [
        "2025", 51.5, "2026", 55.0]
    assert out.loc["ehcp_20_weeks", "change"] == 3.5
    assert np.isnan(out.loc["ehcp_backlog", "change"]) and out.loc["ehcp_backlog", "symbol_now"] == "c"
    assert out.loc["wait_median_weeks", "change"] == 0
    assert pd.isna(out.loc["ehcp_plans", "period_before"]) and np.isnan(out.loc["ehcp_plans", "change"])


def test_no_build_no_changes() -> None:
    assert changes(pd.DataFrame(columns=["run_id", "indicator_id", "breakdown", "period", "value", "symbol"])).empty
