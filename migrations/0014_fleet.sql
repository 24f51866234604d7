-- Workers wake when there is work: a job queued (new, or queued again after a failed attempt or
-- a release) is announced on `sieve_jobs` with its kind, so an idle worker takes it at once and
-- polls only as a fallback. Equal notifications of one transaction fold into one, so a batch of
-- thousands of jobs sends one.
CREATE FUNCTION notify_jobs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('sieve_jobs', NEW.kind::text);
    RETURN NULL;
END
$$;
CREATE TRIGGER jobs_queued_added AFTER INSERT ON jobs
    FOR EACH ROW WHEN (NEW.state = 'queued')
    EXECUTE FUNCTION notify_jobs();
CREATE TRIGGER jobs_queued_again AFTER UPDATE OF state ON jobs
    FOR EACH ROW WHEN (NEW.state = 'queued' AND OLD.state IS DISTINCT FROM NEW.state)
    EXECUTE FUNCTION notify_jobs();

-- Finished jobs are purged after a retention period (`sieve worker --job-retention-hours`).
CREATE INDEX jobs_finished_idx ON jobs (updated_at) WHERE state IN ('done', 'failed');

-- Which worker judged a result, and that host's speed: verdicts that depend on the machine can be
-- traced to it.
ALTER TABLE results ADD COLUMN host text;
ALTER TABLE results ADD COLUMN host_speed real;
