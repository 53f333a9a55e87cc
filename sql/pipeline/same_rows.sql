-- Whether a named query (jsna.rebuild.settle) returns the same rows over this run's tables (this_run: the query in
-- the run's schema) as over the last build's (last_build: the same query over the session's views of them), as a
-- multiset: as many rows, and none of this run's without a match of its own in the last build's (NULLs match
-- NULLs). Worked out on the server: neither result is sent to be compared. (jsna.warehouse.sqlfiles.same_rows puts
-- the query's statement in place of each placeholder below.)
WITH this_run AS MATERIALIZED ({this_run}), last_build AS MATERIALIZED ({last_build})
SELECT (SELECT count(*) FROM this_run) = (SELECT count(*) FROM last_build)
       AND NOT EXISTS (SELECT * FROM this_run EXCEPT ALL SELECT * FROM last_build) AS same;
