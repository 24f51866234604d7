//! `/metrics` in the Prometheus text format: what this process recorded (HTTP requests and
//! their latency by route, tests judged per verdict, judging latency, jobs by outcome, builds
//! and compile time from its in-process workers), its database pool, and what the database knows
//! for every process (jobs per kind and state). Every series has its help text and is present,
//! at zero, from the first scrape.

use crate::{ApiError, AppState};
use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use sieve_store::queue::{JobKind, JobState};
use std::fmt::Write;

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/metrics", get(render))
}

/// Every histogram's buckets, in seconds: from a fast HTTP request (1 ms) to a slow judging
/// (a minute).
const BUCKETS: [f64; 15] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0,
];

/// HTTP status classes, as `sieve_http_requests_total` labels them.
const STATUS_CLASSES: [&str; 3] = ["2xx", "4xx", "5xx"];

/// The process-wide recorder the workers' counters go to, installed on the first call; later
/// calls (another service in the same process, as in the tests) share it. The HTTP series of
/// every documented route are registered at zero with their help texts; the workers' own are
/// registered by `sieve_worker::metrics::describe`.
pub fn install_recorder() -> Result<PrometheusHandle, String> {
    static HANDLE: std::sync::OnceLock<Result<PrometheusHandle, String>> =
        std::sync::OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let handle = PrometheusBuilder::new()
                .set_buckets(&BUCKETS)
                .map_err(|e| e.to_string())?
                .install_recorder()
                .map_err(|e| e.to_string())?;
            describe();
            Ok(handle)
        })
        .clone()
}

fn describe() {
    metrics::describe_counter!(
        "sieve_http_requests_total",
        "HTTP requests answered, by method, route (as routed, ids as {id}) and status class."
    );
    metrics::describe_histogram!(
        "sieve_http_request_seconds",
        metrics::Unit::Seconds,
        "Time to answer an HTTP request's headers, by method and route (an event stream's \
         lasts until its first byte)."
    );
    let doc = crate::openapi::document();
    for (path, item) in &doc.paths.paths {
        let methods = [
            ("GET", item.get.is_some()),
            ("POST", item.post.is_some()),
            ("PUT", item.put.is_some()),
            ("DELETE", item.delete.is_some()),
            ("PATCH", item.patch.is_some()),
        ];
        for (method, _) in methods.iter().filter(|(_, has)| *has) {
            for class in STATUS_CLASSES {
                metrics::counter!("sieve_http_requests_total", "method" => *method,
                    "route" => path.clone(), "status" => class)
                .increment(0);
            }
            // Registered, not recorded: the family shows its zero counts from the start.
            let _ = metrics::histogram!("sieve_http_request_seconds", "method" => *method, "route" => path.clone());
        }
    }
}

/// Counts each routed request and times it to its response, by the route it matched.
pub(crate) async fn track(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".into());
    let method = request.method().as_str().to_owned();
    let started = std::time::Instant::now();
    let response = next.run(request).await;
    let class = match response.status().as_u16() {
        500.. => "5xx",
        400.. => "4xx",
        300.. => "3xx",
        _ => "2xx",
    };
    metrics::histogram!("sieve_http_request_seconds", "method" => method.clone(), "route" => route.clone())
        .record(started.elapsed().as_secs_f64());
    metrics::counter!("sieve_http_requests_total", "method" => method, "route" => route, "status" => class)
        .increment(1);
    response
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
    const STATES: [JobState; 4] = [
        JobState::Queued,
        JobState::Running,
        JobState::Done,
        JobState::Failed,
    ];
    for kind in JobKind::ALL {
        for job_state in STATES {
            let n = jobs
                .iter()
                .find(|(k, s, _)| *k == kind && *s == job_state)
                .map_or(0, |j| j.2);
            let _ = writeln!(
                out,
                "sieve_queue_jobs{{kind=\"{}\",state=\"{}\"}} {n}",
                kind.name(),
                job_state.name()
            );
        }
    }
    let pool = state.store.pool_stats();
    out.push_str(
        "# HELP sieve_db_pool_connections This process's database connections, by state.\n",
    );
    out.push_str("# TYPE sieve_db_pool_connections gauge\n");
    let busy = pool.open.saturating_sub(pool.idle);
    let _ = writeln!(out, "sieve_db_pool_connections{{state=\"busy\"}} {busy}");
    let _ = writeln!(
        out,
        "sieve_db_pool_connections{{state=\"idle\"}} {}",
        pool.idle
    );
    out.push_str(
        "# HELP sieve_db_pool_max_connections The most database connections this process opens.\n",
    );
    out.push_str("# TYPE sieve_db_pool_max_connections gauge\n");
    let _ = writeln!(out, "sieve_db_pool_max_connections {}", pool.max);
    Ok(([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], out))
}
