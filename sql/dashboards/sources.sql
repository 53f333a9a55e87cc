-- Each loaded source: file, checksum, when loaded, rows in / loaded / quarantined.
SELECT * FROM published.sources ORDER BY source_name;
