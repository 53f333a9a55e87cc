"""Statutory milestones leave `core` as counts only, through the disclosure boundary: small counts hidden, and no
hidden count pinned by the sums the table publishes (districts and the unplaced to the authority, weeks to the
next 14 and 28 days), audited by linear programming as the other published tables are."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from jsna.config import Disclosure
from jsna.publish.audit import audit
from jsna.publish.disclosure import TABLES, protect

AREA = "X10000001"


def milestone_rows(place: dict[str, int], weeks: list[int]) -> pd.DataFrame:
    """One milestone's overdue counts by district (and their total), and its weeks with their 14/28-day totals."""
    rows = [("utla", AREA, "overdue", sum(place.values()))]
    rows += [("lad", code, "overdue", n) for code, n in place.items()]
    rows += [("utla", AREA, f"week_{k}", n) for k, n in enumerate(weeks, start=1)]
    rows += [("utla", AREA, "next_14_days", sum(weeks[:2])), ("utla", AREA, "next_28_days", sum(weeks[:4]))]
    return pd.DataFrame([{"milestone": "final_plan_20w", "as_at": pd.Timestamp("2025-01-01"), "area_level": lvl,
                          "area_code": code, "team": None, "horizon": h, "week_start": pd.NaT, "children": float(n)}
                         for lvl, code, h, n in rows])


def test_a_small_district_count_hides_another_and_a_small_week_hides_its_partner() -> None:
    """Given overdue counts of 3, 20 and 30 by district (53 in all) and weeks of 2, 9, 12 and 15, when protected,
    then the 3 and the next smallest district are hidden (never one alone in a sum), week 1's 2 and another week
    are hidden, and the totals stay shown."""
    frame = milestone_rows({"A": 3, "B": 20, "C": 30}, [2, 9, 12, 15])
    out = protect("milestones", frame, Disclosure())
    hidden = out["symbol"].eq("c")
    lad = out[out["area_level"] == "lad"].set_index("area_code")
    assert lad.loc["A", "symbol"] == "c" and lad.loc["B", "symbol"] == "c" and pd.isna(lad.loc["C", "symbol"])
    weeks = out[out["horizon"].str.startswith("week_")].set_index("horizon")
    assert weeks.loc["week_1", "symbol"] == "c" and weeks["symbol"].eq("c").sum() >= 2
    assert out.loc[hidden, "children"].isna().all()
    assert not hidden[out["horizon"].isin(["overdue", "next_14_days", "next_28_days"])
                      & (out["area_level"] == "utla")].any()
    assert TABLES["milestones"].counts == ("children",)


@pytest.mark.db
@pytest.mark.flow
def test_no_hidden_milestone_count_is_pinned_by_the_published_sums(refreshed: dict, engine: sa.Engine) -> None:
    """Given the refreshed demo county's published milestones, then no count of 1-4 is shown, some are hidden,
    and the audit finds every hidden count spanning at least min_count."""
    f = pd.read_sql("SELECT * FROM published.milestones", engine)
    assert len(f) and f["milestone"].nunique() == 5
    shown = f["children"].dropna()
    assert not shown.between(1, 4).any()
    hidden = f["symbol"].eq("c")
    assert hidden.sum() > 0 and f.loc[hidden, "children"].isna().all()
    counts = pd.DataFrame({"numerator": f["children"], "denominator": np.nan})
    found = audit(counts, hidden, TABLES["milestones"].sums(f), pd.Series(False, index=f.index), 5)
    assert len(found.cells) == hidden.sum() and found.narrow.empty
