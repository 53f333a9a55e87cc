-- 0012_cin (up): the Children in Need census return (kind cin_census_return), one row per item: referral,
-- assessment, CIN plan, section 47 enquiry or child protection plan, keyed by the child's keyed hash. No
-- identifier, name or date of birth: ages at the item's start and at the census date. The census has no
-- home postcode, so the home LSOA is usually unknown (NULL): such a child counts in the authority only.
CREATE TABLE raw.cin_census_return (
    file_id            bigint NOT NULL,
    run_id             bigint NOT NULL,
    source_file        text NOT NULL,
    sha256             text NOT NULL,
    loaded_at          timestamptz NOT NULL,
    line               bigint NOT NULL,
    census_year        smallint NOT NULL,
    reference_date     date NOT NULL,
    child_key          text COLLATE "C" NOT NULL,
    record             text NOT NULL CHECK (record IN ('referral', 'assessment', 'cin_plan', 'section47', 'cp_plan')),
    episode            smallint NOT NULL,
    start_date         date NOT NULL,
    end_date           date,
    age_at_start       smallint CHECK (age_at_start BETWEEN 0 AND 25),
    age_at_census      smallint CHECK (age_at_census BETWEEN 0 AND 25),
    sex                char(1),
    disabilities       text,
    referral_source    text,
    primary_need       text,
    closure_reason     text,
    no_further_action  boolean,
    abuse_category     text,
    factors            text,
    lsoa_code          text COLLATE "C",
    vintage            smallint
) PARTITION BY LIST (file_id);

-- Each item once (a referral open across two census years is in both years' returns: the later wins).
CREATE TABLE core.cin_episodes (
    child_key          text COLLATE "C" NOT NULL,
    record             text NOT NULL,
    start_date         date NOT NULL,
    end_date           date,
    census_year        smallint NOT NULL,
    age_at_start       smallint,
    referral_source    text,
    primary_need       text,
    closure_reason     text,
    no_further_action  boolean,
    abuse_category     text,
    factors            text,
    file_id            bigint NOT NULL,
    line               bigint NOT NULL
);

-- Each child in each year's return: in need during the year or on the census date or not, a disability
-- recorded or not, home.
CREATE TABLE core.cin_children (
    census_year        smallint NOT NULL,
    child_key          text COLLATE "C" NOT NULL,
    in_need            boolean NOT NULL,
    in_need_at_census  boolean NOT NULL,
    disabled           boolean NOT NULL,
    disabilities       text,
    age_at_census      smallint,
    sex                char(1),
    lsoa_code          text COLLATE "C",
    lad_code           text COLLATE "C",
    utla_code          text COLLATE "C",
    PRIMARY KEY (census_year, child_key)
);
