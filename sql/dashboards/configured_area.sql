-- The upper-tier area :c the project is configured for, by its latest vintage's name.
SELECT area_code, area_name FROM published.areas
WHERE area_code = :c AND area_level = 'utla'
ORDER BY vintage DESC LIMIT 1;
