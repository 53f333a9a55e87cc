-- The inspection evidence pack's figures: every published row of indicators :ids for upper-tier area :a (all
-- periods and breakdowns; suppressed rows as published: no value, symbol 'c'), with the published recent
-- trend, England's published value for the same period and breakdown, the published comparison with England
-- and the published comparison with the target.
SELECT v.indicator_id, v.period, v.breakdown, v.value, v.symbol, v.trend,
       (SELECT c.value FROM published.indicator_values c
        WHERE c.indicator_id = v.indicator_id AND c.period = v.period AND c.breakdown = v.breakdown
          AND c.area_level = 'country' ORDER BY c.area_code LIMIT 1) AS england_value,
       e.comparison AS england_comparison, t.comparison AS target_comparison
FROM published.indicator_values v
LEFT JOIN published.comparisons e
       ON e.indicator_id = v.indicator_id AND e.period = v.period AND e.area_level = v.area_level
      AND e.area_code = v.area_code AND e.breakdown = v.breakdown AND e.comparator_type = 'england'
LEFT JOIN published.comparisons t
       ON t.indicator_id = v.indicator_id AND t.period = v.period AND t.area_level = v.area_level
      AND t.area_code = v.area_code AND t.breakdown = v.breakdown AND t.comparator_type = 'target'
WHERE v.indicator_id = ANY(CAST(:ids AS text[])) AND v.area_level = 'utla' AND v.area_code = :a
ORDER BY v.indicator_id, v.breakdown, v.period;
