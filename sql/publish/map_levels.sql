-- Which of levels :ls indicator :i is published at in period :p with breakdown :b (a coarser level to
-- suggest when most areas of a printed map are suppressed).
SELECT l AS area_level FROM unnest(CAST(:ls AS text[])) AS l
WHERE EXISTS (SELECT 1 FROM published.indicator_values
              WHERE indicator_id = :i AND period = :p AND area_level = l AND breakdown = :b);
