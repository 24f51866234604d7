-- What the dashboard aggregates per results row, computed once when the row is written: the
-- outcome (AC; OK when a test had no answer to compare with; else the first failing verdict,
-- skipping SK, the tests not run after a failure) and the largest time and memory.
CREATE FUNCTION sieve_outcome(v smallint[]) RETURNS smallint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce((SELECT x FROM unnest(v) WITH ORDINALITY u(x, i)
                      WHERE x NOT IN (0, 9, 10) ORDER BY i LIMIT 1),
                    CASE WHEN 10 = ANY(v) THEN 10 ELSE 0 END)::smallint
$$;
CREATE FUNCTION sieve_array_max(v integer[]) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT max(x) FROM unnest(v) x
$$;
ALTER TABLE results
    ADD COLUMN outcome smallint GENERATED ALWAYS AS (sieve_outcome(verdicts)) STORED,
    ADD COLUMN max_time_us integer GENERATED ALWAYS AS (sieve_array_max(time_us)) STORED,
    ADD COLUMN max_memory_kib integer GENERATED ALWAYS AS (sieve_array_max(memory_kib)) STORED;
