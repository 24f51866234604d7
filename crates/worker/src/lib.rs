//! Judging workers: they take `judge` jobs from the PostgreSQL queue, build the candidate (once
//! per distinct source), judge it in a supervised judging process, and write the results back
//! through the store, holding the job's lease with a heartbeat meanwhile.
//!
//! It also scores pools and trains the learned scorer (`scoring`), and loads pools for the
//! strategies (`selection`): the glue between the store and those pure crates.
//!
//! Depends on `domain`, `sandbox`, `scoring`, `selection` and `store`; never on the API.

mod build;
pub mod clusters;
pub mod generate;
pub mod holdout;
pub mod ingest;
mod judge_job;
mod metrics;
pub mod package;
pub mod replay;
pub mod scoring;
pub mod selection;
pub mod session;

pub use judge_job::{JUDGE, JudgeJob, Worker, WorkerError};
