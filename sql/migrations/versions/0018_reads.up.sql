-- 0018_reads (up): core.build_reads, the named queries (sql/queries) each step of a build read: an indicator
-- family ('indicators:ehcp' ...), place planning ('planning'), the milestones ('milestones'). Built and swapped
-- in with the core model; the next refresh redoes only the steps whose queries read a table its changed
-- sources changed (jsna.rebuild).
CREATE TABLE core.build_reads (
    step   text NOT NULL,
    query  text NOT NULL,
    PRIMARY KEY (step, query)
);
