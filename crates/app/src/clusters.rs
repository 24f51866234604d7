//! A problem's candidates grouped by their output signature on the generated tests, as the
//! selection strategies group them: what the dashboard shows and the funnel counts.

use crate::AppError;
use crate::selection::{LoadedPool, load_pool_with_ids, signature_hash};
use serde::Serialize;
use sieve_domain::{CandidateId, ProblemId, TestKind, TestOutcome};
use sieve_scoring::{Scorer, signature};
use sieve_store::Store;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Members listed per cluster.
const MEMBERS_SHOWN: usize = 20;

/// One cluster.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClusterRow {
    /// 1 for the largest.
    pub rank: usize,
    /// Candidates in it.
    pub size: usize,
    /// Up to 20 of them, best scored first.
    pub members: Vec<CandidateId>,
    /// Members that pass the public tests that matter to them.
    pub passed_public: usize,
    /// The members' mean learned score.
    pub score: f64,
    /// The members' mean points on the hidden tests (null when none was judged on them).
    pub hidden_points: Option<f64>,
    /// The signature, shortened (equal outputs on every test used, equal signature).
    pub signature: String,
}

/// A problem's clusters on one subtask's generated tests (or on all of them).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClusterView {
    /// The subtask (0-based), or null for every generated test.
    pub subtask: Option<usize>,
    /// Generated tests the signatures are taken on.
    pub tests: usize,
    /// Compiled candidates judged on them.
    pub clustered: usize,
    /// Largest first.
    pub clusters: Vec<ClusterRow>,
}

/// Loaded pools kept while their problem's candidates, results and tests stay as they were (a
/// dashboard asks for the same problem's clusters again and again: per subtask, on every visit).
#[derive(Debug, Default)]
pub struct PoolCache {
    pools: Mutex<Pools>,
    counts: Mutex<HashMap<ProblemId, (String, i64)>>,
}

/// Per (problem, scorer@version): the pool's version and the pool.
type Pools = HashMap<(ProblemId, String), (String, Arc<LoadedPool>)>;

/// Problems whose pools a cache keeps at most.
const CACHED_POOLS: usize = 16;

impl PoolCache {
    /// `problem`'s pool scored by `scorer`, from the cache when nothing changed since it was
    /// loaded.
    pub async fn get(
        &self,
        store: &Store,
        problem: ProblemId,
        scorer: Arc<dyn Scorer>,
    ) -> Result<Arc<LoadedPool>, AppError> {
        let version = store.pool_version(problem).await?;
        let key = (problem, format!("{}@{}", scorer.name(), scorer.version()));
        if let Some((v, pool)) = self.lock().get(&key)
            && *v == version
        {
            return Ok(pool.clone());
        }
        let pool = Arc::new(load_pool_with_ids(store, problem, scorer, None).await?);
        let mut pools = self.lock();
        if pools.len() >= CACHED_POOLS {
            pools.clear();
        }
        pools.insert(key, (version, pool.clone()));
        Ok(pool)
    }

    /// [`passed_public_clusters`], kept while `problem` stays as it was.
    pub async fn passed_public_clusters(
        &self,
        store: &Store,
        problem: ProblemId,
    ) -> Result<i64, AppError> {
        let version = store.pool_version(problem).await?;
        let lock = || self.counts.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((v, n)) = lock().get(&problem)
            && *v == version
        {
            return Ok(*n);
        }
        let n = passed_public_clusters(store, problem).await?;
        let mut counts = lock();
        if counts.len() >= CACHED_POOLS {
            counts.clear();
        }
        counts.insert(problem, (version, n));
        Ok(n)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Pools> {
        self.pools.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Clusters `problem`'s compiled candidates on `subtask`'s generated tests (all of them when
/// `None`), with `scorer`'s scores, through `cache`.
pub async fn problem_clusters(
    store: &Store,
    cache: &PoolCache,
    problem: ProblemId,
    subtask: Option<usize>,
    scorer: Arc<dyn Scorer>,
) -> Result<ClusterView, AppError> {
    let summary = store
        .problem_summary(problem)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no problem {problem}")))?;
    if let Some(s) = subtask.filter(|s| *s >= summary.subtasks.len()) {
        return Err(AppError::SubtaskOutOfRange {
            subtask: s,
            subtasks: summary.subtasks.len(),
        });
    }
    let tests = summary
        .tests
        .iter()
        .filter(|t| t.kind == TestKind::Generated)
        .filter(|t| subtask.is_none_or(|s| t.subtasks.contains(&(s as i16))))
        .count();
    let loaded = cache.get(store, problem, scorer).await?;
    let (pool, ids) = (&loaded.pool, &loaded.ids);
    let mut groups: HashMap<u64, Vec<usize>> = HashMap::new();
    for (i, c) in pool.candidates.iter().enumerate() {
        let sig = match subtask {
            Some(s) => c.signature.get(s).copied().unwrap_or(0),
            None => c.full_signature,
        };
        if c.compiled && sig != 0 {
            groups.entry(sig).or_default().push(i);
        }
    }
    let clustered = groups.values().map(Vec::len).sum();
    let mut clusters: Vec<(u64, Vec<usize>)> = groups.into_iter().collect();
    clusters.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0)));
    let rows = clusters
        .into_iter()
        .enumerate()
        .map(|(rank, (sig, mut members))| {
            let c = &pool.candidates;
            members.sort_by(|a, b| c[*b].score.total_cmp(&c[*a].score).then(a.cmp(b)));
            let n = members.len() as f64;
            let judged: Vec<f64> = members
                .iter()
                .filter(|m| !c[**m].hidden.is_empty())
                .map(|m| pool.ioi_score(&[*m]))
                .collect();
            ClusterRow {
                rank: rank + 1,
                size: members.len(),
                passed_public: members.iter().filter(|m| c[**m].public_passed).count(),
                score: members.iter().map(|m| c[*m].score).sum::<f64>() / n,
                hidden_points: (!judged.is_empty())
                    .then(|| judged.iter().sum::<f64>() / judged.len() as f64),
                signature: format!("{sig:016x}"),
                members: members
                    .iter()
                    .take(MEMBERS_SHOWN)
                    .map(|m| ids[*m])
                    .collect(),
            }
        })
        .collect();
    Ok(ClusterView {
        subtask,
        tests,
        clustered,
        clusters: rows,
    })
}

/// How many distinct output signatures on all generated tests the compiled candidates that pass
/// every public test have (the funnel's clusters: the signature the strategies use, read without
/// loading the pool).
pub async fn passed_public_clusters(store: &Store, problem: ProblemId) -> Result<i64, AppError> {
    let rows = store.generated_outputs_of_passing(problem).await?;
    let distinct: std::collections::HashSet<u64> = rows
        .iter()
        .map(|runs| {
            let outcomes: Vec<TestOutcome> = runs
                .iter()
                .map(|&(verdict, output_hash)| TestOutcome {
                    test: 0,
                    verdict,
                    score: 0.0,
                    time_us: 0,
                    fuel: 0,
                    memory_kib: 0,
                    output_hash,
                })
                .collect();
            signature_hash(&signature(&outcomes))
        })
        .filter(|h| *h != 0)
        .collect();
    Ok(distinct.len() as i64)
}
