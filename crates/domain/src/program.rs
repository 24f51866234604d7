use crate::Language;
use serde::{Deserialize, Serialize};

/// A team's generator or input-validator program, as posted and as queued for a worker.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
pub struct GenProgram {
    /// A short name (used in test names: `gen/<name>/<seed>-<hash>`).
    pub name: String,
    /// Its language (C or C++).
    pub language: Language,
    /// The source.
    pub source: String,
    /// Arguments before the seed (a generator's parameters, a validator's flags such as a
    /// subtask's bounds): generators run as `name args... seed`, validators as `name args...`.
    #[serde(default)]
    pub args: Vec<String>,
}
