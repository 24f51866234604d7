//! The application layer: the use cases the API and the CLI call, as plain async functions over
//! the store and the pure crates. Ingesting candidates (`ingest`), scoring pools and training the
//! learned scorer (`scoring`), loading pools for the strategies and storing selections
//! (`selection`, `holdout`), replaying contests (`replay`), clustering outputs for the dashboard
//! with a cache keyed by the problem's state (`clusters`), live selection sessions from their
//! stored history (`session`), a stored problem as a package again (`export`), and the requests that queue
//! sandboxed work for the workers: an uploaded package (`packages`) and generated tests
//! (`generation`).
//!
//! Nothing here compiles or runs a program: work that needs the sandbox is queued for the
//! workers. Depends on `domain`, `formats`, `scoring`, `selection` and `store`; never on
//! `sandbox`, `worker`, the API or HTTP types; its errors ([`AppError`]) say what failed, and
//! the API alone turns them into statuses and fields.

pub mod clusters;
mod error;
pub mod export;
pub mod generation;
pub mod holdout;
pub mod ingest;
pub mod packages;
pub mod replay;
pub mod scoring;
pub mod selection;
pub mod session;

pub use error::AppError;
