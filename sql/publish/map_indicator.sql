-- A board-paper map's indicator :i: its title and unit, from the published catalogue.
SELECT title, unit FROM published.indicators WHERE indicator_id = :i;
