//! The secret data of the Kattis format's current version (2025-09) and of its 2023-07 draft, as
//! sieve's subtasks: test data groups with their maximum score, score aggregation and
//! `require_pass`. 2025-09 configures a group in `test_group.yaml` (`max_score`,
//! `score_aggregation`, `require_pass`) and a directory is a group only when it has one; the
//! draft used `testdata.yaml` with a `scoring` map (`score`, `aggregation`, `require-pass`) and
//! every directory of `data/secret/` was a group. Both spellings are read in both places, as
//! packages written during the draft's life mix them.
//!
//! Exact translations: a `pass-fail` or `min` group is one subtask (its points times the minimum
//! test score); a `sum` group is one subtask per test, worth the group's points over its tests;
//! `require_pass` adds the required groups' tests (all `pass-fail`) to the group's subtasks.

use super::{keys, number, yaml};
use crate::{FormatError, PackageTest};
use serde_yaml_ng::Value;
use sieve_domain::Subtask;
use std::path::{Path, PathBuf};

/// Which version of the format a package says it is in (`problem_format_version`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Version {
    /// No version, `legacy` or `legacy-icpc` (problemtools).
    Legacy,
    /// `2023-07-draft` (`2023-07`).
    Draft,
    /// `2025-09` (and `draft`, its successor's working name).
    Current,
}

impl Version {
    pub(super) fn of(meta: &Value, warnings: &mut Vec<String>) -> Version {
        match meta.get("problem_format_version").and_then(Value::as_str) {
            None | Some("legacy") | Some("legacy-icpc") => Version::Legacy,
            Some("2023-07-draft") | Some("2023-07") => Version::Draft,
            Some("2025-09") | Some("2025-09-draft") | Some("draft") => Version::Current,
            Some(other) => {
                warnings.push(format!(
                    "problem.yaml: problem_format_version {other:?} is not one sieve knows: read as 2025-09"
                ));
                Version::Current
            }
        }
    }
}

/// How a group's score comes from its tests' scores.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Aggregation {
    PassFail,
    Sum,
    Min,
}

/// A group's configuration, in either spelling.
#[derive(Debug, Default)]
struct Config {
    /// `None`: not given; `Some(None)`: `unbounded`.
    max_score: Option<Option<f64>>,
    aggregation: Option<Aggregation>,
    require_pass: Vec<String>,
}

const KNOWN: &[&str] = &[
    "max_score",
    "score_aggregation",
    "require_pass",
    "scoring",
    "static_validation_score",
    "args",
    "input_validator_args",
    "output_validator_args",
    "static_validator_args",
    "input_visualizer_args",
    "output_visualizer_args",
    "full_feedback",
    "grading",
    "grader_flags",
    "accept_score",
    "reject_score",
    "range",
    "on_reject",
];

fn config(dir: &Path, label: &str, warnings: &mut Vec<String>) -> Result<Config, FormatError> {
    let path = [dir.join("test_group.yaml"), dir.join("testdata.yaml")]
        .into_iter()
        .find(|p| p.is_file());
    let Some(path) = path else {
        return Ok(Config::default());
    };
    let y = yaml(&path)?;
    let bad = |message: String| FormatError::Invalid {
        path: path.clone(),
        message,
    };
    for k in keys(&y) {
        if !KNOWN.contains(&k.as_str()) {
            warnings.push(format!("{label}: unknown key {k:?} ignored"));
        }
    }
    if y.get("static_validation_score").is_some() {
        warnings.push(format!(
            "{label}: static validation is not run; its score is never earned"
        ));
    }
    let scoring = y.get("scoring").cloned().unwrap_or(Value::Null);
    let max = y.get("max_score").or_else(|| scoring.get("score"));
    let max_score = match max {
        None => None,
        Some(Value::String(s)) if s == "unbounded" => Some(None),
        Some(v) => Some(Some(number(v).filter(|p| *p >= 0.0).ok_or_else(|| {
            bad(format!(
                "max_score {v:?}: a non-negative number or unbounded"
            ))
        })?)),
    };
    let aggregation = match y
        .get("score_aggregation")
        .or_else(|| scoring.get("aggregation"))
        .map(|v| v.as_str().unwrap_or_default())
    {
        None => None,
        Some("pass-fail") => Some(Aggregation::PassFail),
        Some("sum") => Some(Aggregation::Sum),
        Some("min") => Some(Aggregation::Min),
        Some(other) => {
            return Err(bad(format!(
                "score_aggregation {other:?}: pass-fail, sum or min"
            )));
        }
    };
    let require = y
        .get("require_pass")
        .or_else(|| scoring.get("require_pass"))
        .or_else(|| scoring.get("require-pass"));
    let require_pass = match require {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Sequence(list)) => list
            .iter()
            .filter_map(|v| v.as_str().map(String::from))
            .collect(),
        _ => vec![],
    };
    Ok(Config {
        max_score,
        aggregation,
        require_pass,
    })
}

/// The tests of `dir` and of the directories under it, in lexicographic order of their paths.
fn tree(root: &Path, dir: &Path, builder: &mut super::Builder) -> Result<Vec<usize>, FormatError> {
    let mut tests = builder.add_dir(root, dir, sieve_domain::TestKind::Hidden)?;
    let mut subdirs: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    subdirs.sort();
    for d in subdirs {
        tests.extend(tree(root, &d, builder)?);
    }
    tests.dedup();
    Ok(tests)
}

/// The subtasks of one group worth `points`: one for `pass-fail` and `min`, one per test for
/// `sum`; each also holds the tests its `require_pass` names.
fn units(
    name: &str,
    points: f64,
    aggregation: Aggregation,
    tests: &[usize],
    required: &[usize],
    all: &[PackageTest],
) -> Vec<Subtask> {
    let with_required = |mut own: Vec<usize>| {
        own.extend_from_slice(required);
        own.sort_unstable();
        own.dedup();
        own
    };
    match aggregation {
        Aggregation::PassFail | Aggregation::Min => vec![Subtask {
            name: name.to_string(),
            points,
            tests: with_required(tests.to_vec()),
            contains: vec![],
        }],
        Aggregation::Sum => tests
            .iter()
            .map(|&t| Subtask {
                name: all[t]
                    .name
                    .strip_prefix("secret/")
                    .unwrap_or(&all[t].name)
                    .to_string(),
                points: points / tests.len() as f64,
                tests: with_required(vec![t]),
                contains: vec![],
            })
            .collect(),
    }
}

/// The subtasks of `data/secret/` under the 2025-09 rules (`version` says where groups are and
/// how they are spelt); `samples` are the tests of `data/sample/`. A pass-fail problem is one
/// subtask of every secret test.
pub(super) fn subtasks(
    root: &Path,
    builder: &mut super::Builder,
    samples: &[usize],
    scoring: bool,
    version: Version,
    warnings: &mut Vec<String>,
) -> Result<Vec<Subtask>, FormatError> {
    let secret = root.join("data/secret");
    let secret_config = config(&secret, "data/secret", warnings)?;
    let mut groups: Vec<PathBuf> = std::fs::read_dir(&secret)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .filter(|p| {
            version == Version::Draft
                || p.join("test_group.yaml").is_file()
                || p.join("testdata.yaml").is_file()
        })
        .collect();
    groups.sort();
    if !scoring {
        let tests = tree(root, &secret, builder)?;
        return Ok(vec![Subtask {
            name: "secret".into(),
            points: 100.0,
            tests,
            contains: vec![],
        }]);
    }
    let unbounded = |what: &str| FormatError::Unsupported {
        path: secret.clone(),
        message: format!(
            "{what} has an unbounded maximum score: sieve scores against a maximum (IOI points)"
        ),
    };
    let total = match secret_config.max_score {
        None => 100.0,
        Some(Some(m)) => m,
        Some(None) => return Err(unbounded("data/secret")),
    };
    let secret_aggregation = secret_config.aggregation.unwrap_or(Aggregation::Sum);
    let required_of = |names: &[String],
                       earlier: &[(String, Vec<usize>)],
                       label: &str,
                       warnings: &mut Vec<String>| {
        let mut out = Vec::new();
        for n in names {
            if n == "sample" {
                out.extend_from_slice(samples);
            } else if let Some((_, t)) = earlier.iter().find(|(g, _)| g == n) {
                out.extend_from_slice(t);
            } else {
                warnings.push(format!(
                    "{label}: require_pass {n:?} is not an earlier group: ignored"
                ));
            }
        }
        out
    };
    if groups.is_empty() {
        let tests = tree(root, &secret, builder)?;
        let required = required_of(&secret_config.require_pass, &[], "data/secret", warnings);
        return Ok(units(
            "secret",
            total,
            secret_aggregation,
            &tests,
            &required,
            &builder.tests,
        ));
    }
    let mut configs = Vec::new();
    for g in &groups {
        let rel = g
            .strip_prefix(root.join("data"))
            .unwrap_or(g)
            .display()
            .to_string();
        let c = config(g, &format!("data/{rel}"), warnings)?;
        configs.push((rel, c));
    }
    // The draft shares what is left of the total among groups that give no score; 2025-09
    // requires every group of a bounded secret to give one.
    let given: f64 = configs
        .iter()
        .filter_map(|(_, c)| c.max_score.flatten())
        .sum();
    let unscored = configs
        .iter()
        .filter(|(_, c)| c.max_score.is_none())
        .count();
    let mut out = Vec::new();
    let mut earlier: Vec<(String, Vec<usize>)> = Vec::new();
    for (g, (rel, c)) in groups.iter().zip(&configs) {
        let label = format!("data/{rel}");
        let points = match c.max_score {
            Some(Some(p)) => p,
            Some(None) => return Err(unbounded(&label)),
            None if version == Version::Draft => (total - given).max(0.0) / unscored as f64,
            None => {
                warnings.push(format!("{label}: no max_score: worth 0 points"));
                0.0
            }
        };
        let tests = tree(root, g, builder)?;
        let required = required_of(&c.require_pass, &earlier, &label, warnings);
        let name = rel.strip_prefix("secret/").unwrap_or(rel);
        out.extend(units(
            name,
            points,
            c.aggregation.unwrap_or(Aggregation::PassFail),
            &tests,
            &required,
            &builder.tests,
        ));
        earlier.push((rel.clone(), tests));
    }
    let sum: f64 = out.iter().map(|s| s.points).sum();
    if (sum - total).abs() > 1e-6 {
        warnings.push(format!(
            "data/secret: its groups give {sum} points, not its max_score {total}"
        ));
    }
    match secret_aggregation {
        Aggregation::Sum => Ok(out),
        Aggregation::PassFail => {
            // Every group is pass-fail too: all of secret or nothing.
            let mut tests: Vec<usize> = out.iter().flat_map(|s| s.tests.clone()).collect();
            tests.sort_unstable();
            tests.dedup();
            Ok(vec![Subtask {
                name: "secret".into(),
                points: total,
                tests,
                contains: vec![],
            }])
        }
        Aggregation::Min => {
            warnings.push(
                "data/secret: score_aggregation min over groups is scored as their sum".into(),
            );
            Ok(out)
        }
    }
}
