-- The queue's contract in the schema: a job's kind and state are enums (the Rust side has one
-- enum each, `store::queue::{JobKind, JobState}`), so a misspelt kind or state is an error, not a
-- job nobody takes.
CREATE TYPE job_kind AS ENUM ('judge');
CREATE TYPE job_state AS ENUM ('queued', 'running', 'done', 'failed');

-- Objects that name the columns are dropped and made again around the change of type.
DROP TRIGGER jobs_progress_changed ON jobs;
DROP INDEX jobs_ready_idx;
DROP INDEX jobs_lease_idx;
ALTER TABLE jobs DROP CONSTRAINT jobs_state_check;
ALTER TABLE jobs ALTER COLUMN state DROP DEFAULT;
ALTER TABLE jobs
    ALTER COLUMN kind TYPE job_kind USING kind::job_kind,
    ALTER COLUMN state TYPE job_state USING state::job_state;
ALTER TABLE jobs ALTER COLUMN state SET DEFAULT 'queued';
CREATE INDEX jobs_ready_idx ON jobs (priority DESC, created_at) WHERE state = 'queued';
CREATE INDEX jobs_lease_idx ON jobs (lease_expires_at) WHERE state = 'running';
CREATE TRIGGER jobs_progress_changed AFTER UPDATE OF state ON jobs
    FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state)
    EXECUTE FUNCTION notify_progress();
