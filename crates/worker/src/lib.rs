//! Judging workers: they take `judge` jobs from the PostgreSQL queue, build the candidate (once
//! per distinct source), judge it in a supervised judging process, and write the results back
//! through the store, holding the job's lease with a heartbeat meanwhile.
//!
//! Depends on `domain`, `sandbox` and `store`; never on the API.

mod build;
mod judge_job;
mod metrics;
pub mod package;

pub use judge_job::{JUDGE, JudgeJob, Worker, WorkerError};
