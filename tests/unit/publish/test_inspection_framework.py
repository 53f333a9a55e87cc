"""The area SEND inspection framework's catalogue (issue 16 point 2), checked against the indicator catalogue with
no database: every evaluation area is evidenced or says why not, every indicator it names exists with the
direction and target the indicator catalogue gives, and every requested item is mapped or marked not held."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from jsna.indicators.catalogue import load_catalogue
from jsna.publish.inspection_framework import BETTER, FRAMEWORK, TABLES, load_framework


@pytest.fixture(scope="module")
def framework():  # type: ignore[no-untyped-def]
    return load_framework()


def test_the_file_opens_with_a_comment_naming_the_source_and_its_date(framework) -> None:  # type: ignore[no-untyped-def]
    header = FRAMEWORK.read_text(encoding="utf-8").split("\n[", 1)[0]
    assert all(line.startswith("#") or not line.strip() for line in header.splitlines())
    assert framework.source.url in header and "area-send-framework-and-handbook" in framework.source.url
    assert "January 2023" in header and "6 June 2025" in header
    assert framework.source.first_published == "2022-11-29" and framework.source.version_read == "2025-06-06"


def test_the_framework_s_areas_are_all_there_each_evidenced_or_explained(framework) -> None:  # type: ignore[no-untyped-def]
    groups = {a.group for a in framework.area}
    assert groups == {"Experiences and outcomes", "Partners working together", "Alternative provision"}
    assert len([a for a in framework.area if a.group == "Experiences and outcomes"]) == 5
    for area in framework.area:
        assert area.indicators or (area.not_held and len(area.not_held) > 20), area.id
        assert area.found_at in framework.source.found_at, area.id


def test_every_indicator_named_exists_with_the_catalogue_s_direction_and_target(framework) -> None:  # type: ignore[no-untyped-def]
    catalogue = load_catalogue()
    assert framework.indicator_ids() <= set(catalogue)
    for area in framework.area:
        for item in area.indicators:
            ind = catalogue[item.id]
            assert item.better == BETTER[ind.polarity], (area.id, item.id)
            assert item.target == ind.target, (area.id, item.id)
            assert "utla" in ind.levels, (area.id, item.id)
            if item.breakdown != "all":
                topic, _, value = item.breakdown.partition("=")
                assert topic in ind.breakdowns, (area.id, item.id)
                assert value, (area.id, item.id)


def test_indicators_with_a_target_are_among_the_evidence(framework) -> None:  # type: ignore[no-untyped-def]
    targeted = {i.id for i in load_catalogue().values() if i.target is not None}
    named = {e.id for a in framework.area for e in a.indicators}
    assert targeted <= named


def test_every_requested_item_is_mapped_or_not_held_and_the_gaps_are_named(framework) -> None:  # type: ignore[no-untyped-def]
    catalogue = load_catalogue()
    ids = [r.id for r in framework.requested]
    for must in ("self_evaluation", "jsna", "ehcp_timeliness", "health_waits", "by_need_and_setting",
                 "suspensions_exclusions", "attendance", "alternative_provision", "elective_home_education",
                 "adult_services"):
        assert must in ids
    for item in framework.requested:
        assert bool(item.indicators or item.tables) != bool(item.not_held), item.id
        assert set(item.tables) <= set(TABLES)
        for ind, split in item.parts():
            assert ind in catalogue, item.id
            if split is not None:
                assert split.partition("=")[0] in catalogue[ind].breakdowns, item.id
    not_held = {r.id for r in framework.requested if r.not_held}
    assert {"self_evaluation", "suspensions_exclusions", "attendance", "elective_home_education",
            "adult_services"} <= not_held
    assert "jsna" not in not_held and "ehcp_timeliness" not in not_held


@pytest.mark.parametrize("entry, message", [
    ('[[area]]\nid = "x"\ngroup = "g"\nlabel = "l"\nsummary = "s"\nfound_at = "u"\nindicators = []\n',
     "no indicators and no `not_held`"),
    ('[[requested]]\nid = "x"\nlabel = "l"\n', "give indicators/tables or `not_held`"),
    ('[[requested]]\nid = "x"\nlabel = "l"\ntables = ["core_cases"]\n', "unknown published tables"),
])
def test_an_unexplained_area_or_item_is_refused(tmp_path: Path, entry: str, message: str) -> None:
    text = FRAMEWORK.read_text(encoding="utf-8") + "\n" + entry
    path = tmp_path / "framework.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationError, match=message):
        load_framework.__wrapped__(path)
