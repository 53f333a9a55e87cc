"""Issue 14, point 6: a bad delivery never shrinks what is published. The demo county is committed to a
throwaway warehouse of its own (`threaded_refreshed`); then deliveries of its case file that are
empty, half as long, or lose a year stop the refresh in one sentence naming the file and the counts, and
published stays as it was; `accept_shrink` lets a real shrink through (a 1,500-row extract, which also
refreshes end to end: point 9)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from tests.conftest import warehouse_env
from tests.flows.test_refresh_flow import published_snapshot, raw_counts

pytestmark = [pytest.mark.db, pytest.mark.flow]

CASES = Path("education") / "ehcp_cases.csv"


@pytest.fixture(scope="module")
def guarded(threaded_refreshed: dict) -> Iterator[sa.Engine]:
    """A warehouse of its own with the demo county committed: its last delivery of ehcp_cases is the demo's.
    (Not the session's: under `make test` it is built on the other pytest-xdist worker meanwhile.) The
    refreshes below run against it."""
    from jsna.warehouse.engine import get_engine

    with warehouse_env(str(threaded_refreshed["url"])):
        yield get_engine(str(threaded_refreshed["url"]))


def read_cases(folder: Path) -> pd.DataFrame:
    return pd.read_csv(folder / CASES, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def delivery(tiny_dir: Path, folder: Path, change: Callable[[pd.DataFrame], pd.DataFrame]) -> Path:
    """The demo county with its EHC source (committed from its SEN2 return) delivered as the bespoke extract
    of the same children, changed by `change`; returns its jsna.toml."""
    shutil.copytree(tiny_dir, folder)
    change(read_cases(tiny_dir)).to_csv(folder / CASES, index=False, encoding="utf-8-sig")
    config = folder / "jsna.toml"
    text = config.read_text()
    on_return = 'kind = "sen2_return"\npath = "education/sen2_return_2026.xml"'
    assert on_return in text
    config.write_text(text.replace(on_return, f'kind = "ehcp_cases"\npath = "{CASES.as_posix()}"'))
    return config


def request_year(cases: pd.DataFrame) -> pd.Series:
    return cases["Request Date"].str[-4:]


SHRINKS = {
    "empty": (lambda c: c.iloc[:0], r"has no rows where the last committed delivery \(\S+\) had {before}; "),
    "a third": (lambda c: c.iloc[::3], r"has {after} rows, fewer than 50% of the {before} in the last committed "
                                       r"delivery \(\S+\)"),
    "a year lost": (lambda c: c[request_year(c) != "2019"],
                    r"has no rows for 1 of the \d+ periods the last committed delivery \(\S+\) had \(2019\)"),
}


@pytest.mark.parametrize("shrink", list(SHRINKS))
def test_a_shrunken_delivery_stops_the_refresh_and_publishes_nothing(guarded: sa.Engine, tiny_dir: Path,
                                                                     tmp_path: Path, shrink: str) -> None:
    """Given the demo committed, when its case file comes again empty, with a third of its rows, or without the
    requests of 2019, then the refresh stops in one sentence naming the source, the file and the counts and
    saying how to accept it, and every published and raw table is exactly as it was."""
    from flows.refresh import refresh
    from jsna.errors import RefreshError

    change, clause = SHRINKS[shrink]
    config = delivery(tiny_dir, tmp_path / "demo", change)
    before, after = len(read_cases(tiny_dir)), len(read_cases(tmp_path / "demo"))
    published, raw = published_snapshot(guarded), raw_counts(guarded)
    with pytest.raises(RefreshError) as caught:
        refresh(config=str(config))
    message = str(caught.value)
    assert message.startswith(f"Source ehcp_cases: {tmp_path / 'demo' / CASES} ")
    assert re.search(clause.format(before=f"{before:,}", after=f"{after:,}"), message), message
    assert message.endswith("; nothing was published. If the shrink is real, run "
                            "`jsna refresh --accept-shrink ehcp_cases`.")
    assert "\n" not in message
    assert published_snapshot(guarded) == published and raw_counts(guarded) == raw
    with guarded.connect() as conn:
        status = conn.execute(sa.text("SELECT status FROM meta.runs ORDER BY run_id DESC LIMIT 1")).scalar_one()
    assert status == "failed"


def test_an_accepted_shrink_is_published(guarded: sa.Engine, tiny_dir: Path, tmp_path: Path) -> None:
    """Given the demo committed and a real shrink to a case-level extract of 1,500 rows, when refreshed it is
    refused; when refreshed with accept_shrink=["ehcp_cases"] it is committed, the county's caseload published
    is the extract's own count, and forecasts, sufficiency and candidate sites are published from it."""
    from flows.refresh import refresh
    from jsna.errors import RefreshError

    config = delivery(tiny_dir, tmp_path / "demo", lambda c: c.sample(1500, random_state=1).sort_index())
    with pytest.raises(RefreshError, match=r"has 1,500 rows, fewer than 50%"):
        refresh(config=str(config))
    summary = refresh(config=str(config), accept_shrink=["ehcp_cases"])
    assert summary["new_files"] == 1 and all(summary["planning_rows"][t] > 0
                                             for t in ("forecasts", "sufficiency", "candidate_sites"))
    cases = read_cases(tmp_path / "demo")
    dates = {c: pd.to_datetime(cases[c].replace("", None), format="%d/%m/%Y")
             for c in ("Final Issue Date", "Ceased Date")}
    day = pd.Timestamp("2025-01-16")
    plans = (cases["Assessment Outcome"] == "Plan") | (cases["Transfer"] != "")
    holding = plans & (dates["Final Issue Date"] <= day) & (dates["Ceased Date"].isna() | (dates["Ceased Date"] > day))
    with guarded.connect() as conn:
        county = conn.execute(sa.text(
            "SELECT numerator FROM published.indicator_values WHERE indicator_id = 'ehcp_rate_0_25' AND "
            "area_code = 'X10000001' AND breakdown = 'all' AND period = '202425'")).scalar_one()
        districts = conn.execute(sa.text(
            "SELECT sum(numerator) FROM published.indicator_values WHERE indicator_id = 'ehcp_rate_0_25' AND "
            "area_level = 'lad' AND breakdown = 'all' AND period = '202425'")).scalar_one()
        loaded = conn.execute(sa.text("SELECT count(*) FROM core.ehcp_cases")).scalar_one()
    # the county's figure is DfE's published one (the demo's statistics), its districts' the extract's children
    dfe = pd.read_csv(tiny_dir / "statistics/ehcp_plans/caseload.csv", dtype=str, encoding="utf-8-sig")
    dfe = dfe[(dfe["new_la_code"] == "X10000001") & (dfe["time_period"] == "202425")]
    assert loaded == 1500 and county == float(dfe["ehcplans"].iloc[0])
    assert 0.8 * holding.sum() <= districts <= holding.sum()
