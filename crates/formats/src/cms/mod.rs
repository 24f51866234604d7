//! CMS tasks, as `cmsImportTask` reads them: the Italian `task.yaml` format (italy_yaml loader,
//! in [`italy`]) and TPS exports with `problem.json` (tps loader, in [`tps`]).
//!
//! CMS checkers ("comparators") are called `checker input answer output` and print a score in
//! [0, 1] on stdout: they are kept as custom checkers of the CMS protocol, with the headers of
//! their directory. Without one, outputs are compared token by token (CMS's white-diff).

mod italy;
mod recipe;
mod score;
mod tps;

use crate::{FormatError, Overrides, Package, PackageChecker, PackageTest, SourceFile, read};
use sieve_domain::{
    Checker, CheckerProtocol, Language, Limits, MAX_PROCESSES, Subtask, TestKind, UserIo,
};
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

pub use recipe::{MadeTest, Step, StepInput, TestList, TestRecipe, ValidatorRun, finish};

/// Reads a CMS task directory: `task.yaml` (Italian format) or, failing that, `problem.json`
/// (TPS export).
pub fn load_cms(dir: &Path, overrides: &Overrides) -> Result<Package, FormatError> {
    if dir.join("task.yaml").is_file() {
        italy::load(dir, overrides)
    } else if dir.join("problem.json").is_file() {
        tps::load(dir, overrides)
    } else {
        Err(FormatError::Invalid {
            path: dir.to_path_buf(),
            message: "not a CMS task: no task.yaml and no problem.json".into(),
        })
    }
}

/// Limits from the task file, overrides winning; what is missing is assumed and said.
fn limits(
    file: &str,
    time_s: Option<f64>,
    memory_bytes: Option<u64>,
    overrides: &Overrides,
    warnings: &mut Vec<String>,
) -> Limits {
    let mut limits = Limits::default();
    match (overrides.time_ms, time_s) {
        (Some(t), _) => limits.time_ms = t,
        (None, Some(s)) => limits.time_ms = (s * 1000.0).round() as u64,
        (None, None) => warnings.push(format!(
            "{file} sets no time limit: using {} ms",
            limits.time_ms
        )),
    }
    match (overrides.memory_bytes, memory_bytes) {
        (Some(m), _) | (None, Some(m)) => limits.memory_bytes = m,
        (None, None) => warnings.push(format!(
            "{file} sets no memory limit: using {} MiB",
            limits.memory_bytes >> 20
        )),
    }
    limits
}

/// The first existing checker source among `candidates`, reported and replaced by token
/// comparison (see the module documentation).
fn cms_checker(
    dir: &Path,
    candidates: &[&str],
    warnings: &mut Vec<String>,
) -> Result<PackageChecker, FormatError> {
    let Some(found) = candidates.iter().find(|c| dir.join(c).is_file()) else {
        return Ok(Checker::Tokens);
    };
    match with_headers(dir, found)? {
        Some(program) => Ok(PackageChecker::custom(CheckerProtocol::Cms, program)),
        None => {
            warnings.push(format!(
                "{found} is not C or C++ source: outputs are compared token by token"
            ));
            Ok(Checker::Tokens)
        }
    }
}

/// The program whose source is `found` (under `dir`), with the headers of its own directory
/// (a CMS-patched testlib.h); `None` when it is not C or C++ source.
fn with_headers(dir: &Path, found: &str) -> Result<Option<crate::CheckerSource>, FormatError> {
    let main = dir.join(found);
    let Some(language) = Language::from_extension(found).filter(|l| l.is_compiled()) else {
        return Ok(None);
    };
    let mut files = vec![SourceFile {
        name: main
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("checker.cpp")
            .to_string(),
        source: read(&main)?,
    }];
    if let Some(parent) = main.parent()
        && let Ok(entries) = std::fs::read_dir(parent)
    {
        let mut headers: Vec<std::path::PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "h" || e == "hpp"))
            .collect();
        headers.sort();
        for h in headers {
            let name = h
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_string();
            files.push(SourceFile {
                name,
                source: read(&h)?,
            });
        }
    }
    Ok(Some(crate::CheckerSource { language, files }))
}

/// A CMS task type as sieve judges it.
enum TaskType {
    Batch,
    Communication {
        processes: u32,
        user_io: UserIo,
    },
    /// Judged as Batch; a candidate is a set of outputs (or a program that prints them).
    OutputOnly,
}

/// The warning an output-only task's import gives: what its candidates are.
const OUTPUT_ONLY: &str = "output-only task: a candidate is a set of outputs (language `outputs`: \
     a JSON object from test name to output; `sieve judge --source DIR` reads a directory of \
     output files) or a program that prints them";

/// The task type named `name` in `file`, with its parameters (`processes`, `user_io`); the
/// types sieve cannot run are refused.
fn task_type(
    file: &Path,
    name: &str,
    processes: Option<u64>,
    user_io: Option<&str>,
) -> Result<TaskType, FormatError> {
    let unsupported = |message: String| FormatError::Unsupported {
        path: file.to_path_buf(),
        message,
    };
    match name.to_ascii_lowercase().as_str() {
        "batch" => Ok(TaskType::Batch),
        "outputonly" => Ok(TaskType::OutputOnly),
        "communication" => {
            let processes = processes.unwrap_or(1);
            if !(1..=u64::from(MAX_PROCESSES)).contains(&processes) {
                return Err(unsupported(format!(
                    "a Communication task with {processes} processes: sieve runs 1 to {MAX_PROCESSES}"
                )));
            }
            let user_io = match user_io.unwrap_or("std_io") {
                "std_io" => UserIo::StdIo,
                "fifo_io" => UserIo::FifoIo,
                other => {
                    return Err(unsupported(format!(
                        "user_io {other:?} is neither std_io nor fifo_io"
                    )));
                }
            };
            Ok(TaskType::Communication {
                processes: processes as u32,
                user_io,
            })
        }
        _ => Err(unsupported(format!(
            "task type {name} cannot be judged by sieve (it judges Batch, Communication and \
             OutputOnly tasks): refused rather than judged as Batch"
        ))),
    }
}

/// The checker of a task of type `task_type`: the manager (the first of `managers` found, with
/// its headers) for Communication, followed by the task's own checker when it has one;
/// `checker` otherwise.
fn judged_by(
    dir: &Path,
    task_type: TaskType,
    managers: &[&str],
    checker: PackageChecker,
) -> Result<PackageChecker, FormatError> {
    let TaskType::Communication { processes, user_io } = task_type else {
        return Ok(checker);
    };
    let found = managers.iter().find(|m| dir.join(m).is_file());
    let program = match found {
        Some(found) => with_headers(dir, found)?,
        None => None,
    };
    let Some(program) = program else {
        return Err(FormatError::Unsupported {
            path: dir.to_path_buf(),
            message: format!(
                "a Communication task needs its manager's C or C++ source (one of {})",
                managers.join(", ")
            ),
        });
    };
    // With a checker, the manager prints the processes' results and the checker compares them
    // with the answer (TPS's `has_checker`); without, the manager's score stands.
    let then = match checker {
        Checker::Tokens => None,
        other => Some(Box::new(other)),
    };
    Ok(Checker::Communication {
        program,
        processes,
        user_io,
        then,
    })
}

/// The sources linked with every candidate: the first of `dirs` that holds one, its C and C++
/// sources named after one of `stems` (the package's grader name first, then `grader` and
/// `stub`) and its headers. Each candidate is linked with the sources of its own language;
/// other languages' graders are named in a warning.
fn graders(
    dir: &Path,
    dirs: &[&str],
    stems: &[&str],
    warnings: &mut Vec<String>,
) -> Result<Vec<SourceFile>, FormatError> {
    for sub in dirs {
        let d = dir.join(sub);
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        let mut names: Vec<String> = entries
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .collect();
        names.sort();
        let stem_of = |n: &str| n.rsplit_once('.').map(|(s, _)| s.to_string());
        let Some(stem) = stems
            .iter()
            .find(|s| names.iter().any(|n| stem_of(n).as_deref() == Some(**s)))
        else {
            continue;
        };
        let mut files = Vec::new();
        let mut other = Vec::new();
        for n in &names {
            let compiled = Language::from_extension(n).is_some_and(|l| l.is_compiled());
            let header = n.ends_with(".h") || n.ends_with(".hpp");
            if (stem_of(n).as_deref() == Some(*stem) && compiled) || header {
                files.push(SourceFile {
                    name: n.clone(),
                    source: read(&d.join(n))?,
                });
            } else if stem_of(n).as_deref() == Some(*stem) {
                other.push(n.as_str());
            }
        }
        if !other.is_empty() {
            warnings.push(format!(
                "{sub}/: graders for other languages not used: {}",
                other.join(", ")
            ));
        }
        return Ok(files);
    }
    Ok(vec![])
}

/// Tests by codename, each read once; a missing input drops the test, a missing answer leaves
/// it without one, both with a warning.
struct Tests {
    tests: Vec<PackageTest>,
    index: BTreeMap<String, usize>,
}

impl Tests {
    fn load(
        files: &[(String, std::path::PathBuf, std::path::PathBuf)],
        public: &HashSet<String>,
        warnings: &mut Vec<String>,
    ) -> Result<Tests, FormatError> {
        let mut t = Tests {
            tests: vec![],
            index: BTreeMap::new(),
        };
        for (name, input, answer) in files {
            if !input.is_file() {
                warnings.push(format!(
                    "test {name}: {} is missing: test skipped",
                    input.display()
                ));
                continue;
            }
            let answer = if answer.is_file() {
                Some(read(answer)?)
            } else {
                warnings.push(format!(
                    "test {name}: {} is missing: run for behaviour only",
                    answer.display()
                ));
                None
            };
            t.index.insert(name.clone(), t.tests.len());
            t.tests.push(PackageTest {
                name: name.clone(),
                kind: if public.contains(name) {
                    TestKind::Public
                } else {
                    TestKind::Hidden
                },
                input: read(input)?,
                answer,
            });
        }
        if t.tests.is_empty() {
            return Err(FormatError::Invalid {
                path: files
                    .first()
                    .and_then(|f| f.1.parent())
                    .map(Path::to_path_buf)
                    .unwrap_or_default(),
                message: "no test could be read".into(),
            });
        }
        Ok(t)
    }

    /// Subtasks over codenames turned into subtasks over test indices (skipped tests left out).
    fn subtasks(&self, groups: Vec<score::Group>) -> Vec<Subtask> {
        let mut subtasks: Vec<Subtask> = groups
            .into_iter()
            .map(|g| {
                let mut tests: Vec<usize> = g
                    .tests
                    .iter()
                    .filter_map(|n| self.index.get(n).copied())
                    .collect();
                tests.sort_unstable();
                tests.dedup();
                Subtask {
                    name: g.name,
                    points: g.points,
                    tests,
                    contains: vec![],
                }
            })
            .collect();
        crate::mark_containment(&mut subtasks);
        subtasks
    }
}

fn dir_name(dir: &Path) -> String {
    dir.canonicalize()
        .ok()
        .and_then(|p| p.file_name()?.to_str().map(String::from))
        .unwrap_or_else(|| "problem".into())
}
