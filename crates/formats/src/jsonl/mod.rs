//! One problem per line of JSON, with the fields of DeepMind's CodeContests
//! (`name`, `time_limit {seconds, nanos}`, `memory_limit_bytes`, `public_tests`,
//! `private_tests`, `generated_tests` as `{input: [..], output: [..]}`, `solutions` and
//! `incorrect_solutions` as `{language: [..], solution: [..]}`), so research data sets load in
//! one command, and a few optional fields of sieve's own so that an exported problem comes back
//! equal: `slug`, `output_limit_bytes`, `checker`, `subtasks`, `graders`, and per test group
//! `name` and `encoding: "base64"`.
//!
//! Public tests become public, private tests hidden, generated tests generated (tests are kept in
//! that order). Without `subtasks`, the private tests form one all-or-nothing subtask worth 100.
//! Without `checker`, outputs are compared token by token, as CodeContests' own evaluation does.
//! Solutions in languages sieve does not judge (Python 2, Java) are counted in a warning.

mod export;
mod programs;
mod record;
mod solutions;

pub use export::to_jsonl;

use crate::{FormatError, Overrides, Package};
use sieve_domain::Language;
use std::io::BufRead;
use std::path::{Path, PathBuf};

/// A candidate program shipped with a problem (CodeContests' `solutions` and
/// `incorrect_solutions`).
#[derive(Clone, Debug, PartialEq)]
pub struct PackageCandidate {
    /// The source.
    pub source: String,
    /// Its language.
    pub language: Language,
    /// The list it came from: `solutions` or `incorrect_solutions`.
    pub origin: String,
    /// Its index in that list.
    pub index: usize,
}

/// One line of a JSONL file: the problem, its preferred short name and its candidates.
#[derive(Clone, Debug, PartialEq)]
pub struct JsonlProblem {
    /// The problem.
    pub package: Package,
    /// The short name: the line's `slug`, or one made from its `name`.
    pub slug: String,
    /// The solutions the line ships, in languages sieve judges.
    pub candidates: Vec<PackageCandidate>,
}

/// Reads one line (`line_no` counts from 1, for messages about `path`).
pub fn parse_jsonl_line(
    line: &str,
    path: &Path,
    line_no: usize,
    overrides: &Overrides,
) -> Result<JsonlProblem, FormatError> {
    record::parse(line, overrides).map_err(|message| FormatError::Invalid {
        path: PathBuf::from(format!("{}:{line_no}", path.display())),
        message,
    })
}

/// The problems of a JSONL file, read one line at a time (blank lines are skipped).
pub fn load_jsonl(
    path: &Path,
    overrides: &Overrides,
) -> Result<impl Iterator<Item = Result<JsonlProblem, FormatError>>, FormatError> {
    let file = std::fs::File::open(path).map_err(|source| FormatError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let path = path.to_path_buf();
    let overrides = overrides.clone();
    Ok(std::io::BufReader::new(file)
        .lines()
        .enumerate()
        .filter(|(_, l)| l.as_ref().map_or(true, |l| !l.trim().is_empty()))
        .map(move |(i, line)| {
            let line = line.map_err(|source| FormatError::Io {
                path: path.clone(),
                source,
            })?;
            parse_jsonl_line(&line, &path, i + 1, &overrides)
        }))
}

/// A short name made of a problem's name: lower case, runs of other characters as one `-`.
pub fn slug_of(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        "problem".into()
    } else {
        out
    }
}
