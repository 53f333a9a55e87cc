-- 0019_nhs_comparators (up): comparisons may also be with NHS England's published figures: England's
-- ('nhs_england') and the same sub-ICB location's or ICB's ('nhs_sub_icb', 'nhs_icb'), e.g. the local
-- waiting list's autism figure against NHS England's Autism Statistics (jsna.indicators.health.nhs_comparisons).
ALTER TABLE published.comparisons DROP CONSTRAINT IF EXISTS comparisons_comparator_type_check;
ALTER TABLE published.comparisons ADD CONSTRAINT comparisons_comparator_type_check
    CHECK (comparator_type IN ('england', 'region', 'parent', 'neighbours', 'target',
                               'nhs_england', 'nhs_sub_icb', 'nhs_icb'));
