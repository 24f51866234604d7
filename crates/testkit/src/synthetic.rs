//! Synthetic judged candidates for benchmarks, written in SQL in one statement per table.

use sieve_domain::ProblemId;
use sieve_store::{Store, StoreError};

/// Adds `count` judged candidates to `problem`, against the tests it has: 5% fail to compile,
/// one in seven fails its last public test, one in eleven crashes on the first generated
/// test, and the rest fall into 13 output clusters of uneven size on the generated tests, of
/// which clusters 0 to 2 pass every hidden test and the others fail one.
pub async fn add_synthetic_candidates(
    store: &Store,
    problem: ProblemId,
    count: i32,
) -> Result<(), StoreError> {
    let mut tx = store.pool().begin().await?;
    let tag = problem.0.to_string();
    sqlx::query!(
        r#"INSERT INTO blobs (hash, size, data)
               SELECT sha256(convert_to('src ' || $1 || ' ' || i, 'UTF8')), 16,
                      convert_to('// candidate ' || i, 'UTF8')
               FROM generate_series(1, $2) i ON CONFLICT DO NOTHING"#,
        tag,
        count
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        r#"INSERT INTO builds (key, source_hash, language, toolchain, ok, message)
               SELECT sha256(convert_to('build ' || $1 || ' ' || i, 'UTF8')),
                      sha256(convert_to('src ' || $1 || ' ' || i, 'UTF8')), 'cpp', 'synthetic',
                      i % 20 <> 0, CASE WHEN i % 20 = 0 THEN 'error: synthetic' ELSE '' END
               FROM generate_series(1, $2) i ON CONFLICT DO NOTHING"#,
        tag,
        count
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        r#"INSERT INTO candidates (id, problem_id, source_hash, language, build_key, gen_tokens)
               SELECT gen_random_uuid(), $1, sha256(convert_to('src ' || $2 || ' ' || i, 'UTF8')),
                      'cpp', sha256(convert_to('build ' || $2 || ' ' || i, 'UTF8')), 500 + i % 1500
               FROM generate_series(1, $3) i"#,
        problem.0,
        tag,
        count
    )
    .execute(&mut *tx)
    .await?;
    // Verdict codes: 0 AC, 1 WA, 6 RE, 9 SK (not run after a failure), 10 OK (no answer).
    sqlx::query!(
            r#"WITH c AS (SELECT i, (i % 97) % 13 AS cl FROM generate_series(1, $3) i WHERE i % 20 <> 0),
                    t AS (SELECT idx, kind, row_number() OVER (PARTITION BY kind ORDER BY idx) AS n,
                                 count(*) OVER (PARTITION BY kind) AS total
                          FROM tests WHERE problem_id = $1),
                    v AS (SELECT c.i, t.kind, t.idx,
                              CASE WHEN t.kind = 'public' THEN
                                       CASE WHEN c.i % 7 = 0 AND t.n = t.total THEN 1 ELSE 0 END
                                   WHEN t.kind = 'generated' THEN
                                       CASE WHEN c.i % 11 = 0 AND t.n = 1 THEN 6 ELSE 10 END
                                   WHEN c.cl < 3 THEN 0
                                   WHEN t.n < 1 + c.cl % t.total THEN 0
                                   WHEN t.n = 1 + c.cl % t.total THEN 1 ELSE 9 END::smallint AS verdict,
                              decode(md5(CASE WHEN t.kind = 'generated' THEN c.cl::text ELSE c.i::text END
                                         || ':' || t.idx), 'hex') AS out,
                              (50 + (c.i * 37 + t.idx * 11) % 900) * 1000 AS time_us,
                              1024 + (c.i * 13) % 65536 AS memory_kib
                          FROM c CROSS JOIN t)
               INSERT INTO results (problem_id, build_key, kind, test_idx, verdicts, scores, time_us,
                                    fuel, memory_kib, output_hashes)
               SELECT $1, sha256(convert_to('build ' || $2 || ' ' || i, 'UTF8')), kind,
                      array_agg(idx ORDER BY idx), array_agg(verdict ORDER BY idx),
                      array_agg(CASE WHEN verdict = 0 THEN 1 ELSE 0 END::real ORDER BY idx),
                      array_agg(time_us ORDER BY idx), array_agg(0::bigint ORDER BY idx),
                      array_agg(memory_kib ORDER BY idx), string_agg(out, ''::bytea ORDER BY idx)
               FROM v GROUP BY i, kind"#,
            problem.0,
            tag,
            count
        )
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    // As autovacuum would after such a load: the planner needs to know the tables grew.
    sqlx::query!("ANALYZE blobs, builds, candidates, results")
        .execute(store.pool())
        .await?;
    Ok(())
}
