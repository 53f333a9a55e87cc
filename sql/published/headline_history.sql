-- published.headline_history: the headline figures of every earlier build, carried into this run's next
-- version of the table (this build's own rows are added beside them by jsna.pipeline.publish_headlines).
INSERT INTO {run}."published__headline_history" SELECT * FROM published.headline_history;
