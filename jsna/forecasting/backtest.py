"""Rolling-origin backtests: forecasts made at each origin from the data published by then, scored against
what happened, beside the simple baselines computed in the same run.

The protocol (`run_protocol`) keeps the years it reports on out of every choice:

1. Selection. The panel is cut to the data published by summer 2022 (`Panel.upto(2022)`): January censuses to
   2022, flows to 2021. `select` refuses anything later. Every candidate `Settings` is backtested from origins
   2018-2020 (`SELECTION_ORIGINS`: the censuses after the statement-to-EHC-plan transfer, the regime the
   forecasts are for) at horizons 1-3, targets no later than 2022; the candidate with the lowest mean MAPE over
   the horizons wins. The same backtest gives the interval calibration (split conformal, per horizon) of the
   chosen model and of each baseline.
2. Report, once. From origins 2020-2024 each method is refitted on the data published at that origin only
   and forecasts 1-3 years ahead; the targets 2023-2025 are scored (`HELD_OUT_TARGETS`).

Metrics per method and horizon: MAPE and MdAPE (%), MASE (absolute error over the unit's mean absolute annual
change to the origin), bias (mean signed percentage error, forecast minus actual), and coverage and mean width
(% of the point) of the 80% and 95% intervals.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from jsna.forecasting import shares as SH
from jsna.forecasting.baselines import BASELINES, Baseline, linear_trend
from jsna.forecasting.models import FEATURE_SETS, Calibration, Panel, PooledGrowthModel, Settings

log = logging.getLogger(__name__)  # each stage, for the terminal's progress line

if TYPE_CHECKING:
    from matplotlib.figure import Figure

HELD_OUT_TARGETS = (2023, 2024, 2025)
LAST_SELECTION_ORIGIN = 2020
LAST_SELECTION_YEAR = HELD_OUT_TARGETS[0] - 1
SELECTION_ORIGINS = (2018, 2019, 2020)
HORIZONS = (1, 2, 3)
MODEL = "model"

# What a forecaster is: (panel as published at the origin, origin, horizons) -> unit, origin, horizon, year, point.
Forecaster = Callable[[Panel, int, Sequence[int]], pd.DataFrame]


class LeakError(AssertionError):
    """A choice was about to be made with data from the held-out years."""


def candidates() -> list[Settings]:
    """The settings the selection may choose from: England's growth alone, or each feature set with each
    estimator (training on every past origin, England's rate over three years: not searched)."""
    out = [Settings(features="none", estimator="huber")]
    for feats in ("growth", "growth+flows", "all"):
        for est in ("ridge", "huber", "hgb", "huber+hgb"):
            out.append(Settings(features=feats, estimator=est))
    assert all(c.features in FEATURE_SETS for c in out)
    return out


def baseline_forecaster(fn: Baseline) -> Forecaster:
    def run(panel: Panel, origin: int, horizons: Sequence[int]) -> pd.DataFrame:
        y = panel.upto(origin).y
        parts = [pd.DataFrame({"unit": y.index, "origin": origin, "horizon": h, "year": origin + h,
                               "point": fn(y, origin, h).to_numpy()}) for h in horizons]
        return pd.concat(parts, ignore_index=True).dropna(subset=["point"])
    return run


def model_forecaster(settings: Settings) -> Forecaster:
    def run(panel: Panel, origin: int, horizons: Sequence[int]) -> pd.DataFrame:
        return PooledGrowthModel(settings, horizons).fit(panel, origin).predict().drop(columns="learnt")
    return run


def rolling_origin(panel: Panel, forecaster: Forecaster, origins: Sequence[int], horizons: Sequence[int] = HORIZONS,
                   targets: Sequence[int] | None = None, last_year: int | None = None) -> pd.DataFrame:
    """Forecasts from each origin (the forecaster sees `panel.upto(origin)` only) joined to the actual values;
    kept where the target year is in `targets` (when given) and no later than `last_year` (when given)."""
    out = []
    for o in origins:
        hs = [h for h in horizons
              if (targets is None or o + h in targets) and (last_year is None or o + h <= last_year)]
        if not hs or o not in panel.y.columns:
            continue
        f = forecaster(panel.upto(o), o, hs)
        out.append(f)
    if not out:
        return pd.DataFrame(columns=["unit", "origin", "horizon", "year", "point", "actual", "scale"])
    f = pd.concat(out, ignore_index=True)
    actual = panel.y.stack().rename("actual").reset_index()
    actual.columns = ["unit", "year", "actual"]
    f = f.merge(actual, on=["unit", "year"], how="left")
    scales = pd.concat({o: mase_scale(panel.y, o) for o in f["origin"].unique()}, names=["origin", "unit"])
    f = f.merge(scales.rename("scale").reset_index(), on=["origin", "unit"], how="left")
    return f


def mase_scale(y: pd.DataFrame, origin: int) -> pd.Series:
    """Each unit's mean absolute one-year change over the years to the origin (the in-sample naive error)."""
    hist = y.loc[:, [c for c in y.columns if c <= origin]]
    return hist.diff(axis=1).abs().mean(axis=1, skipna=True)


def metrics(forecasts: pd.DataFrame) -> pd.DataFrame:
    """One row per (method, horizon) of scored forecasts (`point`, `actual`, `scale`, and when there,
    lower80 .. upper95)."""
    f = forecasts.dropna(subset=["point", "actual"])
    f = f[f["actual"] > 0]
    rows = []
    for (method, h), g in f.groupby(["method", "horizon"], sort=False):
        err = g["point"] - g["actual"]
        ape = (err.abs() / g["actual"]) * 100
        sc = g["scale"].where(g["scale"] > 0)
        row = {"method": method, "horizon": int(h), "n": len(g), "mape": ape.mean(), "mdape": ape.median(),
               "mase": (err.abs() / sc).mean(), "bias": (err / g["actual"] * 100).mean()}
        for lv in (80, 95):
            lo, hi = f"lower{lv}", f"upper{lv}"
            if lo in g and g[lo].notna().any():
                row[f"cover{lv}"] = ((g["actual"] >= g[lo]) & (g["actual"] <= g[hi])).mean() * 100
                row[f"width{lv}"] = ((g[hi] - g[lo]) / g["point"].where(g["point"] > 0) * 100).mean()
            else:
                row[f"cover{lv}"] = row[f"width{lv}"] = np.nan
        rows.append(row)
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    order = {m: i for i, m in enumerate(dict.fromkeys(out["method"]))}
    return out.sort_values(["method", "horizon"], key=lambda c: c.map(order) if c.name == "method" else c,
                           kind="stable").reset_index(drop=True)


# -- selection ----------------------------------------------------------------------------------------
@dataclass
class Selection:
    settings: Settings            # the pooled model's settings (for placements: those of the plans forecast)
    scores: pd.DataFrame          # candidate x horizon MAPE and the mean
    forecasts: pd.DataFrame       # the chosen candidate's selection backtest (for calibration)
    years_seen: tuple[int, ...]   # every year of data the selection was given
    choice: str = ""              # the chosen candidate's label


def check_no_held_out(panel: Panel, last_year: int = LAST_SELECTION_YEAR) -> tuple[int, ...]:
    """The years of data in the panel; raises LeakError if any is after `last_year`."""
    years = tuple(sorted(panel.years_held()))
    late = [y for y in years if y > last_year]
    if late:
        raise LeakError(f"selection was given data for {late}: only years up to {last_year} may be used")
    return years


def select(panel: Panel, options: Sequence[Settings] | None = None, origins: Sequence[int] = SELECTION_ORIGINS,
           horizons: Sequence[int] = HORIZONS) -> Selection:
    """Backtest every candidate from `origins` (all <= 2020) and choose the lowest mean MAPE over `horizons`.
    Takes only a panel with nothing after 2022 (LeakError otherwise)."""
    years = check_no_held_out(panel)
    if max(origins) > LAST_SELECTION_ORIGIN:
        raise LeakError(f"selection origins must be <= {LAST_SELECTION_ORIGIN}")
    options = list(options or candidates())
    scores, runs = [], {}
    for s in options:
        f = rolling_origin(panel, model_forecaster(s), origins, horizons, last_year=LAST_SELECTION_YEAR)
        f["method"] = s.label
        m = metrics(f).set_index("horizon")["mape"]
        scores.append({"settings": s.label, **{f"mape_h{h}": m.get(h, np.nan) for h in horizons},
                       "mean_mape": m.mean()})
        runs[s.label] = (s, f)
    table = pd.DataFrame(scores).sort_values("mean_mape", kind="stable").reset_index(drop=True)
    best = table["settings"].iloc[0]
    return Selection(runs[best][0], table, runs[best][1], years, str(best))


def select_baseline_calibrations(panel: Panel, origins: Sequence[int] = SELECTION_ORIGINS,
                                 horizons: Sequence[int] = HORIZONS) -> dict[str, Calibration]:
    """Each baseline's interval calibration from the same selection backtest (nothing after 2022)."""
    check_no_held_out(panel)
    out = {}
    for name, fn in BASELINES.items():
        f = rolling_origin(panel, baseline_forecaster(fn), origins, horizons, last_year=LAST_SELECTION_YEAR)
        out[name] = Calibration.from_residuals(f)
    return out


# -- the protocol ---------------------------------------------------------------------------------------
@dataclass
class BacktestResult:
    table: pd.DataFrame
    forecasts: pd.DataFrame
    selection: Selection
    calibrations: dict[str, Calibration]
    notes: list[str] = field(default_factory=list)


def report_origins(targets: Sequence[int] = HELD_OUT_TARGETS, horizons: Sequence[int] = HORIZONS) -> list[int]:
    return sorted({t - h for t in targets for h in horizons})


def run_protocol(panel: Panel, options: Sequence[Settings] | None = None,
                 selection_origins: Sequence[int] = SELECTION_ORIGINS, horizons: Sequence[int] = HORIZONS,
                 targets: Sequence[int] = HELD_OUT_TARGETS) -> BacktestResult:
    """Select on data to 2022 (origins <= 2020), calibrate there, then report once on `targets`."""
    history = panel.upto(LAST_SELECTION_YEAR)
    log.info("backtest: choosing the model's settings on origins %d-%d", min(selection_origins),
             max(selection_origins))
    selection = select(history, options, selection_origins, horizons)
    calibrations = {MODEL: Calibration.from_residuals(selection.forecasts),
                    **select_baseline_calibrations(history, selection_origins, horizons)}
    forecasters: dict[str, Forecaster] = {MODEL: model_forecaster(selection.settings),
                                          **{k: baseline_forecaster(v) for k, v in BASELINES.items()}}
    parts = []
    for name, fc in forecasters.items():
        log.info("backtest: forecasting the held-out years with %s", name)
        f = rolling_origin(panel, fc, report_origins(targets, horizons), horizons, targets=targets)
        f = calibrations[name].apply(f)
        parts.append(f.assign(method=name))
    forecasts = pd.concat(parts, ignore_index=True)
    notes = [f"settings chosen on origins {min(selection_origins)}-{max(selection_origins)} with data to "
             f"{max(selection.years_seen)}: {selection.settings.label}"]
    return BacktestResult(metrics(forecasts), forecasts, selection, calibrations, notes)


# -- placements: the share of plans, on the few years published -------------------------------------------
PLACEMENT_METHODS = (SH.HELD, "share_trend", SH.ENGLAND_TREND)


def share_forecaster(total: Forecaster, total_panel: Panel, method: str) -> Forecaster:
    """placements = the unit's share of its plans in that placement times the plans forecast by `total` from the
    same origin; the share at the origin held (`share_last`), moved on by the unit's own least-squares trend
    over up to three years, kept within [0, 1] (`share_trend`), or moved on with England's trend in the share
    (`share_england_trend`, `shares.projected`)."""
    def run(panel: Panel, origin: int, horizons: Sequence[int]) -> pd.DataFrame:
        tot = total(total_panel.upto(origin), origin, horizons).set_index(["unit", "horizon"])["point"]
        part, plans = panel.upto(origin).y, total_panel.upto(origin).y.reindex(panel.y.index)
        years = [c for c in part.columns if c <= origin and c in plans.columns]
        share = (part[years] / plans[years]).where(plans[years] > 0)
        if method == SH.ENGLAND_TREND:
            moved = SH.projected(_placement_parts(part[years], plans[years]), origin,
                                 [origin + h for h in horizons], SH.ENGLAND_TREND)
            moved = moved[moved["breakdown"] == "placement"].set_index(["unit", "year"])["share"]
        out = []
        for h in horizons:
            s = share[origin] if origin in share.columns else pd.Series(np.nan, index=share.index)
            if method == "share_trend":
                s = linear_trend(share, origin, h).clip(0, 1).where(s.notna())
            elif method == SH.ENGLAND_TREND:
                s = moved.xs(origin + h, level="year").reindex(share.index).where(s.notna())
            t = tot.xs(h, level="horizon").reindex(share.index)
            out.append(pd.DataFrame({"unit": share.index, "origin": origin, "horizon": h, "year": origin + h,
                                     "point": (s * t).to_numpy()}))
        return pd.concat(out, ignore_index=True).dropna(subset=["point"])
    return run


def _placement_parts(part: pd.DataFrame, plans: pd.DataFrame) -> pd.DataFrame:
    """The placement and the rest of the unit's plans as a tidy two-category breakdown (for `shares`)."""
    tidy = []
    for name, w in (("placement", part), ("other", plans - part)):
        t = w.stack().rename("value").reset_index()
        t.columns = ["unit", "year", "value"]
        tidy.append(t.assign(breakdown=name))
    return pd.concat(tidy, ignore_index=True)


def run_placement_protocol(panel: Panel, total_panel: Panel, total_settings: Settings,
                           horizons: Sequence[int] = HORIZONS,
                           targets: Sequence[int] = HELD_OUT_TARGETS) -> BacktestResult:
    """The same protocol for a placement series published for fewer years (special schools: 2019-2025). The
    only origin <= 2020 with a later year to score is 2020 (targets 2021-2022, horizons 1-2): the share methods
    are chosen there, and every method's intervals are calibrated there (horizon 3 by `Calibration.extend`).
    The plans forecast inside the share methods is the caseload model with the settings already chosen."""
    first = panel.first_year
    sel_origins = [o for o in range(first + 1, LAST_SELECTION_ORIGIN + 1)]
    history, total_history = panel.upto(LAST_SELECTION_YEAR), total_panel.upto(LAST_SELECTION_YEAR)
    check_no_held_out(history)
    check_no_held_out(total_history)
    total = model_forecaster(total_settings)
    scores, runs = [], {}
    for name in PLACEMENT_METHODS:
        log.info("backtest: placements, trying %s", name)
        f = rolling_origin(history, share_forecaster(total, total_history, name), sel_origins, horizons,
                           last_year=LAST_SELECTION_YEAR).assign(method=name)
        m = metrics(f).set_index("horizon")["mape"]
        scores.append({"settings": name, **{f"mape_h{h}": m.get(h, np.nan) for h in horizons}, "mean_mape": m.mean()})
        runs[name] = f
    table = pd.DataFrame(scores).sort_values("mean_mape", kind="stable").reset_index(drop=True)
    best = str(table["settings"].iloc[0])
    years = tuple(sorted(history.years_held() | total_history.years_held()))
    selection = Selection(total_settings, table, runs[best], years, best)
    calibrations = {MODEL: Calibration.from_residuals(runs[best])}
    for name, fn in BASELINES.items():
        f = rolling_origin(history, baseline_forecaster(fn), sel_origins, horizons, last_year=LAST_SELECTION_YEAR)
        calibrations[name] = Calibration.from_residuals(f)
    forecasters: dict[str, Forecaster] = {MODEL: share_forecaster(total, total_panel, best),
                                          **{k: baseline_forecaster(v) for k, v in BASELINES.items()}}
    parts = []
    for name, fc in forecasters.items():
        f = rolling_origin(panel, fc, report_origins(targets, horizons), horizons, targets=targets)
        parts.append(calibrations[name].apply(f).assign(method=name))
    forecasts = pd.concat(parts, ignore_index=True)
    notes = [f"placements published {first}-{panel.last_year}: selection and calibration on origin(s) "
             f"{sel_origins} only (targets to {LAST_SELECTION_YEAR}); chosen: {best}; horizon-3 intervals "
             f"extended from horizon 2; baselines use the longest span available (< 3 years before 2022)"]
    notes.append(f"model = {best} x the plans model ({total_settings.label})")
    return BacktestResult(metrics(forecasts), forecasts, selection, calibrations, notes)


# -- the command: jsna forecast backtest --------------------------------------------------------------------
def real_panels(realdata: Path) -> tuple[Panel, Panel]:
    """(EHC plans, special-school placements) panels from the real files, read by the project's adapters."""
    from jsna.forecasting import series as S

    r = S.read_real(realdata)
    plans = Panel.from_series(r.caseload, flows=r.flows, population=r.population, bands=r.age_bands)
    special = Panel.from_series(r.special, flows=r.flows, population=r.population, bands=r.age_bands)
    return plans, special


def run_backtest(realdata: Path, chart_path: Path | None = None,
                 options: Sequence[Settings] | None = None) -> tuple[pd.DataFrame, Figure]:
    """The protocol on the real national series for EHC plans and special-school placements. Returns the tidy
    table (series, method, horizon, n, mape, mdape, mase, bias, cover80, width80, cover95, width95) and the
    matplotlib Figure (also written as PNG to `chart_path` when given)."""
    log.info("backtest: reading the national series from %s", realdata.name)
    plans, special = real_panels(realdata)
    log.info("backtest: EHC plans")
    a = run_protocol(plans, options)
    log.info("backtest: special-school placements")
    b = run_placement_protocol(special, plans, a.selection.settings)
    table = pd.concat([a.table.assign(series="ehc_plans"), b.table.assign(series="special_school_placements")],
                      ignore_index=True)
    table = table[["series", *[c for c in table.columns if c != "series"]]]
    table.attrs["notes"] = [*a.notes, *b.notes]
    fig = chart(table, chart_path)
    return table, fig


def chart(table: pd.DataFrame, path: Path | None = None) -> Figure:
    """MAPE and 80% interval coverage by horizon for each method, one row of panels per series (a matplotlib
    Figure; written as PNG to `path` when given)."""
    from matplotlib.figure import Figure  # no pyplot: no global state, no GUI backend

    series = list(dict.fromkeys(table["series"])) if "series" in table else [None]
    fig = Figure(figsize=(11, 3.6 * len(series)))
    axes = fig.subplots(len(series), 2, squeeze=False)
    for row, s in zip(axes, series, strict=True):
        t = table if s is None else table[table["series"] == s]
        methods = list(dict.fromkeys(t["method"]))
        hs = sorted(t["horizon"].unique())
        width = 0.8 / max(len(methods), 1)
        others = iter(["#9e9e9e", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2"])
        for i, m in enumerate(methods):
            tm = t[t["method"] == m].set_index("horizon").reindex(hs)
            x = np.arange(len(hs)) + i * width
            colour = "#0b3d91" if m == MODEL else next(others, "#7f7f7f")
            row[0].bar(x, tm["mape"], width, label=m, color=colour)
            row[1].bar(x, tm["cover80"], width, label=m, color=colour)
        for ax, ylabel in zip(row, ("MAPE (%)", "80% interval coverage (%)"), strict=True):
            ax.set_xticks(np.arange(len(hs)) + 0.4 - width / 2, [f"{h} year{'s' if h > 1 else ''}" for h in hs])
            ax.set_ylabel(ylabel)
            ax.set_title(f"{s or ''}: held-out targets {HELD_OUT_TARGETS[0]}-{HELD_OUT_TARGETS[-1]}", fontsize=9)
        row[1].axhspan(75, 90, color="#2e7d32", alpha=0.12, label="target 75-90%")
        row[1].set_ylim(0, 100)
        row[0].legend(fontsize=7)
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=120)
    return fig
