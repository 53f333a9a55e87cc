-- The keys and indexes of a live table (:layer, :table), to build again on the run's staged next version of it once
-- that is filled (jsna.warehouse.runs.index_staged): each index's name, whether it is the primary key or unique,
-- whether it is plain (ascending columns only: no expression, predicate or sort option), and its columns in order.
SELECT c.relname AS name, i.indisprimary AS is_primary, i.indisunique AS is_unique,
       i.indexprs IS NULL AND i.indpred IS NULL AND 0 = ALL(i.indoption::int2[]) AS plain,
       array_agg(a.attname ORDER BY k.ord) AS columns
FROM pg_index i
JOIN pg_class c ON c.oid = i.indexrelid
JOIN pg_class t ON t.oid = i.indrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
WHERE n.nspname = :layer AND t.relname = :table
GROUP BY c.relname, i.indisprimary, i.indisunique, i.indexprs IS NULL AND i.indpred IS NULL, i.indoption, i.indexrelid
ORDER BY i.indexrelid;
