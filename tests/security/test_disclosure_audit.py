"""Disclosure that cannot be undone by arithmetic: linear programming over every published table's
values and additive relations (as statistical offices audit tables) bounds each suppressed count; none is
pinned and each feasible interval is at least min_count wide."""

from __future__ import annotations

import pandas as pd

from jsna.config import Disclosure
from jsna.publish.disclosure import suppress
from tests.security.audit import audit


def rows(**cols: list) -> pd.DataFrame:
    n = len(next(iter(cols.values())))
    base = {"indicator_id": ["i"] * n, "period": ["2024-Q3"] * n, "area_level": ["lad"] * n,
            "area_code": [f"A{k}" for k in range(n)], "breakdown": ["all"] * n, "value": 1.0,
            "lower_ci95": 1.0, "upper_ci95": 2.0, "lower_ci998": 0.5, "upper_ci998": 2.5,
            "comparison": "better", "trend": "increasing", "symbol": None}
    base.update(cols)
    return pd.DataFrame(base)


def relation(members: list[int], total: list[int], name: str = "g") -> pd.DataFrame:
    """An attacker's relation: the rows `total` add up to the rows `members`."""
    return pd.DataFrame({"row": [*members, *total], "group": name,
                         "is_total": [False] * len(members) + [True] * len(total)})


def test_a_suppressed_trust_is_not_the_county_minus_the_other_trusts() -> None:
    """Given four trusts' six-week advice returns in a quarter and the county (every trust together), one
    trust with 3 of 20 in time, when published, then the county minus the other trusts no longer gives
    that trust back: every hidden count (numerator, denominator, late returns) spans at least 5."""
    values = rows(indicator_id=["advice_6_weeks"] * 5, area_level=["trust"] * 4 + ["utla"],
                  area_code=["T1", "T2", "T3", "T4", "C"],
                  numerator=[3, 40, 45, 30, 118], denominator=[20, 50, 60, 35, 165])
    out = suppress(values, Disclosure(), True)
    hidden = out["symbol"].eq("c")
    assert hidden.iloc[0] and not hidden.iloc[4]
    found = audit(out, hidden, relation([0, 1, 2, 3], [4]), pd.Series(True, index=out.index), 5)
    assert len(found.cells) >= 3
    assert found.narrow.empty, found.cells.to_string()


def test_two_small_hidden_districts_are_not_pinned_to_their_sum() -> None:
    """Given a county of 73 children and districts of 1, 2, 30 and 40, when published, then the 1 and the
    2 are not left hidden alone with their sum (3) given away by the county: the 30 is hidden with them,
    and each hidden count could be anything from 0 to 33."""
    values = rows(area_level=["utla", "lad", "lad", "lad", "lad"], area_code=["C", "D1", "D2", "D3", "D4"],
                  numerator=[73, 1, 2, 30, 40], denominator=[10_000] * 5)
    nest = pd.DataFrame({"child_level": "lad", "child_code": ["D1", "D2", "D3", "D4"], "parent_level": "utla",
                         "parent_code": "C"})
    out = suppress(values, Disclosure(), False, nest)
    hidden = out["symbol"].eq("c")
    assert out.loc[hidden, "area_code"].tolist() == ["D1", "D2", "D3"]
    found = audit(out, hidden, relation([1, 2, 3, 4], [0]), pd.Series(False, index=out.index), 5)
    assert found.cells["width"].tolist() == [33.0, 33.0, 33.0]


def test_the_audit_finds_a_lone_hidden_part() -> None:
    """Given a total of 10 shown with parts 3 (hidden) and 7, then the audit pins the 3: it can fail."""
    values = rows(numerator=[10, 3, 7], denominator=[100] * 3)
    found = audit(values, pd.Series([False, True, False]), relation([1, 2], [0]), pd.Series([False] * 3), 5)
    assert found.cells[["low", "high"]].values.tolist() == [[3.0, 3.0]]
    assert len(found.narrow) == 1
