//! Whole problem packages uploaded as tar, tar.gz or zip: a Kattis / ICPC package, a CMS task,
//! a Polygon package or a folder of `N.in` / `N.out` tests. The archive is read here (a body
//! that is not such a package is refused at once) and queued for a worker, which compiles the
//! checker and stores the problem; the client follows the job at `/v1/jobs/{id}`.

use crate::jobs::{JobView, Queued, queued};
use crate::problems::valid_slug;
use crate::{ApiError, AppState, auth::Admin};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::routing::post;
use serde::Deserialize;
use sieve_app::packages::{Upload, submit};
use sieve_domain::{ContestId, TimeFactor};
use sieve_formats::{Overrides, PackageFormat};
use utoipa::IntoParams;
use uuid::Uuid;

/// Largest package upload, packed; what it may unpack to is
/// [`sieve_formats::ArchiveLimits::default`].
pub const MAX_PACKAGE: usize = 512 << 20;

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route(
        "/v1/problems/package",
        post(upload_package).layer(DefaultBodyLimit::max(MAX_PACKAGE)),
    )
}

/// How to read an uploaded package.
#[derive(Debug, Deserialize, IntoParams)]
pub(crate) struct PackageQuery {
    /// `kattis` (problem.yaml, data/sample, data/secret), `cms` (Italian or TPS), `polygon`
    /// (problem.xml) or `folder` (N.in / N.out).
    format: String,
    /// The problem's unique short name (default: the package's folder name).
    slug: Option<String>,
    /// The contest it belongs to.
    contest_id: Option<Uuid>,
    /// Time limit in ms (overrides the package; needed for folders).
    time_limit_ms: Option<u64>,
    /// Memory limit in MiB (overrides the package).
    memory_limit_mb: Option<u64>,
    /// Runs are judged against the time limit times this, from 1 to 4 (default 1.5).
    time_factor: Option<f64>,
}

/// Imports a problem package (admin). The body is the archive itself. The archive is read at
/// once; its checker is compiled and the problem stored by a worker: follow the job at
/// `Location` (`GET /v1/jobs/{id}?wait_ms=…`), which ends with the stored problem.
#[utoipa::path(post, path = "/v1/problems/package", tag = "problems", params(PackageQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream",
                 description = "a tar, tar.gz or zip archive of the package"),
    responses((status = 202, body = JobView, description = "queued; follow the job"),
              (status = 404, description = "no such contest"),
              (status = 409, description = "the slug is taken"),
              (status = 413, description = "the archive is too large"),
              (status = 422, description = "the package cannot be read")))]
pub(crate) async fn upload_package(
    _: Admin,
    State(state): State<AppState>,
    Query(q): Query<PackageQuery>,
    body: Bytes,
) -> Result<Queued, ApiError> {
    let format: PackageFormat =
        q.format
            .parse()
            .map_err(|e: sieve_formats::UnknownPackageFormat| {
                ApiError::invalid("format", e.to_string())
            })?;
    if let Some(slug) = &q.slug {
        valid_slug(slug, "slug")?;
    }
    let time_factor = q
        .time_factor
        .map(|f| TimeFactor::new(f).map_err(|e| ApiError::invalid("time_factor", e.to_string())))
        .transpose()?;
    let upload = Upload {
        archive: Vec::from(body),
        format,
        slug: q.slug,
        contest: q.contest_id.map(ContestId),
        overrides: Overrides {
            time_ms: q.time_limit_ms,
            memory_bytes: q.memory_limit_mb.map(|m| m << 20),
        },
        time_factor,
    };
    let job = submit(&state.store, upload).await?;
    queued(&state, job).await
}
