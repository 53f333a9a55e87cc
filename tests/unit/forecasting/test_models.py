"""Baselines, metrics, the pooled model and the selection guard on small made-up panels (numbers by hand)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jsna.forecasting import backtest as B
from jsna.forecasting.baselines import last_value, linear_trend, national_growth, own_growth
from jsna.forecasting.models import Calibration, Panel, PooledGrowthModel, Settings, features
from jsna.forecasting.series import STITCHED, la_rows, to_units

Y = pd.DataFrame({2018: [100.0, 50.0], 2019: [110.0, 50.0], 2020: [121.0, 60.0], 2021: [133.1, 66.0]},
                 index=pd.Index(["a", "b"], name="unit"))


def test_baselines_by_hand() -> None:
    assert last_value(Y, 2021, 2).tolist() == [133.1, 66.0]
    # a: 110, 121, 133.1 -> slope 11.55 a year, mean 121.3667 at 2020 -> 2023: 121.3667 + 3 x 11.55
    assert linear_trend(Y, 2021, 2)["a"] == pytest.approx((110 + 121 + 133.1) / 3 + 3 * 11.55)
    # b: 50, 60, 66 -> slope 8: 58.667 + 3 x 8 = 82.667
    assert linear_trend(Y, 2021, 2)["b"] == pytest.approx(176 / 3 + 24)
    assert own_growth(Y, 2021, 1)["a"] == pytest.approx(133.1 * 1.1)
    assert own_growth(Y, 2021, 3)["b"] == pytest.approx(66 * (66 / 50))
    # England: 150 -> 199.1 over three years
    assert national_growth(Y, 2021, 3)["b"] == pytest.approx(66 * 199.1 / 150)
    # fewer years than asked: the span available (2018 -> 2019 only for origin 2019)
    assert own_growth(Y, 2019, 1)["a"] == pytest.approx(121)
    assert linear_trend(Y, 2018, 1)["a"] == 100


def test_metrics_by_hand() -> None:
    f = pd.DataFrame({"method": "m", "horizon": 1, "point": [110.0, 90.0, 50.0], "actual": [100.0, 100.0, 40.0],
                      "scale": [5.0, 10.0, 0.0], "lower80": [95.0, 80.0, 45.0], "upper80": [120.0, 95.0, 55.0]})
    m = B.metrics(f).iloc[0]
    assert m["mape"] == pytest.approx((10 + 10 + 25) / 3)
    assert m["mdape"] == pytest.approx(10)
    assert m["bias"] == pytest.approx((10 - 10 + 25) / 3)
    assert m["mase"] == pytest.approx((10 / 5 + 10 / 10) / 2)  # a zero scale is left out
    assert m["cover80"] == pytest.approx(100 / 3)
    assert m["width80"] == pytest.approx((25 / 110 + 15 / 90 + 10 / 50) / 3 * 100)


def synthetic_panel(years: range = range(2010, 2023), units: int = 40, seed: int = 0) -> Panel:
    rng = np.random.default_rng(seed)
    rate = rng.normal(0.06, 0.03, units)
    y = pd.DataFrame({yr: 200 * np.exp(rate * (yr - years[0]) + rng.normal(0, 0.02, units)) for yr in years},
                     index=pd.Index([f"u{i}" for i in range(units)], name="unit"))
    return Panel(y=y)


def test_without_features_the_model_is_englands_growth() -> None:
    p = synthetic_panel()
    m = PooledGrowthModel(Settings(features="none"), horizons=(1, 2)).fit(p, 2020).predict()
    for h in (1, 2):
        got = m[m["horizon"] == h].set_index("unit")["point"]
        want = national_growth(p.y.loc[:, :2020], 2020, h)
        # equal up to the +1 of the log(1 + y) scale the model works on
        assert np.allclose(got.to_numpy(), want.reindex(got.index).to_numpy(), rtol=1e-3)


def test_features_only_use_what_was_published_by_the_origin() -> None:
    p = synthetic_panel()
    later = p.y.copy()
    later.loc[:, 2019:] = 1e6  # whatever happens after the origin
    pd.testing.assert_frame_equal(features(p, 2018), features(p.with_y(later), 2018))
    m = PooledGrowthModel(Settings(features="growth", estimator="huber"), horizons=(1,)).fit(p, 2020)
    assert m.n_train[1] == 40 * (2019 - 2011 + 1)  # pairs (q, q+1) with q from 2011 and q + 1 <= 2020


def test_selection_refuses_the_held_out_years() -> None:
    p = synthetic_panel(range(2010, 2024))
    with pytest.raises(B.LeakError):
        B.select(p, [Settings(features="none")])
    with pytest.raises(B.LeakError):
        B.select(p.upto(2022), [Settings(features="none")], origins=(2019, 2021))
    s = B.select(p.upto(2022), [Settings(features="none"), Settings(features="growth", estimator="huber")])
    assert max(s.years_seen) == 2022
    assert set(s.forecasts["year"]) <= set(range(2019, 2023))


def test_conformal_intervals() -> None:
    f = pd.DataFrame({"horizon": 1, "origin": 2020, "point": 100.0,
                      "actual": np.exp(np.log(101) + np.linspace(-0.1, 0.1, 101)) - 1})
    c = Calibration.from_residuals(f)
    assert c.quantiles.loc[1, "lower80"] == pytest.approx(-0.08)
    assert c.quantiles.loc[1, "upper80"] == pytest.approx(0.08)
    out = c.apply(pd.DataFrame({"horizon": [1, 4], "point": [100.0, 100.0]}))
    assert out.loc[0, "upper80"] == pytest.approx(np.expm1(np.log(101) + 0.08))
    assert out.loc[1, "upper80"] > out.loc[0, "upper80"]  # horizon 4 widened from horizon 1


def test_stitching_reorganised_authorities() -> None:
    """Northamptonshire (928) until 2021, North (940) and West (941) after: one unit, summed."""
    frame = pd.DataFrame({
        "geographic_level": "Local authority", "measure": "ehcplans", "breakdown_topic": "All EHC plans",
        "breakdown": "All EHC plans", "symbol": None,
        "time_period": ["202021", "202122", "202122", "202021", "202122"],
        "area_code": ["E10000021", "E06000061", "E06000062", "E08000001", "E08000001"],
        "area_name": ["Northamptonshire", "North Northamptonshire", "West Northamptonshire", "Bolton", "Bolton"],
        "old_la_code": ["928", "940", "941", "350", "350"], "value": [4847.0, 2842.0, 2847.0, 10.0, 12.0],
    })
    s = to_units(la_rows(frame, "ehcplans"))
    n = s[s["unit"] == "E06000061+E06000062"].set_index("year")["value"]
    assert n.to_dict() == {2021: 4847.0, 2022: 5689.0}
    assert any(u.code == "E06000061+E06000062" for u in STITCHED)
    assert s[s["unit"] == "E08000001"]["value"].tolist() == [10.0, 12.0]
