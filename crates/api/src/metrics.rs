//! `/metrics` in the Prometheus text format: what this process recorded (tests judged per
//! verdict, judging latency, jobs by outcome, from its in-process workers) and what the
//! database knows for every process (jobs per kind and state).

use crate::{ApiError, AppState};
use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::fmt::Write;

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/metrics", get(render))
}

/// The process-wide recorder the workers' counters go to, installed on the first call; later
/// calls (another service in the same process, as in the tests) share it.
pub fn install_recorder() -> Result<PrometheusHandle, String> {
    static HANDLE: std::sync::OnceLock<Result<PrometheusHandle, String>> =
        std::sync::OnceLock::new();
    HANDLE
        .get_or_init(|| {
            PrometheusBuilder::new()
                .set_buckets_for_metric(
                    Matcher::Full("sieve_judge_seconds".into()),
                    &[
                        0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0,
                    ],
                )
                .map_err(|e| e.to_string())?
                .install_recorder()
                .map_err(|e| e.to_string())
        })
        .clone()
}

/// Prometheus metrics (no authentication, like the health probes: no test data in them).
#[utoipa::path(get, path = "/metrics", tag = "operations", security(()),
    responses((status = 200, content_type = "text/plain", body = String, description = "every series in the Prometheus text format")))]
pub(crate) async fn render(State(state): State<AppState>) -> Result<impl IntoResponse, ApiError> {
    let mut out = state
        .metrics
        .as_ref()
        .map(|h| h.render())
        .unwrap_or_default();
    let jobs = state.store.job_counts().await?;
    out.push_str("# HELP sieve_queue_jobs Jobs in the queue by kind and state.\n");
    out.push_str("# TYPE sieve_queue_jobs gauge\n");
    for (kind, job_state, n) in jobs {
        let _ = writeln!(
            out,
            "sieve_queue_jobs{{kind=\"{}\",state=\"{}\"}} {n}",
            kind.name(),
            job_state.name()
        );
    }
    Ok(([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], out))
}
