//! Kattis / ICPC problem packages (problemtools layout): problem.yaml, data/sample,
//! data/secret with scored groups and testdata.yaml, output_validators/, include/.

mod expectations;
mod groups;
mod programs;
mod tests;

use crate::mark_containment;
use crate::{FormatError, Overrides, Package, read};
use programs::{checker_from, grader_files};
use serde_yaml_ng::Value;
use sieve_domain::{Limits, Subtask, TestKind};
use std::path::{Path, PathBuf};
use tests::Builder;

const KNOWN_TOP: &[&str] = &[
    "name",
    "author",
    "source",
    "source_url",
    "license",
    "rights_owner",
    "type",
    "validation",
    "validator_flags",
    "limits",
    "grading",
    "keywords",
    "uuid",
    "languages",
    "problem_format_version",
    "credits",
    "scoring",
];
const KNOWN_LIMITS: &[&str] = &[
    "time_multiplier",
    "time_safety_margin",
    "memory",
    "output",
    "code",
    "compilation_time",
    "compilation_memory",
    "validation_time",
    "validation_memory",
    "validation_output",
    "time_limit",
    "time_multipliers_ignored",
];
/// Limits the 2023-07 draft and 2025-09 added; a legacy package saying them has misspelt one.
const KNOWN_LIMITS_2025: &[&str] = &["time_multipliers", "time_resolution"];

fn yaml(path: &Path) -> Result<Value, FormatError> {
    if !path.exists() {
        return Ok(Value::Null);
    }
    let text = read(path)?;
    serde_yaml_ng::from_slice(&text).map_err(|e| FormatError::Invalid {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}

fn keys(v: &Value) -> Vec<String> {
    v.as_mapping()
        .map(|m| {
            m.keys()
                .filter_map(|k| k.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

fn number(v: &Value) -> Option<f64> {
    v.as_f64().or_else(|| v.as_str()?.trim().parse().ok())
}

/// Reads a Kattis problem package directory.
pub fn load_kattis(dir: &Path, overrides: &Overrides) -> Result<Package, FormatError> {
    let meta = yaml(&dir.join("problem.yaml"))?;
    if meta.is_null() && !dir.join("data").is_dir() {
        return Err(FormatError::Invalid {
            path: dir.to_path_buf(),
            message: "not a Kattis package: no problem.yaml and no data/".into(),
        });
    }
    let mut warnings = Vec::new();
    for k in keys(&meta) {
        if !KNOWN_TOP.contains(&k.as_str()) {
            warnings.push(format!("problem.yaml: unknown key {k:?} ignored"));
        }
    }
    let version = groups::Version::of(&meta, &mut warnings);
    let limits_yaml = meta.get("limits").cloned().unwrap_or(Value::Null);
    for k in keys(&limits_yaml) {
        let current = version != groups::Version::Legacy && KNOWN_LIMITS_2025.contains(&k.as_str());
        if !KNOWN_LIMITS.contains(&k.as_str()) && !current {
            warnings.push(format!("problem.yaml: unknown key limits.{k} ignored"));
        }
    }
    let limits = limits_from(&limits_yaml, overrides, &mut warnings);
    let checker = checker_from(
        dir,
        &meta,
        version != groups::Version::Legacy,
        &mut warnings,
    )?;
    let mut builder = Builder::default();
    let samples = builder.add_plain(dir, "sample", TestKind::Public)?;
    let mut subtasks = if version == groups::Version::Legacy {
        legacy_subtasks(dir, &mut builder, &mut warnings)?
    } else {
        let scoring = problem_types(&meta).iter().any(|t| t == "scoring");
        groups::subtasks(dir, &mut builder, &samples, scoring, version, &mut warnings)?
    };
    mark_containment(&mut subtasks);
    let grader = grader_files(dir)?;
    for ignored in ["input_validators", "input_format_validators", "generators"] {
        if dir.join(ignored).is_dir() {
            warnings.push(format!("{ignored}/ is not used when judging"));
        }
    }
    let submissions = if version == groups::Version::Legacy
        && !dir.join("submissions/submissions.yaml").is_file()
    {
        crate::submissions::kattis(dir, &mut warnings)?
    } else {
        expectations::submissions(dir, &mut warnings)?
    };
    crate::checked(
        Package {
            name: dir
                .canonicalize()
                .ok()
                .and_then(|p| p.file_name()?.to_str().map(String::from))
                .unwrap_or_else(|| "problem".into()),
            limits,
            checker,
            tests: builder.tests,
            subtasks,
            grader,
            warnings,
            recipe: None,
            submissions,
        },
        dir,
    )
}

/// The words of problem.yaml's `type` (2023-07 and later: a string of words or a list).
pub(super) fn problem_types(meta: &Value) -> Vec<String> {
    match meta.get("type") {
        Some(Value::String(s)) => s.split_whitespace().map(String::from).collect(),
        Some(Value::Sequence(list)) => list
            .iter()
            .filter_map(|v| v.as_str().map(String::from))
            .collect(),
        _ => vec![],
    }
}

/// The legacy format's (problemtools') subtasks: every directory of `data/secret/` a group
/// scored by its `testdata.yaml` (`accept_score` or `range`, `grader_flags`).
fn legacy_subtasks(
    dir: &Path,
    builder: &mut Builder,
    warnings: &mut Vec<String>,
) -> Result<Vec<Subtask>, FormatError> {
    let secret = dir.join("data/secret");
    let mut groups: Vec<PathBuf> = std::fs::read_dir(&secret)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    groups.sort();
    let mut subtasks = Vec::new();
    if groups.is_empty() {
        let tests = builder.add_plain(dir, "secret", TestKind::Hidden)?;
        let root = yaml(&secret.join("testdata.yaml"))?;
        let points = range_max(&root).unwrap_or(100.0);
        subtasks.push(Subtask {
            name: "secret".into(),
            points,
            tests,
            contains: vec![],
        });
    } else {
        for g in &groups {
            let name = g
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("group")
                .to_string();
            // In the problem's order (samples first), as the store keeps them.
            let mut tests = builder.add_dir(dir, g, TestKind::Hidden)?;
            tests.sort_unstable();
            tests.dedup();
            if g.read_dir()
                .map(|mut r| r.any(|e| e.is_ok_and(|e| e.path().is_dir())))
                .unwrap_or(false)
            {
                warnings.push(format!(
                    "data/secret/{name}: nested groups are not supported; their tests are ignored"
                ));
            }
            let td = yaml(&g.join("testdata.yaml"))?;
            let flags = td.get("grader_flags").and_then(Value::as_str).unwrap_or("");
            if !flags.split_whitespace().any(|f| f == "min") {
                warnings.push(format!(
                    "data/secret/{name}: grader_flags {flags:?} (sum aggregation) is scored as all-or-nothing (min)"
                ));
            }
            let points = td
                .get("accept_score")
                .and_then(number)
                .or_else(|| range_max(&td))
                .unwrap_or_else(|| {
                    warnings.push(format!(
                        "data/secret/{name}: no accept_score or range: worth 0 points"
                    ));
                    0.0
                });
            subtasks.push(Subtask {
                name,
                points,
                tests,
                contains: vec![],
            });
        }
    }
    Ok(subtasks)
}

fn range_max(td: &Value) -> Option<f64> {
    td.get("range")?
        .as_str()?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn limits_from(y: &Value, overrides: &Overrides, warnings: &mut Vec<String>) -> Limits {
    let mut limits = Limits {
        memory_bytes: 1024 << 20,
        ..Limits::default()
    };
    let explicit = y
        .get("time_limit")
        .and_then(number)
        .map(|s| (s * 1000.0).round() as u64);
    limits.time_ms = match (overrides.time_ms, explicit) {
        (Some(t), _) => t,
        (None, Some(t)) => t,
        (None, None) => {
            let mult = y.get("time_multiplier").and_then(number).unwrap_or(2.0);
            warnings.push(format!(
                "problem.yaml sets no time limit (Kattis derives it from the accepted submissions x time_multiplier {mult}): using {} ms; pass --time-limit",
                limits.time_ms
            ));
            limits.time_ms
        }
    };
    match (overrides.memory_bytes, y.get("memory").and_then(number)) {
        (Some(m), _) => limits.memory_bytes = m,
        (None, Some(mib)) => limits.memory_bytes = (mib as u64) << 20,
        (None, None) => warnings.push("problem.yaml sets no memory limit: using 1024 MiB".into()),
    }
    if let Some(mib) = y.get("output").and_then(number) {
        limits.output_bytes = (mib as u64) << 20;
    }
    limits
}
