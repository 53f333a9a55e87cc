-- One validation rule a file just landed in the run breaks (:file_id), with how many of its records break it
-- and their first lines: kept in meta.validation at commit.
INSERT INTO {run}.validation (file_id, rule, reference, dfe_number, severity, module, item, message, rows,
                              first_lines)
VALUES (:file_id, :rule, :reference, :dfe, :severity, :module, :item, :message, :rows, :lines);
