-- Each indicator of :ids with its latest period (of :ps) that has figures for areas :codes at level :l
-- (breakdown 'all'); period null where it has none.
SELECT ids.i AS indicator_id,
       (SELECT v.period FROM published.indicator_values v
        WHERE v.indicator_id = ids.i AND v.period = ANY(CAST(:ps AS text[])) AND v.area_level = :l
          AND v.area_code = ANY(CAST(:codes AS text[])) AND v.breakdown = 'all'
        ORDER BY v.period DESC LIMIT 1) AS period
FROM unnest(CAST(:ids AS text[])) AS ids(i);
