-- Areas of level :l (latest vintage of each), with their parent.
SELECT DISTINCT ON (area_code) area_code, area_name, parent_code FROM published.areas
WHERE area_level = :l
ORDER BY area_code, vintage DESC;
