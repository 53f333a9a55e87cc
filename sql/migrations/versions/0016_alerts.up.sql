-- 0016_alerts (up): statutory milestones and alerts.
-- raw/core.ehcp_cases: team (the casework team, where the extract names one) and last_review (the plan's last
-- annual review: a bespoke extract's column, the SEN2 return's ActivePlans LastReview).
-- published.milestones: children whose statutory step is overdue or due soon, as at the run's reference date,
-- by authority, district (and unplaced), team and trust, per horizon (overdue, next_14_days, next_28_days,
-- week_1 .. week_8 starting on week_start); counts 1-4 hidden by disclosure control (symbol).
-- published.alerts: one row per breach of a jsna.toml [[alerts]] rule for as long as it lasts: what (an indicator
-- or a milestone), where, since when, the latest value against the threshold, open or closed; the runs that
-- opened and closed it (delivery sends one message for each). Kept across refreshes (never staged).
ALTER TABLE raw.ehcp_cases ADD COLUMN team text, ADD COLUMN last_review date;
ALTER TABLE core.ehcp_cases ADD COLUMN team text, ADD COLUMN last_review date;

CREATE TABLE published.milestones (
    milestone    text NOT NULL,
    as_at        date NOT NULL,
    area_level   text NOT NULL,
    area_code    text COLLATE "C" NOT NULL,
    team         text,
    horizon      text NOT NULL,
    week_start   date,
    children     double precision,
    symbol       text
);
CREATE INDEX milestones_idx ON published.milestones (milestone, area_code, horizon);

CREATE TABLE published.alerts (
    alert_id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    rule         text NOT NULL,
    what         text NOT NULL,
    title        text NOT NULL,
    area_code    text COLLATE "C" NOT NULL,
    detail       text NOT NULL,
    direction    text NOT NULL CHECK (direction IN ('above', 'below')),
    threshold    double precision NOT NULL,
    value        double precision NOT NULL,
    period       text NOT NULL,
    since        text NOT NULL,
    status       text NOT NULL CHECK (status IN ('open', 'closed')),
    opened_at    timestamptz NOT NULL,
    closed_at    timestamptz,
    opened_run   bigint NOT NULL,
    closed_run   bigint,
    checked_run  bigint NOT NULL
);
CREATE UNIQUE INDEX alerts_one_open ON published.alerts (rule) WHERE status = 'open';
