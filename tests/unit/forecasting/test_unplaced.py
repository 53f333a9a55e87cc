"""Children whose home could not be placed (no LSOA, no district) still count in their area's forecast, and
in no district's: they are forecast as a district of their own that is never published."""

from __future__ import annotations

import numpy as np
import pandas as pd

from jsna.forecasting import planner

AREA = "E10000014"
DISTRICTS = ["E07000084", "E07000085", "E07000086", "E07000087"]


def cases(unplaced: int, seed: int = 3) -> pd.DataFrame:
    """Plans issued 2012-2025 in four districts (more each year), and `unplaced` of them with no home placed."""
    rng = np.random.default_rng(seed)
    rows = []
    for year in range(2012, 2026):
        for k, lad in enumerate(DISTRICTS):
            for _ in range(40 + 6 * (year - 2012) + 10 * k):
                rows.append((lad, year))
    f = pd.DataFrame(rows, columns=["lad_code", "year"])
    request = pd.to_datetime(f["year"].astype(str) + "-01-01") + pd.to_timedelta(rng.integers(0, 300, len(f)), "D")
    f = f.assign(child_key=[f"k{i}" for i in range(len(f))], lsoa_code=None, utla_code=AREA, request_date=request,
                 issue_date=request + pd.Timedelta(days=120), ceased_date=pd.NaT,
                 age_at_31aug=rng.integers(3, 16, len(f)), primary_need=rng.choice(["ASD", "SEMH", "SLCN"], len(f)),
                 placement=rng.choice(["mainstream", "special"], len(f)))
    f["lsoa_code"] = f["lad_code"] + "L"
    ceased = rng.random(len(f)) < 0.3
    f.loc[ceased, "ceased_date"] = f.loc[ceased, "issue_date"] + pd.to_timedelta(rng.integers(200, 2000, ceased.sum()),
                                                                               "D")
    gone = rng.choice(len(f), unplaced, replace=False)
    f.loc[gone, ["lsoa_code", "lad_code"]] = None
    return f.drop(columns="year")


def inputs(c: pd.DataFrame) -> planner.PlanInputs:
    lsoas = pd.DataFrame({"lsoa_code": [d + "L" for d in DISTRICTS], "lad_code": DISTRICTS, "utla_code": AREA,
                          "x": 0.0, "y": 0.0})
    names = pd.Series({AREA: "Shire", **{d: f"District {i}" for i, d in enumerate(DISTRICTS)}})
    return planner.PlanInputs(caseload_stats=None, sen2_caseload=None, cases=c, schools=pd.DataFrame(),
                              places=pd.DataFrame(), lsoas=lsoas, names=names, last_year=2025)


def area_forecast(c: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    inp = inputs(c)
    f = planner.forecasts(inp, planner.district_forecasts(inp, planner.district_panel(inp)))
    total = f[(f["breakdown_topic"] == "Total")]
    return total[total["area_level"] == "utla"].set_index("year"), total[total["area_level"] == "lad"]


def test_unplaced_children_count_in_the_area_and_in_no_district() -> None:
    everyone = cases(unplaced=600)
    area, districts = area_forecast(everyone)
    assert set(districts["area_code"]) == set(DISTRICTS)  # no district of the unplaced is published
    # the area's forecast starts from everyone it holds now: its first year is near the census count grown on
    panel = planner.district_panel(inputs(everyone))
    latest = panel[panel["year"] == 2025]
    assert (latest["lad_code"] == planner.UNPLACED).sum() > 100
    # without the unplaced children the area's forecast is smaller by about their share
    placed_only, _ = area_forecast(everyone[everyone["lad_code"].notna()])
    share = (latest["lad_code"] == planner.UNPLACED).mean()
    ratio = placed_only["point"] / area["point"]
    assert ((ratio - (1 - share)).abs() < 0.03).all(), (ratio.to_dict(), share)
    # and the area's forecast is its districts' sum plus the unplaced children's (each rounded on its own)
    summed = districts.groupby("year")["point"].sum()
    assert (area["point"] - summed > 0.5 * share * area["point"]).all()
