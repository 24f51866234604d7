-- The first failing test of each result (a build on one kind of test): its index, verdict,
-- the checker's or runtime's message and the end of the candidate's stderr, capped, so that a
-- failure can be debugged without running it again. Null when every test passed, and for
-- results stored before this migration.
ALTER TABLE results ADD COLUMN failure jsonb;
