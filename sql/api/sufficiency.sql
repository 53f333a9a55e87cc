-- Published place sufficiency (published.sufficiency: demand against places by district, need, provision
-- and year; withheld rows as published), each filter left out when null: area :area, need :need,
-- provision :provision.
SELECT area_code, area_name, need, provision, year, demand, demand_lower80, demand_upper80, places, surplus,
       short, first_short_year, symbol
FROM published.sufficiency
WHERE (CAST(:area AS text) IS NULL OR area_code = :area)
  AND (CAST(:need AS text) IS NULL OR need = :need)
  AND (CAST(:provision AS text) IS NULL OR provision = :provision)
ORDER BY area_code, need, provision, year
LIMIT :limit OFFSET :offset;
