-- 0004_comparisons (up): DfE's statistical neighbours (landed and mapped to GSS codes), and every
-- comparison of every published value (with England, the region, the area it sits in, its
-- statistical neighbours and the target), beside the one shown in published.indicator_values.
CREATE TABLE raw.neighbours (
    file_id           bigint NOT NULL,
    run_id            bigint NOT NULL,
    source_file       text NOT NULL,
    sha256            text NOT NULL,
    loaded_at         timestamptz NOT NULL,
    line              bigint NOT NULL,
    la_number         integer NOT NULL,
    rank              smallint NOT NULL,
    neighbour_number  integer NOT NULL,
    closeness         text
) PARTITION BY LIST (file_id);

CREATE TABLE core.neighbours (
    area_code       text COLLATE "C" NOT NULL,
    rank            smallint NOT NULL,
    neighbour_code  text COLLATE "C" NOT NULL,
    closeness       text,
    PRIMARY KEY (area_code, rank)
);

CREATE TABLE published.comparisons (
    indicator_id      text NOT NULL,
    period            text NOT NULL,
    area_level        text NOT NULL,
    area_code         text COLLATE "C" NOT NULL,
    breakdown         text NOT NULL,
    comparator_type   text NOT NULL CHECK (comparator_type IN ('england', 'region', 'parent', 'neighbours', 'target')),
    comparator_code   text,
    comparator_value  double precision,
    comparison        text NOT NULL,
    PRIMARY KEY (indicator_id, period, area_level, area_code, breakdown, comparator_type)
);
