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
