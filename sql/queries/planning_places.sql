-- Commissioned places at special schools by need.
SELECT urn, need, places FROM {run}."core__school_places";
