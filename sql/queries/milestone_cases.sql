-- EHC needs assessment requests with what the statutory milestones need (jsna.indicators.milestones): the
-- steps' dates and outcomes, ceasing, the last annual review, the team, the file, and the home's district and
-- authority. Child-level: read by the refresh only, never published as rows.
SELECT request_date, decision, decision_date, assessment_outcome, assessment_date, issue_date, ceased_date,
       last_review, team, file_id, utla_code, lad_code
FROM {run}."core__ehcp_cases";
