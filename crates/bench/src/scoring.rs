//! `sieve bench scoring`: features and scores for a pool of 10,000 candidates (synthetic judging
//! results: a few public tests, 100 generated tests, a few dozen output clusters), for each
//! built-in scorer, the example ONNX model and (as the baseline measured in the same run) the
//! feature computation the scorers start from.

use crate::report::{Cell, Table};
use sieve_domain::{OutputHash, TestOutcome, Verdict};
use sieve_scoring::{
    CandidateData, Heuristic, LogisticModel, OnnxScorer, ProblemContext, Scorer, ScoringInput,
    compute,
};
use std::path::PathBuf;
use std::time::Instant;

/// Options of `sieve bench scoring`.
#[derive(Debug, clap::Args)]
pub struct ScoringBenchArgs {
    /// Candidates in the pool.
    #[arg(long, default_value_t = 10_000)]
    candidates: usize,
    /// Generated tests per candidate.
    #[arg(long, default_value_t = 100)]
    generated: usize,
    /// An ONNX model over the features (default: the example in examples/scorers).
    #[arg(long, default_value = "examples/scorers/logistic.onnx")]
    onnx: PathBuf,
}

/// A deterministic pseudo-random stream (the pool must be the same on every run).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

fn pool(n: usize, generated: usize) -> (Vec<CandidateData>, Vec<bool>) {
    let mut rng = Lcg(7);
    let run = |test: i32, verdict: Verdict, out: u64| TestOutcome {
        test,
        verdict,
        score: (verdict == Verdict::AC) as u8 as f32,
        time_us: 1000 + (out % 5000) as i32,
        fuel: 0,
        memory_kib: 4096,
        output_hash: OutputHash((out as u128).to_le_bytes()),
    };
    let mut labels = Vec::with_capacity(n);
    let data = (0..n)
        .map(|i| {
            // A third are right; the rest fall into a few dozen wrong behaviours.
            let right = rng.next().is_multiple_of(3);
            let cluster = if right { 0 } else { 1 + rng.next() % 40 };
            labels.push(right);
            let public = (0..3)
                .map(|t| {
                    let pass = right || rng.next().is_multiple_of(2);
                    run(t, if pass { Verdict::AC } else { Verdict::WA }, t as u64)
                })
                .collect();
            let generated = (0..generated as i32)
                .map(|t| {
                    let v = if cluster % 7 == 3 && t % 10 == 0 {
                        Verdict::RE
                    } else {
                        Verdict::Ran
                    };
                    run(100 + t, v, cluster * 1000 + t as u64)
                })
                .collect();
            CandidateData {
                compiled: !rng.next().is_multiple_of(20),
                public,
                generated,
                source_hash: format!("{i}"),
                source_len: 1500 + (rng.next() % 1000) as usize,
                logprob: Some(-((rng.next() % 400) as f64)),
                gen_tokens: Some(300 + (rng.next() % 3000) as i32),
                ..Default::default()
            }
        })
        .collect();
    (data, labels)
}

/// Runs `sieve bench scoring`.
pub fn run(args: ScoringBenchArgs) -> anyhow::Result<()> {
    let (data, labels) = pool(args.candidates, args.generated);
    let ctx = ProblemContext {
        time_limit_us: 1_000_000,
        memory_limit_kib: 262_144,
        ..Default::default()
    };
    let started = Instant::now();
    let features = compute(&data, &ctx);
    let feature_s = started.elapsed().as_secs_f64();
    let model = LogisticModel::train(&features, &labels, 0.1)?;
    let logistic = sieve_scoring::Logistic::new("logistic", 1, model)?;
    let onnx = OnnxScorer::from_bytes("onnx", 1, &std::fs::read(&args.onnx)?)?;
    let inputs: Vec<ScoringInput<'_>> = features
        .iter()
        .map(|f| ScoringInput {
            features: f,
            source: "",
        })
        .collect();
    let mut out = Table::new(
        format!(
            "Scoring {} candidates, {} generated tests each",
            args.candidates, args.generated
        ),
        &[
            "step",
            "seconds",
            "against the features",
            "AUC on the synthetic labels",
        ],
    );
    out.row(vec![
        "features (baseline)".into(),
        Cell::num(feature_s, 4),
        Cell::ratio(1.0),
        Cell::empty(),
    ]);
    let scorers: [(&str, &dyn Scorer); 3] = [
        ("heuristic", &Heuristic),
        ("logistic", &logistic),
        ("onnx (example model)", &onnx),
    ];
    for (name, scorer) in scorers {
        let started = Instant::now();
        let scores = scorer.score(&inputs)?;
        let s = started.elapsed().as_secs_f64();
        anyhow::ensure!(scores.len() == inputs.len());
        let auc = sieve_scoring::auc(&scores, &labels).unwrap_or(f64::NAN);
        out.row(vec![
            name.into(),
            Cell::num(s, 4),
            Cell::shown(s / feature_s, format!("{:.3}x", s / feature_s)),
            Cell::num(auc, 3),
        ]);
    }
    out.print();
    Ok(())
}
