-- 0009_service_sites (up): where services are delivered (urgent care hubs, integrated care team bases,
-- CAMHS clinics, child development centres), landed, placed and published as a map layer.
CREATE TABLE raw.service_sites (
    file_id      bigint NOT NULL,
    run_id       bigint NOT NULL,
    source_file  text NOT NULL,
    sha256       text NOT NULL,
    loaded_at    timestamptz NOT NULL,
    line         bigint NOT NULL,
    name         text NOT NULL,
    service      text NOT NULL,
    provider     text,
    opened       date,
    closed       date,
    easting      double precision,
    northing     double precision,
    lsoa_code    text COLLATE "C" NOT NULL,
    vintage      smallint NOT NULL
) PARTITION BY LIST (file_id);

CREATE TABLE core.service_sites (
    name        text NOT NULL,
    service     text NOT NULL,
    provider    text,
    opened      date,
    closed      date,
    located_by  text NOT NULL,
    lsoa_code   text COLLATE "C" NOT NULL,
    lad_code    text COLLATE "C",
    geom        geometry(Point, 27700) NOT NULL,
    file_id     bigint NOT NULL,
    line        bigint NOT NULL,
    PRIMARY KEY (name, service)
);

CREATE TABLE published.service_sites (
    name        text NOT NULL,
    service     text NOT NULL,
    provider    text,
    opened      date,
    closed      date,
    located_by  text NOT NULL,
    lad_code    text COLLATE "C",
    geom        geometry(Point, 4326) NOT NULL,
    PRIMARY KEY (name, service)
);
