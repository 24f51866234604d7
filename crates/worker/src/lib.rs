//! The workers: they take jobs from the PostgreSQL queue and do the work that needs the sandbox,
//! holding each job's lease with a heartbeat meanwhile. A `judge` job builds the candidate (once
//! per distinct source, clang in its jail) and judges it in a supervised judging process; the
//! results go back through the store.
//!
//! `package` makes an uploaded package's checker ready (compiled in the jail), `recipe` makes
//! the tests of a package that ships generators instead, and `generate` runs a team's generator
//! and validator programs in the supervised judging process.
//!
//! Depends on `domain`, `formats`, `sandbox` and `store`; never on `app`, the API or HTTP.

mod build;
pub mod generate;
mod judge_job;
pub mod metrics;
pub mod package;
pub mod recipe;
mod tasks;

pub use judge_job::{Worker, WorkerError, judging_process};
