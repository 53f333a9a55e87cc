-- The upper-tier areas whose forecasts the last build published as the sum of their districts' (:method, the
-- method those rows name), in place of their forecasts from DfE's statistics (jsna.pipeline.kept_authorities).
SELECT DISTINCT area_code FROM published.forecasts WHERE area_level = 'utla' AND method = :method ORDER BY 1;
