-- Every alert (published.alerts): open ones first, then the history, newest first, with the area's name.
SELECT al.rule, al.what, al.title, al.area_code, coalesce(a.area_name, al.area_code) AS area_name, al.detail,
       al.direction, al.threshold, al.value, al.period, al.since, al.status, al.opened_at, al.closed_at
FROM published.alerts al
LEFT JOIN LATERAL (SELECT area_name FROM published.areas WHERE area_code = al.area_code
                   ORDER BY vintage DESC LIMIT 1) a ON true
ORDER BY al.status = 'open' DESC, coalesce(al.closed_at, al.opened_at) DESC, al.rule;
