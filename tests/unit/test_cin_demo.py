"""The demo county's Children in Need census return: valid against the schema of its year, drawn from the same
children as the EHC plan file (same LA ids and UPNs), with a realistic share of plan holders, declared in
the demo's jsna.toml and read whole by the adapter."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from lxml import etree

from jsna.config import load_config
from jsna.demo.cin_census import FILE
from jsna.schemas.cin_census_return import XSD_DIR

RETURN = Path("social_care") / FILE


@pytest.fixture(scope="module")
def doc(demo_dir: Path) -> etree._ElementTree:
    return etree.parse(str(demo_dir / RETURN))


def test_the_demo_return_validates_against_the_schema_of_its_year(doc: etree._ElementTree) -> None:
    schema = etree.XMLSchema(etree.parse(str(XSD_DIR / "cin_census_2022.xsd")))
    assert schema.validate(doc), schema.error_log.last_error
    assert doc.findtext("Header/CollectionDetails/Year") == "2025"
    assert doc.findtext("Header/CollectionDetails/ReferenceDate") == "2025-03-31"


def test_the_schema_refuses_what_dfe_refuses(doc: etree._ElementTree) -> None:
    """The schema is no rubber stamp: a code outside a list or an item out of order fails it."""
    schema = etree.XMLSchema(etree.parse(str(XSD_DIR / "cin_census_2022.xsd")))
    for change in ("code", "order"):
        broken = etree.fromstring(etree.tostring(doc))
        child = broken.find("Children/Child")
        if change == "code":
            child.find("ChildIdentifiers/GenderCurrent").text = "M"
        else:
            ids = child.find("ChildIdentifiers")
            ids.append(ids.find("LAchildID"))
        assert not schema.validate(broken), change


def test_children_in_need_are_the_demo_people_with_a_realistic_share_of_plan_holders(
        doc: etree._ElementTree, demo_dir: Path) -> None:
    """Plan holders keep their LA person id and UPN; about one child in need in ten holds a plan in force in
    the year (DfE's CIN census by SEN status: 1 in 8 to 1 in 10)."""
    ehcp = pd.read_csv(demo_dir / "education" / "ehcp_cases.csv", dtype=str, keep_default_na=False,
                       encoding="utf-8-sig")
    issued = pd.to_datetime(ehcp["Final Issue Date"].replace("", None), format="%d/%m/%Y")
    ceased = pd.to_datetime(ehcp["Ceased Date"].replace("", None), format="%d/%m/%Y")
    in_force = ehcp[(issued <= "2025-03-31") & (ceased.isna() | (ceased >= "2024-04-01"))]
    upn_of = dict(zip(ehcp["Child ID"], ehcp["UPN"], strict=True))
    kids = [(c.findtext("ChildIdentifiers/LAchildID"), c.findtext("ChildIdentifiers/UPN"))
            for c in doc.getroot().iterfind("Children/Child")]
    assert len(kids) > 10_000 and len({k for k, _ in kids}) == len(kids)
    known = [(k, u) for k, u in kids if k in upn_of]
    assert known and all(upn_of[k] == u for k, u in known)
    holders = set(in_force["Child ID"])
    share = sum(k in holders for k, _ in kids) / len(kids)
    assert 0.07 < share < 0.16, share
    upns = [u for _, u in kids if u]
    assert len(set(upns)) == len(upns)


def test_the_demo_declares_and_loads_its_return_whole(demo_dir: Path) -> None:
    from jsna.sources import cin_census_return
    from tests.unit.sources.test_case_adapters import demo_context

    cfg = load_config(demo_dir / "jsna.toml")
    (entry,) = cfg.by_kind("cin_census_return")
    assert cfg.resolve(entry) == demo_dir / RETURN
    parsed = cin_census_return.read(demo_dir / RETURN, {}, demo_context(demo_dir))
    assert len(parsed.quarantine) == 0 and parsed.rows_loaded == parsed.rows_in > 20_000
    assert set(parsed.frame["record"]) == {"referral", "assessment", "cin_plan", "section47", "cp_plan"}
