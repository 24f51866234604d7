//! The ONNX scorer on the example model in examples/scorers (written by export_onnx.py): its
//! scores equal the same logistic formula computed here, and a file that is not a model is
//! refused.

use sieve_scoring::{FEATURE_NAMES, Features, OnnxScorer, Scorer, ScoringInput};

fn example() -> Vec<u8> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/scorers/logistic.onnx"
    );
    std::fs::read(path).expect("the example model")
}

#[test]
fn the_example_model_scores_like_its_formula() {
    let scorer = OnnxScorer::from_bytes("example", 1, &example()).unwrap();
    let weight = |n: &str| match n {
        "compiled" => 3.0,
        "public_all_passed" | "public_target_pass_rate" => 2.0,
        "generated_crash_rate" => -3.0,
        "generated_timeout_rate" | "generated_memout_rate" => -2.0,
        "cluster_rel_size" => 1.5,
        "cluster_rank" => -0.5,
        _ => 0.0,
    };
    let mut batch: Vec<Features> = Vec::new();
    for i in 0..300 {
        let mut f = [0.0; FEATURE_NAMES.len()];
        for (j, v) in f.iter_mut().enumerate() {
            *v = ((i * 31 + j * 17) % 11) as f64 / 10.0;
        }
        batch.push(f);
    }
    let inputs: Vec<ScoringInput<'_>> = batch
        .iter()
        .map(|features| ScoringInput {
            features,
            source: "",
        })
        .collect();
    let got = scorer.score(&inputs).unwrap();
    assert_eq!(got.len(), batch.len());
    for (f, g) in batch.iter().zip(&got) {
        let z: f64 = -4.0
            + FEATURE_NAMES
                .iter()
                .zip(f)
                .map(|(n, v)| weight(n) * v)
                .sum::<f64>();
        let want = 1.0 / (1.0 + (-z).exp());
        assert!((g - want).abs() < 1e-5, "{g} against {want}");
    }
    let (lo, hi) = got
        .iter()
        .fold((1.0f64, 0.0f64), |(l, h), g| (l.min(*g), h.max(*g)));
    assert!(hi - lo > 0.1, "the inputs spread the scores: {lo}..{hi}");
    assert_eq!(scorer.score(&[]).unwrap(), Vec::<f64>::new());
}

#[test]
fn a_file_that_is_not_a_model_is_refused() {
    assert!(OnnxScorer::from_bytes("bad", 1, b"not a model").is_err());
}
