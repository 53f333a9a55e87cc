-- The distance distribution over children with plans, by district (and 'all') and need.
SELECT * FROM published.access_summary ORDER BY area_code, need;
