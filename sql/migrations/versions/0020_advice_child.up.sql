-- 0020_advice_child (up): an advice return's child is keyed twice: case_key, the keyed hash of the authority's
-- case reference (joins a bespoke EHC extract's case_key), and child_key, the keyed hash of the strongest
-- identifier the return gives (the UPN where given: joins a SEN2 return's child_key). Null for rows landed
-- before this revision (they join by case_key only until their file is landed again).
ALTER TABLE raw.advice_returns ADD COLUMN child_key text COLLATE "C";
ALTER TABLE core.advice_returns ADD COLUMN child_key text COLLATE "C";
