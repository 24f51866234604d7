use crate::build::{TIMEOUT_BUDGET, public_tests_that_matter, tests_of_kind};
use sieve_domain::{ProblemId, TestKind, TestOutcome};
use sieve_sandbox::{JudgeOptions, Supervisor, Toolchain};
use sieve_store::candidates::{Host, NewResults};
use sieve_store::problems::StoredProblem;
use sieve_store::queue::{JobKind, JudgeJob, Outcome, Task};
use sieve_store::{Store, StoreError};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Why a job could not be done (it is retried while attempts remain).
#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The sandbox failed (not the candidate: a judge failure).
    #[error(transparent)]
    Sandbox(#[from] sieve_sandbox::SandboxError),
    /// The job refers to something that is not there, or cannot be read; or a thread failed.
    #[error("{0}")]
    Invalid(String),
}

/// One worker: a queue consumer with its own judging process.
pub struct Worker {
    pub(crate) name: String,
    pub(crate) store: Store,
    pub(crate) toolchain: Toolchain,
    pub(crate) cache_dir: PathBuf,
    // A Mutex only to make the worker Sync (its future holds &self across awaits); one task uses it.
    supervisor: std::sync::Mutex<Option<Supervisor>>,
    problems: HashMap<ProblemId, (i32, Arc<StoredProblem>)>,
    lease: Duration,
    poll: Duration,
    retention: Option<Duration>,
    host: Option<Host>,
    fuel: bool,
    // Each problem's fuel rate, once read: a rate is set once and never changes.
    fuel_rates: HashMap<ProblemId, u64>,
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
            poll: Duration::from_secs(5),
            retention: None,
            host: None,
            fuel: false,
            fuel_rates: HashMap::new(),
        }
    }

    /// Judges by fuel rather than CPU time: the same verdict on any machine. The rate is the
    /// problem's `fuel_per_ms`, or, for a problem that has none, this host's speed
    /// ([`Worker::with_host`]), stored then for every worker to use.
    pub fn with_fuel(mut self, fuel: bool) -> Worker {
        self.fuel = fuel;
        self
    }

    /// Records `host` (the machine and its measured speed) with every result it judges.
    pub fn with_host(mut self, host: Host) -> Worker {
        self.host = Some(host);
        self
    }

    /// Looks at an empty queue every `poll` when no job is announced (default 5 s).
    pub fn with_poll(mut self, poll: Duration) -> Worker {
        self.poll = poll;
        self
    }

    /// Purges finished jobs older than `retention` (every lease period); `None` keeps them.
    pub fn with_retention(mut self, retention: Option<Duration>) -> Worker {
        self.retention = retention;
        self
    }

    /// Takes and does one job; false when the queue had none. If `stop` turns true while the
    /// job runs, the job is handed back to the queue (its attempt not counted) for another
    /// worker, and the work on it is dropped.
    pub async fn run_once(
        &mut self,
        stop: &mut tokio::sync::watch::Receiver<bool>,
    ) -> Result<bool, WorkerError> {
        let lease = self.lease;
        let Some(job) = self
            .store
            .take_job(&self.name, &JobKind::ALL, lease)
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
        let _busy = crate::metrics::Busy::start();
        let (store, name) = (self.store.clone(), self.name.clone());
        let work = async {
            match &job.task {
                Task::Judge(task) => self.judge(task).await.map(|()| None),
                Task::PreparePackage(task) => self.prepare_package(task).await.map(Some),
                Task::GenerateTests(task) => self.generate_tests(task).await.map(Some),
            }
        };
        let stopped = async {
            // A closed channel means nobody can stop this worker any more: never "stopped".
            if stop.wait_for(|s| *s).await.is_err() {
                std::future::pending::<()>().await;
            }
        };
        let result = tokio::select! {
            r = work => r,
            () = stopped => {
                heartbeat.abort();
                let released = store.release_job(job.id, &name).await?;
                tracing::info!(job = %job.id, released, "stopping: the job in hand is handed back to the queue");
                crate::metrics::job("released");
                return Ok(true);
            }
        };
        heartbeat.abort();
        let outcome = match result {
            Ok(None) => self.store.complete_job(job.id, &self.name).await?,
            Ok(Some(output)) => self.store.finish_job(job.id, &self.name, &output).await?,
            Err(e) => {
                tracing::warn!(job = %job.id, kind = job.task.kind().name(), error = %e, "job failed");
                self.store
                    .fail_job(job.id, &self.name, &e.to_string())
                    .await?
            }
        };
        crate::metrics::job(match outcome {
            Outcome::Done => "done",
            Outcome::Retried => "retried",
            Outcome::Failed => "failed",
            Outcome::LeaseLost => "lease_lost",
        });
        Ok(true)
    }

    /// Works until `stop` turns true, then hands back the job in hand. When the queue is empty
    /// it waits for `wake` (a job was announced) or the poll interval, whichever comes first.
    /// Every lease period it also marks failed the jobs abandoned on their last attempt
    /// ([`Store::fail_abandoned_jobs`]), whichever worker held them, and purges finished jobs
    /// past their retention.
    pub async fn run(
        mut self,
        mut stop: tokio::sync::watch::Receiver<bool>,
        wake: Arc<tokio::sync::Notify>,
    ) {
        let mut swept: Option<std::time::Instant> = None;
        while !*stop.borrow() {
            if swept.is_none_or(|at| at.elapsed() >= self.lease) {
                self.sweep().await;
                swept = Some(std::time::Instant::now());
            }
            // Registered before looking at the queue, so that a job announced in between wakes
            // this worker rather than passing it by.
            let woken = wake.notified();
            tokio::pin!(woken);
            woken.as_mut().enable();
            match self.run_once(&mut stop).await {
                Ok(true) => continue,
                Ok(false) => {}
                Err(e) => tracing::error!(worker = %self.name, error = %e, "worker error"),
            }
            tokio::select! {
                _ = tokio::time::sleep(self.poll) => {}
                _ = woken => {}
                _ = stop.changed() => {}
            }
        }
    }

    /// Fails the jobs whose worker died on their last attempt: nobody else would end them.
    async fn sweep(&self) {
        match self.store.fail_abandoned_jobs().await {
            Ok(0) => {}
            Ok(n) => {
                tracing::warn!(worker = %self.name, jobs = n,
                    "jobs abandoned on their last attempt (their worker stopped) marked failed");
                for _ in 0..n {
                    crate::metrics::job("abandoned");
                }
            }
            Err(e) => tracing::error!(worker = %self.name, error = %e, "sweeping abandoned jobs"),
        }
        if let Some(age) = self.retention {
            match self.store.purge_finished_jobs(age).await {
                Ok(0) => {}
                Ok(n) => {
                    tracing::info!(worker = %self.name, jobs = n, "finished jobs past their retention purged")
                }
                Err(e) => tracing::error!(worker = %self.name, error = %e, "purging finished jobs"),
            }
        }
    }

    /// The fuel rate problem `id` is judged with, when judging by fuel (set by the first worker
    /// that judges it, then read once per worker).
    async fn fuel_rate(&mut self, id: ProblemId) -> Result<Option<u64>, WorkerError> {
        let (true, Some(host)) = (self.fuel, &self.host) else {
            return Ok(None);
        };
        if let Some(rate) = self.fuel_rates.get(&id) {
            return Ok(Some(*rate));
        }
        let rate = self
            .store
            .problem_fuel_per_ms(id, host.speed.round() as i64)
            .await? as u64;
        self.fuel_rates.insert(id, rate);
        Ok(Some(rate))
    }

    async fn problem(&mut self, id: ProblemId) -> Result<Arc<StoredProblem>, WorkerError> {
        // Cached, but checked against the problem's revision: tests may have been added.
        let revision = self.store.problem_revision(id).await?;
        if let Some((r, p)) = self.problems.get(&id)
            && Some(*r) == revision
        {
            return Ok(p.clone());
        }
        let p = self
            .store
            .load_problem(id)
            .await?
            .ok_or_else(|| WorkerError::Invalid(format!("no problem {id}")))?;
        let p = Arc::new(p);
        self.problems.insert(id, (revision.unwrap_or(0), p.clone()));
        Ok(p)
    }

    async fn judge(&mut self, task: &JudgeJob) -> Result<(), WorkerError> {
        let Some((candidate, source)) = self.store.candidate(task.candidate).await? else {
            // Deleted since it was queued: nothing is left to judge.
            tracing::info!(candidate = %task.candidate, "the candidate was deleted; nothing to judge");
            return Ok(());
        };
        let problem = self.problem(candidate.problem_id).await?;
        let language = candidate.language;
        let (build, wasm) = self
            .build(
                task.candidate,
                candidate.build_key.as_ref(),
                &source,
                language,
                &problem,
            )
            .await?;
        let Some(wasm) = wasm.filter(|_| build.ok) else {
            return Ok(()); // a compile error is a result, not a failure
        };
        let mut checker_wasm = Vec::new();
        for program in problem.problem.checker.programs() {
            checker_wasm.push(self.blob(program).await?);
        }
        let watched = public_tests_that_matter(&problem, candidate.target_subtask);
        let failed = |results: &[TestOutcome]| {
            results
                .iter()
                .any(|r| watched.contains(&(r.test as usize)) && !r.passes())
        };
        // A job for the generated tests alone (tests were added) still heeds the samples.
        let mut public_failed = false;
        if task.kinds.contains(&TestKind::Generated)
            && !task.kinds.contains(&TestKind::Public)
            && let Some(done) = self
                .store
                .results(problem.id, &build.key, TestKind::Public)
                .await?
        {
            public_failed = failed(&done);
        }
        for kind in &task.kinds {
            if *kind == TestKind::Generated && public_failed && !task.keep_going {
                continue;
            }
            if let Some(done) = self.store.results(problem.id, &build.key, *kind).await? {
                public_failed |= *kind == TestKind::Public && failed(&done);
                continue;
            }
            let (tests, index, subtasks) = tests_of_kind(&problem, *kind);
            if tests.is_empty() {
                continue;
            }
            let fuel_per_ms = self.fuel_rate(problem.id).await?;
            let started = std::time::Instant::now();
            let factor = problem.problem.time_factor.for_language(language);
            let opts = JudgeOptions {
                keep_outputs: false,
                // The stated limit is for native code: runs get it times the problem's factor.
                limits: sieve_domain::Limits {
                    time_ms: factor.judged_ms(problem.problem.limits.time_ms),
                    ..problem.problem.limits
                },
                checker: problem.problem.checker.clone(),
                custom_checker: None,
                then_checker: None,
                // Generated tests feed clustering and public ones the features: every result
                // counts. Hidden tests only score, so a failed subtask stops early, unless the
                // client keeps going (experiments that use some hidden tests as generated ones
                // need every output).
                all_tests: *kind != TestKind::Hidden || task.keep_going,
                // Only generated tests, where the many are: public ones are few and decide what
                // a candidate aimed at one subtask is (a skip would count as a failure), and
                // hidden ones standing in for generated ones must all run (a skip would tell
                // who failed).
                timeout_budget: (*kind == TestKind::Generated).then_some(TIMEOUT_BUDGET),
                precision: problem.problem.precision as u32,
                fuel_per_ms,
            };
            let (wasm_c, checker_c) = (wasm.clone(), checker_wasm.clone());
            let (crashes, report) = self
                .with_supervisor(move |supervisor| {
                    let checkers: Vec<&[u8]> = checker_c.iter().map(Vec::as_slice).collect();
                    supervisor.judge(&wasm_c, &checkers, &tests, &subtasks, &opts)
                })
                .await?;
            if crashes > 0 {
                tracing::warn!(candidate = %task.candidate, kind = kind.name(), crashes,
                    "judging processes died while judging; their tests were judged again");
                crate::metrics::crashes(crashes);
            }
            let report = report?;
            for t in &report.tests {
                if t.verdict == sieve_domain::Verdict::JudgeError {
                    tracing::error!(candidate = %task.candidate, test = %t.name,
                        message = %t.message, "judge error (sieve's failure, not the candidate's)");
                }
            }
            let results: Vec<TestOutcome> = report
                .tests
                .iter()
                .enumerate()
                .map(|(i, t)| TestOutcome {
                    test: index[i] as i32,
                    verdict: t.verdict,
                    score: t.score as f32,
                    time_us: t.time_us.min(i32::MAX as u64) as i32,
                    fuel: t.fuel as i64,
                    memory_kib: (t.peak_memory >> 10) as i32,
                    output_hash: t.output_hash.unwrap_or_default(),
                })
                .collect();
            public_failed |= *kind == TestKind::Public && failed(&results);
            let first_failure = first_failure(&report.tests, &index);
            self.store
                .put_results(&NewResults {
                    problem: problem.id,
                    build_key: &build.key,
                    kind: *kind,
                    results: &results,
                    time_factor: factor,
                    failure: first_failure.as_ref(),
                    host: self.host.as_ref(),
                })
                .await?;
            crate::metrics::judged(&results, started.elapsed());
        }
        Ok(())
    }

    /// Runs `work` with this worker's judging process on a blocking thread; returns how many
    /// judging processes died meanwhile (sieve's failures, survived) and what `work` returned.
    pub(crate) async fn with_supervisor<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Supervisor) -> T + Send + 'static,
    ) -> Result<(u64, T), WorkerError> {
        let taken = self.supervisor.lock().ok().and_then(|mut s| s.take());
        let mut supervisor =
            taken.ok_or_else(|| WorkerError::Invalid("no judging process".into()))?;
        let crashes_before = supervisor.crashes();
        let (supervisor, out) = tokio::task::spawn_blocking(move || {
            let out = work(&mut supervisor);
            (supervisor, out)
        })
        .await
        .map_err(|e| WorkerError::Invalid(format!("judging thread: {e}")))?;
        let crashes = supervisor.crashes() - crashes_before;
        if let Ok(mut slot) = self.supervisor.lock() {
            *slot = Some(supervisor);
        }
        Ok((crashes, out))
    }

    async fn blob(&self, hash: &sieve_domain::BlobHash) -> Result<Vec<u8>, WorkerError> {
        self.store
            .get_blob(hash)
            .await?
            .ok_or_else(|| WorkerError::Invalid(format!("no blob {hash}")))
    }
}

/// A supervisor of judging processes started as `exe sandbox-child --status PATH --cache-dir
/// DIR`: `exe` must be the `sieve` binary (or one with the same `sandbox-child` command, which
/// calls [`sieve_sandbox::child_main`]).
pub fn judging_process(
    exe: &std::path::Path,
    cache_dir: &std::path::Path,
) -> Result<Supervisor, sieve_sandbox::SandboxError> {
    let exe = exe.to_path_buf();
    let cache_dir =
        std::path::absolute(cache_dir).map_err(|source| sieve_sandbox::SandboxError::Io {
            context: "resolving the cache directory".into(),
            source,
        })?;
    Supervisor::new(move |status| {
        let mut cmd = std::process::Command::new(&exe);
        cmd.arg("sandbox-child")
            .arg("--status")
            .arg(status)
            .arg("--cache-dir")
            .arg(&cache_dir);
        cmd
    })
}

/// The first test in judging order that failed (neither accepted in full, nor run without an
/// answer, nor skipped), with its message capped and its stderr excerpt: what a user debugging
/// the candidate needs first.
fn first_failure(
    tests: &[sieve_sandbox::TestReport],
    index: &[usize],
) -> Option<sieve_domain::FirstFailure> {
    use sieve_domain::Verdict;
    let (i, t) = tests.iter().enumerate().find(|(_, t)| {
        !matches!(t.verdict, Verdict::Ran | Verdict::Skipped) && !t.verdict.passes(t.score)
    })?;
    let mut end = t.message.len().min(sieve_domain::FAILURE_MESSAGE_BYTES);
    while !t.message.is_char_boundary(end) {
        end -= 1;
    }
    Some(sieve_domain::FirstFailure {
        test: index[i] as i32,
        verdict: t.verdict,
        message: t.message[..end].to_string(),
        stderr: t.stderr.clone(),
    })
}
