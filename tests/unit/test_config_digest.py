"""What a build depends on in jsna.toml (JsnaConfig.build_digest): alert rules, where messages go, the refresh
policy, comments and the folder make no rebuild; targets, milestones, disclosure and sources do."""

from __future__ import annotations

from pathlib import Path

import pytest

from jsna.config import load_config

BASE = """
# the demo-like project
[project]
name = "Testshire"
area_code = "E10000014"

[disclosure]
min_count = 5

[[sources]]
name = "cases"
kind = "ehcp_cases"
path = "education/ehcp_cases.csv"
"""

ALERT = """
[notify]
smtp_host = "mail.example.org"

[refresh]
min_share = 0.2

[[alerts]]
name = "timeliness"
indicator = "ehcp_20_weeks"
threshold = 60
direction = "below"
recipients = ["board@example.org"]
"""


def digest(folder: Path, text: str) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "jsna.toml").write_text(text)
    return load_config(folder / "jsna.toml").build_digest()


def test_delivery_settings_comments_and_folder_leave_the_build_as_it_is(tmp_path: Path) -> None:
    plain = digest(tmp_path / "a", BASE)
    assert digest(tmp_path / "b", BASE + ALERT) == plain
    assert digest(tmp_path / "c", "# another comment\n" + BASE.replace("min_count = 5", "min_count = 5  # policy")) \
        == plain


@pytest.mark.parametrize("change", [
    ("min_count = 5", "min_count = 10"),
    ('path = "education/ehcp_cases.csv"', 'path = "education/other.csv"'),
    ('name = "Testshire"', 'name = "Otherplace"'),
])
def test_what_the_figures_are_built_from_rebuilds(tmp_path: Path, change: tuple[str, str]) -> None:
    assert digest(tmp_path / "b", BASE.replace(*change)) != digest(tmp_path / "a", BASE)


def test_a_local_target_rebuilds(tmp_path: Path) -> None:
    target = '\n[[targets]]\nindicator = "ehcp_20_weeks"\nvalue = 60\nby = "2027-12-31"\ndirection = "higher"\n'
    assert digest(tmp_path / "b", BASE + target) != digest(tmp_path / "a", BASE)
