-- EHC health advice requests to NHS trusts for the 6-week milestone (jsna.indicators.milestones): when asked,
-- when returned (null: still out), and the trust. Read by the refresh only, never published as rows.
SELECT request_date, returned_date, trust_code
FROM {run}."core__advice_returns";
