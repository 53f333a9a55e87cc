"""The demo refreshed from its SEN2 return (kind sen2_return) against the bespoke extract of the same
children: core's EHC rows, placements taken from the settings' URNs included, are those of the extract."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from jsna.sources import ehcp_cases
from tests.unit.sources.test_case_adapters import demo_context

pytestmark = [pytest.mark.db]
COLUMNS = ["request_date", "issue_date", "ceased_date", "assessment_outcome", "exception", "age_at_31aug", "sex",
           "primary_need", "placement", "lsoa_code"]


def _rows(frame: pd.DataFrame) -> Counter[tuple[str, ...]]:
    f = frame[COLUMNS].astype(object)
    f = f.where(f.notna(), None)
    for c in ("request_date", "issue_date", "ceased_date"):
        f[c] = pd.to_datetime(f[c]).dt.strftime("%Y-%m-%d")
    return Counter(map(tuple, f.astype(str).to_numpy()))


def test_core_ehcp_rows_from_the_return_are_those_of_the_bespoke_extract(refreshed: dict, engine: sa.Engine,
                                                                         demo_dir: Path) -> None:
    """Given the demo refreshed from its SEN2 return, when core.ehcp_cases is compared with the bespoke
    extract of the same children read by the library, then the plans (with their need and placement, the
    placement of a setting given by URN taken from the schools list) and every request agree row for row;
    and the return's source is recorded under its kind with nothing quarantined."""
    core = pd.read_sql("SELECT * FROM core.ehcp_cases", engine)
    bespoke = ehcp_cases.read(demo_dir / "education" / "ehcp_cases.csv", {}, demo_context(demo_dir)).frame
    b = bespoke.copy()
    b["primary_need"] = b["primary_need"].replace({"NSA": "OTH"})
    b.loc[b["issue_date"].isna(), ["primary_need", "placement"]] = None
    assert len(core) == len(b) > 30_000
    assert core["placement"].notna().sum() == b["placement"].notna().sum()
    assert _rows(core) == _rows(b)
    files = pd.read_sql("SELECT source_name, kind, rows_in, rows_quarantined FROM meta.files "
                        "WHERE source_name = 'ehcp_cases'", engine)
    assert files["kind"].tolist()[-1:] == ["sen2_return"] and files["rows_quarantined"].iloc[-1] == 0


def test_the_refreshed_demo_publishes_ehc_figures_by_dfes_definitions(refreshed: dict, engine: sa.Engine) -> None:
    """Given the demo refreshed from its SEN2 return, then each district's completed assessments are counted in
    the year of their outcome (as core.ehcp_cases gives it), its requests split into the four outcomes DfE
    reports (adding up to all requests), and its ceased plans into DfE's reasons (adding up to all ceased)."""
    truth = pd.read_sql("SELECT * FROM core.indicator_values WHERE area_level = 'lad'", engine)
    by_year = pd.read_sql(
        "SELECT lad_code AS area_code, extract(year FROM coalesce(assessment_date, CASE WHEN assessment_outcome = "
        "'plan' THEN issue_date END, request_date))::int::text AS period, count(*) FILTER (WHERE assessment_outcome"
        " = 'plan') AS plan, count(*) AS completed FROM core.ehcp_cases WHERE transfer IS NULL AND "
        "assessment_outcome IN ('plan', 'no_plan') AND lad_code IS NOT NULL GROUP BY 1, 2", engine)
    assessed = truth[truth["indicator_id"] == "ehcp_assessments_to_plan"].merge(by_year, on=["area_code", "period"])
    assert len(assessed) >= 20
    assert (assessed["numerator"] == assessed["plan"]).all()
    assert (assessed["denominator"] == assessed["completed"]).all()
    for indicator, kind in (("ehcp_request_outcomes", "outcome="), ("ehcp_ceased", "reason=")):
        v = truth[truth["indicator_id"] == indicator]
        total = v[v["breakdown"] == "all"].set_index(["period", "area_code"])["numerator"]
        parts = v[v["breakdown"].str.startswith(kind)].groupby(["period", "area_code"])["numerator"].sum()
        assert len(total) >= 20 and parts.reindex(total.index).eq(total).all(), indicator
    kinds = set(truth.loc[truth["indicator_id"] == "ehcp_request_outcomes", "breakdown"])
    assert kinds == {"all", "outcome=assess", "outcome=not_assess", "outcome=withdrawn", "outcome=outstanding"}
