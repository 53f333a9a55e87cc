"""The SEN2 return's validation rules (jsna.sources.sen2_return.rules): errors send the requests they touch
to quarantine under the rule's reference, queries are reported only, nothing quotes a child's value, and the
demo county's return breaks no error rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from jsna.sources import sen2_return
from jsna.sources.check import rules_broken
from jsna.sources.context import ReadContext
from jsna.sources.sen2_return import rules
from tests.unit.test_sen2_return import person, request, small, write

__all__ = ["small"]  # the fixture, shared with the reader's tests

PLAN_START = "<StartDate>2024-06-01</StartDate>"
NEED = "<SENneed><SENtype>ASD</SENtype><SENtypeRank>1</SENtypeRank></SENneed>"


def _reported(parsed: object) -> dict[str, tuple[str, int, list[int]]]:
    found = parsed.extras[rules.EXTRA]  # type: ignore[attr-defined]
    return {str(v["rule"]): (str(v["severity"]), int(v["rows"]), list(v["lines"])) for v in found}


def test_error_rules_quarantine_the_requests_they_touch_under_their_reference(tmp_path: Path,
                                                                               small: ReadContext) -> None:
    """Given a return whose persons each break one error rule of a different module (a plan ceased before it
    started, the same SEN type rank twice, Week20 neither true nor false, a placement left before it began, a
    ULN of 9 digits), when read, then each request goes to quarantine once, under its rule's reference and
    message with the module and item, the good person's request lands, rows in = loaded + quarantined, and
    every rule broken is reported with its count and lines."""
    ceased = request().replace(PLAN_START, PLAN_START + "<CeaseDate>2024-05-01</CeaseDate><CeaseReason>9</CeaseReason>")
    twice = request().replace(NEED, NEED + NEED)
    week20 = request().replace("<Week20>false</Week20>", "<Week20>sometimes</Week20>")
    left = request().replace("<EntryDate>2024-06-01</EntryDate>",
                             "<EntryDate>2024-06-01</EntryDate><LeavingDate>2024-04-01</LeavingDate>")
    bad_uln = person(upn="", requests=request()).replace("<UPN></UPN>",
                                                         "<UniqueLearnerNumber>123456789</UniqueLearnerNumber>")
    path = write(tmp_path,
                 person(),  # line 5: good
                 person(upn="B123456789012", requests=ceased),  # 6
                 person(upn="C123456789012", requests=twice),  # 7
                 person(upn="D123456789012", requests=week20),  # 8
                 person(upn="E123456789012", requests=left),  # 9
                 bad_uln)  # 10
    parsed = sen2_return.read(path, {}, small)
    assert parsed.frame["line"].tolist() == [5]
    q = parsed.quarantine.sort_values("line")
    assert list(zip(q["line"], q["column_name"], q["rule"], strict=True)) == [
        (6, "NamedPlan/CeaseDate",
         "SEN2 spec module 4a NamedPlan/CeaseDate: plan ceased (CeaseDate) before it started (StartDate)"),
        (7, "SENneed/SENtypeRank",
         "SEN2 spec module 5c SENneed/SENtypeRank: the same SEN type rank given twice in one active plan"),
        (8, "Assessment/Week20", "SEN2 spec module 3 Assessment/Week20: Week20 (20-week exceptions) not true or false"),
        (9, "PlacementDetail/LeavingDate",
         "SEN2 spec module 5b PlacementDetail/LeavingDate: placement left (LeavingDate) before it began"),
        (10, "Person/UniqueLearnerNumber", "SEN2 spec module 1 Person/UniqueLearnerNumber: ULN not 10 digits"),
    ]
    assert parsed.rows_in == 6 == parsed.rows_loaded + len(parsed.quarantine)
    reported = _reported(parsed)
    assert reported["plan_ceased_before_start"] == ("error", 1, [6])
    assert reported["need_rank_twice"] == ("error", 2, [7, 7])  # both SENneed elements of the plan
    assert reported["placement_left_before_entry"] == ("error", 1, [9])
    shown = parsed.quarantine.astype(str).to_string() + str(parsed.extras[rules.EXTRA])
    for secret in ("123456789", "Quillfeather", "Marigold", "2012-03-04", "B123456789012"):
        assert secret not in shown, secret


def test_queries_are_reported_and_nothing_is_quarantined_for_them(tmp_path: Path, small: ReadContext) -> None:
    """Given a person with no postcode, one over 25 on the reference date and one with no UPN, ULN or reason
    (each otherwise sound), when read, then the queries are reported with their lines, and none of them sends a
    request to quarantine (the reader's own placement rule still quarantines the request with no home)."""
    path = write(tmp_path,
                 person(postcode=""),  # line 5: no postcode (query; the reader cannot place it)
                 person(upn="B123456789012", dob="1998-01-02", requests=request(received="2019-02-01",
                                                                                decided="2019-03-01",
                                                                                start="2019-06-01")),  # 6: 27
                 person(upn=""))  # 7: no identifier at all: keyed by name and birth date
    parsed = sen2_return.read(path, {}, small)
    reported = _reported(parsed)
    assert reported["person_no_postcode"] == ("query", 1, [5])
    assert reported["person_over_25"] == ("query", 1, [6])
    assert reported["person_no_identifier"] == ("query", 1, [7])
    assert not any(severity == "error" for severity, _, _ in reported.values())
    assert sorted(parsed.frame["line"]) == [6, 7]
    assert parsed.quarantine["rule"].tolist() == ["no postcode to place the home"]


def test_exactly_one_check_letter_makes_a_upn_valid() -> None:
    """Given a UPN's 12 digits and each of DfE's 23 check letters in front, then the check-letter query passes
    exactly one of them, and a UPN not in DfE's format is left to the format rule."""
    import pandas as pd

    upns = [letter + "20123456789" + "1" for letter in rules.UPN_CHECK]
    table = pd.DataFrame({"UPN": upns})
    wrong = rules._upn_check_wrong(table)
    assert int((~wrong).sum()) == 1
    assert not rules._upn_check_wrong(pd.DataFrame({"UPN": ["Q12345", ""]})).any()


def test_every_rule_is_declared_once_with_a_module_item_and_severity() -> None:
    """Given the rule table, then keys are unique, every rule reads an item of its module (or names a child
    module it requires), is an error or a query, and no rule claims a DfE number not found."""
    from jsna.sources.sen2_return.spec import ELEMENTS, MODULES

    keys = [r.key for r in rules.RULES]
    assert len(keys) == len(set(keys)) and len(keys) >= 40
    for r in rules.RULES:
        assert r.item in MODULES[r.module] or r.item in ELEMENTS.values(), r.key
        assert r.severity in (rules.ERROR, rules.QUERY) and r.dfe is None
        assert r.reason.startswith(f"SEN2 spec module {rules.SECTIONS[r.module]} {ELEMENTS[r.module]}/")


def test_sources_check_prints_each_rule_with_its_count_and_first_lines(tmp_path: Path, small: ReadContext) -> None:
    """Given a return breaking an error rule on three requests and a query on one person, when its rules are
    made into `jsna sources check`'s lines, then errors come first, each with its reference, count and first
    lines."""
    path = write(tmp_path, *[person(upn=f"{c}123456789012", requests=request(decided="2024-01-01"))
                             for c in "BCD"], person(upn="E123456789012", postcode=""))
    found = rules_broken(sen2_return.read(path, {}, small).extras)
    shown = [str(r) for r in found if "check letter" not in r.message]
    assert shown == [
        "error SEN2 spec module 2 Requests/RequestOutcomeDate: request outcome dated before the request was "
        "received (ReceivedDate): 3 records, lines 5, 6, 7",
        "query SEN2 spec module 1 Person/PostCode: postcode missing: 1 record, line 8",
    ]


@pytest.fixture(scope="module")
def demo_modules(demo_dir: Path) -> sen2_return.Modules:
    return sen2_return.read_modules(demo_dir / "education" / "sen2_return_2026.xml")


def test_the_demo_return_breaks_no_error_rule(demo_modules: sen2_return.Modules) -> None:
    """Given the demo county's SEN2 return, when every rule is checked, then no error rule is broken (nothing
    of it would be quarantined by the rules), and the only queries are those a synthetic county has: people
    over 25 whose plans have ceased, UPNs made without DfE's check letter and 'other' settings (OTH) given
    without their description."""
    found = rules.findings(demo_modules)
    assert not (found["severity"] == rules.ERROR).any()
    assert set(found["rule"]) <= {"person_over_25", "person_upn_check_letter", "plan_detail_setting_other",
                                  "placement_detail_setting_other"}


def test_a_blade_export_breaks_the_same_rules_as_its_xml(tmp_path: Path, small: ReadContext) -> None:
    """Given a small return with a request decided before it was received, a plan ceased before it started and
    a person without a postcode, and the same return as COLLECT's Blade Export, when both are read, then they
    break the same rules as often and quarantine as many requests (lines are each file's own)."""
    from jsna.demo.sen2 import write_blade_export

    ceased = request().replace(PLAN_START, PLAN_START + "<CeaseDate>2024-05-01</CeaseDate><CeaseReason>9</CeaseReason>")
    xml = write(tmp_path, person(), person(upn="B123456789012", requests=request(decided="2024-01-01")),
                person(upn="C123456789012", requests=ceased), person(upn="D123456789012", postcode=""))
    from_xml = sen2_return.read(xml, {}, small)
    from_blade = sen2_return.read(write_blade_export(xml, tmp_path / "blade"), {}, small)

    def counts(parsed: object) -> dict[str, tuple[str, int]]:
        return {k: v[:2] for k, v in _reported(parsed).items()}

    assert counts(from_blade) == counts(from_xml)
    assert {"request_outcome_before_received", "plan_ceased_before_start", "person_no_postcode"} <= set(
        counts(from_xml))
    assert sorted(from_blade.quarantine["rule"]) == sorted(from_xml.quarantine["rule"])
    assert len(from_xml.quarantine) == 3 and len(from_xml.frame) == len(from_blade.frame) == 1
