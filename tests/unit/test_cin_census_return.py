"""The Children in Need census return (kind cin_census_return): a clean return loads item by item; each
kind of malformed return has its documented outcome (the file stops with one sentence naming it and the
line, or the bad item goes to quarantine with its reason); no identifier of a child leaves the reader."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from jsna.demo.cin_census import write_return
from jsna.demo.dates import day
from jsna.errors import SourceError
from jsna.sources import cin_census_return, ehcp_cases
from jsna.sources.base import Parsed
from jsna.sources.context import Placement, ReadContext
from jsna.sources.identity import Pseudonymiser

LSOAS = {"X01000001", "X01000002", "X01000003"}


def context() -> ReadContext:
    """LSOAs and a one-postcode directory, and the demo key (synthetic data only)."""
    placement = Placement(vintage=2021, postcodes=pd.Series({"XA1 1AA": "X01000003"}), known=set(LSOAS))
    return ReadContext(placement, Pseudonymiser(None, demo=True))


def d(text: str) -> float:
    y, m, dd = (int(x) for x in text.split("-"))
    return day(y, m, dd)


def episode(referral: str, closure: str | None = None, nfa: bool = False, **more: Any) -> dict[str, Any]:
    return {"referral": d(referral), "source": "2A", "need": "N1", "closure": d(closure) if closure else None,
            "reason": ("RC8" if nfa else "RC7") if closure else None, "nfa": nfa,
            "assessments": [], "plans": [], "s47": [], "cpp": [], **more}


def child(child_id: str, upn: str | None, dob: str, disabilities: list[str], *episodes: dict[str, Any],
          gender: str = "1") -> dict[str, Any]:
    return {"child_id": child_id, "upn": upn, "dob": d(dob), "gender": gender, "ethnicity": "WBRI",
            "disabilities": disabilities, "episodes": list(episodes)}


def full_episode() -> dict[str, Any]:
    """A referral with one of every item: assessment with factors, CIN plan, section 47, CP plan."""
    return episode("2024-05-01", assessments=[{"start": d("2024-05-03"), "authorised": d("2024-06-10"),
                                               "factors": ["5A", "3A"]}],
                   plans=[{"start": d("2024-06-10"), "end": None}],
                   s47=[{"start": d("2024-05-02"), "icpc": d("2024-05-17"), "not_required": False}],
                   cpp=[{"start": d("2024-05-17"), "end": d("2024-12-01"), "initial": "NEG", "latest": "EMO",
                         "previous": 1}])


CHILDREN = [
    child("C001", "X000000000001", "2012-03-04", ["AUT", "LD"], full_episode()),
    child("C002", None, "2020-07-08", ["NONE"], episode("2024-09-01", "2024-09-20", nfa=True), gender="2"),
    child("C003", "X000000000003", "2010-01-02", ["MOB"], episode("2023-01-01", "2024-05-01"),
          episode("2024-10-01")),
]


def write(tmp_path: Path, children: list[dict[str, Any]], name: str = "cin.xml", **kw: Any) -> Path:
    return write_return(tmp_path / name, children, **kw)


def read(path: Path) -> Parsed:
    return cin_census_return.read(path, {}, context())


def edit(path: Path, old: str, new: str, count: int = 1) -> Path:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return path


def test_a_clean_return_loads_every_item_keyed_aged_and_coded(tmp_path: Path) -> None:
    """Given three children (one with an item of every kind, one unborn-free infant without a UPN whose
    referral ended in no further action, one with two episodes), when read, then every item is one row,
    keyed by UPN where there is one (else LAchildID), aged at its start and at 31 March 2025."""
    parsed = read(write(tmp_path, CHILDREN))
    f = parsed.frame
    assert (parsed.rows_in, parsed.rows_loaded, len(parsed.quarantine)) == (8, 8, 0)
    assert f["record"].value_counts().to_dict() == {"referral": 4, "assessment": 1, "cin_plan": 1, "section47": 1,
                                                    "cp_plan": 1}
    pseudo = Pseudonymiser(None, demo=True)
    upn_key = pseudo.child_key(upn=pd.Series(["X000000000001"])).iloc[0]
    local_key = pseudo.child_key(local_id=pd.Series(["C002"])).iloc[0]
    first = f[f["child_key"] == upn_key]
    assert len(first) == 5 and set(first["disabilities"]) == {"AUT,LD"}
    assert first["age_at_census"].tolist() == [13] * 5 and first["sex"].eq("M").all()
    ref = first[first["record"] == "referral"].iloc[0]
    assert (ref["age_at_start"], ref["referral_source"], ref["primary_need"]) == (12, "2A", "N1")
    cp = first[first["record"] == "cp_plan"].iloc[0]
    assert (cp["abuse_category"], cp["end_date"]) == ("EMO", pd.Timestamp("2024-12-01"))
    assert first.loc[first["record"] == "assessment", "factors"].tolist() == ["5A,3A"]
    infant = f[f["child_key"] == local_key].iloc[0]
    assert infant["no_further_action"] is True and infant["closure_reason"] == "RC8" and infant["sex"] == "F"
    assert pd.isna(infant["disabilities"]) and infant["age_at_census"] == 4
    assert f["census_year"].eq(2025).all() and f["lsoa_code"].isna().all()


def test_the_same_upn_gives_the_same_key_as_an_ehcp_extract(tmp_path: Path) -> None:
    """Given an EHC plan extract whose children have a UPN and no NHS number, then the CIN census return's
    child with that UPN carries the same key (the link between the two)."""
    csv = tmp_path / "ehcp.csv"
    csv.write_text("Child ID,UPN,Date of Birth,Request Date,LSOA\nP1,X000000000001,04/03/2012,01/02/2023,X01000001\n",
                   encoding="utf-8")
    ehcp = ehcp_cases.read(csv, {}, context())
    cin = read(write(tmp_path, CHILDREN))
    assert ehcp.frame["child_key"].iloc[0] in set(cin.frame["child_key"])


def test_a_postcode_some_systems_add_places_the_home(tmp_path: Path) -> None:
    path = edit(write(tmp_path, CHILDREN[:1]), "<GenderCurrent>", "<PostCode>xa11aa</PostCode><GenderCurrent>")
    assert read(path).frame["lsoa_code"].eq("X01000003").all()


@pytest.mark.parametrize(("damage", "expected"), [
    (lambda t: t[: len(t) // 2], r"is not well-formed XML: the parser stopped at line \d+, column \d+"),
    (lambda t: t.replace("<Children>", "<Children><Child>", 1), r"is not well-formed XML: the parser stopped at line"),
    (lambda t: "", r"the file is empty\."),
    (lambda t: " \n", r"is not well-formed XML: the parser stopped at line \d+"),
    (lambda t: t.replace("<Collection>CIN</Collection>", "<Collection>SEN2</Collection>"),
     r"is a SEN2 return, not a CIN census: <Collection> at line 4 must be CIN\."),
    (lambda t: t.replace("Message>", "PersonLevelReturn>"),
     r"is not a CIN census return: its root element is <PersonLevelReturn>, where DfE's returns have <Message>"),
    (lambda t: t.replace("<Year>2025</Year>", "<Year>2031</Year>"),
     r"is a CIN census for year '2031' .*which jsna does not know: it reads the schemas of 2016 to 2026\."),
    (lambda t: t.replace("<Year>2025</Year>", ""), r"has no census <Year>, so its schema cannot be known"),
])
def test_an_unreadable_return_stops_with_one_sentence_naming_the_file_and_the_line(
        tmp_path: Path, damage: Any, expected: str) -> None:
    """Not well-formed (cut in half, a tag left open, empty), another collection's XML, another root, an
    unknown census year: the file stops, in one sentence naming it and where, quoting no child's value."""
    path = write(tmp_path, CHILDREN)
    path.write_text(damage(path.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(SourceError, match=expected) as err:
        read(path)
    message = str(err.value)
    assert message.startswith(str(path)) and message.count(". ") == 0
    for secret in ("X000000000001", "X000000000003", "C001", "2012-03-04", "2010-01-02"):
        assert secret not in message


def quarantined(parsed: Parsed) -> dict[str, int]:
    return parsed.quarantine.groupby("rule").size().to_dict()


def test_a_missing_mandatory_item_quarantines_the_item_and_what_hangs_from_it(tmp_path: Path) -> None:
    """Given the first child's referral without its CINreferralDate, then that referral and its four items
    go to quarantine (the referral under the rule, the items following it) and the others load."""
    path = edit(write(tmp_path, CHILDREN), "<CINreferralDate>2024-05-01</CINreferralDate>", "")
    parsed = read(path)
    assert quarantined(parsed) == {"referral: mandatory item CINreferralDate missing": 1,
                                   "its referral (CINdetails) was quarantined": 4}
    assert (parsed.rows_in, parsed.rows_loaded) == (8, 3)
    assert parsed.quarantine["line"].gt(0).all()


def test_a_child_without_an_episode_or_an_id_is_quarantined_whole(tmp_path: Path) -> None:
    no_episode = copy.deepcopy(CHILDREN[1])
    no_episode["episodes"] = []
    path = write(tmp_path, [CHILDREN[0], no_episode])
    path = edit(path, "<LAchildID>C001</LAchildID>", "")
    parsed = read(path)
    assert quarantined(parsed) == {"child: mandatory item missing": 6}
    assert set(parsed.quarantine["value"]) == {"missing: LAchildID", "missing: CINdetails"}
    assert parsed.rows_in == 6 and parsed.rows_loaded == 0


@pytest.mark.parametrize(("old", "new", "rule", "count"), [
    ("<ReferralSource>2A</ReferralSource>", "<ReferralSource>2Z</ReferralSource>",
     "ReferralSource code outside DfE's list", 1),
    ("<AssessmentFactors>3A</AssessmentFactors>", "<AssessmentFactors>99Q</AssessmentFactors>",
     "AssessmentFactors code outside DfE's list", 1),
    ("<LatestCategoryOfAbuse>EMO</LatestCategoryOfAbuse>", "<LatestCategoryOfAbuse>XXX</LatestCategoryOfAbuse>",
     "LatestCategoryOfAbuse code outside DfE's list", 1),
    ("<Disability>LD</Disability>", "<Disability>LEARN</Disability>", "child: Disability code outside DfE's list", 5),
    ("<GenderCurrent>1</GenderCurrent>", "<GenderCurrent>M</GenderCurrent>",
     "child: GenderCurrent code outside DfE's list", 5),
    ("<ReferralNFA>false</ReferralNFA>", "<ReferralNFA>maybe</ReferralNFA>",
     "flag not true/false (ReferralNFA or ICPCnotRequired)", 1),
])
def test_a_code_outside_dfes_lists_is_quarantined_with_its_rule(tmp_path: Path, old: str, new: str, rule: str,
                                                               count: int) -> None:
    """A code outside its list quarantines its item, or every item of the child when it is the child's."""
    parsed = read(edit(write(tmp_path, CHILDREN), old, new))
    assert quarantined(parsed).get(rule) == count
    assert parsed.rows_in == 8 == parsed.rows_loaded + len(parsed.quarantine)


def test_a_child_twice_keeps_the_first(tmp_path: Path) -> None:
    """Given the same child (same LAchildID and UPN) in two <Child> elements, then the first is loaded and
    every item of the second is quarantined."""
    again = copy.deepcopy(CHILDREN[2])
    parsed = read(write(tmp_path, [*CHILDREN, again]))
    rule = "child appears twice in the return (the same LAchildID or UPN in two <Child> elements): the first is kept"
    assert quarantined(parsed) == {rule: 2}
    assert parsed.rows_loaded == 8 and parsed.quarantine["line"].min() > parsed.frame["line"].max()


@pytest.mark.parametrize(("old", "new", "rule"), [
    ("<CINclosureDate>2024-05-01</CINclosureDate>", "<CINclosureDate>2022-05-01</CINclosureDate>",
     "referral: CINclosureDate before CINreferralDate"),
    ("<CPPendDate>2024-12-01</CPPendDate>", "<CPPendDate>2024-01-01</CPPendDate>",
     "cp_plan: CPPendDate before CPPstartDate"),
    ("<AssessmentAuthorisationDate>2024-06-10</AssessmentAuthorisationDate>",
     "<AssessmentAuthorisationDate>2024-05-01</AssessmentAuthorisationDate>",
     "assessment: AssessmentAuthorisationDate before AssessmentActualStartDate"),
    ("<CINreferralDate>2024-10-01</CINreferralDate>", "<CINreferralDate>01/10/2024x</CINreferralDate>",
     "not a date (YYYY-MM-DD)"),
])
def test_dates_out_of_order_are_quarantined(tmp_path: Path, old: str, new: str, rule: str) -> None:
    parsed = read(edit(write(tmp_path, CHILDREN), old, new))
    assert quarantined(parsed) == {rule: 1}


def test_no_identifier_of_a_child_leaves_the_reader(tmp_path: Path) -> None:
    """Given a return whose children have names (as some systems add), UPNs, former UPNs and dates of birth,
    some broken so that they go to quarantine, then none of those values is in any cell of the rows loaded
    or quarantined (values and records)."""
    children = copy.deepcopy(CHILDREN)
    children.append(child("C004", "X000000000004", "2011-11-11", ["LEARN"], episode("2024-06-01")))
    path = write(tmp_path, children)
    path = edit(path, "<PersonBirthDate>", "<PersonForename>Zebedee</PersonForename><PersonSurname>Quillfeather"
                "</PersonSurname><FormerUPN>X000000000099</FormerUPN><PersonBirthDate>", count=4)
    parsed = read(path)
    assert len(parsed.quarantine) == 1
    secrets = {"Zebedee", "Quillfeather", "X000000000099", "X000000000001", "X000000000003", "X000000000004",
               "C001", "C002", "C003", "C004", "2012-03-04", "2020-07-08", "2010-01-02", "2011-11-11"}
    cells = " ".join(map(str, parsed.frame.astype(str).to_numpy().ravel()))
    cells += " ".join(map(str, parsed.quarantine.astype(str).to_numpy().ravel()))
    assert not {s for s in secrets if s in cells}


def test_a_return_in_a_namespace_reads_the_same(tmp_path: Path) -> None:
    """Some systems write the return in a default namespace: its items are read all the same."""
    plain = read(write(tmp_path, CHILDREN)).frame
    path = edit(write(tmp_path, CHILDREN, name="ns.xml"), "<Message>", '<Message xmlns="urn:example:cin">')
    spaced = read(path).frame
    pd.testing.assert_frame_equal(plain, spaced)


def test_two_referrals_of_a_child_on_one_day_keep_the_first(tmp_path: Path) -> None:
    """A second CINdetails with the same CINreferralDate (DfE: one referral a day) is quarantined, and what
    hangs from it follows."""
    twice = copy.deepcopy(CHILDREN[0])
    twice["episodes"].append(full_episode())
    parsed = read(write(tmp_path, [twice]))
    assert quarantined(parsed) == {"referral: a second CINdetails of the child with the same CINreferralDate": 1,
                                   "its referral (CINdetails) was quarantined": 4}
    assert parsed.rows_loaded == 5
