"""EHC plan rows by DfE's definitions, read from small hand-made returns and extracts: a child whose home
cannot be placed lands unplaced and counts in its authority (never dropped), with the fields DfE's
definitions need (the assessment's outcome date, a plan transferred in, the collection year)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from jsna.indicators import ehcp
from jsna.sources import ehcp_cases, sen2_return
from jsna.sources.check import notes
from tests.unit.sen2_builder import AUTHORITY, context, person, request, write

PLAN = {"received": "2024-02-01", "decided": "2024-03-01", "assessment": "Y", "assessed": "2024-05-20",
        "start": "2024-06-01"}


def _return(tmp_path: Path, la: str = "900") -> Path:
    return write(tmp_path / "return.xml", 2025,
                 person("A123456789012", "XA1 1AA", "2012-03-04", request(**PLAN)),  # line 5: placed
                 person("B123456789012", "", "2012-03-04", request(**PLAN)),  # 6: no postcode
                 person("C123456789012", "XZ9 9ZZ", "2012-03-04", request(**PLAN, transfer_la="851")),  # 7: unknown
                 la=la)


def test_a_child_without_a_placed_home_lands_in_the_configured_authority(tmp_path: Path) -> None:
    """Given a return whose second child has no postcode and third an unknown one, and an authority configured,
    when read, then all three land (none quarantined); the two unplaced have no LSOA, the configured authority,
    and are noted as unplaced by line for the data-quality view."""
    parsed = sen2_return.read(_return(tmp_path), {}, context())
    f = parsed.frame
    assert len(parsed.quarantine) == 0 and len(f) == 3 == parsed.rows_in
    assert f["lsoa_code"].tolist() == ["X01000001", None, None]
    assert f["la_code"].tolist() == [AUTHORITY] * 3 and f["old_la_code"].tolist() == ["900"] * 3
    assert parsed.extras["unplaced"] == [6, 7]
    assert notes(parsed.extras) == ["2 rows unplaced (postcode missing or not in the postcode directory): counted "
                                    "in the authority's figures only, in no LSOA, MSOA or district: lines 6, 7"]


def test_without_an_authority_an_unplaced_child_is_quarantined(tmp_path: Path) -> None:
    """Given no configured authority and a header LA that is not a GSS code, then nowhere counts the unplaced
    children: they go to quarantine with their reason, as before."""
    parsed = sen2_return.read(_return(tmp_path), {}, context(authority=None))
    assert len(parsed.frame) == 1 and "unplaced" not in parsed.extras
    assert sorted(zip(parsed.quarantine["line"], parsed.quarantine["rule"], strict=True)) == [
        (6, "no postcode to place the home"), (7, "postcode not in the postcode directory")]


def test_the_headers_authority_wins_where_it_is_a_gss_code(tmp_path: Path) -> None:
    parsed = sen2_return.read(_return(tmp_path, la="X10000009"), {}, context())
    assert set(parsed.frame["la_code"]) == {"X10000009"}


def test_the_return_lands_the_fields_dfes_definitions_need(tmp_path: Path) -> None:
    """Given requests with an assessment outcome date, a plan transferred in and a ceased plan, then the rows
    carry the assessment date, the authority it came from, the ceasing reason and the collection year."""
    path = write(tmp_path / "r.xml", 2025,
                 person("A123456789012", "XA1 1AA", "2012-03-04", request(**PLAN, transfer_la="851")),
                 person("B123456789012", "XB2 2BB", "2010-03-04",
                        request(received="2019-01-02", outcome="H", assessment="H", start="2019-06-01",
                                ceased="2024-07-01", reason="3")))
    f = sen2_return.read(path, {}, context()).frame
    assert f["assessment_date"].tolist() == [pd.Timestamp("2024-05-20"), pd.NaT]
    assert f["transfer_la"].tolist() == ["851", None] and f["return_year"].tolist() == [2025, 2025]
    assert f["ceased_reason"].tolist() == [None, "Moved on to higher education"]


EXTRACT = """Child ID,Date of Birth,Request Date,Decision,Assessment Outcome,Assessment Outcome Date,\
Final Issue Date,Postcode
K1,04/03/2012,01/02/2024,Assess,Plan,20/05/2024,01/06/2024,XA1 1AA
K2,04/03/2012,01/02/2024,Assess,Plan,20/05/2024,01/06/2024,
K3,04/03/2012,01/02/2024,Assess,Plan,20/05/2024,01/06/2024,XZ9 9ZZ
"""


def test_the_bespoke_extract_lands_unplaced_children_in_the_configured_area(tmp_path: Path) -> None:
    """Given a bespoke extract with a child without a postcode and one with an unknown postcode, then they land
    without an LSOA in the configured area, noted as unplaced; and the assessment outcome date is read."""
    (tmp_path / "ehcp.csv").write_text(EXTRACT, encoding="utf-8")
    parsed = ehcp_cases.read(tmp_path / "ehcp.csv", {}, context())
    f = parsed.frame
    assert len(parsed.quarantine) == 0 and f["lsoa_code"].tolist() == ["X01000001", None, None]
    assert f["la_code"].tolist() == [AUTHORITY] * 3 and parsed.extras["unplaced"] == [3, 4]
    assert f["assessment_date"].tolist() == [pd.Timestamp("2024-05-20")] * 3
    without = ehcp_cases.read(tmp_path / "ehcp.csv", {}, context(authority=None))
    assert len(without.frame) == 1 and len(without.quarantine) == 2


def test_unplaced_counts_reach_the_authority_and_no_smaller_area() -> None:
    """Given counts in two LSOAs of districts A and B and two unplaced in the county, when summed to every
    level, then the county holds all five and each district and LSOA only its placed children."""
    lookup = pd.DataFrame({"lsoa_code": ["L1", "L2"], "msoa_code": ["M1", "M2"], "lad_code": ["A", "B"],
                           "utla_code": ["C", "C"]})
    counts = pd.DataFrame({"lsoa_code": ["L1", "L2", None], "authority_code": [None, None, "C"],
                           "period": "2024", "n": [2, 1, 2]})
    got = ehcp._levels(counts, lookup, ["lsoa", "msoa", "lad", "utla"], ["period"], ["n"])
    cells = {(r.area_level, r.area_code): r.n for r in got.itertuples()}
    assert cells == {("lsoa", "L1"): 2, ("lsoa", "L2"): 1, ("msoa", "M1"): 2, ("msoa", "M2"): 1,
                     ("lad", "A"): 2, ("lad", "B"): 1, ("utla", "C"): 5}
