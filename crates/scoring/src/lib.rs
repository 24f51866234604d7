//! Candidate features (versioned) and the `Scorer` trait with its implementations: a hand-set
//! `heuristic` baseline, a `logistic` model trained on stored outcomes, any `onnx` model over the
//! feature vector (run by tract, in pure Rust), and an `http` scorer served elsewhere with a
//! timeout, retries, a circuit breaker and a fallback.
//!
//! Depends only on `domain` (and an HTTP client for the remote scorer): scorers see features and
//! sources, never the database or the sandbox; the store loads what they need and keeps what they
//! say.

mod features;
mod heuristic;
mod http;
mod logistic;
mod onnx;
mod scorer;

pub use features::{
    CandidateData, FEATURE_NAMES, FEATURE_VERSION, Features, ProblemContext, compute, named,
    signature, solved,
};
pub use heuristic::Heuristic;
pub use http::{HttpCandidate, HttpConfig, HttpRequest, HttpResponse, HttpScorer};
pub use logistic::{Logistic, LogisticModel, auc, log_loss};
pub use onnx::OnnxScorer;
pub use scorer::{Scorer, ScoringError, ScoringInput};
