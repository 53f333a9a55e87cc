"""The data-and-methods page shows the validation rules the demo's SEN2 return breaks, as published (read as
jsna_reader through published.source_rules), over the session's refreshed demo warehouse."""

from __future__ import annotations

import json
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


def test_the_refresh_data_quality_artifact_lists_the_returns_rules(refreshed: dict) -> None:
    """Given the refreshed demo county, then Prefect's data-quality artifact of the run gives, beside the SEN2
    return's file, each rule it breaks with its severity, reference and count."""
    from prefect import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["data-quality"])))
    tables = [json.loads(a.data) if isinstance(a.data, str) else a.data for a in artifacts]
    rows = [r for t in tables if isinstance(t, list) for r in t]
    sen2 = [r for r in rows if isinstance(r, dict) and r.get("kind") == "sen2_return"]
    assert sen2 and all("query SEN2 spec module 1 Person/UPN: " in r["rules"] for r in sen2)
