"""The published forecast table: each unit's plans 1-5 years on with 80% and 95% intervals, and their split by
age band, placement and primary need.

Totals come from the pooled model (`models.PooledGrowthModel`) with the settings the backtest protocol chose
on origins to 2020 (`DEFAULT_SETTINGS`), fitted on everything published to the origin. Their intervals are
calibrated on the most recent rolling origins whose targets are known (`calibration_origins` per horizon);
horizons no backtest can reach are widened by `Calibration.extend`.

Breakdowns (age band, placement, need) are the total times the category's share in the target year
(`shares.projected`): placements move the unit's latest share on with England's trend in that placement's share
(`share_england_trend`, the method the placement backtest chose), the others hold it (`share_last`); either way
the parts add up to the total. Their intervals are calibrated on their own past errors, the same way: at the
same calibration origins, each category's share then (by the same method) times the total's forecast then,
against the category's outcome (split conformal per topic and horizon, pooled over units and categories). Where
a category's calibrated interval leaves out its point (its past errors all one way), the interval is widened to
take the point in, so the parts still add up and no interval is narrower than the evidence. Where no past
outcome of the breakdown is known, the interval is the total's scaled by the share, and the method says so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from jsna.forecasting import shares as SH
from jsna.forecasting.backtest import model_forecaster, rolling_origin
from jsna.forecasting.models import Calibration, Panel, PooledGrowthModel, Settings

DEFAULT_SETTINGS = Settings(features="all", estimator="huber+hgb")
# how each breakdown's shares are carried to the target year (others: held)
SHARE_METHODS = {"placement": SH.ENGLAND_TREND}
COLUMNS = ["unit", "unit_name", "breakdown_topic", "breakdown", "origin", "year", "horizon", "point",
           "lower80", "upper80", "lower95", "upper95", "method"]


def calibrate(panel: Panel, settings: Settings, origin: int, horizons: Sequence[int],
              calibration_origins: int = 3) -> Calibration:
    """Split-conformal calibration from the last `calibration_origins` origins per horizon with known targets."""
    return Calibration.from_residuals(past_forecasts(panel, settings, origin, horizons, calibration_origins))


def past_forecasts(panel: Panel, settings: Settings, origin: int, horizons: Sequence[int],
                   calibration_origins: int = 3) -> pd.DataFrame:
    """The model's forecasts from the last `calibration_origins` origins per horizon whose targets are known by
    `origin`, each from the data published at its own origin, with the actual values (`rolling_origin`)."""
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
    return pd.concat(parts, ignore_index=True)


def forecast(panel: Panel, settings: Settings = DEFAULT_SETTINGS, horizons: Sequence[int] = (1, 2, 3, 4, 5),
             origin: int | None = None, breakdowns: Mapping[str, pd.DataFrame] | None = None,
             calibration_origins: int = 3, method: str = "pooled model",
             share_methods: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Forecast every unit of `panel` from `origin` (default its last year). `breakdowns` maps a topic ('age
    band', 'placement', 'primary need') to a tidy series (unit, breakdown, year, value) split by share, carried
    on by `share_methods` (topic -> `shares` method; default `SHARE_METHODS`, other topics held)."""
    share_methods = SHARE_METHODS if share_methods is None else share_methods
    origin = panel.last_year if origin is None else origin
    model = PooledGrowthModel(settings, horizons).fit(panel, origin)
    past = past_forecasts(panel, settings, origin, horizons, calibration_origins)
    pts = Calibration.from_residuals(past).apply(model.predict())
    names = panel.names if panel.names is not None else pd.Series(pts["unit"].to_numpy(), index=pts["unit"])
    pts["unit_name"] = pts["unit"].map(names)
    total = recentre(pts.assign(breakdown_topic="Total", breakdown="Total",
                                method=np.where(pts["learnt"], f"{method} ({settings.label})",
                                                "England growth (too little history)")))
    out = [total[COLUMNS]]
    for topic, s in (breakdowns or {}).items():
        out.append(split(total, s, topic, past, share_methods.get(topic, SH.HELD)))
    return pd.concat(out, ignore_index=True)


RECENTRED = "; point re-centred in its calibrated interval"


def recentre(total: pd.DataFrame) -> pd.DataFrame:
    """Where the model's own past errors (the conformal calibration) were all one way, the interval lies wholly
    to one side of the point: take its centre (geometric, on the calibrated scale) as the point, and say so.
    Every horizon of that unit is re-centred alike, so that its path does not jump where the calibration first
    excludes the point. Breakdowns are split from the re-centred total, so they still add up to it."""
    outside = (total["point"] < total["lower80"]) | (total["point"] > total["upper80"])
    outside = outside.groupby(total["unit"]).transform("any")
    out = total.copy()
    out.loc[outside, "point"] = np.sqrt(out.loc[outside, "lower80"] * out.loc[outside, "upper80"])
    out.loc[outside, "method"] = out.loc[outside, "method"] + RECENTRED
    return out


MIN_RESIDUALS = 30  # past outcomes per horizon below which a breakdown's own calibration is not trusted


def split(total: pd.DataFrame, parts: pd.DataFrame, topic: str, past: pd.DataFrame | None = None,
          share_method: str = SH.HELD) -> pd.DataFrame:
    """The total's rows times each category's share in the target year (`shares.projected` by `share_method`);
    intervals calibrated on the breakdown's own past errors where `past` (the total's `past_forecasts`)
    reaches outcomes of it."""
    origin = int(total["origin"].iloc[0])
    f = total.drop(columns=["breakdown_topic", "breakdown"]).merge(
        SH.projected(parts, origin, total["year"].unique(), share_method), on=["unit", "year"])
    note = np.where(f["method"].str.endswith(RECENTRED), RECENTRED.replace("point", "total"), "")
    cal = _breakdown_calibration(parts, past, share_method) if past is not None else None
    if cal is None:
        for c in ("point", "lower80", "upper80", "lower95", "upper95"):
            f[c] = f[c] * f["share"]
        return f.assign(breakdown_topic=topic,
                        method=f"{share_method} x pooled model; interval: the total's only" + note)[COLUMNS]
    f["point"] = f["point"] * f["share"]
    f = cal.apply(f.drop(columns=["lower80", "upper80", "lower95", "upper95"]))
    for lo, hi in (("lower80", "upper80"), ("lower95", "upper95")):
        f[lo], f[hi] = np.minimum(f[lo], f["point"]), np.maximum(f[hi], f["point"])
    return f.assign(breakdown_topic=topic, method=f"{share_method} x pooled model; interval calibrated on the "
                    "breakdown's own errors" + note)[COLUMNS]


def _breakdown_calibration(parts: pd.DataFrame, past: pd.DataFrame, share_method: str) -> Calibration | None:
    """Quantiles of log(outcome / forecast) for the breakdown at the total's calibration origins: the share
    projected from each origin times the total's forecast from it, against the category's value in the
    target year."""
    actual = parts.rename(columns={"value": "actual"})[["unit", "breakdown", "year", "actual"]]
    rows = []
    for o, at_o in past.drop(columns=["actual"]).groupby("origin"):
        share = SH.projected(parts, int(o), at_o["year"].unique(), share_method)
        f = at_o.merge(share, on=["unit", "year"]).merge(actual, on=["unit", "breakdown", "year"])
        if len(f):
            rows.append(f.assign(point=f["point"] * f["share"]))
    if not rows:
        return None
    f = pd.concat(rows, ignore_index=True).dropna(subset=["point", "actual"])
    if f.empty or f.groupby("horizon").size().min() < MIN_RESIDUALS:
        return None
    return Calibration.from_residuals(f)


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
