//! Problem packages uploaded as archives: read here (unpacking and parsing are plain reading,
//! bounded by [`ArchiveLimits`]), so that an archive that is not a package is refused at once,
//! then queued for a worker, which compiles the package's checker in the compiler's jail and
//! stores the problem. This process never compiles or runs what a package holds.

use crate::AppError;
use sieve_domain::{ContestId, JobId, TimeFactor};
use sieve_formats::{ArchiveLimits, Overrides, PackageFormat, unpack};
use sieve_store::Store;
use sieve_store::queue::{PreparePackage, Rejection, Task};

/// Priority of package and generation jobs: a person waits on them, unlike on a pool's judging.
pub const INTERACTIVE_PRIORITY: i16 = 10;

/// An uploaded package and how to read it.
#[derive(Clone, Debug)]
pub struct Upload {
    /// The archive (tar, tar.gz or zip).
    pub archive: Vec<u8>,
    /// Its format.
    pub format: PackageFormat,
    /// The problem's slug; by default the archive's top folder's name.
    pub slug: Option<String>,
    /// The contest it joins.
    pub contest: Option<ContestId>,
    /// Limits that win over the package's.
    pub overrides: Overrides,
    /// The time factor, when given.
    pub time_factor: Option<TimeFactor>,
}

/// Reads `upload` and queues its preparation; returns the job, which ends with
/// [`sieve_store::queue::JobOutput::Prepared`] or a rejection (a checker that does not
/// compile, a slug taken meanwhile).
pub async fn submit(store: &Store, upload: Upload) -> Result<JobId, AppError> {
    let Upload {
        archive,
        format,
        slug,
        contest,
        overrides,
        time_factor,
    } = upload;
    let read_overrides = overrides.clone();
    let (archive, name, named, warnings) = tokio::task::spawn_blocking(move || {
        let dir = tempfile::tempdir().map_err(|e| AppError::Thread(e.to_string()))?;
        let (root, warnings) =
            unpack(&archive, dir.path(), ArchiveLimits::default()).map_err(AppError::Package)?;
        let package = format
            .load(&root, &read_overrides)
            .map_err(AppError::Package)?;
        let named = root != dir.path();
        Ok::<_, AppError>((archive, package.name, named, warnings))
    })
    .await
    .map_err(|e| AppError::Thread(format!("reading the package: {e}")))??;
    let (slug, name_is_slug) = match slug {
        Some(s) => (s, !named),
        None if named => (name, false),
        None => return Err(AppError::NoSlug),
    };
    if !sieve_domain::is_slug(&slug) {
        return Err(AppError::BadSlug(slug));
    }
    if let Some(c) = contest
        && store.contest(c).await?.is_none()
    {
        return Err(AppError::NotFound(format!("no contest {}", c.0)));
    }
    if store.problem_by_slug(&slug).await?.is_some() {
        return Err(AppError::Rejected(Rejection::SlugTaken { slug }));
    }
    let task = |archive| {
        Task::PreparePackage(PreparePackage {
            archive,
            format,
            slug,
            name_is_slug,
            contest,
            overrides,
            time_factor,
            warnings,
        })
    };
    Ok(store
        .enqueue_with_blob(&archive, task, INTERACTIVE_PRIORITY)
        .await?)
}
