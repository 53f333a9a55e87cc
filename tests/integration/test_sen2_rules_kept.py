"""The SEN2 rules a return breaks are kept per landed file (meta.validation) and published for the
data-quality view (published.source_rules, read as jsna_reader), on a real PostGIS."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa

from jsna.config import Settings
from jsna.sources import sen2_return
from jsna.sources.context import ReadContext
from jsna.sources.sen2_return.rules import validation_rules
from jsna.warehouse import runs
from jsna.warehouse.engine import libpq_conninfo, loader_url, reader_url
from jsna.warehouse.sqlfiles import execute_file
from tests.unit.test_sen2_return import person, request, small, write

pytestmark = pytest.mark.db
__all__ = ["small"]


def _land(warehouse_url: str, path: Path, context: ReadContext, name: str) -> runs.Run:
    parsed = sen2_return.read(path, {}, context)
    run = runs.begin_run(loader_url(Settings(database_url=warehouse_url)))
    runs.land_frame(run, source_name=name, kind="sen2_return", path=path, sha256=name[-1] * 64,
                    raw_table=parsed.raw_table, frame=parsed.frame, quarantine=parsed.quarantine,
                    rows_in=parsed.rows_in, rows_loaded=parsed.rows_loaded,
                    validation=validation_rules(parsed.extras))
    return run


def test_a_returns_rules_are_kept_with_its_file_and_published_without_lines(
        warehouse_url: str, engine: sa.Engine, tmp_path: Path, small: ReadContext) -> None:
    """Given a return with two requests decided before they were received (an error) and a person with no
    postcode (a query), when it is landed and the run commits, then meta.validation holds both rules for its
    file with their counts and first lines, the rejected requests are in meta.quarantine under the rule's
    reference, and published.source_rules shows both rules to the dashboards' role, without lines; a run that
    fails keeps none of its rules."""
    path = write(tmp_path, person(upn="B123456789012", requests=request(decided="2024-01-01")),
                 person(upn="C123456789012", requests=request(decided="2024-01-02")),
                 person(upn="D123456789012", postcode=""))
    failed = _land(warehouse_url, path, small, "sen2_rules_failed_a")
    runs.fail_run(failed, "deliberate")
    run = _land(warehouse_url, path, small, "sen2_rules_kept_b")
    runs.stage_table(run, "published", "source_rules")
    with run.engine.begin() as conn:
        execute_file(conn, "published/source_rules", run.schema)
    runs.commit_run(run)
    with engine.connect() as conn:
        kept = conn.execute(sa.text(
            "SELECT v.rule, v.severity, v.rows, v.first_lines, v.reference FROM meta.validation v "
            "JOIN meta.files f USING (file_id) WHERE f.source_name = :n AND v.rule <> 'person_upn_check_letter' "
            "ORDER BY v.rule"), {"n": "sen2_rules_kept_b"}).all()
        none_failed = conn.execute(sa.text(
            "SELECT count(*) FROM meta.validation v JOIN meta.files f USING (file_id) WHERE f.source_name = :n"),
            {"n": "sen2_rules_failed_a"}).scalar_one()
        quarantined = conn.execute(sa.text(
            "SELECT q.line, q.rule FROM meta.quarantine q JOIN meta.files f USING (file_id) "
            "WHERE f.source_name = :n ORDER BY q.line"), {"n": "sen2_rules_kept_b"}).all()
    assert [tuple(r) for r in kept] == [
        ("person_no_postcode", "query", 1, [7], "SEN2 spec module 1 Person/PostCode"),
        ("request_outcome_before_received", "error", 2, [5, 6], "SEN2 spec module 2 Requests/RequestOutcomeDate"),
    ]
    assert none_failed == 0
    assert [line for line, _ in quarantined][:2] == [5, 6]
    assert quarantined[0][1].startswith("SEN2 spec module 2 Requests/RequestOutcomeDate: request outcome dated")
    with psycopg.connect(libpq_conninfo(reader_url()), autocommit=True) as conn:
        shown = conn.execute("SELECT rule, severity, rows, file_name FROM published.source_rules "
                             "WHERE source_name = 'sen2_rules_kept_b' AND rule <> 'person_upn_check_letter' "
                             "ORDER BY rule").fetchall()
        columns = [c.name for c in conn.execute("SELECT * FROM published.source_rules LIMIT 0").description or []]
    assert shown == [("person_no_postcode", "query", 1, "return.xml"),
                     ("request_outcome_before_received", "error", 2, "return.xml")]
    assert "first_lines" not in columns and "line" not in columns
