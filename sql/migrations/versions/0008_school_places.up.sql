-- 0008_school_places (up): specialist places by school, need and provision as the planner counts them
-- (special schools' commissioned places; mainstream resourced provision and SEN units under their first
-- SEN provision type). Public information about schools, not about children: published in clear.
CREATE TABLE published.school_places (
    urn        integer NOT NULL,
    lad_code   text COLLATE "C",
    need       text NOT NULL,
    provision  text NOT NULL,
    places     double precision NOT NULL,
    PRIMARY KEY (urn, need, provision)
);
