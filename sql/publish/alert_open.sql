-- Record a new breach of rule :rule, opened by run :run.
INSERT INTO published.alerts (rule, what, title, area_code, detail, direction, threshold, value, period, since,
                              status, opened_at, opened_run, checked_run)
VALUES (:rule, :what, :title, :area_code, :detail, :direction, :threshold, :value, :period, :period,
        'open', now(), :run, :run)
RETURNING alert_id, opened_at;
