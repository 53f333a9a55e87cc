-- bench/pip.py: the naive point-in-polygon join, written server-side into a table (timed without the transfer).
CREATE TABLE bench_hits AS
SELECT pts.id AS pt, polys.id AS poly
FROM bench_pts pts JOIN bench_polys polys ON ST_Contains(polys.geom, pts.geom);
