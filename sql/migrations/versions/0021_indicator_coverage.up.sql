-- 0021_indicator_coverage (up): each indicator's published area levels and breakdowns, with their periods (in
-- order) and row counts, worked out once when a build publishes (sql/published/indicator_coverage.sql) rather than
-- by scanning every published figure of the indicator when a reader first asks (the read API's /indicators/{id}).
-- Filled from what is published now, so that readers see it before the next refresh.
CREATE TABLE published.indicator_coverage (
    indicator_id  text NOT NULL,
    area_level    text NOT NULL,
    breakdown     text NOT NULL,
    periods       text[] NOT NULL,
    rows          bigint NOT NULL,
    PRIMARY KEY (indicator_id, area_level, breakdown)
);
INSERT INTO published.indicator_coverage
SELECT indicator_id, area_level, breakdown, array_agg(DISTINCT period ORDER BY period), count(*)
FROM published.indicator_values
GROUP BY indicator_id, area_level, breakdown;
