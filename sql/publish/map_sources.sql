-- The published sources of kinds :kinds behind a printed map (its indicator's and its boundaries'):
-- kind, file and when it was loaded, for the map's attribution line.
SELECT kind, source_name, file_name, max(loaded_at) AS loaded_at FROM published.sources
WHERE kind = ANY(CAST(:kinds AS text[]))
GROUP BY kind, source_name, file_name
ORDER BY kind, source_name, file_name;
