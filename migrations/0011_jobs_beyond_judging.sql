-- Work that needs the sandbox runs on workers only: preparing an uploaded package (its checker
-- compiled) and generating tests from a team's programs are queued like judging, and a finished
-- job keeps what it produced (`store::queue::JobOutput`) for the client that follows it.
ALTER TYPE job_kind ADD VALUE 'prepare_package';
ALTER TYPE job_kind ADD VALUE 'generate_tests';
ALTER TABLE jobs ADD COLUMN result jsonb;
