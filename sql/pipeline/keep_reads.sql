-- The steps (:steps) taken from the last build as they are keep its record of what they read.
INSERT INTO {run}."core__build_reads" SELECT * FROM core.build_reads WHERE step = ANY(:steps);
