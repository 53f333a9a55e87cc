-- Opens every API response's snapshot (run first in a REPEATABLE READ, read-only transaction, before any
-- query takes the snapshot): a share lock on each published table the API reads, so a refresh's swap of
-- the published tables (one transaction, jsna.warehouse.runs.commit_run) is either wholly before this
-- response or waits until it ends; a response never reads two runs.
LOCK TABLE published.build, published.indicators, published.indicator_values, published.areas,
           published.area_hierarchy, published.comparisons, published.forecasts, published.sufficiency,
           published.alerts, published.runs
IN ACCESS SHARE MODE;
