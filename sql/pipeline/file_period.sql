-- Record the periods a file landed by this run covers (:period, e.g. "2015 to 2025") in its run record.
UPDATE {run}.files SET period = :period WHERE file_id = :file_id;
