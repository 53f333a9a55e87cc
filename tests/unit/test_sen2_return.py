"""The SEN2 person-level return (kind sen2_return): the demo's return against its year's schema, the same
figures as the bespoke extract of the same children, and malformed returns with their documented outcomes."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from jsna.demo.sen2 import write_blade_export
from jsna.errors import SourceError
from jsna.geography.place import normalise_postcode
from jsna.sources import ehcp_cases, sen2_return
from jsna.sources.base import Parsed
from jsna.sources.context import Placement, ReadContext
from jsna.sources.identity import Pseudonymiser
from jsna.sources.sen2_return.schema import schema_errors
from tests.unit.sources.test_case_adapters import demo_context

RETURN = "education/sen2_return_2026.xml"
# Columns every EHC plan figure is computed from (sql/queries/ehcp_*.sql, planning_cases.sql).
FIGURE_COLUMNS = ["request_date", "decision_date", "decision", "assessment_outcome", "issue_date", "ceased_date",
                  "exception", "age_at_request", "age_at_31aug", "sex", "primary_need", "setting_urn", "placement",
                  "transfer", "lsoa_code", "assessment_date", "transfer_la"]


@pytest.fixture(scope="module")
def context(demo_dir: Path) -> ReadContext:
    return demo_context(demo_dir)


@pytest.fixture(scope="module")
def from_xml(demo_dir: Path, context: ReadContext) -> Parsed:
    """The demo's SEN2 return (XML) read by the library."""
    return sen2_return.read(demo_dir / RETURN, {}, context)


def test_the_demo_return_validates_against_its_years_schema(demo_dir: Path) -> None:
    """Given the demo county's SEN2 return (collection 2026), when checked with lxml against the XSD shipped
    for 2026, then it is valid; and a return with an item out of order is not."""
    path = demo_dir / RETURN
    assert schema_errors(path, 2026) == []
    text = path.read_text(encoding="utf-8")
    first = text.index("<Sex>")
    broken = text[:first] + "<Sex>Q</Sex>" + text[text.index("</Sex>", first) + len("</Sex>"):]
    bad = demo_dir.parent / "bad_return.xml"
    bad.write_text(broken, encoding="utf-8")
    assert any("Sex" in e for e in schema_errors(bad, 2026))


def _figure_rows(frame: pd.DataFrame) -> Counter[tuple[str, ...]]:
    f = frame[FIGURE_COLUMNS].astype(object)
    return Counter(map(tuple, f.where(f.notna(), None).astype(str).to_numpy()))


def test_the_return_and_the_bespoke_extract_of_the_same_children_land_the_same_figures(
        demo_dir: Path, context: ReadContext, from_xml: Parsed) -> None:
    """Given the demo's SEN2 return and its bespoke extract of the same children and requests, when both are
    read by the library, then every row lands (none quarantined) and the rows agree on every column an EHC
    plan figure is computed from, but for what a SEN2 return cannot carry: statement and LDA conversions
    (before 2018) land as plans decided before the collection ('historical'), need and setting are recorded
    for plans only, NSA (not a SEN2 need) reads OTH, and a setting given by its URN gets its placement
    from the schools list when core is built."""
    ret = from_xml
    bespoke = ehcp_cases.read(demo_dir / "education" / "ehcp_cases.csv", {}, context)
    assert len(ret.quarantine) == 0 and ret.rows_in == bespoke.rows_in == len(ret.frame) > 30_000
    b = bespoke.frame.copy()
    moved = b["transfer"].notna()
    b.loc[moved, "transfer"], b.loc[moved, "decision"] = "historical", None
    b["primary_need"] = b["primary_need"].replace({"NSA": "OTH"})
    no_plan = b["issue_date"].isna()
    b.loc[no_plan, "primary_need"], b.loc[no_plan, "placement"], b.loc[no_plan, "setting_urn"] = None, None, pd.NA
    r = ret.frame.copy()
    by_urn = r["setting_urn"].notna() & (r["placement"] != "resourced")
    assert r.loc[by_urn, "placement"].isna().all() and by_urn.sum() > 10_000
    b.loc[b["setting_urn"].notna() & (b["placement"] != "resourced"), "placement"] = None  # from the URN in core
    assert _figure_rows(r) == _figure_rows(b)
    assert (r["transfer"] == "historical").sum() == moved.sum() > 0
    assert r["transfer_la"].notna().sum() == b["transfer_la"].notna().sum() > 50  # plans transferred in
    assert r["case_key"].isna().all() and r["child_key"].str.fullmatch(r"[0-9a-f]{32}").all()


def test_the_blade_export_of_the_return_reads_to_the_same_rows(demo_dir: Path, context: ReadContext,
                                                                from_xml: Parsed, tmp_path: Path) -> None:
    """Given the demo's return written as COLLECT's Blade Export (one CSV per module, dates as COLLECT
    writes them) and zipped, when read, then it lands the same rows as the XML (but for their line numbers,
    which are the requests file's); and an export with a module missing stops naming that module."""
    folder = write_blade_export(demo_dir / RETURN, tmp_path / "blade")
    archive = shutil.make_archive(str(tmp_path / "blade_export"), "zip", folder)
    blade = sen2_return.read(Path(archive), {}, context)
    assert len(blade.quarantine) == 0 and blade.rows_in == from_xml.rows_in
    def values(f: pd.DataFrame) -> pd.DataFrame:  # the same values, whatever the column types
        f = f.drop(columns="line").astype(object)
        return f.where(f.notna(), None)

    pd.testing.assert_frame_equal(values(blade.frame), values(from_xml.frame))
    next(folder.glob("*_namedplan.csv")).unlink()
    with pytest.raises(SourceError, match=r"blade: the Blade Export has no namedplan module \(a file named like "
                                          r"Blade-Export_<date>_namedplan\.csv\)"):
        sen2_return.read_modules(folder)


# -- malformed returns ------------------------------------------------------------------------------------
POSTCODE, LSOA = "XA1 1AA", "X01000001"
HEADER = ("<Header><CollectionDetails><Collection>{collection}</Collection><Year>{year}</Year>"
          "<ReferenceDate>2025-01-16</ReferenceDate></CollectionDetails><Source><LEA>{la}</LEA></Source></Header>")


def person(upn: str = "A123456789012", surname: str = "Quillfeather", forename: str = "Marigold",
           dob: str = "2012-03-04", postcode: str = POSTCODE, requests: str | None = None) -> str:
    requests = requests if requests is not None else request()
    return (f"<Person><Surname>{surname}</Surname><Forename>{forename}</Forename><PersonBirthDate>{dob}"
            f"</PersonBirthDate><Sex>F</Sex><Ethnicity>WBRI</Ethnicity><PostCode>{postcode}</PostCode>"
            f"<UPN>{upn}</UPN>{requests}</Person>")


def request(received: str = "2024-02-01", decided: str = "2024-03-10", outcome: str = "Y",
            need: str = "ASD", start: str = "2024-06-01") -> str:
    out = f"<RequestOutcome>{outcome}</RequestOutcome>" if outcome else ""
    return (f"<Requests><ReceivedDate>{received}</ReceivedDate><RequestOutcomeDate>{decided}</RequestOutcomeDate>"
            f"{out}<Assessment><AssessmentOutcome>Y</AssessmentOutcome><Week20>false</Week20><NamedPlan>"
            f"<StartDate>{start}</StartDate><PlanDetail><SENSetting>EYP</SENSetting><PlacementRank>1</PlacementRank>"
            "<SENunitIndicator>false</SENunitIndicator><ResourcedProvisionIndicator>false"
            "</ResourcedProvisionIndicator></PlanDetail></NamedPlan></Assessment><ActivePlans><PlacementDetail>"
            "<SENSetting>EYP</SENSetting><PlacementRank>1</PlacementRank><EntryDate>2024-06-01</EntryDate>"
            "<SENunitIndicator>false</SENunitIndicator><ResourcedProvisionIndicator>false"
            f"</ResourcedProvisionIndicator></PlacementDetail><SENneed><SENtype>{need}</SENtype>"
            "<SENtypeRank>1</SENtypeRank></SENneed></ActivePlans></Requests>")


def write(tmp_path: Path, *persons: str, collection: str = "SEN2", year: str = "2025", root: str = "Message",
          la: str = "900") -> Path:
    path = tmp_path / "return.xml"
    path.write_text(f'<?xml version="1.0" encoding="UTF-8"?>\n<{root}>\n'
                    f"{HEADER.format(collection=collection, year=year, la=la)}\n<Persons>\n" + "\n".join(persons)
                    + f"\n</Persons>\n</{root}>\n", encoding="utf-8")
    return path


@pytest.fixture()
def small() -> ReadContext:
    directory = pd.Series([LSOA], index=normalise_postcode(pd.Series([POSTCODE])).to_numpy())
    return ReadContext(Placement(vintage=2021, postcodes=directory, known={LSOA}), Pseudonymiser(None, demo=True))


def test_a_good_small_return_lands_its_request(tmp_path: Path, small: ReadContext) -> None:
    """Given a one-child return, then its request lands keyed, aged and placed, with its plan's need and
    early-years setting, and nothing identifying."""
    parsed = sen2_return.read(write(tmp_path, person()), {}, small)
    row = parsed.frame.iloc[0]
    assert len(parsed.frame) == 1 and len(parsed.quarantine) == 0
    assert (row["decision"], row["assessment_outcome"], row["primary_need"], row["placement"]) == (
        "assess", "plan", "ASD", "early_years")
    assert (row["age_at_request"], row["age_at_31aug"], row["lsoa_code"], row["line"]) == (11, 11, LSOA, 5)
    assert "A123456789012" not in parsed.frame.to_string() and "Quillfeather" not in parsed.frame.to_string()


@pytest.mark.parametrize(("text", "message"), [
    ("<Message><Header><CollectionDetails><Collection>SEN2", r"return\.xml: is not well-formed XML \(line 1, "),
    ("<Message>\n<Persons>\n<Person><Surname>A</Surname>\n</Persons>",
     r"return\.xml: is not well-formed XML \(line 4, "),
    ("", r"return\.xml: is empty\."),
])
def test_a_return_that_is_not_well_formed_stops_naming_the_file_and_line(tmp_path: Path, small: ReadContext,
                                                                          text: str, message: str) -> None:
    path = tmp_path / "return.xml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourceError, match=message):
        sen2_return.read(path, {}, small)


def test_another_collections_xml_stops_in_one_sentence(tmp_path: Path, small: ReadContext) -> None:
    """Given a CIN census XML (its header names CIN), or a file whose root is not <Message>, then the read
    stops with one sentence naming the file and what was found, and reads no person."""
    with pytest.raises(SourceError, match=r"return\.xml: is a CIN return \(Header/CollectionDetails/Collection, "
                                          r"line 3\), not the SEN2 person-level return\."):
        sen2_return.read(write(tmp_path, person(), collection="CIN"), {}, small)
    with pytest.raises(SourceError, match=r"its root element is <CSWWorkforce>, not the SEN2 return's <Message>"):
        sen2_return.read(write(tmp_path, person(), root="CSWWorkforce"), {}, small)


def test_an_unknown_collection_year_stops_in_one_sentence(tmp_path: Path, small: ReadContext) -> None:
    with pytest.raises(SourceError, match=r"collection year \(Header/CollectionDetails/Year, line 3\) is 2019; "
                                          r"jsna reads the SEN2 specifications of 2023 to 2026\."):
        sen2_return.read(write(tmp_path, person(), year="2019"), {}, small)


def _rules(parsed: object) -> list[tuple[int, str, str]]:
    q = parsed.quarantine  # type: ignore[attr-defined]
    return sorted(zip(q["line"], q["column_name"], q["rule"], strict=True))


def test_bad_items_go_to_quarantine_with_their_rule(tmp_path: Path, small: ReadContext) -> None:
    """Given a return whose persons break one rule each (a missing mandatory item, a code outside its list, a
    request outcome before the request, a person twice, a person without requests, an unknown postcode),
    then each of their requests goes to quarantine under its rule with its line, the good person lands,
    and rows in = loaded + quarantined."""
    path = write(
        tmp_path,
        person(),  # line 5: good
        person(upn="B123456789012", requests=request(outcome="")),  # 6: RequestOutcome missing
        person(upn="C123456789012", requests=request(need="XYZ")),  # 7: code outside the list
        person(upn="D123456789012", requests=request(decided="2024-01-15")),  # 8: outcome before request
        person(),  # 9: the first person again
        person(upn="E123456789012", requests=""),  # 10: no requests
        person(upn="F123456789012", postcode="XZ9 9ZZ"),  # 11: postcode unknown
    )
    parsed = sen2_return.read(path, {}, small)
    assert len(parsed.frame) == 1 and parsed.frame["line"].tolist() == [5]
    assert _rules(parsed) == [
        (6, "Requests/RequestOutcome",
         "SEN2 spec module 2 Requests/RequestOutcome: request outcome missing or not in the code list"),
        (7, "SENneed/SENtype", "SEN2 spec module 5c SENneed/SENtype: SEN type missing or not in the code list"),
        (8, "Requests/RequestOutcomeDate", "SEN2 spec module 2 Requests/RequestOutcomeDate: request outcome "
                                           "dated before the request was received (ReceivedDate)"),
        (9, "upn", "person appears twice in the return (same UPN or ULN in another Person)"),
        (10, "Requests", "person without a Requests module (every person needs at least one)"),
        (11, "postcode", "postcode not in the postcode directory"),
    ]
    assert parsed.rows_in == 7 == parsed.rows_loaded + len(parsed.quarantine)


def test_quarantine_lines_hold_past_line_65535(tmp_path: Path, small: ReadContext) -> None:
    """Given a pretty-printed request with a missing outcome beyond line 65,535 (where libxml2 stops counting an
    element's own line), then its quarantine row names the line its <Requests> element opens on."""
    bad = person(upn="B123456789012", requests=request(outcome="").replace("<Requests>", "<Requests>\n"))
    path = write(tmp_path, person(), "\n" * 70_000, bad)
    text = path.read_text(encoding="utf-8")
    opens = text[:text.index("<Requests>\n")].count("\n") + 1
    parsed = sen2_return.read(path, {}, small)
    assert opens > 70_000 and parsed.quarantine["line"].tolist() == [opens]


def test_module_tables_take_only_a_rows_own_items(tmp_path: Path) -> None:
    """Given a return whose elements stray from the specification (an item given twice, an item wrapped in an
    unknown element, an item of another module, a module where its parent module is not, a nested module of
    the same name, a Person in another namespace), when its modules are read, then each row holds only the items
    that are its own children (the last of two), rows sit only in rows of their parent module, ids and parents
    follow document order, and every row keeps the line its element opens on."""
    odd = ("<Person><Surname>A</Surname><Surname>B</Surname><Forename/><Sex>M</Sex><!-- c -->\n"
           "<Foo><UPN>X1</UPN><Requests><RYA>x</RYA></Requests></Foo><UPN>Y</UPN>\n"
           "<Requests><RequestOutcome>Y</RequestOutcome><Assessment><NamedPlan><StartDate>2020-01-01</StartDate>"
           "<PlanDetail><URN>1</URN><URN>2</URN></PlanDetail><URN>9</URN><CeaseReason>2</CeaseReason>\n"
           "<PlanDetail><PlanDetail><URN>7</URN></PlanDetail><URN>8</URN></PlanDetail></NamedPlan></Assessment>"
           "<ActivePlans><Requests/><SENneed><SENtype>ASD</SENtype></SENneed>\n<SENneed><SENtype>MLD</SENtype>"
           "<SENtype>SLD</SENtype></SENneed></ActivePlans></Requests>\n<Requests><RYA>false</RYA></Requests>"
           "</Person>")
    path = write(tmp_path, odd, '<x:Person xmlns:x="urn:x"><Surname>N</Surname><Requests><RYA>true</RYA>'
                               "</Requests></x:Person>", "<Person/>")
    t = sen2_return.read_modules(path).tables
    assert t["person"][["id", "parent", "line", "Surname", "UPN", "Forename"]].values.tolist() == [
        [0, -1, 5, "B", "Y", ""], [1, -1, 11, "N", "", ""], [2, -1, 12, "", "", ""]]
    assert t["requests"][["id", "parent", "line", "RYA", "RequestOutcome"]].values.tolist() == [
        [0, 0, 7, "", "Y"], [1, 0, 10, "false", ""], [2, 1, 11, "true", ""]]
    assert t["plan_detail"][["parent", "line", "URN"]].values.tolist() == [[0, 7, "2"], [0, 8, "8"]]
    assert t["named_plan"][["StartDate", "CeaseReason"]].values.tolist() == [["2020-01-01", "2"]]
    assert t["sen_need"][["parent", "line", "SENtype"]].values.tolist() == [[0, 8, "ASD"], [0, 9, "SLD"]]
    assert len(t["active_plans"]) == 1 and len(t["placement_detail"]) == 0


def test_no_name_upn_or_birth_date_of_a_return_reaches_quarantine(tmp_path: Path, small: ReadContext) -> None:
    """Given persons with a malformed UPN, a birth date that is not a date, a birth date after the request
    and an unknown postcode, then their quarantine rows name the rule but show none of their names, UPNs,
    birth dates or postcodes."""
    path = write(
        tmp_path,
        person(upn="Q12345", surname="Wetherspoonish", forename="Araminta"),
        person(upn="G123456789012", dob="2012-13-45", surname="Oddbodkins"),
        person(upn="H123456789012", dob="2025-01-01", surname="Featherstonehaugh"),
        person(upn="J123456789012", postcode="XZ9 9ZZ", surname="Pennyworthy"),
    )
    parsed = sen2_return.read(path, {}, small)
    assert len(parsed.quarantine) == 4 and len(parsed.frame) == 0
    shown = parsed.quarantine.astype(str).to_string()
    for secret in ("Q12345", "Wetherspoonish", "Araminta", "2012-13-45", "G123456789012", "Oddbodkins",
                   "2025-01-01", "H123456789012", "Featherstonehaugh", "XZ9 9ZZ", "J123456789012", "Pennyworthy",
                   "Quillfeather", "Marigold", "2012-03-04"):
        assert secret not in shown, secret


# -- the header's LA: DfE's three-digit number, a GSS code, or both ---------------------------------------
def _dfe_la_numbers(realdata: Path) -> set[tuple[str, str]]:
    """(LA number, GSS code) pairs of DfE's latest year in its EHC plans release, read from the release."""
    f = pd.read_csv(realdata / "education/ehcp_sen2_2025/data/caseload.csv", dtype=str,
                    usecols=["time_period", "geographic_level", "old_la_code", "new_la_code"])
    f = f[(f["geographic_level"] == "Local authority") & (f["time_period"] == f["time_period"].max())]
    return set(zip(f["old_la_code"], f["new_la_code"], strict=True))


def test_the_shipped_la_numbers_are_dfes_own(realdata: Path) -> None:
    """Given DfE's 2025 EHC plans release, then every authority of its latest year has its number mapped to
    the GSS code DfE gives it, and the lookup holds each number once."""
    from jsna.geography.la_numbers import la_numbers

    pairs = _dfe_la_numbers(realdata)
    assert len(pairs) >= 150
    assert {(n, la_numbers()[n]) for n, _ in pairs} == pairs
    assert all(len(n) == 3 and n.isdigit() for n in la_numbers())


@pytest.mark.parametrize("la", ["850", "850 E10000014", "E10000014"])
def test_a_header_la_number_names_the_returns_authority(tmp_path: Path, small: ReadContext, la: str,
                                                         realdata: Path) -> None:
    """Given a return whose header gives Hampshire's DfE number 850 (or with its GSS code, or the code alone),
    read with a real key and no configured area, then a child whose postcode is unknown still lands, counted
    in the authority DfE's release gives number 850, and the number is kept as old_la_code."""
    hampshire = dict(_dfe_la_numbers(realdata))["850"]
    keyed = ReadContext(small.placement, Pseudonymiser("k" * 32))
    parsed = sen2_return.read(write(tmp_path, person(postcode="XZ9 9ZZ"), la=la), {}, keyed)
    assert len(parsed.quarantine) == 0
    assert parsed.frame[["la_code", "old_la_code", "lsoa_code"]].values.tolist() == [
        [hampshire, "850" if "850" in la else None, None]]


@pytest.mark.parametrize(("la", "message"), [
    ("999", r"return\.xml: its header's LA number \(Header/Source/LEA\) is 999, which is not in DfE's list of "
            r"local authority numbers"),
    ("850 E06000044", r"return\.xml: its header gives LA number 850 \(DfE's code E10000014\) and the GSS code "
                      r"E06000044, two different authorities\."),
])
def test_an_la_number_dfe_never_gave_stops_in_one_sentence(tmp_path: Path, small: ReadContext, la: str,
                                                           message: str) -> None:
    """Given a header's LA number DfE's list does not hold (or a number and a code of two authorities), read
    with a real key, then the read stops with one sentence naming the file and the value, and lands nothing."""
    keyed = ReadContext(small.placement, Pseudonymiser("k" * 32))
    with pytest.raises(SourceError, match=message):
        sen2_return.read(write(tmp_path, person(), la=la), {}, keyed)


def test_the_kind_is_declared_child_level_placed_and_read_from_a_file_or_a_folder(tmp_path: Path) -> None:
    """Given the registry, then sen2_return is a kind that holds children and is placed, and its path may
    be a Blade Export folder (where a kind read from one file refuses one)."""
    from jsna.sources.registry import CHILD_LEVEL, PLACED, check_path, supported

    assert supported("sen2_return") and "sen2_return" in CHILD_LEVEL and "sen2_return" in PLACED
    check_path("sen2_return", tmp_path)
    with pytest.raises(SourceError, match="is a folder"):
        check_path("ehcp_cases", tmp_path)


def test_reads_side_by_side_give_the_garbage_collector_back_as_they_found_it() -> None:
    """Two returns read at once in threads, ending in the other order than they began: the collector is off while
    either reads and on again after both (the first to end must not turn it on, nor the last leave it off)."""
    import gc

    from jsna.sources.sen2_return.xml import _collector_paused

    assert gc.isenabled()
    first, second = _collector_paused(), _collector_paused()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert not gc.isenabled()  # the second read is still under way
    second.__exit__(None, None, None)
    assert gc.isenabled()
