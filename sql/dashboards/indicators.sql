-- The dashboards' indicator catalogue: one row per published indicator.
SELECT * FROM published.indicators ORDER BY indicator_id;
