"""Refreshes that redo only what changed (issue 17, point 6): given the demo county committed in a warehouse of its
own, when one case-level source is delivered again with other records, the refresh rebuilds only what reads it
(the core tables, indicator families, place planning and milestones that read the changed table), and what it
publishes, and the core model it leaves, equal those of a full refresh of the same files."""

from __future__ import annotations

import logging
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from tests.conftest import warehouse_env
from tests.flows.test_refresh_flow import published_snapshot

# tables naming the run that built them (its id, load times): compared without those
PER_RUN = {"build", "sources", "headline_history"}


def core_snapshot(engine: sa.Engine) -> dict[str, str]:
    """A fingerprint of every core table's rows."""
    with engine.connect() as conn:
        tables = conn.execute(sa.text("SELECT table_name FROM information_schema.tables WHERE table_schema = 'core' "
                                      "AND table_type = 'BASE TABLE' ORDER BY 1")).scalars().all()
        return {t: conn.execute(sa.text(
            f"SELECT count(*) || ':' || coalesce(md5(string_agg(x::text, '|' ORDER BY x::text)), '') "
            f"FROM core.{t} x")).scalar_one() for t in tables}


def latest_headlines(engine: sa.Engine) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(
            "SELECT indicator_id, period, area_code, breakdown, value, symbol FROM published.headline_history "
            "WHERE run_id = (SELECT max(run_id) FROM published.headline_history) ORDER BY 1, 2, 3, 4"))]


def family_rows(engine: sa.Engine, family: str) -> str:
    """The fingerprint of one indicator family's published values."""
    from jsna.indicators.catalogue import family_of

    ids = [i for i, f in family_of().items() if f == family]
    with engine.connect() as conn:
        return conn.execute(sa.text(
            "SELECT count(*) || ':' || md5(string_agg(x::text, '|' ORDER BY x::text)) "
            "FROM published.indicator_values x WHERE indicator_id = ANY(:ids)"), {"ids": ids}).scalar_one()


def test_a_changed_waiting_list_redoes_only_what_reads_it(threaded_refreshed: dict, tiny_dir: Path,
                                                         tmp_path: Path) -> None:
    """Given the demo county built in full (the fixture's refresh), when its waiting list is delivered again with a
    seventh of its referrals gone, then only the waiting list is redone; when the demo's own list comes back,
    only it is redone again, and every published and core table, and the headlines, equal the full build's."""
    from flows.refresh import refresh
    from jsna.warehouse.engine import get_engine

    url = str(threaded_refreshed["url"])
    engine = get_engine(url)
    full = threaded_refreshed["summary"]
    folder = tmp_path / "demo"
    shutil.copytree(tiny_dir, folder)
    with warehouse_env(url):  # the demo's own files as the last build (other tests may have left others)
        refresh(config=str(folder / "jsna.toml"))
    before = published_snapshot(engine)
    ehcp_before, health_before = family_rows(engine, "ehcp"), family_rows(engine, "health")

    waits = folder / "health" / "waiting_list.csv"  # the next month's list: a seventh of its referrals gone
    rows = pd.read_csv(waits, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    rows.drop(index=rows.index[::7]).to_csv(waits, index=False, encoding="utf-8-sig")
    with warehouse_env(url):
        partial = refresh(config=str(folder / "jsna.toml"))
    assert partial["new_files"] == 1
    assert partial["redone"] == "core__waiting_list, raw__waiting_list"
    assert partial["planning_rows"] is None and partial["milestone_rows"] is None  # the last build's stand
    with engine.connect() as conn:
        reads = set(conn.execute(sa.text("SELECT step, query FROM core.build_reads")).all())
    assert ("indicators:health", "waits_waiting") in reads and ("planning", "planning_cases") in reads
    assert 0 < partial["indicator_values"] < full["indicator_values"]
    after = published_snapshot(engine)
    assert family_rows(engine, "health") != health_before  # the waits changed ...
    assert family_rows(engine, "ehcp") == ehcp_before  # ... the plans did not
    assert after["forecasts"] == before["forecasts"] and after["milestones"] == before["milestones"]

    with warehouse_env(url):  # the demo's own list again: a partial refresh back to what was built in full
        back = refresh(config=str(tiny_dir / "jsna.toml"))
    assert back["redone"] == "core__waiting_list, raw__waiting_list" and back["new_files"] == 0
    assert_as_built_in_full(engine, threaded_refreshed)


def assert_as_built_in_full(engine: sa.Engine, full: dict) -> None:
    """The warehouse publishes, holds in core and heads with what the fixture's full build of the demo's files did."""
    rebuilt = published_snapshot(engine)
    differing = {t for t in rebuilt if rebuilt[t] != full["published"][t]} - PER_RUN
    assert not differing, f"a partial refresh published other {sorted(differing)} than a full one"
    core = core_snapshot(engine)
    assert {t for t in core if core[t] != full["core"][t]} == set()
    assert latest_headlines(engine) == full["headlines"]


def assert_a_full_refresh_leaves_the_same(url: str, engine: sa.Engine, folder: Path) -> None:
    """A forced full refresh of the files a partial refresh just built from publishes, builds and heads what it left."""
    from flows.refresh import refresh

    after = published_snapshot(engine)
    after_core, after_headlines = core_snapshot(engine), latest_headlines(engine)
    with warehouse_env(url):  # the same files, everything redone
        full = refresh(config=str(folder / "jsna.toml"), force=True)
    assert full["redone"] == "everything"
    forced = published_snapshot(engine)
    differing = {t for t in forced if forced[t] != after[t]} - PER_RUN
    assert not differing, f"a partial refresh published other {sorted(differing)} than a full one"
    assert core_snapshot(engine) == after_core and latest_headlines(engine) == after_headlines


def refresh_back(url: str, tiny_dir: Path) -> None:
    """The demo's own return again: a partial refresh back to what was built in full."""
    from flows.refresh import refresh

    with warehouse_env(url):
        back = refresh(config=str(tiny_dir / "jsna.toml"))
    assert back["redone"] == "core__ehcp_cases, raw__ehcp_cases" and back["new_files"] == 0


def cease_one_plan(path: Path, years_back: int = 1) -> None:
    """The SEN2 return's first plan active since before the year `years_back` before its own ceases in December of
    that year (the child moved to another authority): one child's record changes. One year back: a plan of the latest
    year; two: one in force at the January census after (its caseload changes, as a new year's return changes it)."""
    text = path.read_text(encoding="utf-8")
    year = int(re.search(r"<Year>(\d{4})</Year>", text).group(1)) - years_back  # type: ignore[union-attr]
    plan = next(m for m in ACTIVE_PLAN.finditer(text) if "<CeaseDate>" not in m.group(2) and int(m.group(1)) < year)
    ceased = plan.group(0).replace("</NamedPlan>", f"<CeaseDate>{year}-12-01</CeaseDate>"
                                                   "<CeaseReason>5</CeaseReason></NamedPlan>")
    path.write_text(text[:plan.start()] + ceased + text[plan.end():], encoding="utf-8")


ACTIVE_PLAN = re.compile(r"<NamedPlan><StartDate>(\d{4})-\d\d-\d\d</StartDate>((?:(?!</NamedPlan>).)*?)</NamedPlan>")


def test_a_changed_sen2_return_protects_again_only_the_periods_it_changed(
        threaded_refreshed: dict, tiny_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Given the demo county built in full, when its SEN2 return is delivered again with one plan ceased in the
    latest year, then only the parts of the EHC plans' family whose queries return other rows are computed again
    (the families and parts whose queries return what they did, the CIN and health ones and the caseload, are
    kept), only the periods whose values changed go through disclosure control again (the others' published
    rows are the last build's), and everything published equals what a forced full refresh of the same files
    publishes; a partial refresh back to the demo's own return leaves what the full
    build of it left."""
    from flows.refresh import refresh
    from jsna.warehouse.engine import get_engine

    url = str(threaded_refreshed["url"])
    engine = get_engine(url)
    folder = tmp_path / "demo"
    shutil.copytree(tiny_dir, folder)
    with warehouse_env(url):  # the demo's own files as the last build (other tests may have left others)
        refresh(config=str(folder / "jsna.toml"))
    ehcp_before = family_rows(engine, "ehcp")

    cease_one_plan(folder / "education" / "sen2_return_2026.xml")
    caplog.set_level(logging.INFO, logger="jsna")
    with warehouse_env(url):
        partial = refresh(config=str(folder / "jsna.toml"))
    assert partial["redone"] == "core__ehcp_cases, raw__ehcp_cases"
    log = [r.getMessage() for r in caplog.records if r.name.startswith("jsna")]
    computing = re.match(r"computing indicators: (.*) \(kept from the last build: (.*)\)",
                         next(m for m in log if m.startswith("computing indicators")))
    assert computing, log
    computed, kept = set(computing[1].split(", ")), set(computing[2].split(", "))
    assert computed and all(unit.startswith("ehcp.") for unit in computed)  # parts of the plans' family ...
    assert {"cin", "health", "ehcp.caseload_counts"} <= kept  # ... not those whose queries return what they did
    protected = next(m for m in log if m.startswith("disclosure control over"))
    counted = re.match(r"disclosure control over (\d+) indicator values \(of (\d+): the periods whose values "
                       r"changed, (.*)\)", protected)
    assert counted, protected
    assert 0 < int(counted[1]) < int(counted[2]) // 2 and counted[3]
    assert family_rows(engine, "ehcp") != ehcp_before  # the plans changed
    assert_a_full_refresh_leaves_the_same(url, engine, folder)

    caplog.clear()
    refresh_back(url, tiny_dir)
    assert any(r.getMessage().startswith("disclosure control over") and "the periods whose values changed" in
               r.getMessage() for r in caplog.records)
    assert_as_built_in_full(engine, threaded_refreshed)


def test_a_sen2_return_that_changes_a_census_caseload_publishes_what_a_full_refresh_does(
        threaded_refreshed: dict, tiny_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Given the demo county built in full, when its SEN2 return is delivered again with a plan ceased before the
    latest January census (the caseload then changes, as a new year's return changes it), then the caseload's part
    of the EHC plans' family is computed again, the authorities' forecasts from DfE's statistics (which read none of
    it) are the last build's, and everything published, the core model and the headlines equal what a forced full
    refresh of the same files leaves; a partial refresh back to the demo's own return leaves what the full build of
    it left."""
    from flows.refresh import refresh
    from jsna.warehouse.engine import get_engine

    url = str(threaded_refreshed["url"])
    engine = get_engine(url)
    folder = tmp_path / "demo"
    shutil.copytree(tiny_dir, folder)
    with warehouse_env(url):  # the demo's own files as the last build (other tests may have left others)
        refresh(config=str(folder / "jsna.toml"))

    cease_one_plan(folder / "education" / "sen2_return_2026.xml", years_back=2)
    caplog.set_level(logging.INFO, logger="jsna")
    with warehouse_env(url):
        partial = refresh(config=str(folder / "jsna.toml"))
    assert partial["redone"] == "core__ehcp_cases, raw__ehcp_cases"
    log = [r.getMessage() for r in caplog.records if r.name.startswith("jsna")]
    computing = next(m for m in log if m.startswith("computing indicators"))
    assert "ehcp.caseload_counts" in computing.partition(" (kept")[0], computing
    assert any("the authorities' forecasts from DfE's statistics read nothing that changed" in m for m in log), log
    assert_a_full_refresh_leaves_the_same(url, engine, folder)

    refresh_back(url, tiny_dir)
    assert_as_built_in_full(engine, threaded_refreshed)
