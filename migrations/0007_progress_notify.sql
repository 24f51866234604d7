-- Judging progress changes are announced on the `sieve_progress` channel with the problem's id,
-- so that the API's event hub reads a problem's progress only when it changed, whichever process
-- (a `sieve worker` elsewhere included) changed it. PostgreSQL folds equal notifications of one
-- transaction into one, so a batch of thousands of jobs sends one per problem.
CREATE FUNCTION notify_progress() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    problem uuid;
BEGIN
    IF TG_OP = 'DELETE' THEN
        problem := OLD.problem_id;
    ELSE
        problem := NEW.problem_id;
    END IF;
    IF problem IS NOT NULL THEN
        PERFORM pg_notify('sieve_progress', problem::text);
    END IF;
    RETURN NULL;
END
$$;

-- A job queued, taken, finished, failed or removed (heartbeats do not change the state).
CREATE TRIGGER jobs_progress_added AFTER INSERT OR DELETE ON jobs
    FOR EACH ROW EXECUTE FUNCTION notify_progress();
CREATE TRIGGER jobs_progress_changed AFTER UPDATE OF state ON jobs
    FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state)
    EXECUTE FUNCTION notify_progress();
-- Results written (a job writes them before it is marked done).
CREATE TRIGGER results_progress AFTER INSERT OR UPDATE ON results
    FOR EACH ROW EXECUTE FUNCTION notify_progress();
-- A candidate posted, built, or removed.
CREATE TRIGGER candidates_progress_added AFTER INSERT OR DELETE ON candidates
    FOR EACH ROW EXECUTE FUNCTION notify_progress();
CREATE TRIGGER candidates_progress_built AFTER UPDATE OF build_key ON candidates
    FOR EACH ROW WHEN (OLD.build_key IS DISTINCT FROM NEW.build_key)
    EXECUTE FUNCTION notify_progress();
