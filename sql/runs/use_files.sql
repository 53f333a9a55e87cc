-- A file (:f) this run uses, landed now or found landed before.
INSERT INTO {run}.used_files VALUES (:f) ON CONFLICT DO NOTHING;
