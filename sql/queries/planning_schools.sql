-- Schools as British National Grid points with their district, resourced provision and SEN unit
-- capacity, and the first SEN provision type GIAS lists for them.
SELECT urn, lad_code, ST_X(geom) AS x, ST_Y(geom) AS y, resourced_capacity, sen_unit_capacity,
       split_part(coalesce(sen_provision, ''), '; ', 1) AS sen1
FROM {run}."core__schools";
