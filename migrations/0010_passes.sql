-- "Passed" has one definition, `Verdict::passes` in Rust: accepted (stored as 0, the index of AC
-- in `Verdict::ALL`) with the full score (a NaN score is not full). A results row is passed when every test in it is (an
-- empty row is, as `0 = ALL('{}')` was); the queries read `passed` instead of restating it.
CREATE FUNCTION sieve_passes(verdicts smallint[], scores real[]) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT NOT EXISTS (SELECT 1 FROM unnest(verdicts, scores) AS t(v, s) WHERE v <> 0 OR s < 1 OR s = 'NaN')
$$;
ALTER TABLE results ADD COLUMN passed boolean GENERATED ALWAYS AS (sieve_passes(verdicts, scores)) STORED;
