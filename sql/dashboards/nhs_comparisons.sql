-- The comparisons of area :a at level :l with NHS England's published figures (England's, and its own as a
-- sub-ICB or ICB: comparator types nhs_england, nhs_sub_icb, nhs_icb), every indicator, period and breakdown.
SELECT indicator_id, period, breakdown, comparator_type, comparator_code, comparator_value, comparison
FROM published.comparisons
WHERE area_level = :l AND area_code = :a AND comparator_type IN ('nhs_england', 'nhs_sub_icb', 'nhs_icb')
ORDER BY indicator_id, breakdown, period, comparator_type;
