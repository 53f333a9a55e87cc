"""An EHC extract naming the casework team and the plan's last annual review (what the milestones count by and
from): both land with the row; a review dated before the plan was issued is quarantined."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from jsna.sources import ehcp_cases
from tests.unit.sources.test_case_adapters import demo_context


def test_team_and_last_review_land_and_a_review_before_issue_is_quarantined(demo_dir: Path, tmp_path: Path) -> None:
    cases = pd.read_csv(demo_dir / "education" / "ehcp_cases.csv", dtype=str, keep_default_na=False,
                        encoding="utf-8-sig").head(60)
    issued = cases.index[cases["Final Issue Date"] != ""][:3]
    assert len(issued) == 3
    cases["Casework Team"] = ["North", "South", ""] * 20
    cases["Last Review Date"] = ""
    issue = pd.to_datetime(cases.loc[issued, "Final Issue Date"], format="%d/%m/%Y")
    cases.loc[issued[0], "Last Review Date"] = (issue.iloc[0] + pd.Timedelta(days=300)).strftime("%d/%m/%Y")
    cases.loc[issued[1], "Last Review Date"] = (issue.iloc[1] - pd.Timedelta(days=1)).strftime("%d/%m/%Y")
    path = tmp_path / "ehcp_cases.csv"
    cases.to_csv(path, index=False)
    parsed = ehcp_cases.read(path, {}, demo_context(demo_dir))
    f = parsed.frame.set_index("line")
    line = {i: i + 2 for i in issued}  # a row's line in the file: the header is line 1
    assert f.loc[line[issued[0]], "last_review"] == issue.iloc[0] + pd.Timedelta(days=300)
    assert line[issued[1]] not in f.index
    q = parsed.quarantine
    assert list(q.loc[q["line"] == line[issued[1]], "rule"]) == ["annual review before the plan was issued"]
    expected = [["North", "South", None][(ln - 2) % 3] for ln in f.index]  # as written above, by row
    assert [t if isinstance(t, str) else None for t in f["team"]] == expected
    assert f["last_review"].notna().sum() == 1
