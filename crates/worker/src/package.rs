//! A problem package made ready for the store: its custom checker compiled to wasm (stored as
//! a blob and named by hash in the problem), its tests and graders carried over. Used by
//! `sieve import` and by the API's package upload.

use sieve_domain::{BlobHash, Checker, CheckerProtocol, ContestId, Language};
use sieve_formats::{CheckerSource, Package, PackageChecker, SourceFile};
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
    /// The custom checker (or interactor, or manager) does not compile.
    #[error("the problem's checker (or interactor, or manager) does not compile:\n{0}")]
    CheckerDoesNotCompile(String),
    /// A testlib interactor's output would be judged by something other than a built-in
    /// comparison or a testlib checker.
    #[error(
        "the checker of an interactor's output must be a built-in comparison or a testlib checker"
    )]
    OutputChecker,
    /// The package's tests cannot be made from its generators (see [`crate::recipe`]).
    #[error("the tests cannot be made: {0}")]
    Tests(String),
    /// The toolchain failed.
    #[error(transparent)]
    Sandbox(#[from] sieve_sandbox::SandboxError),
}

/// The checker as the judge needs it: built-in, or compiled, with the modules of its custom
/// programs in the order of [`Checker::programs`] (a testlib interactor, then the checker of
/// its output).
pub fn build_checker(
    toolchain: &Toolchain,
    package: &Package,
    cache_dir: &Path,
) -> Result<(Checker, Vec<Vec<u8>>), PackageError> {
    build(toolchain, &package.checker, cache_dir)
}

fn build(
    toolchain: &Toolchain,
    checker: &PackageChecker,
    cache_dir: &Path,
) -> Result<(Checker, Vec<Vec<u8>>), PackageError> {
    // Refused before anything is compiled: a testlib interactor's output is judged by a
    // built-in comparison or a testlib checker.
    if let Checker::TestlibInteractive {
        then: Some(then), ..
    } = checker
        && !matches!(
            then.custom_program(),
            None | Some((CheckerProtocol::Testlib, _))
        )
    {
        return Err(PackageError::OutputChecker);
    }
    let mut modules = Vec::new();
    let built = checker.try_map(&mut |source: &CheckerSource| {
        let wasm = compile_program(toolchain, source.language, &source.files, cache_dir)?;
        let hash = BlobHash::of(&wasm);
        modules.push(wasm);
        Ok::<_, PackageError>(hash)
    })?;
    Ok((built, modules))
}

/// Compiles a checker's (or interactor's) `files`, the first with a known extension holding
/// `main`.
fn compile_program(
    toolchain: &Toolchain,
    language: Language,
    files: &[SourceFile],
    cache_dir: &Path,
) -> Result<Vec<u8>, PackageError> {
    let main = files
        .iter()
        .find(|f| {
            Language::from_extension(&f.name).is_some_and(|l| l.is_python() == language.is_python())
        })
        .ok_or(PackageError::NoCheckerSource)?;
    let rest: Vec<(String, Vec<u8>)> = files
        .iter()
        .filter(|f| f.name != main.name)
        .map(|f| (f.name.clone(), f.source.clone()))
        .collect();
    match compile(toolchain, &main.source, language, &rest, cache_dir)? {
        CompileOutcome::Ok(c) => Ok(c.wasm),
        CompileOutcome::Error { message } => Err(PackageError::CheckerDoesNotCompile(message)),
    }
}

/// A package ready to store: the problem and its compiled checker, if custom.
#[derive(Clone, Debug)]
pub struct Prepared {
    /// The problem.
    pub problem: NewProblem,
    /// The modules of the checker's custom programs (see [`build_checker`]).
    pub checker_wasm: Vec<Vec<u8>>,
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
        time_factor: sieve_domain::TimeFactor::DEFAULT,
        time_factor_from: "default".into(),
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
        store
            .insert_problem_with_modules(&self.problem, &self.checker_wasm)
            .await
    }
}
