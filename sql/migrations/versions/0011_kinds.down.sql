-- 0011_kinds (down): landed files without their notes.
ALTER TABLE meta.files DROP COLUMN notes;
