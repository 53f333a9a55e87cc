-- DfE's statistical neighbours of each authority, by GSS code.
SELECT area_code, neighbour_code FROM {run}."core__neighbours";
