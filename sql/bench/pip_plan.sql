-- bench/pip.py: the plan PostGIS chooses for the naive point-in-polygon join (sql/bench/pip_hits.sql's query).
EXPLAIN
SELECT pts.id AS pt, polys.id AS poly
FROM bench_pts pts JOIN bench_polys polys ON ST_Contains(polys.geom, pts.geom);
