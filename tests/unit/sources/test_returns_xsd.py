"""Issue 15: the demo's returns validate against the public XSDs of their year (jsna/schemas/xsd/, from Social
Finance's liia-tools), and `jsna sources check` reports a return's complaints against the XSD shipped for its
year, naming file, line and element and never a value."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from jsna.demo.cin_census import FILE as CIN_FILE
from jsna.sources import xsd
from jsna.sources.check import schema_check

SEN2 = Path("education") / "sen2_return_2026.xml"
CIN = Path("social_care") / CIN_FILE


def test_every_schema_shipped_parses_and_carries_its_licence() -> None:
    """Given the XSDs shipped, when each is compiled by lxml, then it is a schema; the MIT licence and the
    README naming their origin sit beside them."""
    for name in set(xsd.SCHEMAS.values()):
        etree.XMLSchema(etree.parse(str(xsd.XSD_DIR / name)))
    assert "MIT License" in (xsd.XSD_DIR / "LICENSE-liia-tools.txt").read_text(encoding="utf-8")
    readme = (xsd.XSD_DIR / "README.md").read_text(encoding="utf-8")
    assert "SocialFinanceDigitalLabs/liia-tools" in readme and "SENSetting" in readme


def test_the_demo_sen2_return_validates_against_the_public_schema(demo_dir: Path) -> None:
    """Given the demo's SEN2 return (collection 2026; the newest public schema is 2024's), when validated with
    lxml against SEN2_schema_2024.xsd as jsna loads it (SENSetting optional, as in DfE's specification), then
    it is valid; against the file as published, its only refusals (in its first 40 persons) are SENSetting
    missing where a URN or UKPRN names the setting."""
    year, schema = xsd.latest_schema("SEN2", 2026)
    assert (year, schema.name) == (2024, "SEN2_schema_2024.xsd")
    assert xsd.complaints(demo_dir / SEN2, schema) == []
    doc = etree.parse(str(demo_dir / SEN2))
    assert doc.findtext("Header/Source/DMO") == "Y" and doc.findtext("Header/Source/DCO") == "Y"
    persons = doc.getroot().find("Persons")
    for extra in persons[40:]:
        persons.remove(extra)
    published = etree.XMLSchema(xsd.schema_tree(schema, corrected=False))
    assert not published.validate(doc)
    for e in published.error_log:
        assert e.message.endswith(("Expected is ( SENSetting ).", "Expected is one of ( UKPRN, SENSetting )."))
        parent = doc.xpath(e.path)[0].getparent()
        assert parent.tag in ("PlanDetail", "PlacementDetail") and parent.find("SENSetting") is None
        assert parent.find("URN") is not None or parent.find("UKPRN") is not None
    assert etree.XMLSchema(xsd.schema_tree(schema)).validate(doc)


@pytest.mark.parametrize("year", [2022, 2023, 2024])
def test_the_demo_cin_census_validates_against_the_public_schemas(demo_dir: Path, year: int) -> None:
    """Given the demo's CIN census (census 2025; public schemas up to 2024), when validated against the
    schema of 2022, 2023 and 2024, then lxml finds nothing to refuse."""
    _, schema = xsd.latest_schema("CIN", year)
    s = etree.XMLSchema(etree.parse(str(schema)))
    assert s.validate(etree.parse(str(demo_dir / CIN))), s.error_log.last_error


def _as_year(src: Path, dest: Path, year: int, edits: dict[str, str]) -> Path:
    """A copy of a return with its collection year changed and the first text of some elements replaced."""
    text = src.read_text(encoding="utf-8")
    text = text.replace(f"<Year>{text.split('<Year>', 1)[1].split('</Year>', 1)[0]}</Year>", f"<Year>{year}</Year>", 1)
    for tag, value in edits.items():
        at = text.index(f"<{tag}>")
        text = text[:at] + f"<{tag}>{value}</{tag}>" + text[text.index(f"</{tag}>", at) + len(tag) + 3:]
    dest.write_text(text, encoding="utf-8")
    return dest


def test_the_check_names_file_line_and_element_and_never_a_value(demo_dir: Path, tmp_path: Path) -> None:
    """Given the demo's SEN2 return relabelled 2024 with a malformed UPN, an unknown sex and an impossible date
    of birth, when checked, then each complaint names the file, the line and the element and quotes none of
    the values; a return of a year with no schema shipped gets a note instead."""
    bad = {"UPN": "Q99999999999Z9", "Sex": "Q", "PersonBirthDate": "2011-13-45"}
    path = _as_year(demo_dir / SEN2, tmp_path / "sen2_2024.xml", 2024, bad)
    line = next(n for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "<Sex>Q<" in text)
    found, note = schema_check(path)
    assert note is None
    assert f"sen2_2024.xml, line {line}, <Sex>: value not in the schema's code list (1 time; " \
           "SEN2_schema_2024.xsd)" in found
    assert any(f"line {line}, <UPN>: value not in the schema's format" in c for c in found)
    assert any(f"line {line}, <PersonBirthDate>: value not of the schema's type" in c for c in found)
    assert not any(v in c for c in found for v in bad.values())
    assert schema_check(demo_dir / SEN2) == ([], "no public XSD shipped for SEN2 2026: not checked against one")
    cin = _as_year(demo_dir / CIN, tmp_path / "cin_2024.xml", 2024, {"GenderCurrent": "M"})
    found, note = schema_check(cin)
    assert note is None and len(found) == 1 and "<GenderCurrent>: value not in the schema's code list" in found[0]
    assert schema_check(_as_year(demo_dir / CIN, tmp_path / "cin_ok.xml", 2024, {})) == ([], None)
