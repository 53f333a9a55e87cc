-- Bounds the cost of one API response: statements of this transaction give up after :ms milliseconds.
SELECT set_config('statement_timeout', CAST(:ms AS text), true);
