-- 0001_foundation (up): the warehouse's four schemas and their first tables.
--   meta       runs, landed files (with row accounting), quarantined rows
--   raw        rows as landed, pseudonymised, one LIST partition per file; every row carries its
--              run id, source file, the file's sha256 and its load time
--   core       the current model (areas with geometry, lookups, population, facts), rebuilt by each
--              refresh in its run schema and swapped in atomically
--   published  what dashboards and exports read (disclosure control applied), readable by jsna_reader
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE SCHEMA IF NOT EXISTS meta;
CREATE SCHEMA IF NOT EXISTS raw;
CREATE SCHEMA IF NOT EXISTS core;
CREATE SCHEMA IF NOT EXISTS published;

-- The dashboards' role: may read the published schema and nothing else.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'jsna_reader') THEN
        BEGIN
            CREATE ROLE jsna_reader LOGIN;
        EXCEPTION WHEN insufficient_privilege THEN
            RAISE NOTICE 'cannot create role jsna_reader here; ask the DBA to create it';
        END;
    END IF;
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'jsna_reader') THEN
        GRANT USAGE ON SCHEMA published TO jsna_reader;
        ALTER DEFAULT PRIVILEGES IN SCHEMA published GRANT SELECT ON TABLES TO jsna_reader;
    END IF;
END $$;

-- ---------------------------------------------------------------------------------------------
-- meta
CREATE TABLE meta.runs (
    run_id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    started_at      timestamptz NOT NULL DEFAULT now(),
    finished_at     timestamptz,
    status          text NOT NULL DEFAULT 'running'
                    CHECK (status IN ('running', 'succeeded', 'failed', 'abandoned')),
    config_path     text,
    config_sha256   text,
    jsna_version    text,
    message         text
);

CREATE SEQUENCE meta.file_ids;

CREATE TABLE meta.files (
    file_id           bigint PRIMARY KEY,
    run_id            bigint NOT NULL REFERENCES meta.runs,
    source_name       text NOT NULL,
    kind              text NOT NULL,
    path              text NOT NULL,
    sha256            text NOT NULL,
    bytes             bigint NOT NULL,
    raw_table         text NOT NULL,
    rows_in           bigint NOT NULL,
    rows_loaded       bigint NOT NULL,
    rows_quarantined  bigint NOT NULL,
    loaded_at         timestamptz NOT NULL,
    CONSTRAINT rows_accounted CHECK (rows_in = rows_loaded + rows_quarantined),
    CONSTRAINT one_landing_per_content UNIQUE (source_name, sha256)
);

-- The files each successful run built the core model from.
CREATE TABLE meta.run_files (
    run_id   bigint NOT NULL REFERENCES meta.runs,
    file_id  bigint NOT NULL REFERENCES meta.files,
    PRIMARY KEY (run_id, file_id)
);

-- Rows that could not be loaded, with the reason. Identifiers are already pseudonymised here.
CREATE TABLE meta.quarantine (
    file_id      bigint NOT NULL REFERENCES meta.files,
    line         bigint NOT NULL,
    column_name  text,
    rule         text NOT NULL,
    value        text,
    record       jsonb
);
CREATE INDEX quarantine_file_idx ON meta.quarantine (file_id);

-- ---------------------------------------------------------------------------------------------
-- raw: one parent per dataset kind, partitioned by file.
CREATE TABLE raw.boundaries (
    file_id      bigint NOT NULL,
    run_id       bigint NOT NULL,
    source_file  text NOT NULL,
    sha256       text NOT NULL,
    loaded_at    timestamptz NOT NULL,
    line         bigint NOT NULL,
    area_code    text COLLATE "C" NOT NULL,
    area_name    text,
    area_level   text NOT NULL,
    vintage      smallint NOT NULL,
    geom         geometry(MultiPolygon, 27700) NOT NULL
) PARTITION BY LIST (file_id);

CREATE TABLE raw.lookup (
    file_id       bigint NOT NULL,
    run_id        bigint NOT NULL,
    source_file   text NOT NULL,
    sha256        text NOT NULL,
    loaded_at     timestamptz NOT NULL,
    line          bigint NOT NULL,
    child_level   text NOT NULL,
    child_code    text COLLATE "C" NOT NULL,
    child_name    text,
    vintage       smallint NOT NULL,
    parent_level  text NOT NULL,
    parent_code   text COLLATE "C" NOT NULL,
    parent_name   text,
    parent_vintage smallint
) PARTITION BY LIST (file_id);

CREATE TABLE raw.population_mye (
    file_id      bigint NOT NULL,
    run_id       bigint NOT NULL,
    source_file  text NOT NULL,
    sha256       text NOT NULL,
    loaded_at    timestamptz NOT NULL,
    line         bigint NOT NULL,
    area_code    text COLLATE "C" NOT NULL,
    year         smallint NOT NULL,
    sex          char(1) NOT NULL CHECK (sex IN ('F', 'M')),
    age          smallint NOT NULL CHECK (age BETWEEN 0 AND 90),
    population   double precision NOT NULL CHECK (population >= 0)
) PARTITION BY LIST (file_id);

CREATE TABLE raw.population_census (
    file_id      bigint NOT NULL,
    run_id       bigint NOT NULL,
    source_file  text NOT NULL,
    sha256       text NOT NULL,
    loaded_at    timestamptz NOT NULL,
    line         bigint NOT NULL,
    lsoa_code    text COLLATE "C" NOT NULL,
    vintage      smallint NOT NULL,
    age_band     text NOT NULL,
    age_from     smallint NOT NULL,
    age_to       smallint NOT NULL,
    population   double precision NOT NULL CHECK (population >= 0)
) PARTITION BY LIST (file_id);

CREATE TABLE raw.imd (
    file_id      bigint NOT NULL,
    run_id       bigint NOT NULL,
    source_file  text NOT NULL,
    sha256       text NOT NULL,
    loaded_at    timestamptz NOT NULL,
    line         bigint NOT NULL,
    lsoa_code    text COLLATE "C" NOT NULL,
    vintage      smallint NOT NULL,
    imd_rank     integer NOT NULL,
    imd_decile   smallint NOT NULL CHECK (imd_decile BETWEEN 1 AND 10)
) PARTITION BY LIST (file_id);

CREATE TABLE raw.postcodes (
    file_id      bigint NOT NULL,
    run_id       bigint NOT NULL,
    source_file  text NOT NULL,
    sha256       text NOT NULL,
    loaded_at    timestamptz NOT NULL,
    line         bigint NOT NULL,
    postcode     text COLLATE "C" NOT NULL,
    lsoa_code    text COLLATE "C",
    vintage      smallint NOT NULL,
    easting      integer,
    northing     integer,
    terminated   date
) PARTITION BY LIST (file_id);

CREATE TABLE raw.schools (
    file_id        bigint NOT NULL,
    run_id         bigint NOT NULL,
    source_file    text NOT NULL,
    sha256         text NOT NULL,
    loaded_at      timestamptz NOT NULL,
    line           bigint NOT NULL,
    urn            integer NOT NULL,
    name           text NOT NULL,
    la_code        text,
    type           text NOT NULL,
    type_group     text,
    phase          text,
    is_special     boolean NOT NULL,
    capacity       integer,
    pupils         integer,
    sen_provision  text,
    easting        double precision NOT NULL,
    northing       double precision NOT NULL,
    lsoa_code      text COLLATE "C" NOT NULL,
    vintage        smallint NOT NULL
) PARTITION BY LIST (file_id);

-- Case-level EHC needs assessment requests and plans, one row per request.
-- child_key is the keyed hash (HMAC-SHA256) of the child's identifier; no name, no date of birth.
CREATE TABLE raw.ehcp_cases (
    file_id             bigint NOT NULL,
    run_id              bigint NOT NULL,
    source_file         text NOT NULL,
    sha256              text NOT NULL,
    loaded_at           timestamptz NOT NULL,
    line                bigint NOT NULL,
    child_key           text COLLATE "C" NOT NULL,
    request_date        date NOT NULL,
    decision_date       date,
    decision            text,
    assessment_outcome  text,
    draft_date          date,
    issue_date          date,
    exception           boolean NOT NULL DEFAULT false,
    age_at_request      smallint NOT NULL,
    age_at_31aug        smallint NOT NULL,
    sex                 char(1),
    primary_need        text,
    setting_urn         integer,
    placement           text,
    plan_status         text,
    transfer            text,
    ceased_date         date,
    ceased_reason       text,
    lsoa_code           text COLLATE "C" NOT NULL,
    vintage             smallint NOT NULL
) PARTITION BY LIST (file_id);

-- ---------------------------------------------------------------------------------------------
-- core: each refresh builds these afresh (CREATE TABLE ... (LIKE core.x INCLUDING ALL)) and swaps.
CREATE TABLE core.areas (
    area_code   text COLLATE "C" NOT NULL,
    area_name   text NOT NULL,
    area_level  text NOT NULL,
    vintage     smallint NOT NULL,
    geom        geometry(MultiPolygon, 27700),
    geom_web    geometry(MultiPolygon, 4326),
    file_id     bigint,
    PRIMARY KEY (area_level, area_code, vintage)
);
CREATE INDEX areas_geom_idx ON core.areas USING gist (geom);

-- LSOA -> every higher level, one row per LSOA and vintage.
CREATE TABLE core.lsoa_lookup (
    lsoa_code    text COLLATE "C" NOT NULL,
    vintage      smallint NOT NULL,
    msoa_code    text COLLATE "C",
    lad_code     text COLLATE "C",
    utla_code    text COLLATE "C",
    region_code  text COLLATE "C",
    PRIMARY KEY (lsoa_code, vintage)
);

-- Residents by LSOA, year, sex and single year of age 0-25 (apportioned; see jsna.geography.population).
CREATE TABLE core.population (
    lsoa_code   text COLLATE "C" NOT NULL,
    vintage     smallint NOT NULL,
    year        smallint NOT NULL,
    sex         char(1) NOT NULL,
    age         smallint NOT NULL,
    population  double precision NOT NULL,
    PRIMARY KEY (lsoa_code, vintage, year, sex, age)
);

CREATE TABLE core.deprivation (
    lsoa_code   text COLLATE "C" NOT NULL,
    vintage     smallint NOT NULL,
    imd_rank    integer NOT NULL,
    imd_decile  smallint NOT NULL,
    PRIMARY KEY (lsoa_code, vintage)
);

CREATE TABLE core.schools (
    urn            integer PRIMARY KEY,
    name           text NOT NULL,
    type           text NOT NULL,
    phase          text,
    is_special     boolean NOT NULL,
    capacity       integer,
    pupils         integer,
    sen_provision  text,
    lsoa_code      text COLLATE "C" NOT NULL,
    lad_code       text COLLATE "C",
    geom           geometry(Point, 27700) NOT NULL,
    file_id        bigint NOT NULL,
    line           bigint NOT NULL
);

CREATE TABLE core.ehcp_cases (
    child_key           text COLLATE "C" NOT NULL,
    request_date        date NOT NULL,
    decision_date       date,
    decision            text,
    assessment_outcome  text,
    issue_date          date,
    weeks_to_issue      double precision,
    within_20_weeks     boolean,
    exception           boolean NOT NULL,
    age_at_request      smallint NOT NULL,
    age_at_31aug        smallint NOT NULL,
    sex                 char(1),
    primary_need        text,
    placement           text,
    transfer            text,
    ceased_date         date,
    lsoa_code           text COLLATE "C" NOT NULL,
    lad_code            text COLLATE "C",
    utla_code           text COLLATE "C",
    file_id             bigint NOT NULL,
    line                bigint NOT NULL
);
CREATE INDEX ehcp_cases_issue_idx ON core.ehcp_cases (issue_date);

-- ---------------------------------------------------------------------------------------------
-- published: the only schema the dashboards' role can read.
CREATE TABLE published.indicators (
    indicator_id  text PRIMARY KEY,
    title         text NOT NULL,
    short_title   text NOT NULL,
    definition    text NOT NULL,
    numerator     text NOT NULL,
    denominator   text NOT NULL,
    multiplier    double precision NOT NULL,
    unit          text NOT NULL,
    method        text NOT NULL,
    polarity      text NOT NULL CHECK (polarity IN ('high_is_good', 'low_is_good', 'no_judgement')),
    target        double precision,
    sources       text NOT NULL,
    levels        text NOT NULL,
    period_type   text NOT NULL,
    caveats       text
);

CREATE TABLE published.indicator_values (
    indicator_id  text NOT NULL,
    period        text NOT NULL,
    area_code     text COLLATE "C" NOT NULL,
    area_name     text NOT NULL,
    area_level    text NOT NULL,
    breakdown     text NOT NULL DEFAULT 'all',
    numerator     double precision,
    denominator   double precision,
    value         double precision,
    lower_ci95    double precision,
    upper_ci95    double precision,
    lower_ci998   double precision,
    upper_ci998   double precision,
    comparator    text,
    comparison    text NOT NULL DEFAULT 'not compared'
                  CHECK (comparison IN ('better', 'similar', 'worse', 'not compared')),
    trend         text,
    symbol        text,
    PRIMARY KEY (indicator_id, period, area_level, area_code, breakdown)
);

CREATE TABLE published.areas (
    area_code    text COLLATE "C" NOT NULL,
    area_name    text NOT NULL,
    area_level   text NOT NULL,
    vintage      smallint NOT NULL,
    parent_code  text COLLATE "C",
    geom         geometry(MultiPolygon, 4326),
    PRIMARY KEY (area_level, area_code, vintage)
);

CREATE TABLE published.schools (
    urn         integer PRIMARY KEY,
    name        text NOT NULL,
    type        text NOT NULL,
    phase       text,
    is_special  boolean NOT NULL,
    capacity    integer,
    lad_code    text COLLATE "C",
    geom        geometry(Point, 4326) NOT NULL
);

-- Freshness and data quality of the files behind the published figures.
CREATE TABLE published.sources (
    source_name       text NOT NULL,
    kind              text NOT NULL,
    file_name         text NOT NULL,
    sha256            text NOT NULL,
    loaded_at         timestamptz NOT NULL,
    rows_in           bigint NOT NULL,
    rows_loaded       bigint NOT NULL,
    rows_quarantined  bigint NOT NULL,
    PRIMARY KEY (source_name, sha256)
);
