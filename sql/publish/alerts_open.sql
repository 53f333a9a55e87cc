-- The open alerts (one per rule at most), locked until the evaluation's transaction ends.
SELECT alert_id, rule, since FROM published.alerts WHERE status = 'open' FOR UPDATE;
