//! The learned scorer: logistic regression over standardised features (linfa), trained on
//! candidates whose hidden outcome is known, saved as JSON parameters with a version.

use crate::features::{FEATURE_NAMES, FEATURE_VERSION, Features};
use crate::scorer::{Scorer, ScoringError, ScoringInput};
use linfa::prelude::*;
use linfa_logistic::LogisticRegression;
use ndarray::{Array1, Array2};
use serde::{Deserialize, Serialize};

/// A trained model's parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LogisticModel {
    /// The feature version it was trained on.
    pub feature_version: u32,
    /// The features' names, in order.
    pub names: Vec<String>,
    /// Per feature, the training mean.
    pub mean: Vec<f64>,
    /// Per feature, the training standard deviation (1 where constant).
    pub std: Vec<f64>,
    /// Per standardised feature, its weight.
    pub weights: Vec<f64>,
    /// The intercept.
    pub intercept: f64,
}

impl LogisticModel {
    /// Fits a model to `x` (feature vectors) and `y` (the outcome), with L2 penalty `l2`.
    pub fn train(x: &[Features], y: &[bool], l2: f64) -> Result<LogisticModel, ScoringError> {
        if x.len() != y.len() || x.len() < 4 {
            return Err(ScoringError::Training(format!("{} rows", x.len())));
        }
        if y.iter().all(|v| *v) || y.iter().all(|v| !*v) {
            return Err(ScoringError::Training("every outcome is the same".into()));
        }
        let n = FEATURE_NAMES.len();
        let rows = x.len() as f64;
        let mean: Vec<f64> = (0..n)
            .map(|j| x.iter().map(|r| r[j]).sum::<f64>() / rows)
            .collect();
        let std: Vec<f64> = (0..n)
            .map(|j| {
                let v = x.iter().map(|r| (r[j] - mean[j]).powi(2)).sum::<f64>() / rows;
                if v > 1e-12 { v.sqrt() } else { 1.0 }
            })
            .collect();
        let data = Array2::from_shape_fn((x.len(), n), |(i, j)| (x[i][j] - mean[j]) / std[j]);
        let targets = Array1::from_iter(y.iter().copied());
        let fitted = LogisticRegression::default()
            .alpha(l2)
            .max_iterations(500)
            .fit(&Dataset::new(data, targets))
            .map_err(|e| ScoringError::Training(e.to_string()))?;
        // linfa labels the classes in the order it meets them; make weights point at `true`.
        let sign = if fitted.labels().pos.class { 1.0 } else { -1.0 };
        Ok(LogisticModel {
            feature_version: FEATURE_VERSION,
            names: FEATURE_NAMES.iter().map(|s| s.to_string()).collect(),
            mean,
            std,
            weights: fitted.params().iter().map(|w| sign * w).collect(),
            intercept: sign * fitted.intercept(),
        })
    }

    /// The probability of success for one candidate.
    pub fn predict(&self, f: &Features) -> f64 {
        let z = self.intercept
            + (0..f.len())
                .map(|j| self.weights[j] * (f[j] - self.mean[j]) / self.std[j])
                .sum::<f64>();
        1.0 / (1.0 + (-z).exp())
    }

    fn check(&self) -> Result<(), ScoringError> {
        let n = FEATURE_NAMES.len();
        if self.feature_version != FEATURE_VERSION
            || [self.mean.len(), self.std.len(), self.weights.len()] != [n, n, n]
        {
            return Err(ScoringError::Model(format!(
                "trained on feature version {} with {} weights; this build has version {} with {n}",
                self.feature_version,
                self.weights.len(),
                FEATURE_VERSION
            )));
        }
        Ok(())
    }
}

/// A trained logistic model as a scorer.
#[derive(Clone, Debug)]
pub struct Logistic {
    name: String,
    version: i32,
    model: LogisticModel,
}

impl Logistic {
    /// The scorer `name` version `version` with `model`'s parameters.
    pub fn new(name: &str, version: i32, model: LogisticModel) -> Result<Logistic, ScoringError> {
        model.check()?;
        Ok(Logistic {
            name: name.to_string(),
            version,
            model,
        })
    }
}

impl Scorer for Logistic {
    fn name(&self) -> &str {
        &self.name
    }

    fn version(&self) -> i32 {
        self.version
    }

    fn score(&self, batch: &[ScoringInput<'_>]) -> Result<Vec<f64>, ScoringError> {
        Ok(batch
            .iter()
            .map(|c| self.model.predict(c.features))
            .collect())
    }
}

/// Area under the ROC curve: the chance that a random positive outscores a random negative
/// (ties count half). `None` with one class only.
pub fn auc(scores: &[f64], labels: &[bool]) -> Option<f64> {
    let mut idx: Vec<usize> = (0..scores.len()).collect();
    idx.sort_by(|a, b| scores[*a].total_cmp(&scores[*b]));
    let (mut rank_sum, mut i) = (0.0, 0);
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && scores[idx[j + 1]] == scores[idx[i]] {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0 + 1.0;
        rank_sum += idx[i..=j].iter().filter(|k| labels[**k]).count() as f64 * avg;
        i = j + 1;
    }
    let pos = labels.iter().filter(|l| **l).count() as f64;
    let neg = labels.len() as f64 - pos;
    (pos > 0.0 && neg > 0.0).then(|| (rank_sum - pos * (pos + 1.0) / 2.0) / (pos * neg))
}

/// Mean negative log-likelihood of `labels` under probabilities `scores` (clipped to 1e-6).
pub fn log_loss(scores: &[f64], labels: &[bool]) -> f64 {
    let n = scores.len().max(1) as f64;
    scores
        .iter()
        .zip(labels)
        .map(|(p, y)| {
            let p = p.clamp(1e-6, 1.0 - 1e-6);
            if *y { -p.ln() } else { -(1.0 - p).ln() }
        })
        .sum::<f64>()
        / n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auc_counts_ordered_pairs_and_ties() {
        assert_eq!(auc(&[0.1, 0.9], &[false, true]), Some(1.0));
        assert_eq!(auc(&[0.9, 0.1], &[false, true]), Some(0.0));
        assert_eq!(auc(&[0.5, 0.5], &[false, true]), Some(0.5));
        assert_eq!(auc(&[0.2, 0.4, 0.3], &[false, true, false]), Some(1.0));
        assert_eq!(auc(&[0.2, 0.4], &[true, true]), None);
        assert!(log_loss(&[0.9, 0.1], &[true, false]) < log_loss(&[0.6, 0.4], &[true, false]));
    }

    #[test]
    fn training_learns_which_feature_predicts_success() {
        // Success iff the public pass rate is high; the other features are noise.
        let mut x = Vec::new();
        let mut y = Vec::new();
        for i in 0..200 {
            let mut f = [0.0; FEATURE_NAMES.len()];
            let pass = (i % 10) as f64 / 9.0;
            f[2] = pass;
            f[15] = ((i * 7919) % 13) as f64;
            x.push(f);
            y.push(pass > 0.5);
        }
        let m = LogisticModel::train(&x, &y, 0.01).unwrap();
        let scores: Vec<f64> = x.iter().map(|f| m.predict(f)).collect();
        assert!(auc(&scores, &y).unwrap() > 0.99);
        assert!(m.weights[2] > 0.0, "success rises with the pass rate");
        let back: LogisticModel =
            serde_json::from_str(&serde_json::to_string(&m).unwrap()).unwrap();
        assert_eq!(back, m);
        assert!(LogisticModel::train(&x[..3], &y[..3], 0.01).is_err());
    }
}
