-- The dashboard lists a problem's selections and a contest's simulations, newest first.
CREATE INDEX selections_problem_idx ON selections (problem_id, created_at DESC);
CREATE INDEX simulations_contest_idx ON simulations (contest_id, created_at DESC);
