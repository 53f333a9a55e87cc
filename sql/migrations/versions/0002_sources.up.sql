-- 0002_sources (up): landing tables for published statistics and for the health and social care
-- case-level extracts; their core tables; the EHC case reference key that links trusts' advice
-- returns to requests; and the published area hierarchy (for drill-down and disclosure checks).

-- Published aggregate statistics (DfE explore-education-statistics, NHS Digital), all in one long
-- form: one row per published figure. DfE's symbols (c, k, low, u, x, z ...) stay in `symbol` with
-- an empty value: never a zero.
CREATE TABLE raw.statistics (
    file_id           bigint NOT NULL,
    run_id            bigint NOT NULL,
    source_file       text NOT NULL,
    sha256            text NOT NULL,
    loaded_at         timestamptz NOT NULL,
    line              bigint NOT NULL,
    dataset           text NOT NULL,
    time_period       text NOT NULL,
    time_identifier   text NOT NULL DEFAULT '',
    geographic_level  text NOT NULL,
    area_code         text COLLATE "C",
    area_name         text,
    old_la_code       text,
    breakdown_topic   text NOT NULL DEFAULT 'Total',
    breakdown         text NOT NULL DEFAULT 'Total',
    measure           text NOT NULL,
    value             double precision,
    symbol            text,
    CHECK (value IS NOT NULL OR symbol IS NOT NULL)
) PARTITION BY LIST (file_id);

CREATE TABLE raw.waiting_list (
    file_id             bigint NOT NULL,
    run_id              bigint NOT NULL,
    source_file         text NOT NULL,
    sha256              text NOT NULL,
    loaded_at           timestamptz NOT NULL,
    line                bigint NOT NULL,
    child_key           text COLLATE "C" NOT NULL,
    referral_key        text COLLATE "C" NOT NULL,
    pathway             text NOT NULL CHECK (pathway IN ('asc', 'adhd', 'camhs')),
    provider            text,
    gp_practice         text,
    referral_date       date NOT NULL,
    first_contact_date  date,
    assessment_date     date,
    outcome             text,
    discharge_date      date,
    age_at_referral     smallint NOT NULL CHECK (age_at_referral BETWEEN 0 AND 25),
    sex                 char(1),
    lsoa_code           text COLLATE "C" NOT NULL,
    vintage             smallint NOT NULL
) PARTITION BY LIST (file_id);

-- NHS trusts' six-week EHC health advice returns. case_key is the keyed hash of the authority's
-- case reference (the same as core.ehcp_cases.case_key).
CREATE TABLE raw.advice_returns (
    file_id        bigint NOT NULL,
    run_id         bigint NOT NULL,
    source_file    text NOT NULL,
    sha256         text NOT NULL,
    loaded_at      timestamptz NOT NULL,
    line           bigint NOT NULL,
    trust_code     text COLLATE "C" NOT NULL,
    trust_name     text,
    case_key       text COLLATE "C" NOT NULL,
    request_date   date NOT NULL,
    due_date       date NOT NULL,
    returned_date  date
) PARTITION BY LIST (file_id);

CREATE TABLE raw.social_care_cases (
    file_id             bigint NOT NULL,
    run_id              bigint NOT NULL,
    source_file         text NOT NULL,
    sha256              text NOT NULL,
    loaded_at           timestamptz NOT NULL,
    line                bigint NOT NULL,
    child_key           text COLLATE "C" NOT NULL,
    start_date          date NOT NULL,
    end_date            date,
    age_at_start        smallint NOT NULL CHECK (age_at_start BETWEEN 0 AND 25),
    sex                 char(1),
    primary_disability  text,
    short_breaks        boolean NOT NULL DEFAULT false,
    lsoa_code           text COLLATE "C" NOT NULL,
    vintage             smallint NOT NULL
) PARTITION BY LIST (file_id);

ALTER TABLE raw.ehcp_cases ADD COLUMN case_key text COLLATE "C";
ALTER TABLE core.ehcp_cases ADD COLUMN case_key text COLLATE "C";

-- core -------------------------------------------------------------------------------------------
-- The current published statistics: for each figure, the latest delivery wins (a corrected
-- re-delivery of a period replaces its predecessor).
CREATE TABLE core.statistics (
    dataset           text NOT NULL,
    time_period       text NOT NULL,
    time_identifier   text NOT NULL,
    geographic_level  text NOT NULL,
    area_code         text COLLATE "C" NOT NULL,
    area_name         text,
    old_la_code       text,
    breakdown_topic   text NOT NULL,
    breakdown         text NOT NULL,
    measure           text NOT NULL,
    value             double precision,
    symbol            text,
    file_id           bigint NOT NULL,
    line              bigint NOT NULL,
    PRIMARY KEY (dataset, measure, time_period, time_identifier, geographic_level, area_code, breakdown_topic,
                 breakdown)
);

CREATE TABLE core.waiting_list (
    child_key           text COLLATE "C" NOT NULL,
    referral_key        text COLLATE "C" NOT NULL,
    pathway             text NOT NULL,
    provider            text,
    referral_date       date NOT NULL,
    first_contact_date  date,
    assessment_date     date,
    outcome             text,
    discharge_date      date,
    age_at_referral     smallint NOT NULL,
    sex                 char(1),
    lsoa_code           text COLLATE "C" NOT NULL,
    lad_code            text COLLATE "C",
    utla_code           text COLLATE "C",
    file_id             bigint NOT NULL,
    line                bigint NOT NULL
);

CREATE TABLE core.advice_returns (
    trust_code      text COLLATE "C" NOT NULL,
    trust_name      text,
    case_key        text COLLATE "C" NOT NULL,
    request_date    date NOT NULL,
    due_date        date NOT NULL,
    returned_date   date,
    within_6_weeks  boolean,
    quarter         text NOT NULL,
    file_id         bigint NOT NULL,
    line            bigint NOT NULL
);

CREATE TABLE core.social_care_cases (
    child_key           text COLLATE "C" NOT NULL,
    start_date          date NOT NULL,
    end_date            date,
    age_at_start        smallint NOT NULL,
    sex                 char(1),
    primary_disability  text,
    short_breaks        boolean NOT NULL,
    lsoa_code           text COLLATE "C" NOT NULL,
    lad_code            text COLLATE "C",
    utla_code           text COLLATE "C",
    file_id             bigint NOT NULL,
    line                bigint NOT NULL
);

-- published --------------------------------------------------------------------------------------
-- Which area sits in which: what counts add up along (LSOA -> MSOA -> district -> county ...).
CREATE TABLE published.area_hierarchy (
    child_level   text NOT NULL,
    child_code    text COLLATE "C" NOT NULL,
    parent_level  text NOT NULL,
    parent_code   text COLLATE "C" NOT NULL,
    PRIMARY KEY (child_level, child_code, parent_level)
);
