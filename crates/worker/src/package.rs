//! A problem package made ready for the store: its custom checker compiled to wasm (stored as
//! a blob and named by hash in the problem), its tests and graders carried over. Used by
//! `sieve import` and by the API's package upload.

use sieve_domain::{Checker, ContestId, Language};
use sieve_formats::{Package, PackageChecker};
use sieve_sandbox::{CompileOutcome, Toolchain, compile};
use sieve_store::problems::{NewProblem, NewTest};
use sieve_store::{Store, StoreError};
use std::path::Path;

/// Why a package cannot become a problem.
#[derive(Debug, thiserror::Error)]
pub enum PackageError {
    /// The custom checker has no source file.
    #[error("the custom checker has no source file")]
    NoCheckerSource,
    /// The custom checker does not compile.
    #[error("the problem's checker does not compile:\n{0}")]
    CheckerDoesNotCompile(String),
    /// The toolchain failed.
    #[error(transparent)]
    Sandbox(#[from] sieve_sandbox::SandboxError),
}

/// The checker as the judge needs it: built-in, or compiled (its module's bytes).
pub fn build_checker(
    toolchain: &Toolchain,
    package: &Package,
    cache_dir: &Path,
) -> Result<(Checker, Option<Vec<u8>>), PackageError> {
    match &package.checker {
        PackageChecker::Builtin(c) => Ok((c.clone(), None)),
        PackageChecker::Custom {
            kattis,
            language,
            files,
        } => {
            let main = files
                .iter()
                .find(|f| Language::from_extension(&f.name).is_some())
                .ok_or(PackageError::NoCheckerSource)?;
            let rest: Vec<(String, Vec<u8>)> = files
                .iter()
                .filter(|f| f.name != main.name)
                .map(|f| (f.name.clone(), f.source.clone()))
                .collect();
            let wasm = match compile(toolchain, &main.source, *language, &rest, cache_dir)? {
                CompileOutcome::Ok(c) => c.wasm,
                CompileOutcome::Error { message } => {
                    return Err(PackageError::CheckerDoesNotCompile(message));
                }
            };
            let program = blake3::hash(&wasm).to_hex().to_string();
            let checker = if *kattis {
                Checker::Kattis { program }
            } else {
                Checker::Testlib { program }
            };
            Ok((checker, Some(wasm)))
        }
    }
}

/// A package ready to store: the problem and its compiled checker, if custom.
#[derive(Clone, Debug)]
pub struct Prepared {
    /// The problem.
    pub problem: NewProblem,
    /// The custom checker's module.
    pub checker_wasm: Option<Vec<u8>>,
}

/// Compiles the package's checker and converts it into a problem called `slug`.
pub fn prepare(
    toolchain: &Toolchain,
    package: &Package,
    slug: String,
    contest: Option<ContestId>,
    cache_dir: &Path,
) -> Result<Prepared, PackageError> {
    let (checker, checker_wasm) = build_checker(toolchain, package, cache_dir)?;
    let problem = NewProblem {
        name: package.name.clone(),
        slug,
        limits: package.limits,
        checker,
        precision: 2,
        subtasks: package.subtasks.clone(),
        tests: package
            .tests
            .iter()
            .map(|t| NewTest {
                name: t.name.clone(),
                kind: t.kind,
                input: t.input.clone(),
                answer: t.answer.clone(),
            })
            .collect(),
        grader: package
            .grader
            .iter()
            .map(|f| (f.name.clone(), f.source.clone()))
            .collect(),
        warnings: package.warnings.clone(),
        contest,
    };
    Ok(Prepared {
        problem,
        checker_wasm,
    })
}

impl Prepared {
    /// Stores the checker's module and the problem.
    pub async fn store(&self, store: &Store) -> Result<sieve_domain::ProblemId, StoreError> {
        if let Some(wasm) = &self.checker_wasm {
            store.put_blob(wasm).await?;
        }
        store.insert_problem(&self.problem).await
    }
}
