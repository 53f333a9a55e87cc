-- 0019_nhs_comparators (down): drop the NHS comparisons and restore the comparator types 0004 allowed.
DELETE FROM published.comparisons WHERE comparator_type IN ('nhs_england', 'nhs_sub_icb', 'nhs_icb');
ALTER TABLE published.comparisons DROP CONSTRAINT IF EXISTS comparisons_comparator_type_check;
ALTER TABLE published.comparisons ADD CONSTRAINT comparisons_comparator_type_check
    CHECK (comparator_type IN ('england', 'region', 'parent', 'neighbours', 'target'));
