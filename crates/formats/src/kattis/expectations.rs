//! The submissions of a package in the Kattis format's 2023-07 draft and 2025-09, with what
//! `submissions/submissions.yaml` and the default directories expect of each: glob patterns over
//! submission paths, each with `permitted` and `required` verdicts, a `score` (a number or an
//! inclusive range), and the same keys per test data group or test glob.

use super::yaml;
use crate::FormatError;
use crate::submissions::{
    Expected, Requirement, Submission, collect, glob, matches_or_parent, source_file,
};
use serde_yaml_ng::Value;
use std::path::Path;

/// The format's default directories and what they require (`permitted`, `required`).
const DEFAULTS: &[(&str, &[&str], &[&str])] = &[
    ("accepted", &["AC"], &[]),
    ("rejected", &[], &["RTE", "TLE", "WA"]),
    ("wrong_answer", &["AC", "WA"], &["WA"]),
    ("time_limit_exceeded", &["AC", "TLE"], &["TLE"]),
    ("run_time_error", &["AC", "RTE"], &["RTE"]),
    ("brute_force", &["AC", "RTE", "TLE"], &["RTE", "TLE"]),
];

/// The keys of a requirement; any other key of a pattern's map names a test data group or a
/// test glob (`sample`, `secret/group1`, `secret/*-hard`).
const REQUIREMENT_KEYS: &[&str] = &["permitted", "required", "score", "message"];

/// Keys about the submission itself, not what it gets.
const SUBMISSION_KEYS: &[&str] = &[
    "language",
    "entrypoint",
    "authors",
    "model_solution",
    "use_for_time_limit",
];

fn verdict_list(v: &Value, what: &str) -> Result<Vec<sieve_domain::Verdict>, String> {
    let words: Vec<&str> = match v {
        Value::Sequence(list) => list.iter().filter_map(Value::as_str).collect(),
        Value::String(s) => vec![s.as_str()],
        _ => return Err(format!("{what}: a list of AC, WA, TLE, RTE")),
    };
    let mut out = Vec::new();
    for w in words {
        out.extend(
            Requirement::verdicts(w).ok_or_else(|| format!("{what}: unknown verdict {w:?}"))?,
        );
    }
    Ok(out)
}

/// The requirement a map of `permitted`, `required` and `score` states on `tests`.
fn requirement(
    map: &Value,
    tests: Option<String>,
    label: &str,
    warnings: &mut Vec<String>,
) -> Result<Option<Requirement>, String> {
    let permitted = map
        .get("permitted")
        .map(|v| verdict_list(v, &format!("{label}: permitted")))
        .transpose()?;
    let required = map
        .get("required")
        .map(|v| verdict_list(v, &format!("{label}: required")))
        .transpose()?;
    let score = match map.get("score") {
        None => None,
        Some(Value::Sequence(r)) if r.len() == 2 => {
            let (lo, hi) = (super::number(&r[0]), super::number(&r[1]));
            Some(
                lo.zip(hi)
                    .ok_or(format!("{label}: score [lo, hi] of numbers"))?,
            )
        }
        Some(v) => {
            let s = super::number(v).ok_or(format!("{label}: score is a number or [lo, hi]"))?;
            Some((s, s))
        }
    };
    if map.get("message").is_some() {
        warnings.push(format!(
            "{label}: message (a validator's feedback) is not checked by sieve verify"
        ));
    }
    Ok(
        (permitted.is_some() || required.is_some() || score.is_some()).then_some(Requirement {
            tests,
            permitted,
            required,
            score,
        }),
    )
}

/// Every requirement one entry of `submissions.yaml` states: on all tests, and per group or
/// test glob.
fn requirements_of(
    entry: &Value,
    label: &str,
    warnings: &mut Vec<String>,
) -> Result<Vec<Requirement>, String> {
    let mut out = Vec::new();
    out.extend(requirement(entry, None, label, warnings)?);
    for key in super::keys(entry) {
        if REQUIREMENT_KEYS.contains(&key.as_str()) || SUBMISSION_KEYS.contains(&key.as_str()) {
            continue;
        }
        let Some(sub) = entry.get(key.as_str()).filter(|v| v.is_mapping()) else {
            warnings.push(format!("{label}: unknown key {key:?} ignored"));
            continue;
        };
        out.extend(requirement(
            sub,
            Some(key.clone()),
            &format!("{label}: {key}"),
            warnings,
        )?);
    }
    Ok(out)
}

/// One entry of `submissions.yaml`.
struct Entry {
    key: String,
    matcher: globset::GlobMatcher,
    requirements: Vec<Requirement>,
    entrypoint: Option<String>,
}

fn sorted_entries(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out: Vec<_> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    out.sort();
    out
}

fn name_of(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Every requirement on the submission `rel` (under `submissions/`) in the directory `top`: the
/// directory's default, overridden key by key where `submissions.yaml` names the directory, and
/// each pattern's that matches it or a directory holding it.
fn requirements_for(rel: &str, top: &str, entries: &[Entry]) -> Vec<Requirement> {
    let mut reqs = Vec::new();
    let is_default = DEFAULTS.iter().any(|(d, ..)| *d == top);
    if let Some((_, permitted, required)) = DEFAULTS.iter().find(|(d, ..)| *d == top) {
        let list = |words: &[&str]| {
            words
                .iter()
                .flat_map(|w| Requirement::verdicts(w).unwrap_or_default())
                .collect::<Vec<_>>()
        };
        let mut default = Requirement {
            tests: None,
            permitted: (!permitted.is_empty()).then(|| list(permitted)),
            required: (!required.is_empty()).then(|| list(required)),
            score: None,
        };
        if let Some(e) = entries.iter().find(|e| e.key == top)
            && let Some(over) = e.requirements.iter().find(|r| r.tests.is_none())
        {
            default.permitted = over.permitted.clone().or(default.permitted);
            default.required = over.required.clone().or(default.required);
            default.score = over.score.or(default.score);
        }
        reqs.push(default);
    }
    for e in entries {
        if !matches_or_parent(&e.matcher, rel) {
            continue;
        }
        let overrides_default = is_default && e.key == top;
        reqs.extend(
            e.requirements
                .iter()
                .filter(|r| !(overrides_default && r.tests.is_none()))
                .cloned(),
        );
    }
    reqs
}

/// The file a directory submission runs: its `entrypoint`, else its only source file. Sieve
/// judges that one file; other sources beside it are named in a warning.
fn entry_point(
    dir: &Path,
    rel: &str,
    entries: &[Entry],
    warnings: &mut Vec<String>,
) -> Option<String> {
    let mut files = Vec::new();
    collect(dir, "", &mut files);
    let sources: Vec<String> = files
        .iter()
        .map(|f| f.trim_start_matches('/').to_string())
        .filter(|f| sieve_domain::Language::from_extension(f).is_some_and(|l| l.is_source()))
        .collect();
    let named = entries
        .iter()
        .filter(|e| matches_or_parent(&e.matcher, rel))
        .find_map(|e| e.entrypoint.clone());
    let chosen = match (named, sources.as_slice()) {
        (Some(n), _) if sources.contains(&n) => n,
        (None, [only]) => only.clone(),
        _ => {
            warnings.push(format!(
                "submissions/{rel}: a submission of several files without an entrypoint sieve can find: skipped"
            ));
            return None;
        }
    };
    if sources.len() > 1 {
        warnings.push(format!(
            "submissions/{rel}: judged as its entry point {chosen} alone (sieve judges one file)"
        ));
    }
    Some(chosen)
}

/// The package's submissions (C, C++ and Python files under `submissions/`) with what each must
/// get: its default directory's requirement, as `submissions.yaml` may override it by naming the
/// directory, and every requirement of a pattern matching it or a directory holding it. A
/// submission nothing is required of is named in a warning and left out.
pub(super) fn submissions(
    dir: &Path,
    warnings: &mut Vec<String>,
) -> Result<Vec<Submission>, FormatError> {
    let root = dir.join("submissions");
    if !root.is_dir() {
        return Ok(vec![]);
    }
    let path = root.join("submissions.yaml");
    let conf = yaml(&path)?;
    let invalid = |message: String| FormatError::Invalid {
        path: path.clone(),
        message,
    };
    let mut entries: Vec<Entry> = Vec::new();
    for key in super::keys(&conf) {
        let Some(matcher) = glob(&key) else {
            return Err(invalid(format!("{key:?} is not a glob pattern")));
        };
        let entry = conf.get(key.as_str()).cloned().unwrap_or(Value::Null);
        let label = format!("submissions.yaml: {key}");
        let requirements = requirements_of(&entry, &label, warnings).map_err(invalid)?;
        let entrypoint = entry
            .get("entrypoint")
            .and_then(Value::as_str)
            .map(String::from);
        entries.push(Entry {
            key,
            matcher,
            requirements,
            entrypoint,
        });
    }
    // Every file or directory in a directory of submissions/ is one submission.
    let mut found = Vec::new();
    for top in sorted_entries(&root).into_iter().filter(|p| p.is_dir()) {
        let top_name = name_of(&top);
        for item in sorted_entries(&top) {
            let rel = format!("{top_name}/{}", name_of(&item));
            let reqs = requirements_for(&rel, &top_name, &entries);
            let file = if item.is_dir() {
                match entry_point(&item, &rel, &entries, warnings) {
                    Some(f) => format!("{rel}/{f}"),
                    None => continue,
                }
            } else {
                rel.clone()
            };
            let in_package = format!("submissions/{file}");
            let source =
                sieve_domain::Language::from_extension(&file).is_some_and(|l| l.is_source());
            if reqs.is_empty() {
                if source {
                    warnings.push(format!(
                        "submissions/{rel}: nothing is required of it (no default directory, no requirement in submissions.yaml)"
                    ));
                }
                continue;
            }
            found.extend(source_file(dir, &in_package, Expected::Kattis(reqs))?);
        }
    }
    Ok(found)
}
