"""Downloads safe to open in Excel (issue 14, point 10): text cells starting with =, +, -, @, a tab or a
carriage return get a leading single quote (OWASP's advice on CSV injection); numbers stay numbers."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from jsna.publish import csvsafe

REPO = Path(__file__).resolve().parents[2]
SITE = '=HYPERLINK("http://x","y")'


def cells(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_each_formula_start_is_neutralised(start: str) -> None:
    """Given a site whose name starts with a formula character, then its CSV cell starts with a quote."""
    frame = pd.DataFrame({"name": [f"{start}1+1 clinic", "Westmere clinic"], "places": [12, -3]})
    got = cells(csvsafe.to_csv(frame))
    assert got[0]["name"] == f"'{start}1+1 clinic"
    assert got[1]["name"] == "Westmere clinic"
    assert [r["places"] for r in got] == ["12", "-3"]


def test_a_hyperlink_site_and_numbers() -> None:
    """Given service sites with a HYPERLINK formula for a name, negative numbers, missing values and dates,
    then only the text cell changes; numeric columns keep their dtype and values."""
    frame = pd.DataFrame({
        "name": [SITE, "-", None, "Hub@Northdown"],
        "service": ["camhs", "@team", "+44 1234", "asc"],
        "lower_ci95": [-2.5, np.nan, 0.0, -1e-9],
        "count": pd.array([-7, None, 3, 0], dtype="Int64"),
        "opened": pd.to_datetime(["2020-01-01", None, "2021-05-01", "2022-01-01"]),
    })
    safe = csvsafe.neutralise(frame)
    assert safe["name"].tolist()[:2] == [f"'{SITE}", "'-"] and pd.isna(safe["name"].iloc[2])
    assert safe["name"].iloc[3] == "Hub@Northdown"
    assert safe["service"].tolist() == ["camhs", "'@team", "'+44 1234", "asc"]
    for column in ("lower_ci95", "count", "opened"):
        assert safe[column].dtype == frame[column].dtype
        pd.testing.assert_series_equal(safe[column], frame[column])
    assert frame["name"].iloc[0] == SITE  # the frame given is not changed
    row = cells(csvsafe.to_csv(frame))[0]
    assert row["name"] == f"'{SITE}" and row["lower_ci95"] == "-2.5" and row["count"] == "-7"


def script() -> None:  # an app page (AppTest.from_function): the dashboards' download of planner sites
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path.cwd()))
    import pandas as pd
    import streamlit as st
    from streamlit.runtime import Runtime

    from dashboards import ui

    sites = pd.DataFrame({"need": ["ASD", "ASD"], "site": ["X01000001", "X01000002"],
                          "site_name": ['=HYPERLINK("http://x","y")', "Northdown 001A"], "rank": [1, 2],
                          "children_brought_within": [-1, 12], "symbol": [None, None]})
    values = pd.DataFrame({"indicator_id": ["ehcp_rate_sii"], "area_name": ["@Westmere"], "value": [-4.25],
                           "lower_ci95": [-9.5]})
    st.session_state["media"] = Runtime.instance().media_file_mgr  # where the served files are
    ui.download(values, "sii")
    ui.download(sites, "candidate_sites_ASD", columns=False)


def served(at: Any, index: int) -> list[dict[str, str]]:
    """The CSV a download button of the page serves."""
    file_id = re.sub(r"\.csv$", "", at.download_button[index].proto.url.rsplit("/", 1)[-1])
    return cells(at.session_state["media"].read_file(file_id).content.decode())


def test_dashboard_downloads_are_neutralised(monkeypatch: pytest.MonkeyPatch) -> None:
    """Given a download of published values for an area named '@Westmere', and the planner's download of
    candidate sites one of which is named with a HYPERLINK formula, when the dashboards serve them, then those
    cells start with a quote, and negative numbers are as they were."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.chdir(REPO)
    at = AppTest.from_function(script, default_timeout=60).run()
    assert served(at, 0) == [{"indicator_id": "ehcp_rate_sii", "area_name": "'@Westmere", "value": "-4.25",
                              "lower_ci95": "-9.5"}]
    assert not at.exception
    sites = served(at, 1)
    assert [r["site_name"] for r in sites] == [f"'{SITE}", "Northdown 001A"]
    assert [r["children_brought_within"] for r in sites] == ["-1", "12"]


def test_every_csv_goes_through_csvsafe() -> None:
    """Every CSV the dashboards offer is `ui.download`'s, and every CSV the library and CLI write is
    `csvsafe.to_csv`'s: no other download button or to_csv writes a file for people to open."""
    offenders = []
    for path in [*REPO.glob("dashboards/**/*.py"), REPO / "jsna" / "cli.py", *REPO.glob("jsna/publish/*.py")]:
        text = path.read_text()
        if "st.download_button(" in text and path.name != "ui.py":
            offenders.append(f"{path.relative_to(REPO)}: st.download_button")
        if re.search(r"(?<!csvsafe)\.to_csv\(", text) and path.name != "csvsafe.py":
            offenders.append(f"{path.relative_to(REPO)}: to_csv")
    assert not offenders, offenders
