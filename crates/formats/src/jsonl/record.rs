//! The JSON shape of one line, and its conversion into a [`Package`].

use super::programs::{File, JsonChecker, checker, file_bytes};
use super::solutions::{Solutions, candidates};
use super::{JsonlProblem, slug_of};
use crate::{Overrides, Package, PackageTest, SourceFile};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sieve_domain::{Limits, Subtask, TestKind};

/// Tests as CodeContests lists them: parallel lists of inputs and outputs.
#[derive(Debug, Default, Deserialize, Serialize)]
pub(super) struct Group {
    #[serde(default)]
    pub input: Vec<String>,
    #[serde(default)]
    pub output: Vec<Option<String>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub name: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
}

#[derive(Debug, Deserialize, Serialize)]
pub(super) struct JsonSubtask {
    pub name: String,
    pub points: f64,
    pub tests: Vec<String>,
    #[serde(default)]
    pub contains: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct Line {
    name: Option<String>,
    slug: Option<String>,
    time_limit: Option<Value>,
    memory_limit_bytes: Option<u64>,
    output_limit_bytes: Option<u64>,
    #[serde(default)]
    public_tests: Group,
    #[serde(default)]
    private_tests: Group,
    #[serde(default)]
    generated_tests: Group,
    #[serde(default)]
    solutions: Solutions,
    #[serde(default)]
    incorrect_solutions: Solutions,
    checker: Option<JsonChecker>,
    subtasks: Option<Vec<JsonSubtask>>,
    #[serde(default)]
    graders: Vec<File>,
    #[serde(flatten)]
    rest: Map<String, Value>,
}

fn time_ms(v: &Value) -> Option<u64> {
    if let Some(s) = v.as_f64() {
        return Some((s * 1000.0).round() as u64);
    }
    let secs = v.get("seconds").and_then(Value::as_u64).unwrap_or(0);
    let nanos = v.get("nanos").and_then(Value::as_u64).unwrap_or(0);
    Some(secs * 1000 + nanos / 1_000_000).filter(|ms| *ms > 0)
}

fn tests(
    group: &Group,
    label: &str,
    kind: TestKind,
    out: &mut Vec<PackageTest>,
) -> Result<(), String> {
    if group.output.len() > group.input.len() {
        return Err(format!("{label}: more outputs than inputs"));
    }
    if !group.name.is_empty() && group.name.len() != group.input.len() {
        return Err(format!(
            "{label}: {} names for {} inputs",
            group.name.len(),
            group.input.len()
        ));
    }
    let decode = |s: &str| -> Result<Vec<u8>, String> {
        match group.encoding.as_deref() {
            None | Some("text") => Ok(s.as_bytes().to_vec()),
            Some("base64") => B64
                .decode(s)
                .map_err(|e| format!("{label}: bad base64: {e}")),
            Some(other) => Err(format!("{label}: unknown encoding {other:?}")),
        }
    };
    let short = label.trim_end_matches("_tests");
    for (i, input) in group.input.iter().enumerate() {
        let answer = match group.output.get(i) {
            Some(Some(o)) => Some(decode(o)?),
            _ => None,
        };
        out.push(PackageTest {
            name: group
                .name
                .get(i)
                .cloned()
                .unwrap_or_else(|| format!("{short}/{}", i + 1)),
            kind,
            input: decode(input)?,
            answer,
        });
    }
    Ok(())
}

pub(super) fn parse(line: &str, overrides: &Overrides) -> Result<JsonlProblem, String> {
    let l: Line = serde_json::from_str(line).map_err(|e| e.to_string())?;
    let mut warnings = Vec::new();
    let name = l.name.clone().unwrap_or_default();
    if name.is_empty() && l.slug.is_none() {
        return Err("the problem has neither name nor slug".into());
    }
    let mut unused: Vec<&String> = l.rest.keys().collect();
    unused.sort();
    if !unused.is_empty() {
        let keys: Vec<&str> = unused.iter().map(|k| k.as_str()).collect();
        warnings.push(format!("unused keys: {}", keys.join(", ")));
    }
    let mut limits = Limits::default();
    match l.time_limit.as_ref().and_then(time_ms) {
        Some(ms) => limits.time_ms = ms,
        None if overrides.time_ms.is_none() => {
            warnings.push(format!("no time_limit: using {} ms", limits.time_ms))
        }
        None => {}
    }
    match l.memory_limit_bytes.filter(|b| *b > 0) {
        Some(b) => limits.memory_bytes = b,
        None if overrides.memory_bytes.is_none() => warnings.push(format!(
            "no memory_limit_bytes: using {} MiB",
            limits.memory_bytes >> 20
        )),
        None => {}
    }
    if let Some(b) = l.output_limit_bytes {
        limits.output_bytes = b;
    }
    limits.time_ms = overrides.time_ms.unwrap_or(limits.time_ms);
    limits.memory_bytes = overrides.memory_bytes.unwrap_or(limits.memory_bytes);

    let mut all = Vec::new();
    tests(&l.public_tests, "public_tests", TestKind::Public, &mut all)?;
    tests(
        &l.private_tests,
        "private_tests",
        TestKind::Hidden,
        &mut all,
    )?;
    tests(
        &l.generated_tests,
        "generated_tests",
        TestKind::Generated,
        &mut all,
    )?;
    let index = |n: &str| all.iter().position(|t| t.name == n);
    for (i, t) in all.iter().enumerate() {
        if index(&t.name) != Some(i) {
            return Err(format!("test name {:?} is used twice", t.name));
        }
    }
    let subtasks = match &l.subtasks {
        Some(list) => {
            let mut out = Vec::new();
            for s in list {
                let tests = s
                    .tests
                    .iter()
                    .map(|n| index(n).ok_or_else(|| format!("subtask {:?}: no test {n:?}", s.name)))
                    .collect::<Result<Vec<_>, _>>()?;
                let contains = s
                    .contains
                    .iter()
                    .map(|n| {
                        list.iter()
                            .position(|o| &o.name == n)
                            .ok_or_else(|| format!("subtask {:?}: no subtask {n:?}", s.name))
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                out.push(Subtask {
                    name: s.name.clone(),
                    points: s.points,
                    tests,
                    contains,
                });
            }
            out
        }
        None => {
            let hidden: Vec<usize> = (0..all.len())
                .filter(|i| all[*i].kind == TestKind::Hidden)
                .collect();
            if hidden.is_empty() {
                warnings.push("no private_tests: nothing scores points".into());
                vec![]
            } else {
                vec![Subtask {
                    name: "all".into(),
                    points: 100.0,
                    tests: hidden,
                    contains: vec![],
                }]
            }
        }
    };
    let mut found = Vec::new();
    let mut skipped = Map::new();
    candidates(&l.solutions, "solutions", &mut found, &mut skipped);
    candidates(
        &l.incorrect_solutions,
        "incorrect_solutions",
        &mut found,
        &mut skipped,
    );
    if !skipped.is_empty() {
        let list: Vec<String> = skipped.iter().map(|(k, n)| format!("{n} in {k}")).collect();
        warnings.push(format!(
            "solutions not judged (language): {}",
            list.join(", ")
        ));
    }
    let grader = l
        .graders
        .iter()
        .map(|f| {
            Ok(SourceFile {
                name: f.name.clone(),
                source: file_bytes(f)?,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    let slug = l.slug.clone().unwrap_or_else(|| slug_of(&name));
    Ok(JsonlProblem {
        package: Package {
            name: if name.is_empty() { slug.clone() } else { name },
            limits,
            checker: checker(l.checker.as_ref())?,
            tests: all,
            subtasks,
            grader,
            warnings,
            recipe: None,
            submissions: vec![],
        },
        slug,
        candidates: found,
    })
}
