-- Published demand against places in districts :codes, by need, provision and year.
SELECT * FROM published.sufficiency
WHERE area_code = ANY(CAST(:codes AS text[]))
ORDER BY area_code, need, provision, year;
