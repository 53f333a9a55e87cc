-- Published rows of indicators :ids in periods :ps (suppressed rows as published: no value, symbol 'c'),
-- with `versus`, the comparison the charts colour by: the published judgement against the row's
-- comparator (better/similar/worse), or for indicators with no judgement whether the area is higher or
-- lower than the same comparator. Optional filters, each left out when null: level :l, areas :codes,
-- breakdown :b, breakdowns LIKE :d (e.g. 'age_band=%'). Postgres plans with the values bound, so a null
-- filter folds away and the others probe the primary key (indicator_id, period, area_level, area_code,
-- breakdown).
SELECT v.indicator_id, v.period, v.area_code, v.area_name, v.area_level, v.breakdown, v.numerator,
       v.denominator, v.value, v.lower_ci95, v.upper_ci95, v.lower_ci998, v.upper_ci998, v.comparator,
       v.comparison, v.trend, v.symbol, coalesce(c.comparison, v.comparison) AS versus
FROM published.indicator_values v
LEFT JOIN published.comparisons c
       ON c.indicator_id = v.indicator_id AND c.period = v.period AND c.area_level = v.area_level
      AND c.area_code = v.area_code AND c.breakdown = v.breakdown
      AND c.comparator_type = split_part(v.comparator, ' ', 1)
WHERE v.indicator_id = ANY(CAST(:ids AS text[])) AND v.period = ANY(CAST(:ps AS text[]))
  AND (CAST(:l AS text) IS NULL OR v.area_level = :l)
  AND (CAST(:codes AS text[]) IS NULL OR v.area_code = ANY(CAST(:codes AS text[])))
  AND (CAST(:b AS text) IS NULL OR v.breakdown = :b)
  AND (CAST(:d AS text) IS NULL OR v.breakdown LIKE :d)
ORDER BY v.period, v.area_code, v.breakdown;
