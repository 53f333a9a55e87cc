"""The demo's MHSDS time series (MHS95 by sub-ICB of residence and England), recounted from the demo's own files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from jsna.demo import nhs
from jsna.sources import nhs_stats

from .conftest import to_dates


@pytest.fixture(scope="module")
def mhsds(read: Callable[..., pd.DataFrame]) -> pd.DataFrame:
    return read(nhs.MHSDS)


def test_the_file_reads_in_the_real_layout(county: Path, mhsds: pd.DataFrame) -> None:
    """Given the demo's MHSDS file, when read by the MHSDS adapter, then every row loads: England and each sub-ICB
    every month from January 2022 to December 2025, CCGs of residence until June 2022 and sub-ICBs from July."""
    parsed = nhs_stats.read_mhsds(county / nhs.MHSDS, {})
    assert parsed.quarantine.empty and len(parsed.frame) == len(mhsds)
    f = parsed.frame
    assert set(f["measure"]) == {"mhs95"} and set(f["time_identifier"]) == {"Rolling 12 months"}
    months = f.groupby("geographic_level")["time_period"].agg(["min", "max"])
    assert months.loc["National"].tolist() == ["2022-01", "2025-12"]
    assert months.loc["CCG"].tolist() == ["2022-01", "2022-06"]
    assert months.loc["Sub-ICB"].tolist() == ["2022-07", "2025-12"]
    assert mhsds.columns.tolist()[:4] == ["REPORTING_PERIOD_START", "REPORTING_PERIOD_END", "STATUS", "BREAKDOWN"]


def test_sub_icb_figures_recounted_from_the_waiting_list(read: Callable[..., pd.DataFrame],
                                                         mhsds: pd.DataFrame) -> None:
    """Given the waiting list (children with a CAMHS assessment completed in the 12 months, counted once, placed
    by their postcode's LSOA in a sub-ICB) and the residents aged 0-17 (MYEB1), then each month every sub-ICB's
    MHS95 is its recount times one factor, which makes the county 55 per 1,000 residents aged 0-17 (up to NHS
    England's rounding to 5), and England's rate is within 10% of the county's."""
    waits = read("health/waiting_list.csv")
    camhs = waits[waits["Pathway"] == "CAMHS"]
    done = to_dates(camhs["Assessment Completed Date"])
    pcd = read("postcodes/onspd_demo.csv")[["pcds", "lsoa21"]]
    look = read(nhs.LOOKUP)[["LSOA21CD", "SICBL22CDH", "LAD22CD"]]
    where = camhs[["NHS Number", "Postcode"]].merge(pcd, left_on="Postcode", right_on="pcds", how="left") \
        .merge(look, left_on="lsoa21", right_on="LSOA21CD", how="left")
    assert where["SICBL22CDH"].notna().all()
    mye = read("population/myeb1_lad.csv")
    kids = mye[mye["age"].astype(int) <= 17]
    year = 2024
    lads = set(look["LAD22CD"])
    county_children = kids[kids["code"].isin(lads)][f"population_{year}"].astype(float).sum()
    england_children = kids[kids["code"] == "X92000001"][f"population_{year}"].astype(float).sum()

    m = mhsds[mhsds["REPORTING_PERIOD_END"] == "30/06/2024"]
    inside = ((done >= "2023-07-01") & (done <= "2024-06-30")).to_numpy()
    recount = where[inside].drop_duplicates(["NHS Number", "SICBL22CDH"]).groupby("SICBL22CDH").size()
    sub = m[m["BREAKDOWN"] == "Sub ICB of Residence"].set_index("PRIMARY_LEVEL")["MEASURE_VALUE"].astype(float)
    factor = 55.0 / 1000 * county_children / recount.sum()
    assert len(sub) == len(recount) >= 3
    assert np.abs(sub.reindex(recount.index).to_numpy() - recount.to_numpy() * factor).max() <= 2.5
    assert sub.sum() / county_children * 1000 == pytest.approx(55.0, abs=0.1)
    england = float(m.loc[m["BREAKDOWN"] == "England", "MEASURE_VALUE"].iloc[0]) / england_children * 1000
    assert 55.0 * 0.9 - 0.01 <= england <= 55.0 * 1.1 + 0.01
    assert m["REPORTING_PERIOD_START"].eq("01/07/2023").all()
