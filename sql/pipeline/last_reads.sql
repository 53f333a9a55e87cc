-- The named queries each step of the last build read (core.build_reads): an indicator family
-- ('indicators:ehcp' ...), place planning, the milestones. A step whose queries read nothing that changed
-- since is taken from that build as it is (jsna.rebuild).
SELECT step, query FROM core.build_reads ORDER BY step, query;
