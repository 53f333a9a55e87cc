-- A temporary table (dropped at commit) for the web copies of the areas' boundaries: simplified
-- together level by level, reprojected to WGS84.
CREATE TEMP TABLE web (
    area_level text,
    area_code text,
    vintage smallint,
    geom_web geometry(MultiPolygon, 4326)
) ON COMMIT DROP;
