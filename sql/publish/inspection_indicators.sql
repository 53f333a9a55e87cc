-- The published catalogue's entries for indicators :ids, as the inspection evidence pack labels and rates them:
-- title, unit, polarity and target.
SELECT indicator_id, title, short_title, unit, polarity, target, period_type
FROM published.indicators WHERE indicator_id = ANY(CAST(:ids AS text[]));
