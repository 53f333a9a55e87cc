-- Opens every API response's snapshot (run first in a REPEATABLE READ, read-only transaction, before any
-- query takes the snapshot): a share lock on each published table the API reads, so a refresh's swap of
-- the published tables (one transaction, jsna.warehouse.runs.commit_run) is either wholly before this
-- response or waits until it ends; a response never reads two runs. LOCK takes its tables one at a time,
-- in the order listed: the order the swap takes them in (sql/runs/swap_in.sql, by name in byte order, as
-- tests/unit/test_api_locks.py checks), or a response holding one table while the swap holds another would
-- deadlock with it, and the server would stop one of the two: the response, or the refresh's commit.
LOCK TABLE published.alerts, published.area_hierarchy, published.areas, published.build, published.comparisons,
           published.forecasts, published.indicator_coverage, published.indicator_values, published.indicators,
           published.runs, published.sufficiency
IN ACCESS SHARE MODE;
