-- The upper-tier area :a an inspection evidence pack is about: its code and name (latest vintage).
SELECT area_code, area_name FROM published.areas
WHERE area_code = :a AND area_level = 'utla'
ORDER BY vintage DESC LIMIT 1;
