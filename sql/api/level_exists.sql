-- Whether any area of level :level is published (one probe of published.areas' primary key).
SELECT EXISTS (SELECT 1 FROM published.areas WHERE area_level = :level) AS found;
