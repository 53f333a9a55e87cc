"""Forecasts of EHC plans and specialist places, backtested on the real national series.

Modules (pure functions over frames; no database, no dashboards):

* `series`: tidy authority x year series from the DfE releases, reorganised authorities stitched into units;
* `baselines`: last value, linear trend, own and England growth;
* `models`: the pooled scikit-learn growth model, its features and split-conformal intervals;
* `backtest`: rolling origins, metrics, the selection-then-report protocol, `run_backtest` and its chart;
* `forecast`: the published forecast table (`forecast`, `forecast_real`);
* `transition`: the Monte Carlo need x setting x NC year model for case-level areas;
* `sufficiency`: demand against places by need and area, with scenarios;
* `access`: distance to the nearest special school with places for the need, and candidate sites.
"""
