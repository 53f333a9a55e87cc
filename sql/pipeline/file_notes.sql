-- The notes of a file just landed in the run (:file_id): what reading it noted without quarantining a row,
-- such as the files of a release not read (jsna.sources.releases), kept in its run record.
UPDATE {run}.files SET notes = :notes WHERE file_id = :file_id;
