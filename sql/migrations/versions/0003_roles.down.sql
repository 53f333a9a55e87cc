-- 0003_roles (down): back to one landing per content; the role is kept (other databases may use it).
ALTER TABLE meta.runs DROP COLUMN IF EXISTS run_by;
ALTER TABLE meta.files DROP CONSTRAINT one_landing_per_content;
ALTER TABLE meta.files ADD CONSTRAINT one_landing_per_content UNIQUE (source_name, sha256);
ALTER TABLE meta.files DROP COLUMN IF EXISTS reader_version;
