-- The indicator catalogue (published.indicators), one row per indicator; only :id when not null.
SELECT * FROM published.indicators
WHERE CAST(:id AS text) IS NULL OR indicator_id = :id
ORDER BY indicator_id
LIMIT :limit OFFSET :offset;
