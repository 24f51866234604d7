//! The `Scorer` trait: features (and sources, for scorers that read code) in, a score in [0, 1]
//! out, a batch at a time.

use crate::features::Features;

/// One candidate as a scorer sees it.
#[derive(Clone, Copy, Debug)]
pub struct ScoringInput<'a> {
    /// Its features ([`crate::FEATURE_NAMES`] order).
    pub features: &'a Features,
    /// Its source.
    pub source: &'a str,
}

/// Why a batch could not be scored.
#[derive(Debug, thiserror::Error)]
pub enum ScoringError {
    /// A model's parameters do not fit this build (other feature version, wrong sizes).
    #[error("the model does not fit: {0}")]
    Model(String),
    /// Training data is unusable (one class only, too few rows).
    #[error("cannot train: {0}")]
    Training(String),
    /// A remote scorer failed (and no fallback took over).
    #[error("remote scorer: {0}")]
    Remote(String),
}

/// Scores candidates. Implementations must be cheap to share across threads.
pub trait Scorer: Send + Sync {
    /// The name selections refer to it by.
    fn name(&self) -> &str;
    /// Its version (a trained model's number; 1 for fixed formulas).
    fn version(&self) -> i32;
    /// One score in [0, 1] per input, in order.
    fn score(&self, batch: &[ScoringInput<'_>]) -> Result<Vec<f64>, ScoringError>;
}
