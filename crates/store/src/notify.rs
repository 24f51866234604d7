//! Notifications of judging progress: triggers (migration 0007) send a problem's id on the
//! [`PROGRESS_CHANNEL`] whenever one of its jobs is queued, changes state or is removed, a result
//! is written, or a candidate is posted or built. A listener hears them from every process that
//! uses the database, workers on other machines included.

use crate::{Store, StoreError};
use sieve_domain::ProblemId;
use sqlx::postgres::PgListener;
use uuid::Uuid;

/// The channel the progress triggers notify on.
pub const PROGRESS_CHANNEL: &str = "sieve_progress";

/// A connection listening on [`PROGRESS_CHANNEL`] (it holds one of the pool's connections).
pub struct ProgressListener(PgListener);

impl std::fmt::Debug for ProgressListener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ProgressListener")
    }
}

impl Store {
    /// Starts listening for progress notifications.
    pub async fn listen_progress(&self) -> Result<ProgressListener, StoreError> {
        let mut listener = PgListener::connect_with(self.pool()).await?;
        listener.listen(PROGRESS_CHANNEL).await?;
        Ok(ProgressListener(listener))
    }
}

impl ProgressListener {
    /// Waits for the next notification: `Some(problem)` whose progress changed, or `None` when
    /// any problem's may have (the connection was lost and made again, and what was notified in
    /// between is lost).
    pub async fn recv(&mut self) -> Result<Option<ProblemId>, StoreError> {
        Ok(self
            .0
            .try_recv()
            .await?
            .and_then(|n| Uuid::parse_str(n.payload()).ok())
            .map(ProblemId))
    }
}
