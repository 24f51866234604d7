//! TPS exports (IOI since 2017), as CMS's tps loader reads them: `problem.json`, `tests/*.in`
//! with `.out`, `subtasks/NN-name.json` (`score` and the list of `testcases`), `checker/`,
//! `graders/`. A TPS working copy (`subtasks.json` and the `tests/mapping` that `tps gen`
//! writes) is read too; one without `tests/` gets its tests from its generators (see
//! [`recipe`]).

use super::score::{self, Group};
use super::{
    OUTPUT_ONLY, TaskType, Tests, cms_checker, dir_name, graders, judged_by, limits, recipe,
    task_type,
};
use crate::{FormatError, Overrides, Package, read};
use serde_json::Value;
use std::collections::HashSet;
use std::path::Path;

const USED: &[&str] = &[
    "code",
    "name",
    "time_limit",
    "memory_limit",
    "protocol_version",
    "task_type",
    "type",
    "task_type_params",
    "num_processes",
    "grader_name",
];
/// Keys about the contest or the preparation system, not about judging one program.
const OTHER: &[&str] = &[
    "title",
    "description",
    "score_precision",
    "feedback_level",
    "has_grader",
    "has_checker",
    "has_manager",
    "author",
    "authors",
    "attachments",
];

fn invalid(path: &Path, message: String) -> FormatError {
    FormatError::Invalid {
        path: path.to_path_buf(),
        message,
    }
}

fn json(path: &Path) -> Result<Value, FormatError> {
    serde_json::from_slice(&read(path)?).map_err(|e| invalid(path, e.to_string()))
}

pub(super) fn load(dir: &Path, overrides: &Overrides) -> Result<Package, FormatError> {
    let conf = json(&dir.join("problem.json"))?;
    let map = conf
        .as_object()
        .ok_or_else(|| invalid(&dir.join("problem.json"), "not an object".into()))?;
    let mut warnings = Vec::new();
    let mut other = Vec::new();
    for k in map.keys() {
        if OTHER.contains(&k.as_str()) {
            other.push(k.as_str());
        } else if !USED.contains(&k.as_str()) {
            warnings.push(format!("problem.json: unknown key {k:?} ignored"));
        }
    }
    if !other.is_empty() {
        warnings.push(format!(
            "problem.json: settings not used when judging: {}",
            other.join(", ")
        ));
    }
    let type_name = map
        .get("task_type")
        .or_else(|| map.get("type"))
        .and_then(Value::as_str)
        .unwrap_or("Batch");
    // CMS exports give the task type's parameters as a JSON string; working copies give
    // `num_processes` beside the type.
    let params: Value = map
        .get("task_type_params")
        .and_then(Value::as_str)
        .and_then(|p| serde_json::from_str(p).ok())
        .unwrap_or(Value::Null);
    let param = |suffix: &str| {
        params
            .as_object()
            .into_iter()
            .flatten()
            .find(|(k, _)| k.ends_with(suffix))
            .map(|(_, v)| v)
    };
    for (k, v) in params.as_object().into_iter().flatten() {
        if k.contains("_io_") && v.as_str().is_some_and(|f| !f.is_empty()) {
            warnings.push(format!(
                "problem.json: {k} = {v} (file I/O) is not supported: programs use stdin and stdout"
            ));
        }
    }
    let processes = map
        .get("num_processes")
        .or_else(|| param("num_processes"))
        .and_then(|v| v.as_u64().or_else(|| v.as_str()?.parse().ok()));
    let user_io = param("user_io").and_then(Value::as_str);
    let task_type = task_type(&dir.join("problem.json"), type_name, processes, user_io)?;
    let output_only = matches!(task_type, TaskType::OutputOnly);
    if output_only {
        warnings.push(OUTPUT_ONLY.into());
    }
    let number = |k: &str| {
        map.get(k)
            .and_then(|v| v.as_f64().or_else(|| v.as_str()?.trim().parse().ok()))
    };
    // Exports since protocol 1 give bytes; older exports and working copies give MiB.
    let memory = number("memory_limit").map(|m| {
        if map.contains_key("protocol_version") {
            m as u64
        } else {
            (m * 1048576.0) as u64
        }
    });
    let limits = limits(
        "problem.json",
        number("time_limit"),
        memory,
        overrides,
        &mut warnings,
    );
    let checker = cms_checker(dir, &["checker/checker.cpp"], &mut warnings)?;
    let checker = judged_by(
        dir,
        task_type,
        &["graders/manager.cpp", "grader/manager.cpp"],
        checker,
    )?;
    // Exports keep the graders in `graders/`; working copies in `grader/<language>/`.
    let grader_name = map.get("grader_name").and_then(Value::as_str);
    let stems: Vec<&str> = grader_name.into_iter().chain(["grader", "stub"]).collect();
    let grader = graders(
        dir,
        &["graders", "grader/cpp", "grader/c", "grader"],
        &stems,
        &mut warnings,
    )?;

    let name = ["code", "name"]
        .iter()
        .find_map(|k| map.get(*k)?.as_str())
        .map(String::from)
        .unwrap_or_else(|| dir_name(dir));
    let tests_dir = dir.join("tests");
    if !tests_dir.is_dir() {
        let recipe = recipe::read(dir, output_only, &checker, &mut warnings)?;
        let names: Vec<String> = recipe.subtask_names().map(String::from).collect();
        let submissions = crate::submissions::tps(dir, &names, &mut warnings)?;
        return Ok(Package {
            name,
            limits,
            checker,
            tests: vec![],
            subtasks: vec![],
            grader,
            warnings,
            recipe: Some(Box::new(recipe)),
            submissions,
        });
    }
    let mut codenames: Vec<String> = std::fs::read_dir(&tests_dir)
        .map_err(|source| FormatError::Io {
            path: tests_dir.clone(),
            source,
        })?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter_map(|n| n.strip_suffix(".in").map(String::from))
        .collect();
    codenames.sort();
    let groups = subtasks(dir, &codenames, &mut warnings)?;
    let public: HashSet<String> = groups
        .first()
        .filter(|g| g.points == 0.0)
        .map(|g| g.tests.iter().cloned().collect())
        .unwrap_or_default();
    let files: Vec<_> = codenames
        .iter()
        .map(|c| {
            (
                c.clone(),
                tests_dir.join(format!("{c}.in")),
                tests_dir.join(format!("{c}.out")),
            )
        })
        .collect();
    let tests = Tests::load(&files, &public, &mut warnings)?;
    let subtasks = tests.subtasks(groups);
    let names: Vec<String> = subtasks.iter().map(|s| s.name.clone()).collect();
    let submissions = crate::submissions::tps(dir, &names, &mut warnings)?;
    crate::checked(
        Package {
            name,
            limits,
            checker,
            tests: tests.tests,
            subtasks,
            grader,
            warnings,
            recipe: None,
            submissions,
        },
        dir,
    )
}

fn subtasks(
    dir: &Path,
    codenames: &[String],
    warnings: &mut Vec<String>,
) -> Result<Vec<Group>, FormatError> {
    let known: HashSet<&String> = codenames.iter().collect();
    let mut groups = Vec::new();
    let sub_dir = dir.join("subtasks");
    if let Ok(entries) = std::fs::read_dir(&sub_dir) {
        let mut files: Vec<_> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        for f in files {
            let data = json(&f)?;
            let stem = f.file_stem().and_then(|s| s.to_str()).unwrap_or("subtask");
            // Exported names are `NN-name`: the index only orders them.
            let name = match stem.split_once('-') {
                Some((n, rest)) if n.chars().all(|c| c.is_ascii_digit()) => rest,
                _ => stem,
            };
            let points = data["score"]
                .as_f64()
                .ok_or_else(|| invalid(&f, "no numeric \"score\"".into()))?;
            let tests: Vec<String> = data["testcases"]
                .as_array()
                .ok_or_else(|| invalid(&f, "no \"testcases\" list".into()))?
                .iter()
                .filter_map(|t| t.as_str().map(String::from))
                .collect();
            groups.push(Group {
                name: name.to_string(),
                points,
                tests,
            });
        }
    } else if dir.join("subtasks.json").is_file() && tests_dir_mapping(dir).is_file() {
        let data = json(&dir.join("subtasks.json"))?;
        let mut list: Vec<(i64, String, f64)> = data["subtasks"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(name, s)| {
                let index = s["index"].as_i64().unwrap_or(i64::MAX);
                (index, name.clone(), s["score"].as_f64().unwrap_or(0.0))
            })
            .collect();
        list.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        let mapping = String::from_utf8_lossy(&read(&tests_dir_mapping(dir))?).into_owned();
        for (_, name, points) in list {
            let tests = mapping
                .lines()
                .filter_map(|l| l.split_once(char::is_whitespace))
                .filter(|(s, _)| *s == name)
                .map(|(_, t)| t.trim().to_string())
                .collect();
            groups.push(Group {
                name,
                points,
                tests,
            });
        }
    } else {
        warnings.push(format!(
            "no subtasks/ (nor subtasks.json with tests/mapping): every test is worth 100/{} points, as CMS does",
            codenames.len().max(1)
        ));
        return Ok(score::sum(codenames, 100.0 / codenames.len().max(1) as f64));
    }
    for g in &groups {
        let unknown: Vec<&str> = g
            .tests
            .iter()
            .filter(|t| !known.contains(t))
            .map(String::as_str)
            .collect();
        if !unknown.is_empty() {
            warnings.push(format!(
                "subtask {}: no tests/ files for {}",
                g.name,
                unknown.join(", ")
            ));
        }
    }
    Ok(groups)
}

fn tests_dir_mapping(dir: &Path) -> std::path::PathBuf {
    dir.join("tests/mapping")
}
