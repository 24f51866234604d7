//! Judging workers: they take jobs from the PostgreSQL queue, run candidates in the sandbox and
//! write the results back through the store.
//!
//! Depends on `domain`, `sandbox` and `store`; never on the API. (The queue and the workers are
//! built by the service issue; this crate is the place they go.)
