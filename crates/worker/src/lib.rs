//! Judging workers: they take `judge` jobs from the PostgreSQL queue, build the candidate (once
//! per distinct source), judge it in a supervised judging process, and write the results back
//! through the store, holding the job's lease with a heartbeat meanwhile.
//!
//! It also scores pools and trains the learned scorer (`scoring`), loads pools for the
//! strategies (`selection`), clusters them for the dashboard (`clusters`, with a cache keyed by
//! the problem's state), and runs live selection sessions from their stored history
//! (`session`): the glue between the store and those pure crates.
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

pub use judge_job::{Worker, WorkerError};
