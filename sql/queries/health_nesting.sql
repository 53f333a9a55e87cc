-- What the NHS geography adds to the area nesting for disclosure control only (the same children cut
-- another way): each LSOA in its sub-ICB location, and where one area lies wholly inside another (by the
-- LSOAs of the current lookup) a district in its sub-ICB or a sub-ICB in its district, an authority in its
-- ICB or an ICB in its authority. A total that also counts LSOAs outside its parts is protected with its
-- remainder (jsna.publish.disclosure); areas that only overlap add nothing here.
WITH current AS (
    SELECT * FROM {run}."core__lsoa_lookup"
    WHERE vintage = (SELECT max(vintage) FROM {run}."core__lsoa_lookup") AND sicbl_code IS NOT NULL
),
pairs AS (
    SELECT 'lad' AS a_level, lad_code AS a_code, 'sicbl' AS b_level, sicbl_code AS b_code FROM current
    UNION ALL SELECT 'sicbl', sicbl_code, 'lad', lad_code FROM current
    UNION ALL SELECT 'utla', utla_code, 'icb', icb_code FROM current
    UNION ALL SELECT 'icb', icb_code, 'utla', utla_code FROM current
),
inside AS (  -- a_code wholly in one b_code: all its LSOAs there
    SELECT a_level, a_code, b_level, min(b_code) AS b_code
    FROM pairs
    WHERE a_code IS NOT NULL AND b_code IS NOT NULL
    GROUP BY a_level, a_code, b_level
    HAVING count(DISTINCT b_code) = 1
)
SELECT 'lsoa' AS child_level, lsoa_code AS child_code, 'sicbl' AS parent_level, sicbl_code AS parent_code
FROM current
UNION ALL
SELECT a_level, a_code, b_level, b_code FROM inside i
WHERE NOT (i.a_level IN ('sicbl', 'icb') AND EXISTS (  -- the same area both ways: the one way is enough
    SELECT 1 FROM inside o WHERE o.a_level = i.b_level AND o.a_code = i.b_code AND o.b_code = i.a_code))
ORDER BY 1, 2, 3;
