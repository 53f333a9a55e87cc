-- The upper-tier area a printed map is about: area :c when it is published, else the upper-tier area with
-- most published rows of indicators :ids in their latest period (the one with case-level data), as the
-- dashboards choose it.
(SELECT area_code, area_name, 0 AS pref FROM published.areas
 WHERE area_code = :c AND area_level = 'utla' ORDER BY vintage DESC LIMIT 1)
UNION ALL
(SELECT v.area_code, v.area_name, 1 AS pref FROM published.indicator_values v
 WHERE v.indicator_id = ANY(CAST(:ids AS text[])) AND v.area_level = 'utla'
   AND v.period = (SELECT max(period) FROM published.indicator_values w WHERE w.indicator_id = v.indicator_id)
 GROUP BY 1, 2 ORDER BY count(*) DESC, v.area_code LIMIT 1)
ORDER BY pref LIMIT 1;
