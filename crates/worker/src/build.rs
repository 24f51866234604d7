//! Building a candidate once per distinct (source, language, toolchain, grader), which tests of a
//! kind it runs (the public ones that matter to it, the time-out budget), and cutting a
//! problem down to the tests of one kind.

use crate::judge_job::{Worker, WorkerError};
use sieve_domain::{BlobHash, BuildKey, CandidateId, Language, Subtask, TestKind};
use sieve_sandbox::{CompileOutcome, TestInput, compile};
use sieve_store::candidates::BuildRow;
use sieve_store::problems::StoredProblem;
use std::collections::HashMap;
use std::sync::Arc;

impl Worker {
    /// The build stored under `key`, with its module; `None` when there is none, or when its
    /// module is gone (it is then built again).
    async fn stored(
        &self,
        key: &BuildKey,
    ) -> Result<Option<(BuildRow, Option<Vec<u8>>)>, WorkerError> {
        let Some(build) = self.store.build(key).await? else {
            return Ok(None);
        };
        let wasm = match build.module_hash {
            Some(m) => match self.store.get_blob(&m).await? {
                Some(w) => Some(w),
                None => return Ok(None),
            },
            None => None,
        };
        Ok(Some((build, wasm)))
    }

    /// The candidate's build: the one it has (`kept`, a hex key), else the stored one of this
    /// source, else compiled now. A candidate's results must all come from one binary, so a
    /// candidate judged on tests added later keeps its build even when the toolchain has changed
    /// since (which gives its source another key).
    pub(crate) async fn build(
        &mut self,
        candidate: CandidateId,
        kept: Option<&BuildKey>,
        source: &[u8],
        language: Language,
        problem: &StoredProblem,
    ) -> Result<(BuildRow, Option<Vec<u8>>), WorkerError> {
        if let Some(k) = kept
            && let Some(found) = self.stored(k).await?
        {
            return Ok(found);
        }
        let mut h = blake3::Hasher::new();
        h.update(source);
        h.update(language.name().as_bytes());
        h.update(self.toolchain.fingerprint().as_bytes());
        for (name, data) in &problem.problem.grader {
            h.update(name.as_bytes());
            h.update(data);
        }
        let key = BuildKey(*h.finalize().as_bytes());
        if let Some((build, wasm)) = self.stored(&key).await? {
            self.store
                .record_build(
                    candidate,
                    &build,
                    None,
                    &BlobHash::of(source),
                    language,
                    self.toolchain.fingerprint(),
                    0,
                )
                .await?;
            crate::metrics::build(language, "stored", None);
            return Ok((build, wasm));
        }
        let (toolchain, cache, src, grader) = (
            self.toolchain.clone(),
            self.cache_dir.clone(),
            source.to_vec(),
            problem.problem.grader.clone(),
        );
        let started = std::time::Instant::now();
        let outcome = tokio::task::spawn_blocking(move || {
            compile(&toolchain, &src, language, &grader, &cache)
        })
        .await
        .map_err(|e| WorkerError::Invalid(format!("compile thread: {e}")))??;
        let (build, wasm, ms) = match outcome {
            CompileOutcome::Ok(c) => (
                BuildRow {
                    key,
                    ok: true,
                    module_hash: Some(BlobHash::of(&c.wasm)),
                    message: c.message,
                },
                Some(c.wasm),
                c.compile_ms,
            ),
            CompileOutcome::Error { message } => (
                BuildRow {
                    key,
                    ok: false,
                    module_hash: None,
                    message,
                },
                None,
                0,
            ),
        };
        self.store
            .record_build(
                candidate,
                &build,
                wasm.as_deref(),
                &BlobHash::of(source),
                language,
                self.toolchain.fingerprint(),
                ms as i32,
            )
            .await?;
        let outcome = if build.ok { "compiled" } else { "failed" };
        crate::metrics::build(language, outcome, Some(started.elapsed()));
        Ok((build, wasm))
    }
}

/// The tests of one kind, their indices in the problem, and the subtasks restricted to them.
pub(crate) fn tests_of_kind(
    problem: &StoredProblem,
    kind: TestKind,
) -> (Vec<TestInput>, Vec<usize>, Vec<Subtask>) {
    let p = &problem.problem;
    let index: Vec<usize> = (0..p.tests.len())
        .filter(|i| p.tests[*i].kind == kind)
        .collect();
    let position: HashMap<usize, usize> = index.iter().enumerate().map(|(k, i)| (*i, k)).collect();
    let tests = index
        .iter()
        .map(|i| TestInput {
            name: p.tests[*i].name.clone(),
            input: Arc::from(p.tests[*i].input.as_slice()),
            answer: p.tests[*i].answer.as_ref().map(|a| Arc::from(a.as_slice())),
        })
        .collect();
    let subtasks = p
        .subtasks
        .iter()
        .map(|s| Subtask {
            name: s.name.clone(),
            points: s.points,
            tests: s
                .tests
                .iter()
                .filter_map(|t| position.get(t).copied())
                .collect(),
            contains: s.contains.clone(),
        })
        .filter(|s| !s.tests.is_empty())
        .collect();
    (tests, index, subtasks)
}

/// Time-outs after which a candidate's generated tests stop: the rest are skipped.
/// A looping candidate would otherwise cost the time limit on each of a pool's many generated
/// tests, for outputs no strategy needs (its time-outs already rule it out).
pub const TIMEOUT_BUDGET: usize = 3;

/// The public tests whose failure stops a candidate before the generated tests: all of them, or
/// for a candidate written for one subtask, those of that subtask and of the subtasks it
/// contains (an IOI candidate aimed at subtask 1 may well fail the full problem's samples).
pub(crate) fn public_tests_that_matter(
    problem: &StoredProblem,
    target: Option<i16>,
) -> std::collections::HashSet<usize> {
    let p = &problem.problem;
    let public = |i: &usize| p.tests[*i].kind == TestKind::Public;
    match target.and_then(|t| p.subtasks.get(t as usize)) {
        Some(s) => s
            .tests
            .iter()
            .chain(
                s.contains
                    .iter()
                    .filter_map(|c| p.subtasks.get(*c))
                    .flat_map(|c| c.tests.iter()),
            )
            .copied()
            .filter(public)
            .collect(),
        None => (0..p.tests.len()).filter(public).collect(),
    }
}
