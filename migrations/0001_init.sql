-- sieve's schema. Large per-test data is stored as arrays in one row per (build, problem, test kind),
-- never as one row per test: 10,000 candidates x 300 tests stays 10,000 rows per kind.

-- Content-addressed storage: sources, test inputs and answers, outputs, wasm modules.
-- hash = BLAKE3 of data (32 bytes). PostgreSQL compresses large values itself (TOAST).
CREATE TABLE blobs (
    hash       bytea       PRIMARY KEY CHECK (octet_length(hash) = 32),
    size       bigint      NOT NULL CHECK (size >= 0),
    data       bytea       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE contests (
    id               uuid        PRIMARY KEY,
    name             text        NOT NULL CONSTRAINT contests_name_key UNIQUE,
    rules            text        NOT NULL CONSTRAINT contests_rules_check CHECK (rules IN ('ioi', 'codeforces', 'icpc')),
    submission_limit integer     NOT NULL CONSTRAINT contests_submission_limit_check CHECK (submission_limit > 0),
    -- Codeforces: problem values and human ratings for Elo estimates; free-form.
    settings         jsonb       NOT NULL DEFAULT '{}',
    created_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE problems (
    id                 uuid        PRIMARY KEY,
    contest_id         uuid        REFERENCES contests (id) ON DELETE SET NULL,
    slug               text        NOT NULL CONSTRAINT problems_slug_key UNIQUE,
    name               text        NOT NULL,
    time_limit_ms      integer     NOT NULL CONSTRAINT problems_time_limit_check CHECK (time_limit_ms > 0),
    memory_limit_bytes bigint      NOT NULL CONSTRAINT problems_memory_limit_check CHECK (memory_limit_bytes > 0),
    output_limit_bytes bigint      NOT NULL CONSTRAINT problems_output_limit_check CHECK (output_limit_bytes > 0),
    -- domain::Checker as JSON; custom checkers reference a blob by hash.
    checker            jsonb       NOT NULL,
    score_precision    smallint    NOT NULL DEFAULT 2,
    -- Calibrated fuel per millisecond for the deterministic mode (NULL: not calibrated).
    fuel_per_ms        bigint,
    created_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX problems_contest_idx ON problems (contest_id);

CREATE TABLE subtasks (
    problem_id uuid             NOT NULL REFERENCES problems (id) ON DELETE CASCADE,
    idx        smallint         NOT NULL,
    name       text             NOT NULL,
    points     double precision NOT NULL CONSTRAINT subtasks_points_check CHECK (points >= 0),
    -- Indices of the subtasks this one contains (solving this one solves those).
    contains   smallint[]       NOT NULL DEFAULT '{}',
    PRIMARY KEY (problem_id, idx),
    CONSTRAINT subtasks_name_key UNIQUE (problem_id, name)
);

CREATE TYPE test_kind AS ENUM ('public', 'generated', 'hidden');

CREATE TABLE tests (
    problem_id  uuid       NOT NULL REFERENCES problems (id) ON DELETE CASCADE,
    idx         integer    NOT NULL,
    name        text       NOT NULL,
    kind        test_kind  NOT NULL,
    input_hash  bytea      NOT NULL REFERENCES blobs (hash),
    -- Generated tests may come without an expected answer.
    answer_hash bytea      REFERENCES blobs (hash),
    -- Indices of the subtasks this test belongs to (a shared test is stored once).
    subtasks    smallint[] NOT NULL DEFAULT '{}',
    PRIMARY KEY (problem_id, idx),
    CONSTRAINT tests_name_key UNIQUE (problem_id, name)
);
CREATE INDEX tests_kind_idx ON tests (problem_id, kind);

-- One build per (source, language, toolchain): identical sources are compiled and judged once.
CREATE TABLE builds (
    key          bytea       PRIMARY KEY CHECK (octet_length(key) = 32),
    source_hash  bytea       NOT NULL REFERENCES blobs (hash),
    language     text        NOT NULL,
    toolchain    text        NOT NULL,
    ok           boolean     NOT NULL,
    module_hash  bytea       REFERENCES blobs (hash),
    message      text        NOT NULL DEFAULT '',
    compile_ms   integer     NOT NULL DEFAULT 0,
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE candidates (
    id              uuid             PRIMARY KEY,
    problem_id      uuid             NOT NULL REFERENCES problems (id) ON DELETE CASCADE,
    source_hash     bytea            NOT NULL REFERENCES blobs (hash),
    language        text             NOT NULL,
    target_subtask  smallint,
    model           text,
    logprob         double precision,
    gen_tokens      integer,
    tags            jsonb            NOT NULL DEFAULT '{}',
    idempotency_key text,
    build_key       bytea            REFERENCES builds (key),
    created_at      timestamptz      NOT NULL DEFAULT now(),
    CONSTRAINT candidates_idempotency_key UNIQUE (problem_id, idempotency_key)
);
CREATE INDEX candidates_problem_idx ON candidates (problem_id, created_at);
CREATE INDEX candidates_source_idx ON candidates (problem_id, source_hash);

-- Judging results of one build on one kind of test of one problem, as parallel arrays indexed
-- like test_idx. output_hashes holds 16 bytes per test (truncated BLAKE3 of the normalised output).
CREATE TABLE results (
    problem_id    uuid        NOT NULL REFERENCES problems (id) ON DELETE CASCADE,
    build_key     bytea       NOT NULL REFERENCES builds (key),
    kind          test_kind   NOT NULL,
    test_idx      integer[]   NOT NULL,
    verdicts      smallint[]  NOT NULL,
    scores        real[]      NOT NULL,
    time_us       integer[]   NOT NULL,
    fuel          bigint[]    NOT NULL,
    memory_kib    integer[]   NOT NULL,
    output_hashes bytea       NOT NULL,
    judged_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (problem_id, build_key, kind),
    CONSTRAINT results_arrays_aligned CHECK (
        cardinality(verdicts) = cardinality(test_idx)
        AND cardinality(scores) = cardinality(test_idx)
        AND cardinality(time_us) = cardinality(test_idx)
        AND cardinality(fuel) = cardinality(test_idx)
        AND cardinality(memory_kib) = cardinality(test_idx)
        AND octet_length(output_hashes) = 16 * cardinality(test_idx))
);

CREATE TABLE scorers (
    name       text        NOT NULL,
    version    integer     NOT NULL,
    kind       text        NOT NULL,
    params     jsonb       NOT NULL DEFAULT '{}',
    metrics    jsonb       NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (name, version)
);

CREATE TABLE candidate_scores (
    candidate_id   uuid    NOT NULL REFERENCES candidates (id) ON DELETE CASCADE,
    scorer_name    text    NOT NULL,
    scorer_version integer NOT NULL,
    score          real    NOT NULL CHECK (score >= 0 AND score <= 1),
    PRIMARY KEY (candidate_id, scorer_name, scorer_version),
    FOREIGN KEY (scorer_name, scorer_version) REFERENCES scorers (name, version)
);

CREATE TABLE selections (
    id         uuid        PRIMARY KEY,
    problem_id uuid        NOT NULL REFERENCES problems (id) ON DELETE CASCADE,
    strategy   text        NOT NULL,
    k          integer     NOT NULL CHECK (k > 0),
    scorer     text,
    params     jsonb       NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE selection_picks (
    selection_id uuid     NOT NULL REFERENCES selections (id) ON DELETE CASCADE,
    rank         integer  NOT NULL,
    candidate_id uuid     NOT NULL REFERENCES candidates (id) ON DELETE CASCADE,
    subtask      smallint,
    score        real,
    reason       jsonb    NOT NULL DEFAULT '{}',
    PRIMARY KEY (selection_id, rank)
);

CREATE TABLE simulations (
    id          uuid        PRIMARY KEY,
    contest_id  uuid        NOT NULL REFERENCES contests (id) ON DELETE CASCADE,
    params      jsonb       NOT NULL,
    status      text        NOT NULL DEFAULT 'queued',
    report      jsonb,
    created_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz
);

CREATE TABLE simulation_runs (
    simulation_id uuid             NOT NULL REFERENCES simulations (id) ON DELETE CASCADE,
    strategy      text             NOT NULL,
    problem_id    uuid             NOT NULL REFERENCES problems (id) ON DELETE CASCADE,
    seed          integer          NOT NULL,
    score         double precision NOT NULL,
    submissions   integer          NOT NULL,
    detail        jsonb            NOT NULL DEFAULT '{}',
    PRIMARY KEY (simulation_id, strategy, problem_id, seed)
);

-- The work queue: taken with FOR UPDATE SKIP LOCKED, held by a lease that a heartbeat extends.
CREATE TABLE jobs (
    id               uuid        PRIMARY KEY,
    kind             text        NOT NULL,
    payload          jsonb       NOT NULL,
    priority         smallint    NOT NULL DEFAULT 0,
    state            text        NOT NULL DEFAULT 'queued'
                     CONSTRAINT jobs_state_check CHECK (state IN ('queued', 'running', 'done', 'failed')),
    attempts         integer     NOT NULL DEFAULT 0,
    max_attempts     integer     NOT NULL DEFAULT 3,
    lease_owner      text,
    lease_expires_at timestamptz,
    last_error       text,
    dedup_key        text        CONSTRAINT jobs_dedup_key UNIQUE,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX jobs_ready_idx ON jobs (priority DESC, created_at) WHERE state = 'queued';
CREATE INDEX jobs_lease_idx ON jobs (lease_expires_at) WHERE state = 'running';

CREATE TABLE api_keys (
    id         uuid        PRIMARY KEY,
    key_hash   bytea       NOT NULL CONSTRAINT api_keys_hash_key UNIQUE,
    role       text        NOT NULL CONSTRAINT api_keys_role_check CHECK (role IN ('admin', 'submitter', 'viewer')),
    label      text        NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);
