"""The published forecast table: each unit's plans 1-5 years on with 80% and 95% intervals, and their split by
age band, placement and primary need.

Totals come from the pooled model (`models.PooledGrowthModel`) with the settings the backtest protocol chose
on origins to 2020 (`DEFAULT_SETTINGS`), fitted on everything published to the origin. Their intervals are
calibrated on the most recent rolling origins whose targets are known (`calibration_origins` per horizon);
horizons no backtest can reach are widened by `Calibration.extend`.

Breakdowns (age band, placement, need) are the unit's share of its plans in the latest year published, held,
times the total and its interval bounds (`share_last`, the method the placement backtest chose). Those
intervals carry the total's uncertainty only, not the share's: they are too narrow for a single category (in
the special-school backtest they covered about two thirds of outcomes at 80%).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from jsna.forecasting.backtest import model_forecaster, rolling_origin
from jsna.forecasting.models import Calibration, Panel, PooledGrowthModel, Settings

DEFAULT_SETTINGS = Settings(features="all", estimator="huber+hgb")
COLUMNS = ["unit", "unit_name", "breakdown_topic", "breakdown", "origin", "year", "horizon", "point",
           "lower80", "upper80", "lower95", "upper95", "method"]


def calibrate(panel: Panel, settings: Settings, origin: int, horizons: Sequence[int],
              calibration_origins: int = 3) -> Calibration:
    """Split-conformal calibration from the last `calibration_origins` origins per horizon with known targets."""
    wanted: dict[int, list[int]] = {}
    for h in horizons:
        for o in range(origin - h - calibration_origins + 1, origin - h + 1):
            if o - 1 >= panel.first_year:
                wanted.setdefault(o, []).append(h)
    parts = [rolling_origin(panel.upto(origin), model_forecaster(settings), [o], hs, last_year=origin)
             for o, hs in sorted(wanted.items())]
    parts = [p for p in parts if len(p)]
    if not parts:
        raise ValueError("too little history to calibrate intervals")
    return Calibration.from_residuals(pd.concat(parts, ignore_index=True))


def forecast(panel: Panel, settings: Settings = DEFAULT_SETTINGS, horizons: Sequence[int] = (1, 2, 3, 4, 5),
             origin: int | None = None, breakdowns: Mapping[str, pd.DataFrame] | None = None,
             calibration_origins: int = 3, method: str = "pooled model") -> pd.DataFrame:
    """Forecast every unit of `panel` from `origin` (default its last year). `breakdowns` maps a topic ('age
    band', 'placement', 'primary need') to a tidy series (unit, breakdown, year, value) split by share."""
    origin = panel.last_year if origin is None else origin
    model = PooledGrowthModel(settings, horizons).fit(panel, origin)
    pts = calibrate(panel, settings, origin, horizons, calibration_origins).apply(model.predict())
    names = panel.names if panel.names is not None else pd.Series(pts["unit"].to_numpy(), index=pts["unit"])
    pts["unit_name"] = pts["unit"].map(names)
    total = pts.assign(breakdown_topic="Total", breakdown="Total",
                       method=np.where(pts["learnt"], method, "England growth (too little history)"))
    out = [total[COLUMNS]]
    for topic, s in (breakdowns or {}).items():
        out.append(split(total, s, topic, panel.y))
    return pd.concat(out, ignore_index=True)


def split(total: pd.DataFrame, parts: pd.DataFrame, topic: str, y: pd.DataFrame) -> pd.DataFrame:
    """Shares of the latest year each unit's breakdown is published (up to the origin), times the total rows."""
    origin = int(total["origin"].iloc[0])
    p = parts[parts["year"] <= origin].dropna(subset=["value"])
    latest = p.groupby("unit")["year"].transform("max")
    p = p[p["year"] == latest]
    denom = p.groupby(["unit", "year"])["value"].transform("sum")
    share = p.assign(share=(p["value"] / denom).where(denom > 0))[["unit", "breakdown", "share"]]
    f = total.drop(columns=["breakdown_topic", "breakdown", "method"]).merge(share, on="unit", how="inner")
    for c in ("point", "lower80", "upper80", "lower95", "upper95"):
        f[c] = f[c] * f["share"]
    return f.assign(breakdown_topic=topic, method="share_last x pooled model")[COLUMNS]


# New EHC plans before 2016 were issued beside new statements (and requests are published from 2016): the
# flows are forecast from 2016 on.
FLOWS_FROM = 2016


def forecast_real(realdata: object, horizons: Sequence[int] = (1, 2, 3, 4, 5)) -> pd.DataFrame:
    """The published table from the real national files: EHC plans (with age band, placement and need splits),
    new plans and requests (calendar years), by unit; `measure` says which."""
    from pathlib import Path

    from jsna.forecasting import series as S

    r = S.read_real(Path(str(realdata)))
    plans = Panel.from_series(r.caseload, flows=r.flows, population=r.population, bands=r.age_bands)
    out = [forecast(plans, horizons=horizons, breakdowns={"age band": r.age_bands, "placement": r.placements_all,
                                                          "primary need": r.needs}).assign(measure="ehc_plans")]
    for flow in ("new_plans", "requests"):
        target = r.flows[(r.flows["breakdown"] == flow) & (r.flows["year"] >= FLOWS_FROM)]
        panel = Panel.from_series(target, population=r.population)
        out.append(forecast(panel, settings=Settings(features="growth", estimator="huber"),
                            horizons=horizons).assign(measure=flow))
    return pd.concat(out, ignore_index=True)


def panel_from_child_years(child_years: pd.DataFrame, group: str, names: pd.Series | None = None) -> Panel:
    """A Panel of plans held at each January by `group` (e.g. district) from a child-year panel
    (`transition.panel_from_cases`), for `forecast` by district in areas with case-level data. England's role
    (the sum of the units) is then played by the area's total."""
    counts = child_years.groupby([group, "year"]).size().unstack("year").astype(float)
    counts.index = counts.index.astype("str").rename("unit")
    counts.columns = counts.columns.astype("int64")
    return Panel(y=counts, names=names if names is not None else pd.Series(counts.index, index=counts.index))
