//! CMS tasks, as `cmsImportTask` reads them: the Italian `task.yaml` format (italy_yaml loader,
//! in [`italy`]) and TPS exports with `problem.json` (tps loader, in [`tps`]).
//!
//! CMS checkers ("comparators") are called `checker input answer output` and print a score in
//! [0, 1] on stdout: they are kept as custom checkers of the CMS protocol, with the headers of
//! their directory. Without one, outputs are compared token by token (CMS's white-diff).

mod italy;
mod regex;
mod score;
mod tps;

use crate::{FormatError, Overrides, Package, PackageChecker, PackageTest, SourceFile, read};
use sieve_domain::{Checker, CheckerProtocol, Language, Limits, Subtask, TestKind};
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

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
    let main = dir.join(found);
    let Some(language) = Language::from_extension(found).filter(|l| l.is_compiled()) else {
        warnings.push(format!(
            "{found} is not C or C++ source: outputs are compared token by token"
        ));
        return Ok(Checker::Tokens);
    };
    // The checker's own directory may hold its headers (a CMS-patched testlib.h).
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
    Ok(PackageChecker::custom(
        CheckerProtocol::Cms,
        crate::CheckerSource { language, files },
    ))
}

/// `grader.cpp` (or `grader.c`) and the headers of `sub`; other languages' graders are named.
fn graders(
    dir: &Path,
    sub: &str,
    warnings: &mut Vec<String>,
) -> Result<Vec<SourceFile>, FormatError> {
    let d = dir.join(sub);
    let Ok(entries) = std::fs::read_dir(&d) else {
        return Ok(vec![]);
    };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect();
    names.sort();
    let main = ["grader.cpp", "grader.cc", "grader.c"]
        .into_iter()
        .find(|m| names.iter().any(|n| n == m));
    let Some(main) = main else {
        return Ok(vec![]);
    };
    let mut files = vec![SourceFile {
        name: main.to_string(),
        source: read(&d.join(main))?,
    }];
    let mut other = Vec::new();
    for n in &names {
        if n.ends_with(".h") || n.ends_with(".hpp") {
            files.push(SourceFile {
                name: n.clone(),
                source: read(&d.join(n))?,
            });
        } else if n.starts_with("grader") && n != main {
            other.push(n.as_str());
        }
    }
    if !other.is_empty() {
        warnings.push(format!(
            "{sub}/: graders for other languages not used: {}",
            other.join(", ")
        ));
    }
    Ok(files)
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
