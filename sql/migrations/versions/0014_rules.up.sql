-- 0014_rules (up): the validation rules a statutory return breaks (the SEN2 return's, jsna.sources.sen2_return
-- .rules), one row per rule and landed file: its reference (DfE's number when known), severity (error: the
-- requests it touches are quarantined; query: reported only), module and item, message, how many module rows
-- break it and the first lines. A run's rules are those of the files it used (meta.run_files). No value of
-- the return is kept. published.source_rules shows them, without lines, beside published.sources.
CREATE TABLE meta.validation (
    file_id      bigint NOT NULL REFERENCES meta.files,
    rule         text NOT NULL,
    reference    text NOT NULL,
    dfe_number   text,
    severity     text NOT NULL CHECK (severity IN ('error', 'query')),
    module       text NOT NULL,
    item         text NOT NULL,
    message      text NOT NULL,
    rows         bigint NOT NULL CHECK (rows > 0),
    first_lines  bigint[] NOT NULL,
    PRIMARY KEY (file_id, rule)
);

CREATE TABLE published.source_rules (
    source_name  text NOT NULL,
    kind         text NOT NULL,
    file_name    text NOT NULL,
    sha256       text NOT NULL,
    rule         text NOT NULL,
    reference    text NOT NULL,
    severity     text NOT NULL,
    module       text NOT NULL,
    item         text NOT NULL,
    message      text NOT NULL,
    rows         bigint NOT NULL,
    PRIMARY KEY (source_name, sha256, rule)
);
