"""Alert rules in jsna.toml: validated like the rest of the configuration; what a reading does to an alert; the
messages' text."""

from __future__ import annotations

from pathlib import Path

import pytest

from jsna.config import AlertRule, load_config
from jsna.errors import ConfigError
from jsna.publish.alerts import Change, Reading, decide, failure_message, message

BASE = """[project]
name = "Demoshire"
area_code = "X10000001"
demo = true

[[sources]]
name = "lsoa21"
kind = "boundaries"
path = "lsoa.gpkg"
level = "lsoa"
"""


def config(tmp_path: Path, alerts: str) -> Path:
    path = tmp_path / "jsna.toml"
    path.write_text(BASE + alerts, encoding="utf-8")
    return path


def test_rules_on_an_indicator_and_a_milestone_are_read(tmp_path: Path) -> None:
    cfg = load_config(config(tmp_path, """
[notify]
base_url = "http://jsna.example.org"
on_failure = ["ops@example.org"]

[[alerts]]
name = "timeliness"
indicator = "ehcp_20_weeks"
threshold = "target"
direction = "below"
recipients = ["board@example.org", "https://hooks.example.org/abc"]

[[alerts]]
name = "overdue"
milestone = "final_plan_20w"
area = "X07000001"
threshold = 20
direction = "above"
"""))
    assert [a.name for a in cfg.alerts] == ["timeliness", "overdue"]
    assert cfg.alerts[0].threshold == "target" and cfg.alerts[0].recipients[1] == "https://hooks.example.org/abc"
    assert cfg.alerts[1].horizon == "overdue" and cfg.alerts[1].threshold == 20.0
    assert cfg.notify.base_url == "http://jsna.example.org"


@pytest.mark.parametrize(("rule", "says"), [
    ('indicator = "ehcp_within_20_weeks"\nthreshold = 90\ndirection = "below"',
     "names the indicator 'ehcp_within_20_weeks', which is not in the catalogue"),
    ('indicator = "ehcp_requests_rate"\nthreshold = "target"\ndirection = "above"', "the catalogue gives it none"),
    ('milestone = "final_plan_21w"\nthreshold = 5\ndirection = "above"', "unknown milestone 'final_plan_21w'"),
    ('milestone = "final_plan_20w"\nthreshold = "target"\ndirection = "above"', "a milestone has no target"),
    ('indicator = "ehcp_20_weeks"\nthreshold = 90\ndirection = "below"\nhorizon = "overdue"',
     "horizon is for milestones only"),
    ('indicator = "ehcp_20_weeks"\nthreshold = 90\ndirection = "down"', "alerts.0.direction"),
    ('indicator = "ehcp_20_weeks"\nthreshold = 90\ndirection = "below"\nrecipients = ["board"]',
     "neither an email address nor an http(s) webhook URL"),
    ('indicator = "ehcp_20_weeks"\nmilestone = "final_plan_20w"\nthreshold = 90\ndirection = "below"',
     "an indicator or a milestone (one of them)"),
])
def test_a_wrong_rule_stops_with_a_sentence_naming_it(tmp_path: Path, rule: str, says: str) -> None:
    with pytest.raises(ConfigError) as err:
        load_config(config(tmp_path, f'\n[[alerts]]\nname = "r"\n{rule}\n'))
    assert says in str(err.value)
    assert str(tmp_path / "jsna.toml") in str(err.value)


def test_a_real_area_in_a_demo_rule_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="E10000014"):
        load_config(config(tmp_path, '\n[[alerts]]\nname = "r"\nindicator = "ehcp_20_weeks"\narea = "E10000014"\n'
                                     'threshold = 90\ndirection = "below"\n'))


def reading(name: str, value: float | None, threshold: float = 20, direction: str = "above") -> Reading:
    rule = AlertRule(name=name, milestone="final_plan_20w", threshold=threshold, direction=direction)  # type: ignore[arg-type]
    return Reading(rule, "X10000001", "Demoshire", "Final EHC plans (20 weeks)", "children overdue", threshold,
                   value, "2025-10-31")


def test_a_breach_opens_lasts_and_closes_and_a_withheld_figure_changes_nothing() -> None:
    readings = [reading("new", 25), reading("lasting", 40), reading("ended", 20), reading("withheld", None),
                reading("quiet", 5), reading("low", 80, threshold=95, direction="below")]
    assert decide(readings, {"lasting", "ended", "withheld", "removed"}) == {
        "new": "open", "lasting": "update", "ended": "close", "low": "open", "removed": "close"}
    assert decide(readings[:1], {"new"}) == {"new": "update"}  # the same figures again: nothing new


def test_messages_give_published_figures_and_link_to_the_alerts_page() -> None:
    change = Change("opened", "overdue", "Final EHC plans (20 weeks)", "X10000001", "Demoshire",
                    "children overdue", "above", 20.0, 37.0, "2025-10-31", "2025-10-31", ["board@example.org"])
    subject, text = message(change, "http://jsna.example.org/")
    assert subject == "JSNA alert: Final EHC plans (20 weeks), Demoshire"
    assert text == ("Final EHC plans (20 weeks) in Demoshire (X10000001): 37 (children overdue, 2025-10-31), above "
                    "the threshold of 20. Alert 'overdue' opened. See http://jsna.example.org/alerts")
    closed = Change("closed", "timeliness", "EHC plans issued within 20 weeks", "X10000001", "Demoshire", "%",
                    "below", 95.0, 96.25, "2025", "2024", [])
    assert message(closed, "http://x")[1] == (
        "EHC plans issued within 20 weeks in Demoshire (X10000001): 96.2 (%, 2025), no longer below the threshold "
        "of 95. Alert 'timeliness', open since 2024, closed. See http://x/alerts")
    assert failure_message(12, "SourceError: a file is missing.", "http://x")[0] == "JSNA refresh failed (run 12)"
