"""Access to the PHEindicatormethods reference data, read in place from ../shared/reference.

The files are never copied into the repository: tests locate them from the repository root.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd
import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]
REFERENCE = REPO_ROOT.parent / "shared" / "reference" / "pheindicatormethods"

#: Relative and absolute (near zero) tolerance for every reproduced reference value.
RTOL, ATOL = 1e-6, 1e-9

requires_reference = pytest.mark.skipif(
    not REFERENCE.is_dir(), reason=f"reference data not found at {REFERENCE}"
)


@cache
def sheet(name: str, sheet_name: str | int = 0, **kwargs: object) -> pd.DataFrame:
    """One sheet of a reference workbook (cached; callers must not mutate it)."""
    return pd.read_excel(REFERENCE / name, sheet_name=sheet_name, **kwargs)  # type: ignore[call-overload]


@cache
def csv(name: str) -> pd.DataFrame:
    """A reference CSV (some carry a byte-order mark)."""
    return pd.read_csv(REFERENCE / name, encoding="utf-8-sig")


def rows(name: str, sheet_name: str | int = 0) -> list[int]:
    """Row positions of a sheet, for parametrising over every row; empty when the data are absent."""
    return list(range(len(sheet(name, sheet_name)))) if REFERENCE.is_dir() else []


def csv_rows(name: str) -> list[int]:
    return list(range(len(csv(name)))) if REFERENCE.is_dir() else []


def assert_close(actual: npt.ArrayLike, expected: npt.ArrayLike) -> None:
    """Equal within 1e-6 relative (1e-9 absolute near zero); NaN must meet NaN."""
    np.testing.assert_allclose(
        np.asarray(actual, dtype=float),
        np.asarray(expected, dtype=float),
        rtol=RTOL,
        atol=ATOL,
        equal_nan=True,
    )
