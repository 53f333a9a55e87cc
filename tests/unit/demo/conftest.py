"""The county-scale demo of the test session (tests/conftest.py: demo_dir), shared by the demo tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

SEED = 2017  # the session demo's (tests/conftest.py: demo_dir)
DATE_COLUMNS = ("Request Date", "Decision Date", "Draft Issue Date", "Final Issue Date", "Ceased Date",
                "Date of Birth")


def to_dates(col: pd.Series) -> pd.Series:
    """dd/mm/yyyy text as timestamps (NaT for blanks)."""
    return pd.to_datetime(col.replace("", None), format="%d/%m/%Y")


@pytest.fixture(scope="session")
def county(demo_dir: Path) -> Path:
    """Folder holding the county demo (seed 2017): the session's own (tests/conftest.py), generated once."""
    return demo_dir


@pytest.fixture(scope="session")
def read(county: Path) -> Callable[..., pd.DataFrame]:
    """read(relative_path, encoding="utf-8-sig"): a county demo CSV, every column as text, blanks as ""."""

    def _read(rel: str, encoding: str = "utf-8-sig") -> pd.DataFrame:
        return pd.read_csv(county / rel, dtype=str, keep_default_na=False, encoding=encoding)

    return _read


@pytest.fixture(scope="session")
def dates() -> Callable[[pd.Series], pd.Series]:
    return to_dates


@pytest.fixture(scope="session")
def ehcp(read: Callable[..., pd.DataFrame]) -> pd.DataFrame:
    """The EHC request rows, with parsed copies of the date columns ("<name> (d)")."""
    df = read("education/ehcp_cases.csv")
    for c in DATE_COLUMNS:
        df[c + " (d)"] = to_dates(df[c])
    return df


@pytest.fixture(scope="session")
def schools(read: Callable[..., pd.DataFrame]) -> pd.DataFrame:
    return read("schools/edubasealldata_demo.csv", encoding="cp1252")
