//! The Italian format: `task.yaml`, `input/inputN.txt`, `output/outputN.txt`, `check/` or
//! `cor/` checker, `sol/grader.*` with headers, subtasks from `score_type` or `gen/GEN`.

use super::score::{self, Group};
use super::{
    OUTPUT_ONLY, TaskType, Tests, cms_checker, dir_name, graders, judged_by, limits, task_type,
};
use crate::{FormatError, Overrides, Package, read};
use serde_yaml_ng::Value;
use std::collections::HashSet;
use std::path::Path;

/// Keys that shape judging, all read below.
const USED: &[&str] = &[
    "name",
    "nome_breve",
    "time_limit",
    "timeout",
    "memory_limit",
    "memlimit",
    "n_input",
    "public_testcases",
    "risultati",
    "score_type",
    "score_type_parameters",
    "total_value",
    "infile",
    "outfile",
    "output_only",
    "task_type",
    "exponent",
    "num_processes",
    "user_io",
];
/// Keys about running a contest (statements, tokens, submission limits, feedback), not about
/// judging one program: listed together in one warning.
const CONTEST: &[&str] = &[
    "title",
    "nome",
    "primary_language",
    "version",
    "score_mode",
    "feedback_level",
    "score_precision",
    "max_submission_number",
    "max_user_test_number",
    "min_submission_interval",
    "min_user_test_interval",
    "token_mode",
    "token_max_number",
    "token_min_interval",
    "token_gen_initial",
    "token_gen_number",
    "token_gen_interval",
    "token_gen_max",
    "token_initial",
    "token_max",
    "token_total",
    "token_gen_time",
];
/// Where CMS looks for the checker, with the source names next to the compiled `checker`.
const CHECKERS: &[&str] = &[
    "check/checker.cpp",
    "check/checker.cc",
    "check/checker.c",
    "cor/correttore.cpp",
    "cor/correttore.cc",
    "cor/correttore.c",
    "managers/checker.cpp",
    "check/checker",
    "cor/correttore",
];

fn invalid(dir: &Path, message: String) -> FormatError {
    FormatError::Invalid {
        path: dir.join("task.yaml"),
        message,
    }
}

fn get<'a>(conf: &'a Value, names: &[&str]) -> Option<&'a Value> {
    names.iter().find_map(|n| conf.get(n))
}

fn number(v: &Value) -> Option<f64> {
    v.as_f64().or_else(|| v.as_str()?.trim().parse().ok())
}

pub(super) fn load(dir: &Path, overrides: &Overrides) -> Result<Package, FormatError> {
    let path = dir.join("task.yaml");
    let conf: Value =
        serde_yaml_ng::from_slice(&read(&path)?).map_err(|e| FormatError::Invalid {
            path: path.clone(),
            message: e.to_string(),
        })?;
    let keys: Vec<String> = conf
        .as_mapping()
        .ok_or_else(|| invalid(dir, "not a mapping".into()))?
        .keys()
        .filter_map(|k| k.as_str().map(String::from))
        .collect();
    let mut warnings = Vec::new();
    let mut contest = Vec::new();
    for k in &keys {
        if CONTEST.contains(&k.as_str()) {
            contest.push(k.as_str());
        } else if !USED.contains(&k.as_str()) {
            warnings.push(format!("task.yaml: unknown key {k:?} ignored"));
        }
    }
    if !contest.is_empty() {
        warnings.push(format!(
            "task.yaml: contest settings not used when judging: {}",
            contest.join(", ")
        ));
    }
    for key in ["infile", "outfile"] {
        if let Some(f) = conf
            .get(key)
            .and_then(Value::as_str)
            .filter(|f| !f.is_empty())
        {
            warnings.push(format!(
                "task.yaml: {key}: {f:?} (file I/O) is not supported: programs use stdin and stdout"
            ));
        }
    }
    let yaml = dir.join("task.yaml");
    let output_only = conf.get("output_only").and_then(Value::as_bool) == Some(true);
    // As CMS's loader: a manager in check/ (or cor/) makes a Communication task.
    const MANAGERS: &[&str] = &[
        "check/manager.cpp",
        "check/manager.cc",
        "check/manager.c",
        "cor/manager.cpp",
        "cor/manager.cc",
        "cor/manager.c",
    ];
    let has_manager = ["check/manager", "cor/manager"]
        .iter()
        .chain(MANAGERS)
        .any(|m| dir.join(m).exists());
    let type_name = conf
        .get("task_type")
        .and_then(Value::as_str)
        .unwrap_or(if output_only {
            "OutputOnly"
        } else if has_manager {
            "Communication"
        } else {
            "Batch"
        });
    let processes = conf.get("num_processes").and_then(Value::as_u64);
    let user_io = conf.get("user_io").and_then(Value::as_str);
    let task_type = task_type(&yaml, type_name, processes, user_io)?;
    if matches!(task_type, TaskType::OutputOnly) {
        warnings.push(OUTPUT_ONLY.into());
    }
    let time_s = get(&conf, &["time_limit", "timeout"]).and_then(number);
    let memory = get(&conf, &["memory_limit", "memlimit"])
        .and_then(number)
        .map(|mib| (mib * 1048576.0) as u64);
    let limits = limits("task.yaml", time_s, memory, overrides, &mut warnings);
    let mut checker = cms_checker(dir, CHECKERS, &mut warnings)?;
    if let Some(e) = conf.get("exponent").and_then(number) {
        if CHECKERS.iter().any(|c| dir.join(c).is_file()) {
            warnings.push("task.yaml: exponent ignored: a checker is present".into());
        } else {
            let eps = 10f64.powf(-e);
            warnings.push(format!(
                "task.yaml: exponent {e} (CMS real-number comparison) approximated by a float \
                 comparison with absolute and relative tolerance {eps}"
            ));
            checker = sieve_domain::Checker::Float { abs: eps, rel: eps };
        }
    }
    let checker = judged_by(dir, task_type, MANAGERS, checker)?;

    let gen_file = dir.join("gen/GEN");
    let declared = conf
        .get("n_input")
        .and_then(Value::as_u64)
        .map(|n| n as usize);
    let has_score = conf.get("score_type").is_some() && conf.get("score_type_parameters").is_some();
    if !has_score
        && (conf.get("score_type").is_some() || conf.get("score_type_parameters").is_some())
    {
        warnings.push(
            "task.yaml: score_type and score_type_parameters must come together: both ignored, as CMS does"
                .into(),
        );
    }
    let from_gen = if has_score || !gen_file.is_file() {
        None
    } else {
        let text = String::from_utf8_lossy(&read(&gen_file)?).into_owned();
        score::from_gen(&text).map_err(|m| invalid(dir, m))?
    };
    let n_input = match (&from_gen, declared) {
        (Some(st), Some(n)) if st.iter().map(|s| s.1).sum::<usize>() != n => {
            return Err(invalid(
                dir,
                format!("n_input is {n} but gen/GEN has a different number of tests"),
            ));
        }
        (Some(st), _) => st.iter().map(|s| s.1).sum(),
        (None, Some(n)) => n,
        (None, None) => return Err(invalid(dir, "no n_input".into())),
    };
    let codenames: Vec<String> = (0..n_input).map(|i| format!("{i:03}")).collect();
    let groups: Vec<Group> = if has_score {
        let st = conf.get("score_type").and_then(Value::as_str).unwrap_or("");
        let params = conf.get("score_type_parameters").unwrap_or(&Value::Null);
        score::from_score_type(st, params, &codenames, &mut warnings).or_else(|m| {
            if m.starts_with("unknown score_type") {
                warnings.push(format!(
                    "task.yaml: {m}: all tests form one all-or-nothing subtask worth 100"
                ));
                Ok(vec![Group {
                    name: "all".into(),
                    points: 100.0,
                    tests: codenames.clone(),
                }])
            } else {
                Err(invalid(dir, m))
            }
        })?
    } else if let Some(st) = from_gen {
        let params = Value::Sequence(
            st.iter()
                .map(|(p, n)| Value::Sequence(vec![Value::from(*p), Value::from(*n as u64)]))
                .collect(),
        );
        score::from_score_type("GroupMin", &params, &codenames, &mut warnings)
            .map_err(|m| invalid(dir, m))?
    } else {
        let total = conf.get("total_value").and_then(number).unwrap_or(100.0);
        score::sum(
            &codenames,
            if n_input == 0 {
                0.0
            } else {
                total / n_input as f64
            },
        )
    };

    let public: HashSet<String> = match get(&conf, &["public_testcases", "risultati"]) {
        Some(Value::String(s)) if s.trim() == "all" => codenames.iter().cloned().collect(),
        Some(Value::String(s)) => public_list(s.split(','), &codenames, &mut warnings),
        Some(Value::Number(n)) => public_list(
            [n.to_string()].iter().map(String::as_str),
            &codenames,
            &mut warnings,
        ),
        _ => HashSet::new(),
    };
    let files: Vec<_> = (0..n_input)
        .map(|i| {
            (
                codenames[i].clone(),
                dir.join(format!("input/input{i}.txt")),
                dir.join(format!("output/output{i}.txt")),
            )
        })
        .collect();
    let tests = Tests::load(&files, &public, &mut warnings)?;
    let subtasks = tests.subtasks(groups);
    let grader = graders(dir, &["sol"], &["grader", "stub"], &mut warnings)?;
    crate::checked(
        Package {
            name: conf
                .get("name")
                .or_else(|| conf.get("nome_breve"))
                .and_then(Value::as_str)
                .map(String::from)
                .unwrap_or_else(|| dir_name(dir)),
            limits,
            checker,
            tests: tests.tests,
            subtasks,
            grader,
            warnings,
            recipe: None,
            submissions: vec![],
        },
        dir,
    )
}

fn public_list<'a>(
    items: impl Iterator<Item = &'a str>,
    codenames: &[String],
    warnings: &mut Vec<String>,
) -> HashSet<String> {
    let mut public = HashSet::new();
    for item in items.map(str::trim).filter(|s| !s.is_empty()) {
        match item.parse::<usize>().ok().and_then(|i| codenames.get(i)) {
            Some(c) => {
                public.insert(c.clone());
            }
            None => warnings.push(format!("task.yaml: public_testcases: no test {item:?}")),
        }
    }
    public
}
