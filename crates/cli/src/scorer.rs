//! `sieve scorer`: train the learned scorer on stored outcomes, score a problem's pool, list the
//! registered scorers.

use crate::DbArgs;
use anyhow::Context;
use clap::Subcommand;
use sieve_app::scoring::{HEURISTIC, load_scorer, score_problem, train};
use sieve_pglocal::Database;
use sieve_store::Store;

/// What `sieve scorer` does.
#[derive(Debug, Subcommand)]
pub enum ScorerAction {
    /// Train a logistic scorer on every problem whose candidates were judged on hidden tests,
    /// holding out every third problem, and save it as the next version; prints held-out AUC
    /// and log-loss next to the heuristic's.
    Train {
        /// The scorer's name.
        #[arg(long, default_value = "logistic")]
        name: String,
        /// L2 penalty.
        #[arg(long, default_value_t = 0.1)]
        l2: f64,
        /// The training report as one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Score every candidate of a problem and store the scores.
    Score {
        /// The problem's slug.
        #[arg(long)]
        problem: String,
        /// The scorer's name.
        #[arg(long, default_value = HEURISTIC)]
        scorer: String,
        /// Its version (default: the newest).
        #[arg(long)]
        version: Option<i32>,
        /// How many of the best to print.
        #[arg(long, default_value_t = 10)]
        top: usize,
        /// One JSON object: the scorer and every candidate's score, best first.
        #[arg(long)]
        json: bool,
    },
    /// The registered scorers with their held-out metrics.
    List {
        /// One JSON object per scorer, one per line.
        #[arg(long)]
        json: bool,
    },
}

/// Runs `sieve scorer`.
pub fn run(action: ScorerAction, db: &DbArgs) -> anyhow::Result<()> {
    let db = Database::open(db)?;
    let rt = tokio::runtime::Runtime::new()?;
    let result = rt.block_on(async {
        let store = Store::connect(&db.url, 4)
            .await
            .context("connecting to the database")?;
        match action {
            ScorerAction::Train { name, l2, json } => {
                let r = train(&store, &name, l2).await?;
                if json {
                    println!("{}", serde_json::to_string(&r)?);
                    return Ok(());
                }
                println!(
                    "trained {} version {} on {} candidates of {} problems; held out {} candidates of {} problems ({:.0}% solved)",
                    r.name,
                    r.version,
                    r.train_rows,
                    r.train_problems,
                    r.test_rows,
                    r.test_problems,
                    100.0 * r.test_positive_rate
                );
                let auc = |a: Option<f64>| a.map(|a| format!("{a:.3}")).unwrap_or("n/a".into());
                println!("{:<10} {:>8} {:>9}", "held out", "AUC", "log-loss");
                println!("{:<10} {:>8} {:>9.3}", r.name, auc(r.logistic.auc), r.logistic.log_loss);
                println!("{:<10} {:>8} {:>9.3}", HEURISTIC, auc(r.heuristic.auc), r.heuristic.log_loss);
            }
            ScorerAction::Score {
                problem,
                scorer,
                version,
                top,
                json,
            } => {
                let id = store
                    .problem_by_slug(&problem)
                    .await?
                    .with_context(|| format!("no problem {problem:?}"))?;
                let scorer = load_scorer(&store, &scorer, version).await?;
                let (name, v) = (scorer.name().to_string(), scorer.version());
                let mut scores = score_problem(&store, id, scorer).await?;
                scores.sort_by(|a, b| b.1.total_cmp(&a.1));
                if json {
                    let scores: Vec<_> = scores
                        .iter()
                        .map(|(c, s)| serde_json::json!({"candidate": c, "score": s}))
                        .collect();
                    let out = serde_json::json!({"problem": problem, "scorer": name,
                        "version": v, "scores": scores});
                    println!("{out}");
                    return Ok(());
                }
                println!("scored {} candidates of {problem} with {name} version {v}", scores.len());
                for (c, s) in scores.iter().take(top) {
                    println!("{s:.4}  {c}");
                }
            }
            ScorerAction::List { json } => {
                for s in store.scorers().await? {
                    if json {
                        println!("{}", serde_json::to_string(&s)?);
                    } else {
                        println!("{} {} {} {}", s.name, s.version, s.kind, s.metrics);
                    }
                }
            }
        }
        anyhow::Ok(())
    });
    drop(rt);
    db.close();
    result
}
