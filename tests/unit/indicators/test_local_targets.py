"""Local targets and trajectories (jsna.toml [[targets]]): read and checked with the configuration, put in the
catalogue's place, and each period judged against the target then in force."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from jsna.config import load_config
from jsna.errors import ConfigError
from jsna.indicators import targets
from jsna.indicators.catalogue import catalogue_frame, load_catalogue
from jsna.indicators.compute import comparisons
from tests.unit.publish.test_alert_rules import config  # a demo project's jsna.toml with more in it

TRAJECTORY = """
[[targets]]
indicator = "wait_median_weeks"
value = 18
by = 2027-03-31
direction = "lower"
trajectory = [{ date = 2025-03-31, value = 40 }, { date = 2026-03-31, value = 30 }]
"""


def test_a_local_target_and_its_trajectory_take_the_catalogues_place(tmp_path: Path) -> None:
    cfg = load_config(config(tmp_path, TRAJECTORY))
    (t,) = cfg.targets
    assert [(p.date, p.value) for p in t.trajectory] == [(date(2025, 3, 31), 40.0), (date(2026, 3, 31), 30.0),
                                                         (date(2027, 3, 31), 18.0)]  # 'by' ends the path
    local = targets.with_local_targets(cfg.targets)
    ind = local["wait_median_weeks"]
    assert (ind.target, ind.polarity, ind.target_source) == (18.0, "low_is_good", "local")
    assert load_catalogue()["wait_median_weeks"].target_source == "catalogue"  # the package's is untouched
    frame = catalogue_frame(local).set_index("indicator_id")
    assert frame.loc["wait_median_weeks", "target"] == 18.0
    assert frame.loc["ehcp_20_weeks", "target"] == load_catalogue()["ehcp_20_weeks"].target


def test_the_target_in_force_is_read_along_the_trajectory() -> None:
    cfg_target = type("T", (), {"indicator": "wait_median_weeks", "value": 18.0, "direction": "lower",
                                "trajectory": [type("P", (), {"date": d, "value": v})() for d, v in
                                               ((date(2025, 3, 31), 40.0), (date(2026, 3, 31), 30.0),
                                                (date(2027, 3, 31), 18.0))]})()
    ind = targets.with_local_targets([cfg_target])["wait_median_weeks"]
    assert np.isnan(targets.at(ind, date(2025, 3, 30)))  # before the path starts: not judged
    assert targets.at(ind, date(2025, 3, 31)) == 40.0
    # 30 September 2025 is 183 of the 365 days to 31 March 2026: 40 - 10 * 183 / 365
    assert targets.at(ind, date(2025, 9, 30)) == pytest.approx(40 - 10 * 183 / 365)
    assert targets.at(ind, date(2026, 9, 30)) == pytest.approx(30 - 12 * 183 / 365)
    assert targets.at(ind, date(2030, 1, 1)) == 18.0  # after the last date: the target
    # periods as the indicators publish them: a quarter ends on its last day
    assert targets.by_period(ind, pd.Series(["2025-Q1", "2025-Q3", "2027-Q2"])) == pytest.approx(
        [40.0, 40 - 10 * 183 / 365, 18.0])


def test_each_period_is_judged_against_the_target_then_in_force(tmp_path: Path) -> None:
    ind = targets.with_local_targets(load_config(config(tmp_path, TRAJECTORY)).targets)["wait_median_weeks"]
    values = pd.DataFrame({"period": ["2024-Q4", "2025-Q1", "2025-Q3", "2026-Q1", "2027-Q1"], "breakdown": "all",
                           "area_level": "utla", "area_code": "X10000001",
                           "value": [45.0, 39.0, 36.0, 31.0, 18.0]})
    for col in ("lower_ci95", "upper_ci95"):
        values[col] = values["value"]
    nesting = pd.DataFrame(columns=["child_level", "child_code", "parent_level", "parent_code"])
    got = comparisons(values, ind, nesting).set_index("period")
    got = got[got["comparator_type"] == "target"]
    assert "2024-Q4" not in got.index  # before the trajectory starts
    assert got.loc["2025-Q1", "comparator_value"] == 40.0 and got.loc["2025-Q1", "comparison"] == "better"
    assert got.loc["2025-Q3", "comparator_value"] == pytest.approx(40 - 10 * 183 / 365)  # 35.0: 36 is worse
    assert got.loc["2025-Q3", "comparison"] == "worse"
    assert got.loc["2026-Q1", "comparator_value"] == 30.0 and got.loc["2026-Q1", "comparison"] == "worse"
    assert got.loc["2027-Q1", "comparator_value"] == 18.0 and got.loc["2027-Q1", "comparison"] == "better"


def test_the_catalogues_single_target_judges_every_period_as_before() -> None:
    ind = load_catalogue()["ehcp_20_weeks"]
    values = pd.DataFrame({"period": ["2019", "2024"], "breakdown": "all", "area_level": "utla",
                           "area_code": "X10000001", "value": [96.0, 50.0]})
    values["lower_ci95"], values["upper_ci95"] = values["value"], values["value"]
    nesting = pd.DataFrame(columns=["child_level", "child_code", "parent_level", "parent_code"])
    got = comparisons(values, ind, nesting)
    assert got["comparator_value"].tolist() == [ind.target, ind.target]
    assert got["comparison"].tolist() == ["better", "worse"]
    assert got["comparator_code"].tolist() == [f"{ind.target:g}"] * 2


@pytest.mark.parametrize(("text", "says"), [
    ('\n[[targets]]\nindicator = "no_such"\nvalue = 1\n', "names the indicator 'no_such', which is not in the"),
    ('\n[[targets]]\nindicator = "ehcp_20_weeks"\nvalue = 60\n[[targets]]\nindicator = "ehcp_20_weeks"\nvalue = 70\n',
     "has more than one target"),
    ('\n[[targets]]\nindicator = "ehcp_20_weeks"\nvalue = 60\ntrajectory = [{ date = 2026-01-01, value = 50 }, '
     '{ date = 2025-01-01, value = 40 }]\n', "dates must rise"),
    ('\n[[targets]]\nindicator = "ehcp_20_weeks"\nvalue = 60\nby = 2025-01-01\ntrajectory = [{ date = 2026-01-01, '
     'value = 50 }]\n', "ends on or before"),
])
def test_a_bad_target_stops_in_one_sentence_naming_the_file(tmp_path: Path, text: str, says: str) -> None:
    with pytest.raises(ConfigError, match=str(tmp_path / "jsna.toml")) as caught:
        load_config(config(tmp_path, text))
    assert says in str(caught.value) and "\n" not in str(caught.value)


def test_an_alert_on_the_target_may_use_the_areas_own(tmp_path: Path) -> None:
    text = TRAJECTORY + '\n[[alerts]]\nname = "waits"\nindicator = "wait_median_weeks"\nthreshold = "target"\n' \
                        'direction = "above"\n'
    assert load_config(config(tmp_path, text)).alerts[0].threshold == "target"
