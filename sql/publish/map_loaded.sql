-- When the newest published source was loaded, for a map's source line.
SELECT max(loaded_at) FROM published.sources;
