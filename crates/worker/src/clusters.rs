//! A problem's candidates grouped by their output signature on the generated tests, as the
//! selection strategies group them: what the dashboard shows and the funnel counts.

use crate::WorkerError;
use crate::selection::{LoadedPool, load_pool_with_ids, signature_hash};
use serde::Serialize;
use sieve_domain::{CandidateId, ProblemId, TestKind, Verdict};
use sieve_scoring::{Scorer, signature};
use sieve_store::Store;
use std::collections::HashMap;
use std::sync::Arc;

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

/// Clusters `problem`'s compiled candidates on `subtask`'s generated tests (all of them when
/// `None`), with `scorer`'s scores.
pub async fn problem_clusters(
    store: &Store,
    problem: ProblemId,
    subtask: Option<usize>,
    scorer: Arc<dyn Scorer>,
) -> Result<ClusterView, WorkerError> {
    let summary = store
        .problem_summary(problem)
        .await?
        .ok_or_else(|| WorkerError::Invalid(format!("no problem {problem}")))?;
    if let Some(s) = subtask.filter(|s| *s >= summary.subtasks.len()) {
        return Err(WorkerError::Invalid(format!(
            "subtask {s} out of range: the problem has {}",
            summary.subtasks.len()
        )));
    }
    let tests = summary
        .tests
        .iter()
        .filter(|t| t.kind == TestKind::Generated)
        .filter(|t| subtask.is_none_or(|s| t.subtasks.contains(&(s as i16))))
        .count();
    let LoadedPool { pool, ids, .. } = load_pool_with_ids(store, problem, scorer, None).await?;
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
/// every public test have (the funnel's clusters; no scorer needed).
pub async fn passed_public_clusters(store: &Store, problem: ProblemId) -> Result<i64, WorkerError> {
    let Some(pool) = store.scoring_pool(problem).await? else {
        return Err(WorkerError::Invalid(format!("no problem {problem}")));
    };
    let distinct: std::collections::HashSet<u64> = pool
        .entries
        .iter()
        .map(|e| &e.data)
        .filter(|d| d.compiled && d.public.iter().all(|r| r.verdict == Verdict::AC))
        .map(|d| signature_hash(&signature(&d.generated)))
        .filter(|h| *h != 0)
        .collect();
    Ok(distinct.len() as i64)
}
