//! Candidates, their builds (one per distinct source, language and toolchain) and their judging
//! results (one row per build, problem and test kind, as parallel arrays).

use crate::{Store, StoreError};
use serde::{Deserialize, Serialize};
use sieve_domain::{
    BlobHash, BuildKey, CandidateId, Language, OutputHash, ProblemId, TestKind, TestOutcome,
    Verdict,
};
use uuid::Uuid;

/// A candidate as posted.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NewCandidate {
    /// The program's source (or module bytes).
    pub source: String,
    /// Its language (any name the API takes: `cpp`, `c++17`, `c`, ...).
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "cpp"))]
    pub language: Language,
    /// The subtask it was written for.
    pub target_subtask: Option<i16>,
    /// The model that wrote it.
    pub model: Option<String>,
    /// The model's log-probability of it.
    pub logprob: Option<f64>,
    /// How many tokens the generation took.
    pub gen_tokens: Option<i32>,
    /// Free-form tags.
    #[serde(default)]
    pub tags: serde_json::Value,
    /// Re-posting the same key returns the same candidate.
    pub idempotency_key: Option<String>,
}

/// A stored candidate.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CandidateRow {
    /// Its id.
    pub id: CandidateId,
    /// Its problem.
    pub problem_id: ProblemId,
    /// Its language.
    pub language: Language,
    /// Its source's blob.
    pub source_hash: BlobHash,
    /// The build judged for it, once compiled.
    pub build_key: Option<BuildKey>,
    /// The subtask it was written for.
    pub target_subtask: Option<i16>,
}

/// The verdict stored at `i` of a results row.
pub(crate) fn verdict_at(verdicts: &[i16], i: usize) -> Result<Verdict, StoreError> {
    Verdict::from_index(verdicts[i])
        .ok_or_else(|| StoreError::Corrupt(format!("no verdict is stored as {}", verdicts[i])))
}

/// The output hash stored at `i` of a results row (16 bytes each; the schema checks the length).
pub(crate) fn hash_at(hashes: &[u8], i: usize) -> Result<OutputHash, StoreError> {
    hashes
        .get(16 * i..16 * i + 16)
        .ok_or_else(|| StoreError::Corrupt(format!("no output hash {i}")))
        .and_then(|h| OutputHash::from_slice(h).map_err(|e| StoreError::Corrupt(e.to_string())))
}

/// A results row's arrays, one element per test.
pub(crate) struct ResultColumns<'a> {
    pub test_idx: &'a [i32],
    pub verdicts: &'a [i16],
    pub scores: &'a [f32],
    pub time_us: &'a [i32],
    pub fuel: &'a [i64],
    pub memory_kib: &'a [i32],
    pub output_hashes: &'a [u8],
}

/// Each test's outcome of a results row; a verdict or hash that does not decode is corrupt data.
pub(crate) fn outcomes(r: &ResultColumns<'_>) -> Result<Vec<TestOutcome>, StoreError> {
    (0..r.test_idx.len())
        .map(|i| {
            Ok(TestOutcome {
                test: r.test_idx[i],
                verdict: verdict_at(r.verdicts, i)?,
                score: r.scores[i],
                time_us: r.time_us[i],
                fuel: r.fuel[i],
                memory_kib: r.memory_kib[i],
                output_hash: hash_at(r.output_hashes, i)?,
            })
        })
        .collect()
}

/// A compile's outcome, stored once per build key.
#[derive(Clone, Debug, PartialEq)]
pub struct BuildRow {
    /// Its key.
    pub key: BuildKey,
    /// Compiled?
    pub ok: bool,
    /// The module's blob hash when compiled.
    pub module_hash: Option<BlobHash>,
    /// The compiler's message.
    pub message: String,
}

/// The machine that judged a result: its name and its measured speed.
#[derive(Clone, Debug, PartialEq)]
pub struct Host {
    /// Its host name.
    pub name: String,
    /// Its speed: wasm fuel units per CPU millisecond on sieve's fixed kernel
    /// (`sieve_sandbox::host_speed`), comparable with a problem's `fuel_per_ms`.
    pub speed: f64,
}

/// A build's results on one kind of test of a problem, with how they were judged.
#[derive(Clone, Copy, Debug)]
pub struct NewResults<'a> {
    /// The problem.
    pub problem: ProblemId,
    /// The build judged.
    pub build_key: &'a BuildKey,
    /// The kind of test.
    pub kind: TestKind,
    /// One outcome per test judged.
    pub results: &'a [TestOutcome],
    /// The time factor the limit was judged with.
    pub time_factor: sieve_domain::TimeFactor,
    /// The first failing test's message and stderr, if any failed.
    pub failure: Option<&'a sieve_domain::FirstFailure>,
    /// The machine that judged them, if known.
    pub host: Option<&'a Host>,
}

impl Store {
    /// Stores candidates of `problem` in one transaction; a candidate whose idempotency key was
    /// seen before is not stored again. Returns each one's id and whether it is new.
    pub async fn insert_candidates(
        &self,
        problem: ProblemId,
        candidates: &[NewCandidate],
    ) -> Result<Vec<(CandidateId, bool)>, StoreError> {
        let mut batch = self.begin_batch().await?;
        let ids = batch.insert_candidates(problem, candidates).await?;
        batch.commit().await?;
        Ok(ids)
    }

    /// A transaction for a large ingest: everything written through it lands, or nothing does.
    pub async fn begin_batch(&self) -> Result<Batch, StoreError> {
        let mut tx = self.pool().begin().await?;
        crate::delete::hold_blobs(&mut tx).await?;
        Ok(Batch(tx))
    }

    /// A candidate with its source.
    pub async fn candidate(
        &self,
        id: CandidateId,
    ) -> Result<Option<(CandidateRow, Vec<u8>)>, StoreError> {
        let row = sqlx::query!(
            r#"SELECT c.problem_id, c.language, c.source_hash, c.build_key, c.target_subtask, b.data AS source
               FROM candidates c JOIN blobs b ON b.hash = c.source_hash WHERE c.id = $1"#,
            id.0
        )
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| {
            let language = r
                .language
                .parse()
                .map_err(|e: sieve_domain::UnknownLanguage| {
                    StoreError::Corrupt(format!("candidate {id}: {e}"))
                })?;
            Ok((
                CandidateRow {
                    id,
                    problem_id: ProblemId(r.problem_id),
                    language,
                    source_hash: BlobHash::from_slice(&r.source_hash)
                        .map_err(|e| StoreError::Corrupt(format!("candidate {id}: {e}")))?,
                    build_key: r
                        .build_key
                        .map(|k| BuildKey::from_slice(&k))
                        .transpose()
                        .map_err(|e| StoreError::Corrupt(format!("candidate {id}: {e}")))?,
                    target_subtask: r.target_subtask,
                },
                r.source,
            ))
        })
        .transpose()
    }

    /// The build stored under `key`, if any.
    pub async fn build(&self, key: &BuildKey) -> Result<Option<BuildRow>, StoreError> {
        let row = sqlx::query!(
            "SELECT ok, module_hash, message FROM builds WHERE key = $1",
            &key.0[..]
        )
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| {
            let module_hash = r
                .module_hash
                .map(|h| {
                    h.as_slice().try_into().map(BlobHash).map_err(|_| {
                        StoreError::Corrupt(format!("a build's module hash of {} bytes", h.len()))
                    })
                })
                .transpose()?;
            Ok(BuildRow {
                key: *key,
                ok: r.ok,
                module_hash,
                message: r.message,
            })
        })
        .transpose()
    }

    /// Records a build (once per key) and links `candidate` to it.
    #[allow(clippy::too_many_arguments)]
    pub async fn record_build(
        &self,
        candidate: CandidateId,
        build: &BuildRow,
        module: Option<&[u8]>,
        source_hash: &BlobHash,
        language: Language,
        toolchain: &str,
        compile_ms: i32,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool().begin().await?;
        crate::delete::hold_blobs(&mut tx).await?;
        if let Some(module) = module {
            crate::put_blob_on(&mut *tx, module).await?;
        }
        sqlx::query!(
            r#"INSERT INTO builds (key, source_hash, language, toolchain, ok, module_hash, message, compile_ms)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (key) DO NOTHING"#,
            &build.key.0[..],
            &source_hash.0[..],
            language.name(),
            toolchain,
            build.ok,
            build.module_hash.as_ref().map(|h| &h.0[..]),
            build.message,
            compile_ms
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!(
            "UPDATE candidates SET build_key = $2 WHERE id = $1",
            candidate.0,
            &build.key.0[..]
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Stores the results of a build on one kind of test, with how they were judged (a rerun
    /// replaces them: idempotent).
    pub async fn put_results(&self, r: &NewResults<'_>) -> Result<(), StoreError> {
        let results = r.results;
        let failure = r.failure.and_then(|f| serde_json::to_value(f).ok());
        let col = |f: fn(&TestOutcome) -> i64| results.iter().map(f).collect::<Vec<i64>>();
        let test_idx: Vec<i32> = results.iter().map(|r| r.test).collect();
        let verdicts: Vec<i16> = results.iter().map(|r| r.verdict.index()).collect();
        let scores: Vec<f32> = results.iter().map(|r| r.score).collect();
        let time_us: Vec<i32> = results.iter().map(|r| r.time_us).collect();
        let memory: Vec<i32> = results.iter().map(|r| r.memory_kib).collect();
        let hashes: Vec<u8> = results.iter().flat_map(|r| r.output_hash.0).collect();
        sqlx::query!(
            r#"INSERT INTO results (problem_id, build_key, kind, test_idx, verdicts, scores, time_us, fuel, memory_kib, output_hashes, time_factor, failure, host, host_speed)
               VALUES ($1, $2, $3::text::test_kind, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
               ON CONFLICT (problem_id, build_key, kind) DO UPDATE SET test_idx = EXCLUDED.test_idx,
                   verdicts = EXCLUDED.verdicts, scores = EXCLUDED.scores, time_us = EXCLUDED.time_us,
                   fuel = EXCLUDED.fuel, memory_kib = EXCLUDED.memory_kib,
                   output_hashes = EXCLUDED.output_hashes, time_factor = EXCLUDED.time_factor,
                   failure = EXCLUDED.failure, host = EXCLUDED.host, host_speed = EXCLUDED.host_speed,
                   judged_at = now()"#,
            r.problem.0,
            &r.build_key.0[..],
            r.kind.name(),
            &test_idx,
            &verdicts,
            &scores,
            &time_us,
            &col(|r| r.fuel),
            &memory,
            &hashes,
            r.time_factor.value() as f32,
            failure,
            r.host.map(|h| h.name.as_str()),
            r.host.map(|h| h.speed as f32)
        )
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Why the first failing test of a build's results on each kind of test failed, where it
    /// was recorded.
    pub async fn result_failures(
        &self,
        problem: ProblemId,
        build_key: &BuildKey,
    ) -> Result<Vec<(TestKind, sieve_domain::FirstFailure)>, StoreError> {
        let rows = sqlx::query!(
            r#"SELECT kind::text AS "kind!", failure AS "failure!" FROM results
               WHERE problem_id = $1 AND build_key = $2 AND failure IS NOT NULL ORDER BY kind"#,
            problem.0,
            &build_key.0[..]
        )
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|r| {
                let failure = serde_json::from_value(r.failure)
                    .map_err(|e| StoreError::Corrupt(format!("a result's failure: {e}")))?;
                Ok((crate::problems::parse_kind(&r.kind), failure))
            })
            .collect()
    }

    /// The results of a build on one kind of test, if judged.
    pub async fn results(
        &self,
        problem: ProblemId,
        build_key: &BuildKey,
        kind: TestKind,
    ) -> Result<Option<Vec<TestOutcome>>, StoreError> {
        let row = sqlx::query!(
            r#"SELECT test_idx, verdicts, scores, time_us, fuel, memory_kib, output_hashes FROM results
               WHERE problem_id = $1 AND build_key = $2 AND kind = $3::text::test_kind"#,
            problem.0,
            &build_key.0[..],
            kind.name()
        )
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| {
            outcomes(&ResultColumns {
                test_idx: &r.test_idx,
                verdicts: &r.verdicts,
                scores: &r.scores,
                time_us: &r.time_us,
                fuel: &r.fuel,
                memory_kib: &r.memory_kib,
                output_hashes: &r.output_hashes,
            })
        })
        .transpose()
    }
}

/// Writes that land together or not at all (see [`Store::begin_batch`]).
pub struct Batch(sqlx::Transaction<'static, sqlx::Postgres>);

impl Batch {
    /// Like [`Store::insert_candidates`], inside this batch.
    pub async fn insert_candidates(
        &mut self,
        problem: ProblemId,
        candidates: &[NewCandidate],
    ) -> Result<Vec<(CandidateId, bool)>, StoreError> {
        let tx = &mut self.0;
        let mut out = Vec::with_capacity(candidates.len());
        for c in candidates {
            let hash = crate::put_blob_on(&mut **tx, c.source.as_bytes()).await?;
            let id = Uuid::now_v7();
            let inserted = sqlx::query_scalar!(
                r#"INSERT INTO candidates (id, problem_id, source_hash, language, target_subtask, model,
                       logprob, gen_tokens, tags, idempotency_key)
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                   ON CONFLICT (problem_id, idempotency_key) DO NOTHING
                   RETURNING id"#,
                id,
                problem.0,
                &hash[..],
                c.language.name(),
                c.target_subtask,
                c.model,
                c.logprob,
                c.gen_tokens,
                if c.tags.is_null() { serde_json::json!({}) } else { c.tags.clone() },
                c.idempotency_key
            )
            .fetch_optional(&mut **tx)
            .await?;
            match inserted {
                Some(id) => out.push((CandidateId(id), true)),
                None => {
                    let existing = sqlx::query!(
                        "SELECT id, source_hash, language FROM candidates
                         WHERE problem_id = $1 AND idempotency_key = $2",
                        problem.0,
                        c.idempotency_key
                    )
                    .fetch_one(&mut **tx)
                    .await?;
                    // A retry repeats the request; another program under the same key is a
                    // client's mistake that silence would hide.
                    if existing.source_hash != hash[..] || existing.language != c.language.name() {
                        return Err(StoreError::IdempotencyConflict {
                            index: out.len(),
                            key: c.idempotency_key.clone().unwrap_or_default(),
                        });
                    }
                    out.push((CandidateId(existing.id), false));
                }
            }
        }
        Ok(out)
    }

    /// Queues `jobs` about `problem` inside this batch, in one statement: each with its priority
    /// and dedup key (a key already queued is skipped). Returns how many were added.
    pub async fn enqueue_many(
        &mut self,
        problem: ProblemId,
        jobs: &[(crate::queue::Task, i16, String)],
    ) -> Result<u64, StoreError> {
        crate::queue::enqueue_many_on(&mut *self.0, problem, jobs).await
    }

    /// Makes every write of the batch visible at once.
    pub async fn commit(self) -> Result<(), StoreError> {
        Ok(self.0.commit().await?)
    }
}
