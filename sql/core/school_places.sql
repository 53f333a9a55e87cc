-- core.school_places: commissioned places at special schools by need (the latest delivery per school
-- and need wins).
INSERT INTO {run}."core__school_places" (urn, need, places)
SELECT DISTINCT ON (urn, need) urn, need, places
FROM {run}."raw__school_places"
ORDER BY urn, need, file_id DESC;
