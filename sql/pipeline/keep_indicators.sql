-- The indicators (:ids) of the families taken from the last build as they are: their values (unsuppressed,
-- for analysts), their published values and comparisons, as that build published them. Disclosure control
-- protects each family apart from the others (jsna.publish.disclosure.linked_indicators), so these rows are
-- those a full refresh would publish.
INSERT INTO {run}."core__indicator_values" SELECT * FROM core.indicator_values WHERE indicator_id = ANY(:ids);
INSERT INTO {run}."published__indicator_values"
SELECT * FROM published.indicator_values WHERE indicator_id = ANY(:ids);
INSERT INTO {run}."published__comparisons" SELECT * FROM published.comparisons WHERE indicator_id = ANY(:ids);
