"""What a refresh redoes after some sources changed (jsna.rebuild): the tables that read them, through the core
build's order, and the steps whose queries read one of those."""

from __future__ import annotations

import pytest

from jsna import pipeline
from jsna.indicators.registry import units
from jsna.rebuild import FULL, reads, scope_of


def test_a_named_files_reads_are_its_run_tables_but_its_own_output() -> None:
    assert reads("core/ehcp_cases") == {"core__lsoa_lookup", "core__schools", "raw__ehcp_cases"}
    assert reads("queries/area_nesting") == {"core__lsoa_lookup", "raw__lookup"}
    # the best-fit LSOA 2011 lookup is built with the areas: reading it is reading them
    assert reads("core/deprivation") == {"core__areas", "raw__imd"}


def test_a_changed_source_reaches_what_reads_it_and_nothing_else() -> None:
    waits = scope_of(["waiting_list"])
    assert waits.core == ["waiting_list"]
    assert waits.redo(["waits_waiting", "area_names"]) and not waits.redo(["ehcp_caseload", "planning_cases"])
    assert waits.redo(None)  # a step with no record of what it read runs again
    # the ONS lookup: the LSOA lookup, then everything placed by it, the areas and what is drawn on them
    lookup = scope_of(["lookup"])
    assert lookup.core[:3] == ["areas", "lsoa_lookup", "population"]
    assert {"ehcp_cases", "waiting_list", "service_sites", "deprivation"} <= set(lookup.core)
    assert "statistics" not in lookup.core and "school_places" not in lookup.core
    # schools: the school list, and the plans (their setting comes from it), not the waits
    assert scope_of(["schools"]).core == ["schools", "ehcp_cases"]
    # a new advice return: the trusts' names and the figures by trust, not every figure named by area
    advice = scope_of(["advice_returns"])
    assert not advice.redo(["area_names", "area_nesting", "planning_cases"]) and advice.redo(["trust_names"])
    assert FULL.redo(["anything"]) and FULL.core[0] == "areas" and scope_of([]).describe() == "nothing"


def test_families_disclosure_control_links_are_computed_together(monkeypatch: pytest.MonkeyPatch) -> None:
    waits = scope_of(["waiting_list"])
    ehcp = {f"indicators:{u.name}": ["ehcp_caseload"] for u in units() if u.name.startswith("ehcp.")}
    last = {**ehcp, "indicators:health": ["waits_waiting"],
            "indicators:social": ["social_care_open"], "indicators:pupils": ["statistics"],
            "indicators:cin": ["cin_ehcp_children"], "indicators:pathway": ["statistics"]}
    assert pipeline.families_to_compute(waits, last) == {"health"}
    assert pipeline.families_to_compute(waits, {**last, "indicators:cin": []}) == {"health"}
    assert pipeline.families_to_compute(waits, {k: v for k, v in last.items() if k != "indicators:cin"}) == {
        "health", "cin"}  # no record: computed
    # a link from a waits indicator to a social care one would protect them, and so compute them, together
    monkeypatch.setattr(pipeline, "linked_indicators", lambda derived: [{"wait_median_weeks", "dct_caseload_rate"}])
    assert pipeline.families_to_compute(waits, last) == {"health", "social"}


def test_a_query_returning_what_it_did_redoes_nothing() -> None:
    """Given the SEN2 return changed, when the advice timeliness query was found to return the rows it returned in
    the last build (`settle`), then the health family that reads only it and unchanged tables is not redone, while
    the plans' family, whose caseload query reads the same table and was not found so, is."""
    from dataclasses import replace

    sen2 = scope_of(["ehcp_cases"])
    assert sen2.redo(["advice_timeliness", "waits_waiting"]) and sen2.stale("advice_timeliness")
    settled = replace(sen2, same=frozenset({"advice_timeliness"}))
    assert not settled.redo(["advice_timeliness", "waits_waiting"]) and not settled.stale("advice_timeliness")
    assert settled.redo(["advice_timeliness", "ehcp_caseload"]) and settled.redo(None)
    assert not settled.stale("waits_waiting") and FULL.stale("anything") and FULL.redo(["anything"])


def test_every_indicator_of_a_family_made_of_parts_is_named_by_one_part() -> None:
    """A family computed in parts (the EHC plans: jsna.indicators.ehcp.PARTS) names each of its catalogued
    indicators in exactly one part: a part kept from the last build keeps exactly its own indicators."""
    from jsna.indicators.catalogue import family_of
    from jsna.indicators.registry import unit_of

    named = [i for u in units() if u.indicators for i in u.indicators]
    assert len(named) == len(set(named))
    owners = unit_of()
    assert {i for i, f in family_of().items() if f == "ehcp"} == set(named)
    assert owners["ehcp_ceased"] == "ehcp.ceased_counts" and owners["ehcp_plans"] == "ehcp.caseload_counts"
    assert owners["wait_median_weeks"] == "health"  # a family without parts is one unit
