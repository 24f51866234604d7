//! Whole problem packages uploaded as tar, tar.gz or zip: a Kattis / ICPC package or a folder
//! of `N.in` / `N.out` tests, unpacked in a scratch directory, read by the same importers as
//! `sieve import`, custom checkers compiled, and stored in one transaction.

use crate::problems::{summary, valid_slug};
use crate::{ApiError, AppState, auth::Admin};
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use sieve_domain::{ContestId, TimeFactor};
use sieve_formats::{ArchiveLimits, FormatError, Overrides, load_folder, load_kattis, unpack};
use sieve_store::problem_info::ProblemSummary;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// Largest package upload, packed; what it may unpack to is [`ArchiveLimits::default`].
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
    /// `kattis` (problem.yaml, data/sample, data/secret) or `folder` (N.in / N.out).
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

/// The stored problem and what the importer could not use.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Uploaded {
    problem: ProblemSummary,
    warnings: Vec<String>,
}

/// Imports a problem package (admin). The body is the archive itself.
#[utoipa::path(post, path = "/v1/problems/package", tag = "problems", params(PackageQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream",
                 description = "a tar, tar.gz or zip archive of the package"),
    responses((status = 201, body = Uploaded), (status = 409, description = "the slug is taken"),
              (status = 413, description = "the archive is too large"),
              (status = 422, description = "the package cannot be read")))]
pub(crate) async fn upload_package(
    _: Admin,
    State(state): State<AppState>,
    Query(q): Query<PackageQuery>,
    body: Bytes,
) -> Result<(StatusCode, Json<Uploaded>), ApiError> {
    let load = match q.format.as_str() {
        "kattis" => load_kattis,
        "folder" => load_folder,
        "cms" => sieve_formats::load_cms,
        "polygon" => sieve_formats::load_polygon,
        other => {
            return Err(ApiError::invalid(
                "format",
                format!("unknown package format {other:?}: kattis, folder, cms or polygon"),
            ));
        }
    };
    if let Some(slug) = &q.slug {
        valid_slug(slug, "slug")?;
    }
    let time_factor = q
        .time_factor
        .map(|f| TimeFactor::new(f).map_err(|e| ApiError::invalid("time_factor", e.to_string())))
        .transpose()?;
    let overrides = Overrides {
        time_ms: q.time_limit_ms,
        memory_bytes: q.memory_limit_mb.map(|m| m << 20),
    };
    let (toolchain, cache_dir) = state.packages.toolchain().map_err(|e| {
        tracing::error!(error = %e, "no toolchain for packages");
        ApiError::unavailable("the compiler toolchain is not available on this server")
    })?;
    let (slug, contest) = (q.slug.clone(), q.contest_id.map(ContestId));
    let prepared = tokio::task::spawn_blocking(move || {
        let dir = tempfile::tempdir().map_err(|e| ApiError::unavailable(e.to_string()))?;
        let unreadable = |e: FormatError| match e {
            FormatError::Archive(a) if a.is_too_large() => {
                ApiError::too_large("body", a.to_string())
            }
            e => ApiError::invalid("body", e.to_string()),
        };
        let (root, mut warnings) =
            unpack(&body, dir.path(), ArchiveLimits::default()).map_err(unreadable)?;
        let package = load(&root, &overrides).map_err(unreadable)?;
        let named = root != dir.path();
        let slug = match slug {
            Some(s) => s,
            None if named => package.name.clone(),
            None => {
                return Err(ApiError::invalid(
                    "slug",
                    "the archive has no top folder to name the problem by: pass slug",
                ));
            }
        };
        valid_slug(&slug, "slug")?;
        let mut prepared =
            sieve_worker::package::prepare(&toolchain, &package, slug, contest, &cache_dir)
                .map_err(|e| ApiError::invalid("body", e.to_string()))?;
        if !named {
            prepared.problem.name = prepared.problem.slug.clone();
        }
        if let Some(f) = time_factor {
            prepared.problem.time_factor = f;
            prepared.problem.time_factor_from = "given".into();
        }
        warnings.append(&mut prepared.problem.warnings);
        prepared.problem.warnings = warnings;
        Ok::<_, ApiError>(prepared)
    })
    .await
    .map_err(|e| ApiError::unavailable(format!("the import failed: {e}")))??;
    let id = prepared.store(&state.store).await?;
    Ok((
        StatusCode::CREATED,
        Json(Uploaded {
            problem: summary(&state, id).await?,
            warnings: prepared.problem.warnings,
        }),
    ))
}
