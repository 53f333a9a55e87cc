-- The published boundaries of level :l (every vintage) that a map is drawn on.
SELECT area_code, area_name, geom FROM published.areas WHERE area_level = :l;
