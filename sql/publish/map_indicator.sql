-- A printed map's indicator :i: its title, unit, polarity, target and the kinds of source it is built
-- from (comma-separated), from the published catalogue.
SELECT title, short_title, unit, polarity, target, sources FROM published.indicators WHERE indicator_id = :i;
