//! Any ONNX model over the feature vector, run in pure Rust (tract): a model trained in Python
//! drops in. The model takes one input of shape `[N, features]` (float32) and gives one score
//! in [0, 1] per row (output shape `[N]` or `[N, 1]`).

use crate::features::FEATURE_NAMES;
use crate::scorer::{Scorer, ScoringError, ScoringInput};
use std::sync::Arc;
use tract_onnx::prelude::*;
use tract_onnx::tract_core::dims;

/// An ONNX model as a scorer.
pub struct OnnxScorer {
    name: String,
    version: i32,
    model: Arc<TypedRunnableModel>,
}

fn model_error(e: impl std::fmt::Display) -> ScoringError {
    ScoringError::Model(e.to_string())
}

impl OnnxScorer {
    /// Loads the model in `bytes` (an ONNX file) as the scorer `name` at `version`.
    pub fn from_bytes(name: &str, version: i32, bytes: &[u8]) -> Result<OnnxScorer, ScoringError> {
        let model = tract_onnx::onnx()
            .model_for_read(&mut std::io::Cursor::new(bytes))
            .map_err(model_error)?;
        let n = model.sym("N");
        let model = model
            .with_input_fact(0, f32::fact(dims!(n, FEATURE_NAMES.len())).into())
            .map_err(model_error)?
            .into_optimized()
            .map_err(model_error)?
            .into_runnable()
            .map_err(model_error)?;
        Ok(OnnxScorer {
            name: name.to_string(),
            version,
            model,
        })
    }
}

impl Scorer for OnnxScorer {
    fn name(&self) -> &str {
        &self.name
    }

    fn version(&self) -> i32 {
        self.version
    }

    fn score(&self, batch: &[ScoringInput<'_>]) -> Result<Vec<f64>, ScoringError> {
        if batch.is_empty() {
            return Ok(vec![]);
        }
        let input = tract_ndarray::Array2::<f32>::from_shape_fn(
            (batch.len(), FEATURE_NAMES.len()),
            |(i, j)| batch[i].features[j] as f32,
        );
        let out = self
            .model
            .run(tvec!(input.into_tensor().into()))
            .map_err(model_error)?;
        let scores = out[0].to_plain_array_view::<f32>().map_err(model_error)?;
        if scores.len() != batch.len() {
            return Err(ScoringError::Model(format!(
                "{} outputs for {} candidates",
                scores.len(),
                batch.len()
            )));
        }
        scores
            .iter()
            .map(|s| {
                let s = *s as f64;
                if (0.0..=1.0).contains(&s) {
                    Ok(s)
                } else {
                    Err(ScoringError::Model(format!("score {s} outside [0, 1]")))
                }
            })
            .collect()
    }
}
