"""The data-and-methods page shows the validation rules the demo's SEN2 return breaks, as published (read as
jsna_reader through published.source_rules), over the session's refreshed demo warehouse."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
import sqlalchemy as sa

from tests.e2e.html_tables import page_tables
from tests.e2e.test_pages_apptest import app, open_page

pytestmark = pytest.mark.db
__all__ = ["app"]


def test_the_methods_page_lists_each_rule_the_demo_return_breaks(app: Any, engine: sa.Engine) -> None:
    """Given the refreshed demo county (its EHC data as a SEN2 return), then meta.validation kept the return's
    rules for its file, they are all queries (the demo breaks no error rule), and the data-and-methods page
    shows one row per rule with its reference, message and count, equal to published.source_rules."""
    with engine.connect() as conn:
        kept = pd.read_sql(sa.text(
            "SELECT v.rule, v.severity, v.rows FROM meta.validation v JOIN meta.files f USING (file_id) "
            "WHERE f.kind = 'sen2_return' AND f.file_id IN (SELECT file_id FROM meta.run_files WHERE run_id = "
            "(SELECT max(run_id) FROM meta.runs WHERE status = 'succeeded'))"), conn)
        published = pd.read_sql(sa.text("SELECT * FROM published.source_rules"), conn)
    assert len(kept) >= 2 and set(kept["severity"]) == {"query"}
    assert "person_upn_check_letter" in set(kept["rule"])
    at = open_page(app, "methods")
    shown = next(f for f in page_tables(at) if {"reference", "message", "rows"} <= set(f.columns))
    assert len(shown) == len(published) == len(kept)
    assert sorted(shown["rows"].astype(str).str.replace(",", "").astype(int)) == sorted(kept["rows"])
    assert set(shown["severity"]) == {"query"}
