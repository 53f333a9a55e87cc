-- 0021_indicator_coverage (down): the read API scans published.indicator_values again.
DROP TABLE published.indicator_coverage;
