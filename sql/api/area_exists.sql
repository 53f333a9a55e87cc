-- Whether area :code is published (at any level).
SELECT EXISTS (SELECT 1 FROM published.areas WHERE area_code = :code) AS found;
