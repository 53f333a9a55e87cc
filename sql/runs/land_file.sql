-- Records one file landed by the run (run_<id>.files): where it came from, its checksum and its row accounting.
INSERT INTO {run}.files (file_id, run_id, source_name, kind, path, sha256, bytes, raw_table, rows_in, rows_loaded,
                         rows_quarantined, loaded_at, reader_version)
VALUES (:f, :r, :n, :k, :p, :s, :b, :t, :i, :l, :q, :a, :v);
