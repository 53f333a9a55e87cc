-- An alert rule's indicator reading: the latest published period of indicator :indicator for area :area and
-- breakdown :breakdown, its value (null where disclosure control withheld it) and the area's name.
SELECT v.period, v.value, coalesce(a.area_name, v.area_code) AS area_name
FROM published.indicator_values v
LEFT JOIN LATERAL (SELECT area_name FROM published.areas WHERE area_code = v.area_code
                   ORDER BY vintage DESC LIMIT 1) a ON true
WHERE v.indicator_id = :indicator AND v.area_code = :area AND v.breakdown = :breakdown
ORDER BY v.period DESC
LIMIT 1;
