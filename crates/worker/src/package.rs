//! A problem package made ready for the store: its custom checker compiled to wasm (stored as
//! a blob and named by hash in the problem), its tests and graders carried over. Used by
//! `sieve import` and by the API's package upload.

use sieve_domain::{Checker, ContestId, Language};
use sieve_formats::{Package, PackageChecker, PackageTest, SourceFile};
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
            protocol,
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
            let checker = Checker::custom(*protocol, program);
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

/// A stored problem as a package again (for export): a compiled checker comes back as its
/// module (`checker.wasm`), which importing stores under the same hash.
pub async fn stored_package(
    store: &Store,
    stored: &sieve_store::problems::StoredProblem,
) -> Result<Package, StoreError> {
    let p = &stored.problem;
    let checker = match p.checker.custom_program() {
        Some((protocol, program)) => {
            let mut hash = [0u8; 32];
            hex::decode_to_slice(program, &mut hash)
                .map_err(|e| StoreError::Corrupt(format!("checker hash {program:?}: {e}")))?;
            let wasm = store
                .get_blob(&hash)
                .await?
                .ok_or_else(|| StoreError::Corrupt(format!("checker blob {program} missing")))?;
            PackageChecker::Custom {
                protocol,
                language: Language::Wasm,
                files: vec![SourceFile {
                    name: "checker.wasm".into(),
                    source: wasm,
                }],
            }
        }
        None => PackageChecker::Builtin(p.checker.clone()),
    };
    Ok(Package {
        name: p.name.clone(),
        limits: p.limits,
        checker,
        tests: p
            .tests
            .iter()
            .map(|t| PackageTest {
                name: t.name.clone(),
                kind: t.kind,
                input: t.input.clone(),
                answer: t.answer.clone(),
            })
            .collect(),
        subtasks: p.subtasks.clone(),
        grader: p
            .grader
            .iter()
            .map(|(name, source)| SourceFile {
                name: name.clone(),
                source: source.clone(),
            })
            .collect(),
        warnings: p.warnings.clone(),
    })
}
