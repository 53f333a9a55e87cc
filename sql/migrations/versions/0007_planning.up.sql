-- 0007_planning (up): what place planning needs and publishes. Special schools' commissioned places
-- by need, and mainstream schools' resourced provision and SEN unit capacity; the published caseload
-- forecasts with their prediction intervals, specialist place sufficiency by area and need, distances
-- to the nearest special school with places for a need, and candidate sites for a new school.
CREATE TABLE raw.school_places (
    file_id      bigint NOT NULL,
    run_id       bigint NOT NULL,
    source_file  text NOT NULL,
    sha256       text NOT NULL,
    loaded_at    timestamptz NOT NULL,
    line         bigint NOT NULL,
    urn          integer NOT NULL,
    need         text NOT NULL,
    places       integer NOT NULL CHECK (places >= 0)
) PARTITION BY LIST (file_id);

CREATE TABLE core.school_places (
    urn     integer NOT NULL,
    need    text NOT NULL,
    places  integer NOT NULL,
    PRIMARY KEY (urn, need)
);

ALTER TABLE raw.schools ADD COLUMN resourced_capacity integer, ADD COLUMN sen_unit_capacity integer;
ALTER TABLE core.schools ADD COLUMN resourced_capacity integer, ADD COLUMN sen_unit_capacity integer;

CREATE TABLE published.forecasts (
    measure          text NOT NULL,
    area_level       text NOT NULL,
    area_code        text COLLATE "C" NOT NULL,
    area_name        text,
    breakdown_topic  text NOT NULL,
    breakdown        text NOT NULL,
    origin           smallint NOT NULL,
    year             smallint NOT NULL,
    horizon          smallint NOT NULL,
    point            double precision,
    lower80          double precision,
    upper80          double precision,
    lower95          double precision,
    upper95          double precision,
    method           text,
    symbol           text,
    PRIMARY KEY (measure, area_level, area_code, breakdown_topic, breakdown, year)
);

CREATE TABLE published.sufficiency (
    area_code          text COLLATE "C" NOT NULL,
    area_name          text,
    need               text NOT NULL,
    provision          text NOT NULL,
    year               smallint NOT NULL,
    demand             double precision,
    demand_lower80     double precision,
    demand_upper80     double precision,
    places             double precision NOT NULL,
    surplus            double precision,
    short              boolean,
    first_short_year   smallint,
    symbol             text,
    PRIMARY KEY (area_code, need, provision, year)
);

CREATE TABLE published.access (
    lsoa_code    text COLLATE "C" NOT NULL,
    need         text NOT NULL,
    urn          integer NOT NULL,
    straight_km  double precision NOT NULL,
    road_km      double precision NOT NULL,
    PRIMARY KEY (lsoa_code, need)
);

CREATE TABLE published.access_summary (
    area_code         text COLLATE "C" NOT NULL,
    need              text NOT NULL,
    median_km         double precision,
    p90_km            double precision,
    pct_beyond_10km   double precision,
    symbol            text,
    PRIMARY KEY (area_code, need)
);

CREATE TABLE published.candidate_sites (
    need                     text NOT NULL,
    site                     text NOT NULL,
    rank                     smallint NOT NULL,
    children_brought_within  double precision,
    areas_brought_within     integer,
    geom                     geometry(Point, 4326),
    symbol                   text,
    PRIMARY KEY (need, rank)
);
