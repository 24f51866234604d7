-- Jobs know their problem, so that progress per problem (the SSE stream, the dashboard) is one
-- indexed count instead of a scan of every payload.
ALTER TABLE jobs ADD COLUMN problem_id uuid REFERENCES problems (id) ON DELETE CASCADE;
CREATE INDEX jobs_problem_idx ON jobs (problem_id, state);
-- Candidate lists filter by problem and page by id (UUIDv7: time-ordered).
CREATE INDEX candidates_problem_id_idx ON candidates (problem_id, id);
CREATE INDEX candidates_build_idx ON candidates (build_key);
-- Bumped whenever tests are added, so that workers holding the problem in memory reload it.
ALTER TABLE problems ADD COLUMN revision integer NOT NULL DEFAULT 0;
