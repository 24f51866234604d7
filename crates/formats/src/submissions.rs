//! The submissions a package ships with what its authors expect of each, as the package's own
//! verifier reads them: Kattis `submissions/<verdict>/` directories (problemtools, BAPCtools),
//! TPS `solutions.json` (a verdict, and per subtask exceptions), Polygon `<solution tag=…>`.
//! [`Expected::check`] says whether a judged submission got what was expected.

use crate::{FormatError, read};
use sieve_domain::{Language, Verdict};
use std::collections::BTreeMap;
use std::path::Path;

/// A submission the package ships.
#[derive(Clone, Debug, PartialEq)]
pub struct Submission {
    /// Its path in the package (`submissions/accepted/a.cpp`, `solution/model.cpp`).
    pub path: String,
    /// Its language.
    pub language: Language,
    /// Its source.
    pub source: Vec<u8>,
    /// What it should get.
    pub expected: Expected,
}

/// What a submission should get.
#[derive(Clone, Debug, PartialEq)]
pub enum Expected {
    /// Every test accepted, full points.
    Accepted,
    /// Some points, not all (Kattis `partially_accepted`, TPS `partially_correct`); anything on
    /// a subtask worth nothing.
    Partial,
    /// Not accepted, its first failing test's verdict one of these (any failure when empty).
    Rejected(Vec<Verdict>),
    /// Accepted, or rejected with one of these (Polygon `time-limit-exceeded-or-accepted`).
    AcceptedOr(Vec<Verdict>),
    /// Per subtask, by name (TPS `solutions.json` with `except`).
    Subtasks(BTreeMap<String, Expected>),
    /// Every one of these holds (the Kattis format's `submissions.yaml`, and its default
    /// directories, since 2023-07).
    Kattis(Vec<Requirement>),
}

/// One requirement of the Kattis format's `submissions.yaml` on the tests it covers.
#[derive(Clone, Debug, PartialEq)]
pub struct Requirement {
    /// The tests it covers: every test, or those a glob pattern over test and group names
    /// relative to `data/` matches (`secret/group1`, `secret/*-hard`), a test being matched
    /// when it or a group holding it is.
    pub tests: Option<String>,
    /// Every covered test's verdict is one of these (Kattis `permitted`).
    pub permitted: Option<Vec<Verdict>>,
    /// At least one covered test's verdict is one of these (Kattis `required`).
    pub required: Option<Vec<Verdict>>,
    /// The score of the submission, or of the covered group, lies in this inclusive range.
    pub score: Option<(f64, f64)>,
}

impl Requirement {
    /// Sieve's verdicts for one of the Kattis format's (`AC`, `WA`, `TLE`, `RTE`): a wrong
    /// answer may be a presentation error here, and a run-time error covers the memory and
    /// output limits, which Kattis reports as run-time errors.
    pub fn verdicts(kattis: &str) -> Option<Vec<Verdict>> {
        Some(match kattis {
            "AC" => vec![Verdict::AC],
            "WA" => vec![Verdict::WA, Verdict::PE],
            "TLE" => vec![Verdict::TLE],
            "RTE" => vec![Verdict::RE, Verdict::MLE, Verdict::OLE],
            _ => return None,
        })
    }

    fn covers(&self, test: &str) -> bool {
        match &self.tests {
            None => true,
            Some(pattern) => glob(pattern).is_some_and(|g| matches_or_parent(&g, test)),
        }
    }

    fn check(&self, whole: &Outcome, subtasks: &BTreeMap<String, Outcome>) -> Result<(), String> {
        let covered: Vec<&(String, Verdict)> =
            whole.tests.iter().filter(|(t, _)| self.covers(t)).collect();
        let scope = self.tests.as_deref().unwrap_or("all tests");
        let names = |v: &[Verdict]| v.iter().map(|v| v.code()).collect::<Vec<_>>().join("|");
        if let Some(permitted) = &self.permitted
            && let Some((t, v)) = covered.iter().find(|(_, v)| !permitted.contains(v))
        {
            return Err(format!("{t}: {v} is not permitted ({})", names(permitted)));
        }
        if let Some(required) = &self.required
            && !covered.iter().any(|(_, v)| required.contains(v))
        {
            return Err(format!(
                "{scope}: no test got one of {} (it was required)",
                names(required)
            ));
        }
        if let Some((lo, hi)) = self.score {
            let score = match &self.tests {
                None => whole.points,
                // A group's score: the subtasks it became (the group, or one per test).
                Some(group) => {
                    let name = group.strip_prefix("secret/").unwrap_or(group);
                    subtasks
                        .iter()
                        .filter(|(s, _)| *s == name || s.starts_with(&format!("{name}/")))
                        .map(|(_, o)| o.points)
                        .sum()
                }
            };
            if score < lo - 1e-6 || score > hi + 1e-6 {
                let range = if lo == hi {
                    format!("{lo}")
                } else {
                    format!("[{lo}, {hi}]")
                };
                return Err(format!("{scope}: score {score}, expected {range}"));
            }
        }
        Ok(())
    }
}

/// How one judged run (of a whole problem, or of one subtask) went, for [`Expected::check`].
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// Points earned.
    pub points: f64,
    /// Points available (0 for the samples).
    pub max_points: f64,
    /// The verdict of the first test that was not accepted, if any.
    pub first_failure: Option<Verdict>,
    /// Each test that ran, by name, with its verdict (tests skipped after a failure are left
    /// out: their verdicts are unknown).
    pub tests: Vec<(String, Verdict)>,
}

impl Outcome {
    fn accepted(&self) -> bool {
        self.first_failure.is_none() && self.points >= self.max_points - 1e-9
    }
}

impl Expected {
    /// Whether `whole` (with `subtasks` by name) is what was expected; `Err` says what differs.
    pub fn check(
        &self,
        whole: &Outcome,
        subtasks: &BTreeMap<String, Outcome>,
    ) -> Result<(), String> {
        match self {
            Expected::Subtasks(each) => {
                let wrong: Vec<String> = each
                    .iter()
                    .filter_map(|(name, e)| match subtasks.get(name) {
                        None => Some(format!("{name}: no such subtask")),
                        Some(o) => e
                            .check(o, &BTreeMap::new())
                            .err()
                            .map(|m| format!("{name}: {m}")),
                    })
                    .collect();
                if wrong.is_empty() {
                    Ok(())
                } else {
                    Err(wrong.join("; "))
                }
            }
            Expected::Kattis(requirements) => {
                if whole.first_failure == Some(Verdict::CE) {
                    return Err("did not compile".into());
                }
                let wrong: Vec<String> = requirements
                    .iter()
                    .filter_map(|r| r.check(whole, subtasks).err())
                    .collect();
                if wrong.is_empty() {
                    Ok(())
                } else {
                    Err(wrong.join("; "))
                }
            }
            Expected::Accepted if whole.accepted() => Ok(()),
            Expected::Accepted => Err(format!("expected accepted, got {}", describe(whole))),
            Expected::Partial => {
                // A subtask worth nothing (the samples) has no partial score to check.
                let partial = whole.max_points <= 0.0
                    || (whole.points > 1e-9 && whole.points < whole.max_points - 1e-9);
                if partial {
                    Ok(())
                } else {
                    Err(format!("expected some points, got {}", describe(whole)))
                }
            }
            Expected::Rejected(allowed) | Expected::AcceptedOr(allowed) => {
                match whole.first_failure {
                    None if matches!(self, Expected::AcceptedOr(_)) => Ok(()),
                    Some(v) if allowed.is_empty() || allowed.contains(&v) => Ok(()),
                    _ => Err(format!(
                        "expected {}, got {}",
                        self.label(),
                        describe(whole)
                    )),
                }
            }
        }
    }

    /// A short name for tables: `AC`, `partial`, `WA`, `TLE|RE`, `AC|TLE`, or per subtask.
    pub fn label(&self) -> String {
        let names = |v: &[Verdict]| {
            if v.is_empty() {
                "rejected".to_string()
            } else {
                v.iter().map(|v| v.code()).collect::<Vec<_>>().join("|")
            }
        };
        match self {
            Expected::Accepted => "AC".into(),
            Expected::Partial => "partial".into(),
            Expected::Rejected(v) => names(v),
            Expected::AcceptedOr(v) => format!("AC|{}", names(v)),
            Expected::Subtasks(each) => each
                .iter()
                .map(|(n, e)| format!("{n}:{}", e.label()))
                .collect::<Vec<_>>()
                .join(" "),
            Expected::Kattis(requirements) => requirements
                .iter()
                .map(|r| {
                    let mut parts = Vec::new();
                    if let Some(p) = &r.permitted {
                        parts.push(names(p));
                    }
                    if let Some(q) = &r.required {
                        parts.push(format!("needs {}", names(q)));
                    }
                    if let Some((lo, hi)) = r.score {
                        parts.push(if lo == hi {
                            format!("score {lo}")
                        } else {
                            format!("score {lo}-{hi}")
                        });
                    }
                    match &r.tests {
                        Some(t) => format!("{t}:{}", parts.join(",")),
                        None => parts.join(","),
                    }
                })
                .collect::<Vec<_>>()
                .join(" "),
        }
    }
}

/// A Kattis glob pattern (`*` within one name, `{a,b}`), or `None` when it is not one.
pub(crate) fn glob(pattern: &str) -> Option<globset::GlobMatcher> {
    globset::GlobBuilder::new(&spaceless(pattern))
        .literal_separator(true)
        .build()
        .ok()
        .map(|g| g.compile_matcher())
}

/// A pattern with the blanks inside its braces dropped (`*{ 4 }{ 2 }` is `*{4}{2}`), as the
/// format's tools read them.
fn spaceless(pattern: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in pattern.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            c if c.is_whitespace() && depth > 0 => continue,
            _ => {}
        }
        out.push(c);
    }
    out
}

/// Whether `pattern` matches `path` or a directory holding it, as the Kattis format matches
/// submissions and tests (a test is covered by its groups).
pub(crate) fn matches_or_parent(pattern: &globset::GlobMatcher, path: &str) -> bool {
    let mut name = path;
    loop {
        if pattern.is_match(name) {
            return true;
        }
        match name.rsplit_once('/') {
            Some((parent, _)) => name = parent,
            None => return false,
        }
    }
}

fn describe(o: &Outcome) -> String {
    match o.first_failure {
        None => format!("AC ({} points)", o.points),
        Some(v) => format!("{} ({} of {} points)", v.code(), o.points, o.max_points),
    }
}

pub(crate) fn source_file(
    dir: &Path,
    rel: &str,
    expected: Expected,
) -> Result<Option<Submission>, FormatError> {
    let Some(language) = Language::from_extension(rel).filter(|l| l.is_source()) else {
        return Ok(None);
    };
    Ok(Some(Submission {
        path: rel.to_string(),
        language,
        source: read(&dir.join(rel))?,
        expected,
    }))
}

/// Kattis `submissions/<verdict>/**` (C, C++ and Python files); other directories are named in a
/// warning.
pub(crate) fn kattis(
    dir: &Path,
    warnings: &mut Vec<String>,
) -> Result<Vec<Submission>, FormatError> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir.join("submissions")) else {
        return Ok(found);
    };
    let mut dirs: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .filter_map(|e| e.file_name().into_string().ok())
        .collect();
    dirs.sort();
    for d in dirs {
        let expected = match d.as_str() {
            "accepted" => Expected::Accepted,
            "partially_accepted" => Expected::Partial,
            "wrong_answer" => Expected::Rejected(vec![Verdict::WA, Verdict::PE]),
            "time_limit_exceeded" => Expected::Rejected(vec![Verdict::TLE]),
            "run_time_error" => Expected::Rejected(vec![Verdict::RE]),
            "memory_limit_exceeded" => Expected::Rejected(vec![Verdict::MLE, Verdict::RE]),
            "output_limit_exceeded" => Expected::Rejected(vec![Verdict::OLE]),
            "rejected" => Expected::Rejected(vec![]),
            other => {
                warnings.push(format!(
                    "submissions/{other}/: not a verdict sieve verify knows"
                ));
                continue;
            }
        };
        let mut files = Vec::new();
        collect(
            &dir.join("submissions").join(&d),
            &format!("submissions/{d}"),
            &mut files,
        );
        files.sort();
        for rel in files {
            found.extend(source_file(dir, &rel, expected.clone())?);
        }
    }
    Ok(found)
}

pub(crate) fn collect(dir: &Path, prefix: &str, out: &mut Vec<String>) {
    for e in std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
    {
        let Ok(name) = e.file_name().into_string() else {
            continue;
        };
        let rel = format!("{prefix}/{name}");
        if e.path().is_dir() {
            collect(&e.path(), &rel, out);
        } else {
            out.push(rel);
        }
    }
}

/// What a TPS verdict word asks of a subtask (or of every subtask).
fn tps_verdict(word: &str) -> Option<Expected> {
    Some(match word {
        "model_solution" | "correct" => Expected::Accepted,
        "partially_correct" => Expected::Partial,
        "incorrect" => Expected::Rejected(vec![Verdict::WA, Verdict::PE]),
        "time_limit" => Expected::Rejected(vec![Verdict::TLE]),
        "memory_limit" => Expected::Rejected(vec![Verdict::MLE, Verdict::RE]),
        "runtime_error" => Expected::Rejected(vec![Verdict::RE]),
        "time_limit_and_runtime_error" => Expected::Rejected(vec![Verdict::TLE, Verdict::RE]),
        "failed" => Expected::Rejected(vec![]),
        _ => return None,
    })
}

/// TPS `solutions.json`: each solution (in `solutions/` or `solution/`) with its verdict for
/// every subtask of `subtasks`, except those its `except` names.
pub(crate) fn tps(
    dir: &Path,
    subtasks: &[String],
    warnings: &mut Vec<String>,
) -> Result<Vec<Submission>, FormatError> {
    let path = dir.join("solutions.json");
    if !path.is_file() {
        return Ok(vec![]);
    }
    let conf: serde_json::Value =
        serde_json::from_slice(&read(&path)?).map_err(|e| FormatError::Invalid {
            path: path.clone(),
            message: e.to_string(),
        })?;
    let mut found = Vec::new();
    for (name, entry) in conf.as_object().into_iter().flatten() {
        let word = entry["verdict"].as_str().unwrap_or_default();
        let Some(all) = tps_verdict(word) else {
            warnings.push(format!("solutions.json: {name}: unknown verdict {word:?}"));
            continue;
        };
        let mut each = BTreeMap::new();
        for s in subtasks {
            let e = match entry["except"][s].as_str() {
                Some(w) => match tps_verdict(w) {
                    Some(e) => e,
                    None => {
                        warnings.push(format!("solutions.json: {name}: unknown verdict {w:?}"));
                        all.clone()
                    }
                },
                None => all.clone(),
            };
            each.insert(s.clone(), e);
        }
        let Some(rel) = tps_solution(dir, name) else {
            warnings.push(format!(
                "solutions.json: {name} is not in solutions/ or solution/"
            ));
            continue;
        };
        found.extend(source_file(dir, &rel, Expected::Subtasks(each))?);
    }
    Ok(found)
}

/// Where a TPS package keeps the solution `name`: `solutions/` (exports) or `solution/` (working
/// copies), as a path under `dir`.
pub(crate) fn tps_solution(dir: &Path, name: &str) -> Option<String> {
    ["solutions", "solution"]
        .iter()
        .map(|d| format!("{d}/{name}"))
        .find(|rel| dir.join(rel).is_file())
}

/// A Polygon solution's tag as an expectation.
pub(crate) fn polygon_tag(tag: &str) -> Option<Expected> {
    Some(match tag {
        "main" | "accepted" => Expected::Accepted,
        "wrong-answer" => Expected::Rejected(vec![Verdict::WA]),
        "presentation-error" => Expected::Rejected(vec![Verdict::PE, Verdict::WA]),
        "time-limit-exceeded" => Expected::Rejected(vec![Verdict::TLE]),
        "time-limit-exceeded-or-accepted" => Expected::AcceptedOr(vec![Verdict::TLE]),
        "time-limit-exceeded-or-memory-limit-exceeded" => {
            Expected::Rejected(vec![Verdict::TLE, Verdict::MLE])
        }
        "memory-limit-exceeded" => Expected::Rejected(vec![Verdict::MLE, Verdict::RE]),
        "failed" => Expected::Rejected(vec![Verdict::RE]),
        "rejected" => Expected::Rejected(vec![]),
        _ => return None,
    })
}

/// A Polygon solution file with its tag.
pub(crate) fn polygon(
    dir: &Path,
    path: &str,
    tag: &str,
    warnings: &mut Vec<String>,
) -> Result<Option<Submission>, FormatError> {
    let Some(expected) = polygon_tag(tag) else {
        warnings.push(format!("solution {path}: unknown tag {tag:?}"));
        return Ok(None);
    };
    if !dir.join(path).is_file() {
        warnings.push(format!("solution {path} is not in the package"));
        return Ok(None);
    }
    source_file(dir, path, expected)
}
