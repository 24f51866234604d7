-- Live selection sessions: a strategy fed a real contest's feedback, one submission at a time.
-- A session's state is its submissions; the last one has no feedback until the client sends it.
CREATE TABLE selection_sessions (
    id         uuid        PRIMARY KEY,
    problem_id uuid        NOT NULL REFERENCES problems (id) ON DELETE CASCADE,
    strategy   text        NOT NULL,
    k          integer     NOT NULL CHECK (k > 0),
    rules      text        NOT NULL CHECK (rules IN ('ioi', 'codeforces', 'icpc')),
    scorer     text        NOT NULL,
    seed       bigint      NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX selection_sessions_problem_idx ON selection_sessions (problem_id, created_at DESC);

CREATE TABLE session_submissions (
    session_id   uuid     NOT NULL REFERENCES selection_sessions (id) ON DELETE CASCADE,
    rank         integer  NOT NULL CHECK (rank > 0),
    candidate_id uuid     NOT NULL REFERENCES candidates (id) ON DELETE CASCADE,
    subtask      smallint,
    reason       text     NOT NULL,
    -- IOI: {"subtasks": [fractions]}; pass/fail rules: {"accepted": bool}. NULL: awaited.
    feedback     jsonb,
    PRIMARY KEY (session_id, rank),
    CONSTRAINT session_submissions_once UNIQUE (session_id, candidate_id)
);
