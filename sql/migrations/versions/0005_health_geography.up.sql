-- 0005_health_geography (up): each LSOA's health geographies (CCG, sub-ICB location, ICB, STP) beside
-- its local-government ones; the best-fit lookup between LSOA 2011 and LSOA 2021 (ONS's own where
-- supplied, else derived from the two boundary sets); deprivation carried to LSOA 2021 records
-- the LSOA 2011 it came from.
ALTER TABLE core.lsoa_lookup
    ADD COLUMN ccg_code text COLLATE "C",
    ADD COLUMN sicbl_code text COLLATE "C",
    ADD COLUMN icb_code text COLLATE "C",
    ADD COLUMN stp_code text COLLATE "C";

-- For each LSOA 2021, the LSOA 2011 that best fits it: the one its area lies most within (share),
-- from ONS's lookup where supplied (no share), else from the boundaries.
CREATE TABLE core.lsoa_bestfit (
    lsoa21_code  text COLLATE "C" NOT NULL PRIMARY KEY,
    lsoa11_code  text COLLATE "C" NOT NULL,
    share        double precision,
    method       text NOT NULL CHECK (method IN ('ons lookup', 'boundaries'))
);

ALTER TABLE core.deprivation ADD COLUMN carried_from text COLLATE "C";
