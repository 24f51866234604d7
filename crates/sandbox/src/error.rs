/// Failures of the judge itself (never a candidate's fault: those are verdicts).
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// The C/C++ toolchain is missing or broken.
    #[error("toolchain: {0}")]
    Toolchain(String),
    /// Building the engine failed (a bad configuration).
    #[error("engine: {0}")]
    Engine(String),
    /// A module could not be compiled or instantiated for reasons other than the candidate's
    /// limits (e.g. it is not a WASI command).
    #[error("invalid module: {0}")]
    InvalidModule(String),
    /// Judging processes kept dying (sieve's failure: a signal, a crash of the host), outside
    /// of any one test, so no test can be blamed.
    #[error("the judge crashed: {0}")]
    Crashed(String),
    /// A file-system operation on the cache or scratch directory failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The underlying error.
        source: std::io::Error,
    },
}

impl SandboxError {
    pub(crate) fn io(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> SandboxError {
        let context = context.into();
        move |source| SandboxError::Io { context, source }
    }
}
