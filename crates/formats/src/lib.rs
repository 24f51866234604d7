//! Problem packages in the formats the contest world already uses, read from disk into one
//! in-memory [`Package`]: Kattis / ICPC problem packages (problem.yaml, data/sample,
//! data/secret with scored test groups, output validators, include/ graders), CMS tasks
//! (Italian `task.yaml` and TPS `problem.json` exports), Codeforces Polygon packages
//! (problem.xml with groups, points, testlib checkers and interactors) and plain test
//! folders (`N.in` / `N.out`). Whatever a reader cannot use is reported in
//! [`Package::warnings`], never silently dropped.
//!
//! A crate of its own because the CLI (`sieve judge`, `sieve import`) and the API's upload
//! routes both need it, and it needs neither the sandbox nor the database: it depends on
//! `domain` only.

mod archive;
mod cms;
mod folder;
mod jsonl;
mod kattis;
mod polygon;
mod program;
mod submissions;

pub use archive::{
    ArchiveError, ArchiveLimits, MAX_COMPONENT_BYTES, MAX_PATH_BYTES, NameProblem, unpack,
};
pub use cms::{
    MadeTest, Step, StepInput, TestList, TestRecipe, ValidatorRun, finish as finish_recipe,
    load_cms,
};
pub use folder::load_folder;
pub use jsonl::{JsonlProblem, PackageCandidate, load_jsonl, parse_jsonl_line, slug_of, to_jsonl};
pub use kattis::load_kattis;
pub use polygon::load_polygon;
pub use program::program_from_spec;
pub use submissions::{Expected, Outcome, Requirement, Submission};

use sieve_domain::{Checker, Language, Limits, Subtask, TestKind};
use std::path::{Path, PathBuf};

/// One test with its data.
#[derive(Clone, Debug, PartialEq)]
pub struct PackageTest {
    /// Name unique in the package (e.g. `secret/group1/001`).
    pub name: String,
    /// Public (samples), generated or hidden (secret).
    pub kind: TestKind,
    /// Input bytes.
    pub input: Vec<u8>,
    /// Expected answer, if the package has one.
    pub answer: Option<Vec<u8>>,
}

/// A program shipped with the package: a custom checker or a grader.
#[derive(Clone, Debug, PartialEq)]
pub struct SourceFile {
    /// File name (as the package names it).
    pub name: String,
    /// The source.
    pub source: Vec<u8>,
}

/// A custom checker's, validator's or interactor's sources, as a package ships them.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckerSource {
    /// Its language.
    pub language: Language,
    /// Its source files (the first with a known extension holds `main`).
    pub files: Vec<SourceFile>,
}

/// How outputs are judged, as a package states it: the one checker type of `domain`, its
/// custom programs still sources (the worker compiles them into modules named by hash).
pub type PackageChecker = Checker<CheckerSource>;

/// A problem as read from a package.
#[derive(Clone, Debug, PartialEq)]
pub struct Package {
    /// Short name (the package directory's name).
    pub name: String,
    /// Limits (from the package, or defaults and overrides: see `warnings`).
    pub limits: Limits,
    /// The checker.
    pub checker: PackageChecker,
    /// Tests, shared tests stored once.
    pub tests: Vec<PackageTest>,
    /// Scored subtasks over `tests`.
    pub subtasks: Vec<Subtask>,
    /// Grader sources compiled together with every candidate (IOI-style function tasks).
    pub grader: Vec<SourceFile>,
    /// What the reader could not use, or had to assume.
    pub warnings: Vec<String>,
    /// How to make the tests, when the package ships generators instead (a TPS working copy
    /// without `tests/`): `tests` and `subtasks` stay empty until the worker follows it and
    /// [`finish_recipe`] fills them.
    pub recipe: Option<Box<TestRecipe>>,
    /// The submissions the package ships, with what each should get (`sieve verify`).
    pub submissions: Vec<Submission>,
}

/// Values given on the command line that win over the package's.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Overrides {
    /// Time limit in milliseconds.
    pub time_ms: Option<u64>,
    /// Memory limit in bytes.
    pub memory_bytes: Option<u64>,
}

/// A directory format an uploaded or queued package is read in (JSONL, a file of many problems,
/// is read by [`load_jsonl`] instead).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PackageFormat {
    /// Kattis / ICPC problem package.
    Kattis,
    /// A folder of `N.in` / `N.out` tests.
    Folder,
    /// A CMS task (Italian or TPS).
    Cms,
    /// A Codeforces Polygon package.
    Polygon,
}

/// A package format name that is not one of [`PackageFormat`]'s.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown package format {0:?}: kattis, folder, cms or polygon")]
pub struct UnknownPackageFormat(pub String);

impl std::str::FromStr for PackageFormat {
    type Err = UnknownPackageFormat;

    fn from_str(s: &str) -> Result<PackageFormat, UnknownPackageFormat> {
        Ok(match s {
            "kattis" => PackageFormat::Kattis,
            "folder" => PackageFormat::Folder,
            "cms" => PackageFormat::Cms,
            "polygon" => PackageFormat::Polygon,
            other => return Err(UnknownPackageFormat(other.to_string())),
        })
    }
}

impl PackageFormat {
    /// Reads the package in `dir`.
    pub fn load(self, dir: &Path, overrides: &Overrides) -> Result<Package, FormatError> {
        match self {
            PackageFormat::Kattis => load_kattis(dir, overrides),
            PackageFormat::Folder => load_folder(dir, overrides),
            PackageFormat::Cms => load_cms(dir, overrides),
            PackageFormat::Polygon => load_polygon(dir, overrides),
        }
    }
}

/// Why a package could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    /// A file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// A file is malformed.
    #[error("{path}: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A package of a kind sieve cannot judge (a task type it does not run): refused rather
    /// than judged as something it is not.
    #[error("{path}: {message}")]
    Unsupported {
        /// The file that says so.
        path: PathBuf,
        /// What cannot be judged, and why.
        message: String,
    },
    /// A package without a single test.
    #[error("{path}: the package holds no test")]
    NoTests {
        /// The package.
        path: PathBuf,
    },
    /// A name in a package breaks the rules of names.
    #[error("{path}: {source}")]
    BadName {
        /// The package.
        path: PathBuf,
        /// The rule broken.
        source: sieve_domain::NameError,
    },
    /// An uploaded archive was refused.
    #[error(transparent)]
    Archive(#[from] ArchiveError),
}

/// Refuses a package without tests, or whose name, subtask names or test names break
/// [`sieve_domain::check_name`]: every reader's last step.
pub(crate) fn checked(package: Package, dir: &std::path::Path) -> Result<Package, FormatError> {
    use sieve_domain::{NameKind, check_name};
    if package.tests.is_empty() && package.recipe.is_none() {
        return Err(FormatError::NoTests {
            path: dir.to_path_buf(),
        });
    }
    let names = std::iter::once((NameKind::Problem, &package.name))
        .chain(
            package
                .subtasks
                .iter()
                .map(|s| (NameKind::Subtask, &s.name)),
        )
        .chain(package.tests.iter().map(|t| (NameKind::Test, &t.name)));
    for (kind, name) in names {
        check_name(kind, name).map_err(|source| FormatError::BadName {
            path: dir.to_path_buf(),
            source,
        })?;
    }
    Ok(package)
}

pub(crate) fn read(path: &std::path::Path) -> Result<Vec<u8>, FormatError> {
    std::fs::read(path).map_err(|source| FormatError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Subtask A contains B when B's tests are a subset of A's (the usual shape of olympiad groups,
/// where a later group reuses the earlier groups' tests).
pub(crate) fn mark_containment(subtasks: &mut [Subtask]) {
    let sets: Vec<std::collections::HashSet<usize>> = subtasks
        .iter()
        .map(|s| s.tests.iter().copied().collect())
        .collect();
    for (a, sub) in subtasks.iter_mut().enumerate() {
        sub.contains = (0..sets.len())
            .filter(|&b| {
                b != a && !sets[b].is_empty() && sets[b].is_subset(&sets[a]) && sets[b] != sets[a]
            })
            .collect();
    }
}
