"""The disclosure audit on small tables: rounded counts known only within half the base, and counts that two
indicators publish (one's numerator another's denominator, or a sum of another's categories) linked."""

from __future__ import annotations

import numpy as np
import pandas as pd

from jsna.config import Disclosure
from jsna.publish.audit import audit
from jsna.publish.disclosure import SAME_CHILDREN, secure, sum_groups, suppress

NO_NESTING = pd.DataFrame(columns=["child_level", "child_code", "parent_level", "parent_code"])


def rows(**cols: list) -> pd.DataFrame:
    n = len(next(iter(cols.values())))
    base = {"indicator_id": ["i"] * n, "period": ["2025"] * n, "area_level": ["utla"] * n,
            "area_code": ["C"] * n, "breakdown": ["all"] * n, "value": 1.0, "lower_ci95": 1.0, "upper_ci95": 2.0,
            "lower_ci998": 0.5, "upper_ci998": 2.5, "comparison": "better", "trend": "increasing", "symbol": None}
    base.update(cols)
    return pd.DataFrame(base)


def twin(members: list[int], measures: list[str]) -> pd.DataFrame:
    """An attacker's relation: the first member's measure is the sum of the others'."""
    return pd.DataFrame({"row": members, "group": "twin", "is_total": [True] + [False] * (len(members) - 1),
                         "measure": measures})


def test_a_rounded_count_is_known_only_within_half_the_base() -> None:
    """Given a district of 22 children in four areas of 8, 8, 3 and 3, published rounded to 5 (20; 10, 10,
    c, c), when audited, then each hidden area lies anywhere from 0 to 7.5 (the shown counts each within 2.5
    of the truth), not pinned to 0 as the shown figures taken exactly (20 - 10 - 10) would have it."""
    values = rows(area_level=["lad", "lsoa", "lsoa", "lsoa", "lsoa"], area_code=["D", "L1", "L2", "L3", "L4"],
                  numerator=[22.0, 8.0, 8.0, 3.0, 3.0], denominator=[1000.0] * 5)
    nest = pd.DataFrame({"child_level": "lsoa", "child_code": ["L1", "L2", "L3", "L4"], "parent_level": "lad",
                         "parent_code": "D"})
    out = suppress(values, Disclosure(min_count=5, round_to=5), False, nest)
    hidden = out["symbol"].eq("c")
    assert out["numerator"].tolist()[:3] == [20.0, 10.0, 10.0] and hidden.tolist() == [False] * 3 + [True] * 2
    groups = sum_groups(out, nest)
    no_children = pd.Series(False, index=out.index)
    found = audit(out, hidden, groups, no_children, 5, round_to=5)
    assert found.cells[["low", "high"]].values.tolist() == [[0.0, 7.5], [0.0, 7.5]]
    assert found.narrow.empty
    taken_exactly = audit(out, hidden, groups, no_children, 5)
    assert taken_exactly.cells["high"].tolist() == [0.0, 0.0]


def test_rounding_does_not_hide_a_lone_suppressed_part_from_the_audit() -> None:
    """Given a total of 10 shown with a hidden 3 and a shown 7, rounded to 5 (10; c, 5), then the audit bounds
    the 3 by the total less the other part, each within 2.5 of its shown value: from 0 to 10."""
    values = rows(area_level=["lad", "lsoa", "lsoa"], area_code=["D", "L1", "L2"], numerator=[10.0, 3.0, 7.0],
                  denominator=[100.0] * 3)
    hidden = pd.Series([False, True, False])
    shown = values.assign(numerator=[10.0, np.nan, 5.0])
    groups = pd.DataFrame({"row": [1, 2, 0], "group": "g", "is_total": [False, False, True]})
    found = audit(shown, hidden, groups, pd.Series(False, index=values.index), 5, round_to=5)
    assert found.cells[["low", "high"]].values.tolist() == [[0.0, 10.0]]


def test_short_breaks_of_children_open_to_the_team_are_hidden_with_the_caseload() -> None:
    """Given the county's children open to the disabled children's team (40: the caseload rate's numerator)
    and, of them, 2 with short breaks (the short-breaks share: 2 of 40), when published, then the share is
    hidden (2) and so is the caseload: shown, its 40 would give the share's hidden denominator back."""
    values = rows(indicator_id=["dct_caseload_rate", "short_breaks_pct"], numerator=[40.0, 2.0],
                  denominator=[9000.0, 40.0])
    cc = pd.Series([False, True])
    out = suppress(values, Disclosure(), cc, NO_NESTING)
    hidden = out["symbol"].eq("c")
    assert hidden.tolist() == [True, True]
    attacker = twin([0, 1], ["numerator", "denominator"])
    assert audit(out, hidden, attacker, cc, 5).narrow.empty
    # the attack the link stops: the caseload shown beside the hidden share pins its denominator at 40
    leak = audit(out.assign(numerator=[40.0, np.nan]), pd.Series([False, True]), attacker, cc, 5).narrow
    assert leak[["kind", "low", "high"]].values.tolist() == [["denominator", 40.0, 40.0]]


def test_young_people_16_to_25_with_plans_are_the_neet_share_denominator() -> None:
    """Given plans of young people aged 16-19 (30) and 20-25 (12) and the NEET share of plan holders aged 16-25
    (3 of 42), when published, then the share is hidden (3) and the age bands with it (one for the link, the
    other as the two add up to a total published elsewhere): 30 + 12 shown would give its denominator back."""
    values = rows(indicator_id=["ehcp_plans", "ehcp_plans", "ehcp_neet_16_25"],
                  breakdown=["age_band=16-19", "age_band=20-25", "all"], numerator=[30.0, 12.0, 3.0],
                  denominator=[np.nan, np.nan, 42.0])
    cc = pd.Series([False, False, True])
    groups = sum_groups(values, NO_NESTING)
    assert groups["measure"].notna().sum() == 3
    hidden = secure(values, pd.Series([False, False, True]), groups, 5, cc)
    assert hidden.tolist() == [True, True, True]
    attacker = twin([2, 0, 1], ["denominator", "numerator", "numerator"])
    published = values.assign(numerator=values["numerator"].where(~hidden),
                              denominator=values["denominator"].where(~hidden))
    assert audit(published, hidden, attacker, cc, 5).narrow.empty
    alone = pd.Series([False, False, True])  # the share hidden, the age bands shown: its denominator pinned
    assert audit(values, alone, attacker, cc, 5).narrow["kind"].tolist() == ["denominator"]


def test_every_link_names_catalogued_indicators_and_their_measures() -> None:
    """Given SAME_CHILDREN, then every member is a catalogued indicator's numerator or denominator."""
    from jsna.indicators.catalogue import load_catalogue

    ids = set(load_catalogue())
    for whole, parts in SAME_CHILDREN:
        for member in (whole, *parts):
            indicator, _, rest = member.partition(".")
            assert indicator in ids and rest.partition("@")[0] in ("numerator", "denominator"), member


def test_children_placed_in_no_district_cannot_be_worked_out_by_subtraction() -> None:
    """Given a county of 120 plans whose three districts count 40, 41 and 37 (2 children unplaced: counted in the
    county, in no district), when published, then districts are hidden with the remainder (two: never one
    published row hidden alone), so county minus the districts shown no longer gives the 2 back; and the audit,
    told the remainder is a part, finds nothing pinned. Published as they are, the three districts give it."""
    values = rows(area_level=["utla", "lad", "lad", "lad"], area_code=["C", "D1", "D2", "D3"],
                  numerator=[120.0, 40.0, 41.0, 37.0], denominator=[9000.0, 3000.0, 3000.0, 3000.0])
    nest = pd.DataFrame({"child_level": "lad", "child_code": ["D1", "D2", "D3"], "parent_level": "utla",
                         "parent_code": "C"})
    out = suppress(values, Disclosure(min_count=5), False, nest)
    hidden = out["symbol"].eq("c")
    assert hidden.tolist() == [False, True, False, True]  # the two smallest districts go with the remainder
    assert out.loc[0, "numerator"] == 120 and len(out) == 4  # the remainder itself is never a published row
    unplaced = rows(area_level=["utla", "lad", "lad", "lad", "utla"], area_code=["C", "D1", "D2", "D3", "C"],
                    breakdown=["all"] * 4 + ["~remainder"], numerator=[120.0, 40.0, 41.0, 37.0, 2.0],
                    denominator=[np.nan] * 5)
    attacker = pd.DataFrame({"row": range(5), "group": "county", "is_total": [True] + [False] * 4})
    no = pd.Series(False, index=range(5))
    assert audit(unplaced, pd.Series([False, False, False, True, True]), attacker, no, 5).narrow.empty
    assert audit(unplaced, pd.Series([False] * 4 + [True]), attacker, no, 5).narrow["row"].tolist() == [4]


def test_components_are_numbered_as_the_unknowns_linked_by_a_relation() -> None:
    """Given random sparse relations over 300 unknowns (some in none), when the audit splits them into components
    (the graph of unknowns and relations), then each unknown's component is the one the unknowns-by-unknowns graph
    gives, numbered alike (in order of its first unknown): batches, and so the witnesses found, are unchanged."""
    from scipy import sparse
    from scipy.sparse.csgraph import connected_components

    from jsna.publish.audit import _components

    rng = np.random.default_rng(3)
    n_rows, n_vars = 120, 300
    rows_, cols_ = rng.integers(0, n_rows, 260), rng.integers(0, n_vars - 40, 260)  # the last 40 in no relation
    a = sparse.csc_array((np.ones(260), (rows_, cols_)), shape=(n_rows, n_vars))
    links = (a != 0).astype(float)
    _, expected = connected_components(links.T @ links + sparse.eye_array(n_vars), directed=False)
    found = _components(a.tocoo(), n_vars)
    assert np.array_equal(found, expected)
    assert found[0] == 0 and len(np.unique(found)) > 40


def _link(whole: str) -> str:
    """The group prefix of the SAME_CHILDREN link whose whole is `whole`."""
    return f"s{[w for w, _ in SAME_CHILDREN].index(whole)}_"


DISTRICT_IN_COUNTY = pd.DataFrame({"child_level": ["lad"], "child_code": ["D1"], "parent_level": ["utla"],
                                   "parent_code": ["C1"]})


def test_requests_decided_are_linked_where_the_records_count_them_and_agree() -> None:
    """Given one district's requests: 23 decided (20 to assess, 3 not), 2 of them within 6 weeks, published by
    three indicators (the share agreed for assessment, 20 of 23; requests by outcome; decisions within 6 weeks,
    2 of 23), when published, then the 6-week share is hidden (2) and with it the assessed share, whose
    denominator is the same 23, and the outcomes assess and not to assess that add up to it. The same figures
    for an authority whose districts the records do not give (a DfE release's, public already, its tables not
    the same count) are not linked; nor are a district's whose counts differ (25 decided beside 23)."""
    district = rows(indicator_id=["ehcp_requests_assessed", "ehcp_request_outcomes", "ehcp_request_outcomes",
                                  "ehcp_request_outcomes", "ehcp_requests_decided_6_weeks"],
                    breakdown=["all", "all", "outcome=assess", "outcome=not_assess", "all"],
                    numerator=[20.0, 30.0, 20.0, 3.0, 2.0], denominator=[23.0, np.nan, np.nan, np.nan, 23.0])
    values = district.assign(area_level="lad", area_code="D1")
    cc = pd.Series([True, False, False, False, True])
    groups = sum_groups(values, DISTRICT_IN_COUNTY)
    decided, six_weeks = _link("ehcp_requests_assessed.denominator@all"), _link(
        "ehcp_requests_decided_6_weeks.denominator")
    assert sorted(groups.loc[groups["group"].str.startswith(decided), "row"]) == [0, 2, 3]
    assert sorted(groups.loc[groups["group"].str.startswith(six_weeks), "row"]) == [0, 4]
    hidden = secure(values, pd.Series([False, False, False, True, True]), groups, 5, cc)
    assert hidden.tolist() == [True, False, True, True, True]
    published = values.assign(numerator=values["numerator"].where(~hidden),
                              denominator=values["denominator"].where(~(hidden & cc)))
    assert audit(published, hidden, groups, cc, 5, truth=values).narrow.empty
    kept = sum_groups(published, DISTRICT_IN_COUNTY)  # as the audit sees the published table: still linked
    assert sorted(kept.loc[kept["group"].str.startswith(decided), "row"]) == [0, 2, 3]
    # an authority with no district rows: DfE's figures, not linked
    county = sum_groups(district.assign(area_level="utla", area_code="C9"), DISTRICT_IN_COUNTY)
    assert not county["group"].str.startswith((decided, six_weeks)).any()
    # counts that differ are not the same children
    apart = sum_groups(values.assign(denominator=[25.0, np.nan, np.nan, np.nan, 23.0]), DISTRICT_IN_COUNTY)
    assert not apart["group"].str.startswith((decided, six_weeks)).any()
    # the authority of a district the records give is linked too
    both = pd.concat([values, district.assign(area_level="utla", area_code="C1")], ignore_index=True)
    linked = sum_groups(both, DISTRICT_IN_COUNTY)
    assert sorted(linked.loc[linked["group"].str.startswith(decided), "row"]) == [0, 2, 3, 5, 7, 8]
