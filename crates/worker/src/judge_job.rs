use serde::{Deserialize, Serialize};
use sieve_domain::{CandidateId, Checker, Language, ProblemId, Subtask, TestKind};
use sieve_sandbox::{CompileOutcome, JudgeOptions, Supervisor, TestInput, Toolchain, compile};
use sieve_store::candidates::{BuildRow, TestResult};
use sieve_store::problems::StoredProblem;
use sieve_store::queue::Job;
use sieve_store::{Store, StoreError};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// The queue's name for judging jobs.
pub const JUDGE: &str = "judge";

/// What a judging job asks for.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct JudgeJob {
    /// The candidate.
    pub candidate: CandidateId,
    /// The kinds of test to judge it on, in order (hidden only for simulations).
    pub kinds: Vec<TestKind>,
}

/// Why a job could not be done (it is retried while attempts remain).
#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The sandbox failed (not the candidate: a judge failure).
    #[error(transparent)]
    Sandbox(#[from] sieve_sandbox::SandboxError),
    /// The job refers to something that is not there, or cannot be read.
    #[error("{0}")]
    Invalid(String),
}

/// One worker: a queue consumer with its own judging process.
pub struct Worker {
    name: String,
    store: Store,
    toolchain: Toolchain,
    cache_dir: PathBuf,
    // A Mutex only to make the worker Sync (its future holds &self across awaits); one task uses it.
    supervisor: std::sync::Mutex<Option<Supervisor>>,
    problems: HashMap<ProblemId, Arc<StoredProblem>>,
    lease: Duration,
}

impl Worker {
    /// A worker called `name` whose judging processes come from `supervisor`. It holds a job for
    /// `lease` at a time, renewed every third of it; a worker that dies loses its jobs after that.
    pub fn new(
        name: String,
        store: Store,
        toolchain: Toolchain,
        cache_dir: PathBuf,
        supervisor: Supervisor,
        lease: Duration,
    ) -> Worker {
        Worker {
            name,
            store,
            toolchain,
            cache_dir,
            supervisor: std::sync::Mutex::new(Some(supervisor)),
            problems: HashMap::new(),
            lease,
        }
    }

    /// Takes and does one job; false when the queue had none.
    pub async fn run_once(&mut self) -> Result<bool, WorkerError> {
        let lease = self.lease;
        let Some(job) = self
            .store
            .take_job(&self.name, &[JUDGE.to_string()], lease)
            .await?
        else {
            return Ok(false);
        };
        let store = self.store.clone();
        let (id, name) = (job.id, self.name.clone());
        let heartbeat = tokio::spawn(async move {
            loop {
                tokio::time::sleep(lease / 3).await;
                if !store.heartbeat(id, &name, lease).await.unwrap_or(false) {
                    break;
                }
            }
        });
        let result = self.process(&job).await;
        heartbeat.abort();
        match result {
            Ok(()) => {
                self.store.complete_job(job.id, &self.name).await?;
            }
            Err(e) => {
                tracing::warn!(job = %job.id, error = %e, "judging job failed");
                self.store
                    .fail_job(job.id, &self.name, &e.to_string())
                    .await?;
            }
        }
        Ok(true)
    }

    /// Works until `stop` turns true, polling the queue when it is empty.
    pub async fn run(mut self, mut stop: tokio::sync::watch::Receiver<bool>) {
        while !*stop.borrow() {
            match self.run_once().await {
                Ok(true) => continue,
                Ok(false) => {}
                Err(e) => tracing::error!(worker = %self.name, error = %e, "worker error"),
            }
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_millis(200)) => {}
                _ = stop.changed() => {}
            }
        }
    }

    async fn problem(&mut self, id: ProblemId) -> Result<Arc<StoredProblem>, WorkerError> {
        if let Some(p) = self.problems.get(&id) {
            return Ok(p.clone());
        }
        let p = self
            .store
            .load_problem(id)
            .await?
            .ok_or_else(|| WorkerError::Invalid(format!("no problem {id}")))?;
        let p = Arc::new(p);
        self.problems.insert(id, p.clone());
        Ok(p)
    }

    async fn process(&mut self, job: &Job) -> Result<(), WorkerError> {
        let task: JudgeJob = serde_json::from_value(job.payload.clone())
            .map_err(|e| WorkerError::Invalid(e.to_string()))?;
        let (candidate, source) = self
            .store
            .candidate(task.candidate)
            .await?
            .ok_or_else(|| WorkerError::Invalid(format!("no candidate {}", task.candidate)))?;
        let problem = self.problem(candidate.problem_id).await?;
        let language: Language = candidate
            .language
            .parse()
            .map_err(|e: sieve_domain::UnknownLanguage| WorkerError::Invalid(e.to_string()))?;
        let (build, wasm) = self
            .build(task.candidate, &source, language, &problem)
            .await?;
        let Some(wasm) = wasm.filter(|_| build.ok) else {
            return Ok(()); // a compile error is a result, not a failure
        };
        let checker_wasm = match &problem.problem.checker {
            Checker::Testlib { program } | Checker::Kattis { program } => {
                Some(self.blob_hex(program).await?)
            }
            _ => None,
        };
        for kind in &task.kinds {
            if self
                .store
                .results(problem.id, &build.key, *kind)
                .await?
                .is_some()
            {
                continue;
            }
            let (tests, index, subtasks) = tests_of_kind(&problem, *kind);
            if tests.is_empty() {
                continue;
            }
            let opts = JudgeOptions {
                limits: problem.problem.limits,
                checker: problem.problem.checker.clone(),
                custom_checker: None,
                all_tests: false,
                precision: problem.problem.precision as u32,
            };
            let taken = self.supervisor.lock().ok().and_then(|mut s| s.take());
            let mut supervisor =
                taken.ok_or_else(|| WorkerError::Invalid("no judging process".into()))?;
            let (wasm_c, checker_c) = (wasm.clone(), checker_wasm.clone());
            let (supervisor, report) = tokio::task::spawn_blocking(move || {
                let report =
                    supervisor.judge(&wasm_c, checker_c.as_deref(), &tests, &subtasks, &opts);
                (supervisor, report)
            })
            .await
            .map_err(|e| WorkerError::Invalid(format!("judging thread: {e}")))?;
            if let Ok(mut slot) = self.supervisor.lock() {
                *slot = Some(supervisor);
            }
            let report = report?;
            let results: Vec<TestResult> = report
                .tests
                .iter()
                .enumerate()
                .map(|(i, t)| TestResult {
                    test: index[i] as i32,
                    verdict: t.verdict,
                    score: t.score as f32,
                    time_us: t.time_us.min(i32::MAX as u64) as i32,
                    fuel: t.fuel as i64,
                    memory_kib: (t.peak_memory >> 10) as i32,
                    output_hash: decode16(&t.output_hash),
                })
                .collect();
            self.store
                .put_results(problem.id, &build.key, *kind, &results)
                .await?;
        }
        Ok(())
    }

    /// The candidate's build: from the store when this source was built before, else compiled now.
    async fn build(
        &mut self,
        candidate: CandidateId,
        source: &[u8],
        language: Language,
        problem: &StoredProblem,
    ) -> Result<(BuildRow, Option<Vec<u8>>), WorkerError> {
        let mut h = blake3::Hasher::new();
        h.update(source);
        h.update(language.name().as_bytes());
        h.update(self.toolchain.fingerprint().as_bytes());
        for (name, data) in &problem.problem.grader {
            h.update(name.as_bytes());
            h.update(data);
        }
        let key = *h.finalize().as_bytes();
        if let Some(build) = self.store.build(&key).await? {
            let wasm = match build.module_hash {
                Some(m) => self.store.get_blob(&m).await?,
                None => None,
            };
            self.store
                .record_build(
                    candidate,
                    &build,
                    blake3::hash(source).as_bytes(),
                    language,
                    self.toolchain.fingerprint(),
                    0,
                )
                .await?;
            return Ok((build, wasm));
        }
        let (toolchain, cache, src, grader) = (
            self.toolchain.clone(),
            self.cache_dir.clone(),
            source.to_vec(),
            problem.problem.grader.clone(),
        );
        let outcome = tokio::task::spawn_blocking(move || {
            compile(&toolchain, &src, language, &grader, &cache)
        })
        .await
        .map_err(|e| WorkerError::Invalid(format!("compile thread: {e}")))??;
        let (build, wasm, ms) = match outcome {
            CompileOutcome::Ok(c) => {
                let module = self.store.put_blob(&c.wasm).await?;
                (
                    BuildRow {
                        key,
                        ok: true,
                        module_hash: Some(module),
                        message: c.message,
                    },
                    Some(c.wasm),
                    c.compile_ms,
                )
            }
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
                blake3::hash(source).as_bytes(),
                language,
                self.toolchain.fingerprint(),
                ms as i32,
            )
            .await?;
        Ok((build, wasm))
    }

    async fn blob_hex(&self, hex_hash: &str) -> Result<Vec<u8>, WorkerError> {
        let mut h = [0u8; 32];
        hex::decode_to_slice(hex_hash, &mut h).map_err(|e| WorkerError::Invalid(e.to_string()))?;
        self.store
            .get_blob(&h)
            .await?
            .ok_or_else(|| WorkerError::Invalid(format!("no blob {hex_hash}")))
    }
}

/// The tests of one kind, their indices in the problem, and the subtasks restricted to them.
fn tests_of_kind(
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

fn decode16(hex_hash: &str) -> [u8; 16] {
    let mut out = [0u8; 16];
    let _ = hex::decode_to_slice(hex_hash, &mut out);
    out
}
