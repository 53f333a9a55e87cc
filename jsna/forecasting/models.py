"""A pooled growth model: one scikit-learn pipeline per horizon, learnt across every unit at once.

The forecast of unit i, h years after origin o, is

    log(1 + y[i, o+h]) = log(1 + y[i, o]) + h * G(o) + f_h(x[i, o])

where G(o) is England's (the sum of the units') mean annual log growth over the `national_years` years to the
origin, the same extrapolation as the England-growth baseline, and f_h is learnt on every past pair (q, q+h)
with q+h <= o, with target the unit's log growth over those h years minus England's actual log growth over
them. So the pipeline learns only how a unit departs from the country, from features known at the origin
(`FEATURES`); the national level is carried by G. Without features f_h = 0 and the model is the baseline (up
to the +1 of the log(1 + y) scale, which keeps empty series finite).

Data are in a `Panel`: the series (unit x year) plus drivers. Drivers of a calendar year (requests, new plans)
and mid-year population are published with the following January's caseload, so at origin o only drivers up to
o-1 are used; `Panel.upto(o)` enforces that and everything here takes the panel cut at the origin.

Intervals come from `Calibration`: empirical quantiles of log(actual / point) by horizon from a rolling-origin
backtest (split conformal), applied multiplicatively to new points.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingRegressor, VotingRegressor
from sklearn.impute import SimpleImputer
from sklearn.linear_model import HuberRegressor, Ridge
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import ThreadpoolController

from jsna.forecasting import series as S
from jsna.forecasting.baselines import national_log_growth

LEVELS = (0.8, 0.95)


# -- data --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Panel:
    """The series to forecast (`y`, unit x January year) and what may explain it: `flows` (unit x calendar year:
    'requests', 'new_plans'), `population` (unit x mid-year, children 0-17) and `bands` (unit x January year,
    plans by age band '0-4' ... '20-25'). Missing drivers are simply absent."""

    y: pd.DataFrame
    flows: Mapping[str, pd.DataFrame] = field(default_factory=dict)
    population: pd.DataFrame | None = None
    bands: Mapping[str, pd.DataFrame] = field(default_factory=dict)
    names: pd.Series | None = None
    # features by origin, shared by every cut of the same data (`upto` keeps it, `with_y` starts afresh)
    cache: dict[int, pd.DataFrame] = field(default_factory=dict, compare=False, repr=False)
    # training pairs by (start year, horizon, features), shared alike (`PooledGrowthModel.training_rows`)
    pairs: dict[tuple[int, int, tuple[str, ...]], tuple[pd.DataFrame, pd.Series] | None] = field(
        default_factory=dict, compare=False, repr=False)

    @property
    def first_year(self) -> int:
        return int(self.y.columns.min())

    @property
    def last_year(self) -> int:
        return int(self.y.columns.max())

    def years_held(self) -> set[int]:
        """Every year of data in the panel (series, age bands; drivers as the year they are published with)."""
        years = {int(c) for c in self.y.columns if self.y[c].notna().any()}
        for b in self.bands.values():
            years |= {int(c) for c in b.columns if b[c].notna().any()}
        for f in [*self.flows.values(), *([self.population] if self.population is not None else [])]:
            years |= {int(c) + 1 for c in f.columns if f[c].notna().any()}
        return years

    def upto(self, year: int) -> Panel:
        """What was published by the summer of `year`: January censuses to `year`, calendar-year flows and
        mid-year population to `year` - 1."""
        def cut(w: pd.DataFrame, last: int) -> pd.DataFrame:
            return w.loc[:, [c for c in w.columns if c <= last]]

        return replace(
            self, y=cut(self.y, year), flows={k: cut(v, year - 1) for k, v in self.flows.items()},
            population=None if self.population is None else cut(self.population, year - 1),
            bands={k: cut(v, year) for k, v in self.bands.items()},
        )

    def with_y(self, y: pd.DataFrame) -> Panel:
        return replace(self, y=y, cache={}, pairs={})

    @classmethod
    def from_series(cls, target: pd.DataFrame, flows: pd.DataFrame | None = None,
                    population: pd.DataFrame | None = None, bands: pd.DataFrame | None = None) -> Panel:
        """From tidy series (`jsna.forecasting.series`): `target` one breakdown; `flows` with breakdowns
        'requests'/'new_plans'; `population` one; `bands` with the age bands as breakdowns."""
        y = S.wide(target)
        units = y.index

        def w(s: pd.DataFrame, b: str | None = None) -> pd.DataFrame:
            return S.wide(s, b).reindex(index=units)

        names = target.drop_duplicates("unit").set_index("unit")["unit_name"].reindex(units)
        return cls(
            y=y,
            flows={b: w(flows, b) for b in sorted(flows["breakdown"].unique())} if flows is not None else {},
            population=w(population) if population is not None else None,
            bands={b: w(bands, b) for b in sorted(bands["breakdown"].unique())} if bands is not None else {},
            names=names,
        )


# -- features ----------------------------------------------------------------------------------------
FEATURES = {
    "d1": "unit's log growth minus England's, in the year to the origin",
    "d2": "the same, the year before",
    "d3": "the same, two years before",
    "reqdev": "log(requests in the calendar year before the origin / plans at the origin), minus England's",
    "reqg": "log growth of requests in that year, minus England's",
    "npdev": "log(new plans issued in the calendar year before the origin / plans at the origin), minus England's",
    "npg": "log growth of new plans in that year, minus England's",
    "old": "log share of plans held by 16-25 year olds at the origin, minus England's",
    "young": "log share of plans held by 0-10 year olds at the origin, minus England's",
    "prev": "log(plans at the origin / children 0-17 the mid-year before, or the latest of the three before), "
            "minus England's",
    "size": "log(1 + plans at the origin)",
}
FEATURE_SETS: dict[str, tuple[str, ...]] = {
    "none": (),
    "growth": ("d1", "d2", "d3"),
    "growth+flows": ("d1", "d2", "d3", "reqdev", "reqg", "npdev", "npg"),
    "all": tuple(FEATURES),
}


def _col(w: pd.DataFrame | None, year: int, index: pd.Index) -> pd.Series:
    if w is None or year not in w.columns:
        return pd.Series(np.nan, index=index)
    return w[year].reindex(index)


def _latest(w: pd.DataFrame | None, year: int, index: pd.Index, back: int = 3) -> pd.Series:
    """Each unit's value in `year`, or in the latest of the `back` years before it (a slow-moving driver
    such as population, whose estimates are published later than the caseload)."""
    out = _col(w, year, index)
    for k in range(1, back + 1):
        out = out.fillna(_col(w, year - k, index))
    return out


def _rel(num: pd.Series, den: pd.Series) -> pd.Series:
    """log(num / den) minus the same for the sums over units where both are positive."""
    ok = (num > 0) & (den > 0)
    if not ok.any():
        return pd.Series(np.nan, index=num.index)
    with np.errstate(divide="ignore", invalid="ignore"):
        v = np.log(num.where(ok) / den.where(ok)) - np.log(num[ok].sum() / den[ok].sum())
    return v.replace([np.inf, -np.inf], np.nan)


def log1p(w: pd.DataFrame | pd.Series) -> pd.DataFrame | pd.Series:
    return np.log1p(w.clip(lower=0))


def features(panel: Panel, origin: int) -> pd.DataFrame:
    """Every feature in `FEATURES` for every unit at `origin`, from the panel as published by then (missing
    where the data do not reach)."""
    if origin <= panel.last_year and origin in panel.cache:
        return panel.cache[origin]
    out = _features(panel.upto(origin), origin)
    if origin <= panel.last_year:
        panel.cache[origin] = out
    return out


def _features(p: Panel, origin: int) -> pd.DataFrame:
    idx = p.y.index
    f = pd.DataFrame(index=idx)
    ly = log1p(p.y)
    for k in (1, 2, 3):
        a, b = origin - k, origin - k + 1
        if a in ly.columns and b in ly.columns:
            f[f"d{k}"] = (ly[b] - ly[a]) - national_log_growth(p.y, a, b)
        else:
            f[f"d{k}"] = np.nan
    y0 = _col(p.y, origin, idx)
    for key, name in (("req", "requests"), ("np", "new_plans")):
        w = p.flows.get(name)
        f[f"{key}dev"] = _rel(_col(w, origin - 1, idx), y0)
        f[f"{key}g"] = _rel(_col(w, origin - 1, idx), _col(w, origin - 2, idx))
    if p.bands:
        tot = sum((_col(b, origin, idx) for b in p.bands.values()), pd.Series(0.0, index=idx))
        old = sum((_col(p.bands.get(b), origin, idx) for b in ("16-19", "20-25")), pd.Series(0.0, index=idx))
        young = sum((_col(p.bands.get(b), origin, idx) for b in ("0-4", "5-10")), pd.Series(0.0, index=idx))
        f["old"], f["young"] = _rel(old, tot), _rel(young, tot)
    else:
        f["old"] = f["young"] = np.nan
    f["prev"] = _rel(y0, _latest(p.population, origin - 1, idx))
    f["size"] = np.log1p(y0.clip(lower=0))
    return f[list(FEATURES)]


# -- the model ---------------------------------------------------------------------------------------
ESTIMATORS = ("ridge", "huber", "hgb", "huber+hgb")


@dataclass(frozen=True)
class Settings:
    """Everything the backtest may choose: the feature set (`FEATURE_SETS`), the estimator (`ESTIMATORS`), how
    many past origins to train on (None: all) and the span of England's growth rate."""

    features: str = "all"
    estimator: str = "huber+hgb"
    window: int | None = None
    national_years: int = 3

    @property
    def label(self) -> str:
        w = "all" if self.window is None else f"last{self.window}"
        return f"{self.estimator}|{self.features}|train={w}|england={self.national_years}y"


def make_pipeline(estimator: str, random_state: int = 0) -> Pipeline:
    """The scikit-learn pipeline for one horizon: impute (features missing before their data begin), then a
    robust linear model (Huber, scaled), gradient-boosted trees on absolute error, or their average."""
    huber = Pipeline([("scale", StandardScaler()), ("huber", HuberRegressor(epsilon=1.35, alpha=1.0,
                                                                             max_iter=1000))])
    hgb = HistGradientBoostingRegressor(loss="absolute_error", max_iter=100, learning_rate=0.05, max_depth=2,
                                        min_samples_leaf=30, random_state=random_state)
    ridge = Pipeline([("scale", StandardScaler()), ("ridge", Ridge(alpha=10.0))])
    final = {"ridge": ridge, "huber": huber, "hgb": hgb,
             "huber+hgb": VotingRegressor([("huber", huber), ("hgb", hgb)])}[estimator]
    return Pipeline([("impute", SimpleImputer(strategy="median", keep_empty_features=True)), ("model", final)])


@cache
def _pools() -> ThreadpoolController:
    """The BLAS and OpenMP thread pools of the libraries loaded (with scikit-learn, on import), looked up once: a
    look-up costs about 10 ms, and the model is fitted and used dozens of times a refresh."""
    return ThreadpoolController()


class PooledGrowthModel:
    """Fit at an origin (on the panel as published then), predict 1..H years ahead for every unit."""

    def __init__(self, settings: Settings | None = None, horizons: Sequence[int] = (1, 2, 3)) -> None:
        self.settings = settings or Settings()
        self.horizons = tuple(horizons)
        self.pipelines: dict[int, Pipeline | None] = {}
        self.origin: int | None = None
        self.n_train: dict[int, int] = {}

    @property
    def columns(self) -> list[str]:
        return list(FEATURE_SETS[self.settings.features])

    def _x(self, panel: Panel, origin: int) -> pd.DataFrame:
        return features(panel, origin)[self.columns]

    def training_rows(self, panel: Panel, origin: int, h: int) -> tuple[pd.DataFrame, pd.Series]:
        """Past pairs (q, q+h), q+h <= origin: the features at q and the unit's log growth over q..q+h minus
        England's."""
        last = origin - h
        first = panel.first_year + 1 if self.settings.window is None else max(panel.first_year + 1,
                                                                              last - self.settings.window + 1)
        xs, ts = [], []
        for q in range(first, last + 1):
            pair = self._pair(panel, q, h)
            if pair is not None:
                xs.append(pair[0])
                ts.append(pair[1])
        if not xs:
            return pd.DataFrame(columns=self.columns), pd.Series(dtype=float)
        return pd.concat(xs), pd.concat(ts)

    def _pair(self, panel: Panel, q: int, h: int) -> tuple[pd.DataFrame, pd.Series] | None:
        """The training rows of the pair (q, q+h): the same in every cut of the panel that holds year q+h, so kept
        in the panel's `pairs` and shared by the fits at later origins (the backtest's and the forecast's)."""
        key = (q, h, tuple(self.columns))
        if key in panel.pairs:
            return panel.pairs[key]
        if q not in panel.y.columns or q + h not in panel.y.columns:
            return None  # not kept: a later cut may hold q + h
        a, b = log1p(panel.y[q]), log1p(panel.y[q + h])
        t = b - a - national_log_growth(panel.y, q, q + h)
        ok = t.notna() & np.isfinite(t) & panel.y[q].notna()
        pair = (self._x(panel, q)[ok], t[ok]) if ok.any() else None
        panel.pairs[key] = pair
        return pair

    def fit(self, panel: Panel, origin: int | None = None) -> PooledGrowthModel:
        origin = panel.last_year if origin is None else origin
        panel = panel.upto(origin)
        self.origin, self._panel = origin, panel
        for h in self.horizons:
            if not self.columns:
                self.pipelines[h] = None
                continue
            x, t = self.training_rows(panel, origin, h)
            self.n_train[h] = len(t)
            if len(t) < 30:  # too little history for this horizon: England's growth alone
                self.pipelines[h] = None
                continue
            # one thread: on ~1,500 rows OpenMP start-up costs far more than the trees (60x on two cores)
            with _pools().limit(limits=1):
                self.pipelines[h] = make_pipeline(self.settings.estimator).fit(x, t.to_numpy())
        return self

    def national_rate(self) -> float:
        """England's mean annual log growth over the `national_years` to the origin (shorter if need be)."""
        assert self.origin is not None, "fit first"
        for k in range(self.settings.national_years, 0, -1):
            g = national_log_growth(self._panel.y, self.origin - k, self.origin)
            if np.isfinite(g):
                return g / k
        return 0.0

    def predict(self) -> pd.DataFrame:
        """Point forecasts: unit, origin, horizon, year, point, and `learnt` (whether f_h was used)."""
        assert self.origin is not None, "fit first"
        o, panel = self.origin, self._panel
        base = log1p(panel.y[o]) if o in panel.y.columns else pd.Series(np.nan, index=panel.y.index)
        g = self.national_rate()
        out = []
        for h in self.horizons:
            pipe = self.pipelines.get(h)
            with _pools().limit(limits=1):
                adj = pipe.predict(self._x(panel, o)) if pipe is not None else np.zeros(len(base))
            point = np.expm1(base.to_numpy() + h * g + adj).clip(min=0)
            out.append(pd.DataFrame({"unit": panel.y.index, "origin": o, "horizon": h, "year": o + h,
                                     "point": point, "learnt": pipe is not None}))
        return pd.concat(out, ignore_index=True).dropna(subset=["point"])


# -- intervals ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Calibration:
    """Quantiles of log(actual / point) by horizon (split conformal): lower/upper for each level."""

    quantiles: pd.DataFrame  # index horizon; columns lower80, upper80, lower95, upper95 (log ratios)
    n: pd.Series
    origins: tuple[int, ...]

    @classmethod
    def from_residuals(cls, forecasts: pd.DataFrame, levels: Iterable[float] = LEVELS) -> Calibration:
        """`forecasts` with horizon, point, actual (and origin): the empirical quantiles of the log ratios."""
        f = forecasts.dropna(subset=["actual", "point"])
        f = f[(f["actual"] >= 0) & (f["point"] >= 0)]
        r = np.log1p(f["actual"]) - np.log1p(f["point"])
        rows = {}
        for h, rh in r.groupby(f["horizon"]):
            q = {}
            for lv in levels:
                a = (1 - lv) / 2
                q[f"lower{round(lv * 100)}"] = float(np.quantile(rh, a))
                q[f"upper{round(lv * 100)}"] = float(np.quantile(rh, 1 - a))
            rows[int(h)] = q
        quant = pd.DataFrame.from_dict(rows, orient="index").sort_index()
        return cls(quant, f.groupby("horizon").size(), tuple(sorted(int(o) for o in f["origin"].unique())))

    def extend(self, horizons: Iterable[int]) -> Calibration:
        """Horizons beyond those calibrated: the last one's quantiles scaled by sqrt(h / h_last) (a random-walk
        spread; used only where no backtest could reach, and reported so)."""
        q = self.quantiles.copy()
        last = int(q.index.max())
        for h in horizons:
            if h not in q.index:
                q.loc[h] = q.loc[last] * np.sqrt(h / last)
        return Calibration(q.sort_index(), self.n, self.origins)

    def apply(self, forecasts: pd.DataFrame) -> pd.DataFrame:
        """Add lower80 .. upper95 around each point (on the log(1 + y) scale, so never below zero)."""
        q = self.extend(forecasts["horizon"].unique()).quantiles
        out = forecasts.copy()
        lp = np.log1p(out["point"].clip(lower=0))
        for c in q.columns:
            out[c] = np.expm1(lp + out["horizon"].map(q[c]).to_numpy()).clip(lower=0)
        return out
