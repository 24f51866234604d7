//! A scorer served elsewhere: batches POSTed as JSON, with a timeout, retries (exponential with
//! jitter, by `backon`; only failures another try could pass), a circuit breaker and a fallback
//! scorer that answers while the remote one is failing.
//!
//! Request: `{"feature_version": 1, "feature_names": [...], "candidates": [{"features": [...],
//! "source": "..."}]}`. Response: `{"scores": [...]}`, one number in [0, 1] per candidate.

use crate::features::{FEATURE_NAMES, FEATURE_VERSION};
use crate::scorer::{Scorer, ScoringError, ScoringInput};
use backon::{BlockingRetryable, ExponentialBuilder};
use serde::{Deserialize, Serialize};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The body sent to the remote scorer.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Serialize, Deserialize)]
pub struct HttpRequest {
    /// [`FEATURE_VERSION`].
    pub feature_version: u32,
    /// [`FEATURE_NAMES`].
    pub feature_names: Vec<String>,
    /// The batch.
    pub candidates: Vec<HttpCandidate>,
}

/// One candidate of an [`HttpRequest`].
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Serialize, Deserialize)]
pub struct HttpCandidate {
    /// Its features, in `feature_names` order.
    pub features: Vec<f64>,
    /// Its source.
    pub source: String,
}

/// The remote scorer's answer.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Serialize, Deserialize)]
pub struct HttpResponse {
    /// One score in [0, 1] per candidate, in order.
    pub scores: Vec<f64>,
}

/// How the remote scorer is called.
#[derive(Clone, Debug)]
pub struct HttpConfig {
    /// Where to POST.
    pub url: String,
    /// Per attempt.
    pub timeout: Duration,
    /// Attempts after the first.
    pub retries: u32,
    /// Consecutive failed batches that open the breaker.
    pub failure_threshold: u32,
    /// How long an open breaker sends everything to the fallback before trying again.
    pub cooldown: Duration,
}

/// The remote scorer with its fallback.
pub struct HttpScorer {
    name: String,
    config: HttpConfig,
    client: reqwest::blocking::Client,
    fallback: Box<dyn Scorer>,
    breaker: Mutex<(u32, Option<Instant>)>,
}

impl HttpScorer {
    /// A remote scorer called `name`, answered by `fallback` when it fails.
    pub fn new(
        name: &str,
        config: HttpConfig,
        fallback: Box<dyn Scorer>,
    ) -> Result<HttpScorer, ScoringError> {
        let client = reqwest::blocking::Client::builder()
            .timeout(config.timeout)
            .build()
            .map_err(|e| ScoringError::Remote(e.to_string()))?;
        Ok(HttpScorer {
            name: name.to_string(),
            config,
            client,
            fallback,
            breaker: Mutex::new((0, None)),
        })
    }

    /// Whether the breaker is open now (calls go straight to the fallback).
    pub fn is_open(&self) -> bool {
        let state = self.breaker.lock().map(|b| b.1).unwrap_or(None);
        state.is_some_and(|until| Instant::now() < until)
    }

    fn call(&self, batch: &[ScoringInput<'_>]) -> Result<Vec<f64>, ScoringError> {
        let body = HttpRequest {
            feature_version: FEATURE_VERSION,
            feature_names: FEATURE_NAMES.iter().map(|s| s.to_string()).collect(),
            candidates: batch
                .iter()
                .map(|c| HttpCandidate {
                    features: c.features.to_vec(),
                    source: c.source.to_string(),
                })
                .collect(),
        };
        // One call: a failure says whether another try could help. A server's failure, a
        // timeout, a dropped connection or a rate limit can pass; a refused request (4xx) or an
        // answer that makes no sense would come back the same.
        let once = || -> Result<Vec<f64>, Failure> {
            let response = self
                .client
                .post(&self.config.url)
                .json(&body)
                .send()
                .map_err(|e| Failure::again(e.to_string()))?;
            let status = response.status();
            if !status.is_success() {
                let message = format!("HTTP {status}");
                return Err(
                    if status.is_server_error()
                        || status == reqwest::StatusCode::REQUEST_TIMEOUT
                        || status == reqwest::StatusCode::TOO_MANY_REQUESTS
                    {
                        Failure::again(message)
                    } else {
                        Failure::last(message)
                    },
                );
            }
            let r: HttpResponse = response.json().map_err(|e| Failure::last(e.to_string()))?;
            if r.scores.len() == batch.len() && r.scores.iter().all(|s| (0.0..=1.0).contains(s)) {
                Ok(r.scores)
            } else {
                Err(Failure::last(format!(
                    "{} scores for {} candidates, or one outside [0, 1]",
                    r.scores.len(),
                    batch.len()
                )))
            }
        };
        let backoff = ExponentialBuilder::default()
            .with_min_delay(Duration::from_millis(50))
            .with_max_delay(Duration::from_millis(800))
            .with_max_times(self.config.retries as usize)
            .with_jitter();
        once.retry(backoff)
            .sleep(std::thread::sleep)
            .when(|f| f.retry)
            .call()
            .map_err(|f| ScoringError::Remote(f.message))
    }
}

/// Why one call to the remote scorer failed, and whether trying again could help.
struct Failure {
    message: String,
    retry: bool,
}

impl Failure {
    fn again(message: String) -> Failure {
        Failure {
            message,
            retry: true,
        }
    }

    fn last(message: String) -> Failure {
        Failure {
            message,
            retry: false,
        }
    }
}

impl Scorer for HttpScorer {
    fn name(&self) -> &str {
        &self.name
    }

    fn version(&self) -> i32 {
        1
    }

    fn score(&self, batch: &[ScoringInput<'_>]) -> Result<Vec<f64>, ScoringError> {
        if self.is_open() {
            return self.fallback.score(batch);
        }
        match self.call(batch) {
            Ok(scores) => {
                if let Ok(mut b) = self.breaker.lock() {
                    *b = (0, None);
                }
                Ok(scores)
            }
            Err(e) => {
                tracing::warn!(scorer = %self.name, error = %e, "remote scorer failed; the fallback answers");
                if let Ok(mut b) = self.breaker.lock() {
                    b.0 += 1;
                    if b.0 >= self.config.failure_threshold {
                        b.1 = Some(Instant::now() + self.config.cooldown);
                    }
                }
                self.fallback.score(batch)
            }
        }
    }
}
