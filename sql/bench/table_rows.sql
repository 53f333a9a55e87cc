-- The benchmark's rows in and out of a refresh step: exact rows (count(*)) of every table or view in schema
-- :schema whose name starts with :prefix (e.g. a run schema's 'core__' tables), names quoted by format(%I).
SELECT table_name,
       (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.%I', table_schema, table_name),
                                            false, true, '')))[1]::text::bigint AS rows
FROM information_schema.tables
WHERE table_schema = :schema AND left(table_name, length(:prefix)) = :prefix
ORDER BY table_name;
