-- Every (indicator, period) published: one skip scan down indicator_values' primary key (a probe per
-- pair) instead of reading every row.
WITH RECURSIVE t(i, p) AS (
    (SELECT indicator_id, period FROM published.indicator_values ORDER BY indicator_id, period LIMIT 1)
    UNION ALL
    SELECT n.indicator_id, n.period
    FROM t CROSS JOIN LATERAL (
        SELECT indicator_id, period FROM published.indicator_values
        WHERE (indicator_id, period) > (t.i, t.p)
        ORDER BY indicator_id, period LIMIT 1
    ) n
)
SELECT i AS indicator_id, p AS period FROM t;
