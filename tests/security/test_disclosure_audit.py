"""Disclosure that cannot be undone by arithmetic: linear programming over every published table's
values and additive relations (as statistical offices audit tables) bounds each suppressed count; none is
pinned and each feasible interval is at least min_count wide."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from jsna.config import Disclosure
from jsna.indicators.catalogue import load_catalogue
from jsna.publish.audit import audit
from jsna.publish.disclosure import KEY, TABLES, protect, secondary, secure, sum_groups, suppress

DB = pytest.mark.db  # the warehouse tests below read the refreshed demo county


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


def test_planning_tables_take_the_symbol_and_rounding_from_the_policy() -> None:
    """Given a district forecast by age band (2 children in one band) and sufficiency rows, when published
    under a policy with symbol 'x' and rounding to 5, then withheld rows carry 'x', the rest are rounded
    to 5, and what was worked from a withheld demand (surplus, shortness) goes with it."""
    policy = Disclosure(min_count=5, symbol="x", round_to=5)
    topics = ["Total", "age band", "age band", "age band"]
    f = pd.DataFrame({"measure": "ehc_plans", "area_level": "lad", "area_code": "D1", "parent_code": None,
                      "breakdown_topic": topics, "breakdown": ["Total", "0-4", "5-10", "11-15"], "year": 2027,
                      "point": [61.0, 2.0, 23.0, 36.0], "lower80": [50.0, 1.0, 18.0, 30.0],
                      "upper80": [70.0, 4.0, 27.0, 41.0], "lower95": [45.0, 0.0, 15.0, 28.0],
                      "upper95": [75.0, 5.0, 30.0, 44.0]})
    out = protect("forecasts", f, policy)
    assert out["symbol"].eq("x").tolist() == [False, True, True, False] and out["symbol"].notna().sum() == 2
    assert out["point"].tolist()[0] == 60 and out["point"].tolist()[3] == 35 and out["point"].isna().sum() == 2
    assert out.loc[1:2, ["lower80", "upper95"]].isna().all().all()
    s = pd.DataFrame({"area_code": "D1", "need": ["ASD", "SEMH", "MLD"], "provision": "special", "year": 2027,
                      "demand": [3.0, 41.0, 12.0], "demand_lower80": [1.0, 35.0, 9.0],
                      "demand_upper80": [6.0, 47.0, 15.0], "places": [10.0, 30.0, 20.0]})
    s = s.assign(surplus=s["places"] - s["demand"], short=s["demand"] > s["places"])
    out = protect("sufficiency", s, policy)
    assert out["symbol"].eq("x").tolist() == [True, False, True] and out["symbol"].notna().sum() == 2
    assert out.loc[[0, 2], ["demand", "surplus", "short"]].isna().all().all()
    assert out.loc[1, "demand"] == 40 and out.loc[1, "surplus"] == -10 and bool(out.loc[1, "short"])


@DB
@pytest.mark.flow
def test_every_published_table_is_declared(refreshed: dict, engine: sa.Engine) -> None:
    """Given the refreshed demo warehouse, then every table and view in `published` has a disclosure
    declaration: one with counts of children goes through the boundary, one without says so."""
    names = pd.read_sql("SELECT table_name FROM information_schema.tables WHERE table_schema = 'published'",
                        engine)["table_name"]
    assert len(names) >= 14
    assert sorted(set(names) - set(TABLES)) == []


def _published_counts(engine: sa.Engine) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series, pd.DataFrame]:
    """Published indicator values (additive ones), the unsuppressed values in the same order, whether each
    denominator counts children, and the sum groups declared over them."""
    catalogue = load_catalogue().values()
    derived = [i.id for i in catalogue if i.derived_from]
    methods = {i.id: i.method for i in catalogue}
    published = pd.read_sql("SELECT * FROM published.indicator_values", engine)
    published = published[~published["indicator_id"].isin(derived)].sort_values(KEY).reset_index(drop=True)
    truth = pd.read_sql("SELECT * FROM core.indicator_values", engine)
    truth = published[KEY].merge(truth, on=KEY, how="left")
    nesting = pd.read_sql("SELECT * FROM published.area_hierarchy", engine)
    counts_children = published["indicator_id"].map(methods).eq("proportion_wilson")
    return published, truth, counts_children, sum_groups(published, nesting)


@DB
@pytest.mark.flow
def test_no_suppressed_indicator_count_is_pinned_by_the_published_sums(refreshed: dict, engine: sa.Engine) -> None:
    """Given the refreshed demo county, when every hidden count of every indicator (numerators; for
    proportions, denominators and complements too) is bounded by linear programming over the published
    values and their sums (areas, trusts, breakdowns; an inexact sum as the inequality that holds), then
    none is pinned and each feasible interval is at least min_count (5) wide."""
    published, truth, cc, groups = _published_counts(engine)
    hidden = published["symbol"].eq("c")
    found = audit(published, hidden, groups, cc, 5, truth=truth)
    print(f"audited {len(found.cells)} hidden counts in {hidden.sum()} suppressed rows; "
          f"{int(found.cells['exact'].sum())} solved exactly")
    assert hidden.sum() > 100_000 and len(found.cells) > hidden.sum()
    assert found.narrow.empty, found.narrow.merge(published[KEY], left_on="row", right_index=True).head(20)


@DB
@pytest.mark.flow
def test_a_suppressed_row_gives_nothing_back(refreshed: dict, engine: sa.Engine) -> None:
    """Given the refreshed demo county, then a suppressed row keeps no numerator, value or limits (a rate's
    value times its population would give its count back), no comparison and no trend; it has no rows in
    published.comparisons; and no suppressed trust-quarter of six-week advice is the county minus the
    other trusts."""
    v = pd.read_sql("SELECT * FROM published.indicator_values WHERE symbol = 'c'", engine)
    gone = ["numerator", "value", "lower_ci95", "upper_ci95", "lower_ci998", "upper_ci998", "trend"]
    assert v[gone].isna().all().all()
    assert (v["comparison"] == "not compared").all()
    compared = pd.read_sql("SELECT DISTINCT indicator_id, period, area_level, area_code, breakdown "
                           "FROM published.comparisons", engine)
    assert compared.merge(v[KEY], on=KEY).empty
    advice = pd.read_sql("SELECT * FROM published.indicator_values WHERE indicator_id = 'advice_6_weeks' "
                         "AND breakdown = 'all'", engine)
    trusts = advice[advice["area_level"] == "trust"]
    hidden_per_quarter = trusts.groupby("period")["symbol"].apply(lambda s: (s == "c").sum())
    assert hidden_per_quarter.sum() >= 13 and not (hidden_per_quarter == 1).any()
    county = advice[advice["area_level"] == "utla"].set_index("period")
    lone = hidden_per_quarter[hidden_per_quarter > 0].index
    assert county.loc[county.index.intersection(lone), "symbol"].isna().all()  # the county stays, the trusts go


@DB
@pytest.mark.flow
def test_no_withheld_forecast_is_pinned_by_its_sums(refreshed: dict, engine: sa.Engine) -> None:
    """Given the refreshed demo county's forecasts (categories adding up to their total, districts to the
    county, each rounded on its own: within half a child per figure), then no withheld forecast is pinned
    and each spans at least min_count."""
    f = pd.read_sql("SELECT * FROM published.forecasts", engine)
    areas = pd.read_sql("SELECT area_code, parent_code FROM published.areas WHERE area_level = 'lad'", engine)
    f = f.merge(areas, on="area_code", how="left")
    hidden = f["symbol"].eq("c")
    assert hidden.sum() > 0
    counts = pd.DataFrame({"numerator": f["point"], "denominator": np.nan})
    found = audit(counts, hidden, TABLES["forecasts"].sums(f), pd.Series(False, index=f.index), 5, slack=0.5)
    print(f"audited {len(found.cells)} withheld forecasts")
    assert len(found.cells) == hidden.sum() and found.narrow.empty


def test_crossing_sums_that_pin_a_cell_the_rule_leaves_are_widened_by_the_audit() -> None:
    """Given a table of four districts by four age bands with its margins, hidden cells forming two
    rectangles joined by one more cell (every row and column with two hidden cells or none, each hidden sum
    at least 5), then the protection rule alone is content, yet the joining cell is pinned: the rectangles
    can shift without changing it. `secure` (the rule, then the LP audit) hides more until nothing is."""
    cells = [(r, c) for r in range(4) for c in range(4)]
    grid = pd.DataFrame(cells, columns=["r", "c"]).assign(numerator=10.0, denominator=np.nan)
    margins_r = pd.DataFrame({"r": range(4), "c": -1, "numerator": 40.0, "denominator": np.nan})
    margins_c = pd.DataFrame({"r": -1, "c": range(4), "numerator": 40.0, "denominator": np.nan})
    values = pd.concat([grid, margins_r, margins_c], ignore_index=True)
    rel = [relation(list(values.index[(values["r"] == r) & (values["c"] >= 0)]),
                    list(values.index[(values["r"] == r) & (values["c"] == -1)]), f"r{r}") for r in range(4)]
    rel += [relation(list(values.index[(values["c"] == c) & (values["r"] >= 0)]),
                     list(values.index[(values["c"] == c) & (values["r"] == -1)]), f"c{c}") for c in range(4)]
    groups = pd.concat(rel, ignore_index=True)
    pattern = {(0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3), (0, 2)}
    hidden = pd.Series([(r, c) in pattern for r, c in zip(values["r"], values["c"], strict=True)])
    no_children = pd.Series(False, index=values.index)
    ruled = secondary(values, hidden, groups, 5, no_children)
    assert ruled.sum() == 9
    pinned = audit(values, ruled, groups, no_children, 5).narrow
    assert pinned["row"].tolist() == [2] and pinned["width"].tolist() == [0.0]
    secured = secure(values, hidden, groups, 5, no_children)
    assert secured.sum() > 9 and audit(values, secured, groups, no_children, 5).narrow.empty


@DB
@pytest.mark.flow
def test_indicators_counting_the_same_children_are_hidden_together(refreshed: dict, engine: sa.Engine) -> None:
    """Given the refreshed demo county, where one indicator publishes a count another also publishes (plans and
    the rate of plans per 1,000; plans and the specialist share's denominator; the children open to the
    disabled children's team and the short-breaks share's denominator; pupils on roll; completed assessments;
    children still waiting) or the sum of another's categories (plans aged 16-25 and the NEET share's
    denominator; plans in special places and the specialist share's numerator), then in every cell a count and
    its twin are both shown or both hidden, no sum has one hidden member alone, and where all are shown they are
    the same children indeed."""
    from jsna.publish.disclosure import SAME_CHILDREN

    published, _, _, groups = _published_counts(engine)
    links = groups[groups["measure"].notna()].copy()
    links["kind"] = links["group"].str.split("_").str[0]
    assert sorted(links["kind"].unique()) == sorted(f"s{n}" for n in range(len(SAME_CHILDREN)))
    links["hidden"] = published["symbol"].eq("c").to_numpy()[links["row"].to_numpy()]
    n_hidden = links.groupby("group")["hidden"].agg(["sum", "size"])
    apart = n_hidden[(n_hidden["size"] == 2) & (n_hidden["sum"] == 1)]  # one count and its twin
    assert apart.empty, apart.head(10)
    lone = n_hidden[n_hidden["sum"] == 1]  # a sum: never one hidden alone (the audit bounds the rest)
    assert lone.empty, lone.head(10)
    shown = links[links["group"].isin(n_hidden.index[n_hidden["sum"] == 0])].copy()
    measure = np.where(shown["measure"] == "numerator", published["numerator"].to_numpy()[shown["row"].to_numpy()],
                       published["denominator"].to_numpy()[shown["row"].to_numpy()])
    shown["signed"] = np.where(shown["is_total"], -measure, measure)
    assert (shown.groupby("group")["signed"].sum().abs() < 1e-9).all()  # the same children indeed
    assert n_hidden["sum"].gt(0).sum() > 100 and (n_hidden["sum"] == 0).sum() > 10_000
