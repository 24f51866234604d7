//! Candidate features and the `Scorer` trait with its implementations (heuristic, logistic,
//! ONNX, HTTP).
//!
//! Depends only on `domain`: scorers see features and sources, never the database or the
//! sandbox. (Built by the scoring issue; this crate is the place it goes.)
