//! Scoring a problem's pool and training the learned scorer: the glue between the store (pools,
//! registered scorers, stored scores) and the `scoring` crate (features and scorers).

use crate::AppError;
use serde::Serialize;
use sieve_domain::{CandidateId, ProblemId};
use sieve_scoring::{
    Features, Heuristic, HttpConfig, HttpScorer, Logistic, LogisticModel, OnnxScorer, Scorer,
    ScoringInput, auc, compute, log_loss, solved,
};
use sieve_store::Store;
use sieve_store::scores::ScorerRow;
use std::sync::Arc;
use std::time::Duration;

/// The built-in baseline's name.
pub const HEURISTIC: &str = "heuristic";

fn invalid(message: impl Into<String>) -> AppError {
    AppError::Scorer(message.into())
}

/// The scorer registered as `name` (at `version`, or its newest), or the built-in heuristic.
pub async fn load_scorer(
    store: &Store,
    name: &str,
    version: Option<i32>,
) -> Result<Arc<dyn Scorer>, AppError> {
    if name == HEURISTIC {
        store
            .put_scorer(&ScorerRow {
                name: HEURISTIC.into(),
                version: 1,
                kind: HEURISTIC.into(),
                params: serde_json::json!({}),
                metrics: serde_json::json!({}),
            })
            .await?;
        return Ok(Arc::new(Heuristic));
    }
    let row = store.scorer(name, version).await?.ok_or_else(|| {
        invalid(format!(
            "no scorer {name:?}{}",
            version.map(|v| format!(" version {v}")).unwrap_or_default()
        ))
    })?;
    match row.kind.as_str() {
        "logistic" => {
            let model: LogisticModel = serde_json::from_value(row.params)
                .map_err(|e| invalid(format!("scorer {name}: {e}")))?;
            Ok(Arc::new(Logistic::new(name, row.version, model)?))
        }
        "onnx" => {
            let hash: sieve_domain::BlobHash = row.params["model"]
                .as_str()
                .unwrap_or_default()
                .parse()
                .map_err(|e| invalid(format!("scorer {name}: {e}")))?;
            let bytes = store
                .get_blob(&hash)
                .await?
                .ok_or_else(|| invalid(format!("scorer {name}: its model is not stored")))?;
            Ok(Arc::new(OnnxScorer::from_bytes(name, row.version, &bytes)?))
        }
        "http" => {
            let p = &row.params;
            let ms = |k: &str, d: u64| Duration::from_millis(p[k].as_u64().unwrap_or(d));
            let fallback = p["fallback"].as_str().unwrap_or(HEURISTIC);
            if fallback == name {
                return Err(invalid("a scorer cannot be its own fallback"));
            }
            let fallback = Box::pin(load_scorer(store, fallback, None)).await?;
            let config = HttpConfig {
                url: p["url"].as_str().unwrap_or_default().to_string(),
                timeout: ms("timeout_ms", 2000),
                retries: p["retries"].as_u64().unwrap_or(2) as u32,
                failure_threshold: p["failure_threshold"].as_u64().unwrap_or(3) as u32,
                cooldown: ms("cooldown_ms", 30_000),
            };
            // reqwest's blocking client starts (and waits for) a runtime of its own: never on an
            // async worker thread.
            let name = name.to_string();
            let scorer = tokio::task::spawn_blocking(move || {
                HttpScorer::new(&name, config, Box::new(Shared(fallback)))
            })
            .await
            .map_err(|e| invalid(format!("starting the HTTP scorer: {e}")))??;
            Ok(Arc::new(scorer))
        }
        other => Err(invalid(format!("scorer {name} has unknown kind {other:?}"))),
    }
}

/// An `Arc`'d scorer as a boxed one (fallbacks are loaded as `Arc`s).
struct Shared(Arc<dyn Scorer>);

impl Scorer for Shared {
    fn name(&self) -> &str {
        self.0.name()
    }
    fn version(&self) -> i32 {
        self.0.version()
    }
    fn score(&self, batch: &[ScoringInput<'_>]) -> Result<Vec<f64>, sieve_scoring::ScoringError> {
        self.0.score(batch)
    }
}

/// Scores every candidate of `problem` with `scorer` and stores the scores; returns them in
/// posting order.
pub async fn score_problem(
    store: &Store,
    problem: ProblemId,
    scorer: Arc<dyn Scorer>,
) -> Result<Vec<(CandidateId, f64)>, AppError> {
    let pool = store
        .scoring_pool(problem)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no problem {problem}")))?;
    let data: Vec<_> = pool.entries.iter().map(|e| e.data.clone()).collect();
    let (name, version) = (scorer.name().to_string(), scorer.version());
    // Scorers may block (a remote one waits on the network): off the async threads.
    let scores = tokio::task::spawn_blocking(move || {
        let features = compute(&data, &pool.context);
        let mut out = Vec::with_capacity(features.len());
        for (chunk, entries) in features.chunks(1000).zip(pool.entries.chunks(1000)) {
            let batch: Vec<ScoringInput<'_>> = chunk
                .iter()
                .zip(entries)
                .map(|(features, e)| ScoringInput {
                    features,
                    source: &e.source,
                })
                .collect();
            let scores = scorer.score(&batch)?;
            out.extend(entries.iter().map(|e| e.id).zip(scores));
        }
        Ok::<_, AppError>(out)
    })
    .await
    .map_err(|e| AppError::Thread(format!("scoring thread: {e}")))??;
    store.put_scores(&name, version, &scores).await?;
    Ok(scores)
}

/// How a trained model did on the problems held out of its training.
#[derive(Clone, Debug, Serialize)]
pub struct TrainReport {
    /// The scorer's name.
    pub name: String,
    /// The version saved.
    pub version: i32,
    /// Problems trained on, and held out.
    pub train_problems: usize,
    /// Problems held out.
    pub test_problems: usize,
    /// Candidates (compiled, judged on hidden tests) trained on.
    pub train_rows: usize,
    /// Candidates held out.
    pub test_rows: usize,
    /// Held-out share of candidates that solved what they were written for.
    pub test_positive_rate: f64,
    /// The trained model's held-out AUC and log-loss.
    pub logistic: Metrics,
    /// The heuristic's, on the same candidates.
    pub heuristic: Metrics,
}

/// AUC and log-loss.
#[derive(Clone, Debug, Serialize)]
pub struct Metrics {
    /// Area under the ROC curve (`None` with one class only).
    pub auc: Option<f64>,
    /// Mean negative log-likelihood.
    pub log_loss: f64,
}

/// Trains a logistic scorer called `name` on every problem judged on hidden tests, holding out
/// every third problem (by id) for the report, and saves it as the next version of `name`.
pub async fn train(store: &Store, name: &str, l2: f64) -> Result<TrainReport, AppError> {
    let problems = store.problems_with_hidden_results().await?;
    if problems.len() < 2 {
        return Err(invalid(format!(
            "training needs candidates judged on hidden tests in at least two problems; there are {}",
            problems.len()
        )));
    }
    let held_out = |i: usize| i % 3 == 2 || (problems.len() < 3 && i == problems.len() - 1);
    let (mut train_x, mut train_y, mut test_x, mut test_y) = (vec![], vec![], vec![], vec![]);
    for (i, p) in problems.iter().enumerate() {
        let Some(pool) = store.scoring_pool(*p).await? else {
            continue;
        };
        let data: Vec<_> = pool.entries.iter().map(|e| e.data.clone()).collect();
        let features = compute(&data, &pool.context);
        for (e, f) in pool.entries.iter().zip(features) {
            if !e.data.compiled {
                continue;
            }
            if let Some(label) = solved(&e.data, &e.hidden, &pool.context) {
                let (x, y) = if held_out(i) {
                    (&mut test_x, &mut test_y)
                } else {
                    (&mut train_x, &mut train_y)
                };
                x.push(f);
                y.push(label);
            }
        }
    }
    let model = LogisticModel::train(&train_x, &train_y, l2)?;
    let metrics = |scores: Vec<f64>| Metrics {
        auc: auc(&scores, &test_y),
        log_loss: log_loss(&scores, &test_y),
    };
    let predict = |f: &Features| model.predict(f);
    let report = |version| TrainReport {
        name: name.to_string(),
        version,
        train_problems: (0..problems.len()).filter(|i| !held_out(*i)).count(),
        test_problems: (0..problems.len()).filter(|i| held_out(*i)).count(),
        train_rows: train_x.len(),
        test_rows: test_x.len(),
        test_positive_rate: test_y.iter().filter(|y| **y).count() as f64
            / test_y.len().max(1) as f64,
        logistic: metrics(test_x.iter().map(predict).collect()),
        heuristic: metrics(test_x.iter().map(Heuristic::score_one).collect()),
    };
    let version = store
        .scorer(name, None)
        .await?
        .map(|s| s.version + 1)
        .unwrap_or(1);
    let report = report(version);
    store
        .put_scorer(&ScorerRow {
            name: name.to_string(),
            version,
            kind: "logistic".into(),
            params: serde_json::to_value(&model).map_err(|e| invalid(e.to_string()))?,
            metrics: serde_json::to_value(&report).map_err(|e| invalid(e.to_string()))?,
        })
        .await?;
    Ok(report)
}
