//! TPS working copies that ship their generators instead of their tests: what `tps gen` would
//! do, read into a [`TestRecipe`] that the worker carries out in the sandbox. The reader runs
//! nothing; [`TestRecipe::steps`] turns the test list (`gen/data`, or what `gen/data.py`
//! printed) into one step per test, and [`finish`] puts the made tests into the package.
//!
//! As TPS does: a line `@subtask NAME` or `@testset NAME` opens a group, `@include NAME...`
//! adds an earlier group's tests to it, `manual FILE` takes `gen/manual/FILE`, `copy FILE` takes
//! `gen/FILE`, and any other line runs the generator `gen/<first word>` with the other words as
//! arguments. Tests are named `<subtask number>-<NN>` (`<testset>-<NN>` in a testset; `<NN>`
//! over all tests in an output-only task). `gen/input.header` and `gen/input.footer` wrap every
//! input, whose line ends are then made Unix ones. Each input is checked by the global validators, the subtask-sensitive ones once per
//! subtask holding it (`{subtask}` replaced), and each such subtask's own.

use super::score::Group;
use super::{Tests, with_headers};
use crate::{
    CheckerSource, FormatError, Package, PackageChecker, PackageTest, SourceFile, read as read_file,
};
use serde_json::Value;
use sieve_domain::{Checker, Language, TestKind};
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

/// Where the list of tests comes from.
#[derive(Clone, Debug, PartialEq)]
pub enum TestList {
    /// `gen/data`, as written.
    Data(String),
    /// `gen/data.py`, a Python script that prints it (IOI 2022's packages do this).
    Script(Vec<u8>),
}

/// How a TPS working copy's tests are made (see the module documentation).
#[derive(Clone, Debug, PartialEq)]
pub struct TestRecipe {
    /// The test list.
    pub list: TestList,
    /// Generators by the command that names them (`gen/<command>.cpp`, `.c` or `.py`), C and C++
    /// ones with the headers of `gen/`.
    pub generators: BTreeMap<String, CheckerSource>,
    /// Validators by file name (`validator/<file>`), with the headers of `validator/`.
    pub validators: BTreeMap<String, CheckerSource>,
    /// The model solution (`model_solution` in `solutions.json`), whose outputs are the answers
    /// (in a Communication task with a checker, what the manager prints with it); `None` when
    /// the task needs no answers (a manager scores).
    pub model: Option<CheckerSource>,
    /// Files of `gen/` that `manual` and `copy` lines take, by path under `gen/`.
    pub(super) files: BTreeMap<String, Vec<u8>>,
    pub(super) header: Vec<u8>,
    pub(super) footer: Vec<u8>,
    pub(super) global_validators: Vec<String>,
    pub(super) sensitive_validators: Vec<String>,
    pub(super) subtask_validators: BTreeMap<String, Vec<String>>,
    /// Subtasks in the order of their index, with their points.
    pub(super) subtasks: Vec<(String, f64)>,
    pub(super) output_only: bool,
    /// The package's directory, named in errors.
    pub(super) dir: PathBuf,
}

/// Where one test's input comes from.
#[derive(Clone, Debug, PartialEq)]
pub enum StepInput {
    /// A file of the package (`manual` or `copy`).
    File(Vec<u8>),
    /// A generator's standard output.
    Generator {
        /// The generator's command (a key of [`TestRecipe::generators`]).
        command: String,
        /// Its arguments (`argv[1..]`).
        args: Vec<String>,
    },
}

/// A validator run on one input.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ValidatorRun {
    /// The validator's file (a key of [`TestRecipe::validators`]).
    pub program: String,
    /// Its arguments (`argv[1..]`).
    pub args: Vec<String>,
}

/// One test to make.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// The test's name.
    pub name: String,
    /// The line of the test list that makes it, for messages.
    pub line: String,
    /// Its input, before the header and footer.
    pub input: StepInput,
    /// The validators that must accept it, each once.
    pub validators: Vec<ValidatorRun>,
}

/// A test made by following a [`Step`].
#[derive(Clone, Debug, PartialEq)]
pub struct MadeTest {
    /// The step's name.
    pub name: String,
    /// The input, header and footer included.
    pub input: Vec<u8>,
    /// The model solution's output, when the recipe has a model.
    pub answer: Option<Vec<u8>>,
}

/// The groups of a test list, parsed.
struct Parsed {
    steps: Vec<(String, String, StepInput)>,
    /// Tests of each group (subtask or testset), includes resolved.
    groups: BTreeMap<String, Vec<String>>,
    /// Names of the `@subtask` groups, in order.
    subtasks: Vec<String>,
}

impl TestRecipe {
    /// The names of `subtasks.json`'s subtasks, in the order of their index.
    pub fn subtask_names(&self) -> impl Iterator<Item = &str> {
        self.subtasks.iter().map(|(n, _)| n.as_str())
    }

    /// The input with the header and footer around it, and line ends made Unix ones as
    /// `dos2unix` makes them (TPS runs it on every input): CRLF becomes LF and a leading UTF-8
    /// byte-order mark goes; a file with a NUL byte is binary and left alone.
    pub fn wrap(&self, body: &[u8]) -> Vec<u8> {
        let all = [&self.header[..], body, &self.footer[..]].concat();
        if all.contains(&0) {
            return all;
        }
        let all = all.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&all);
        let mut out = Vec::with_capacity(all.len());
        for (i, &b) in all.iter().enumerate() {
            if !(b == b'\r' && all.get(i + 1) == Some(&b'\n')) {
                out.push(b);
            }
        }
        out
    }

    fn parse(&self, list: &str) -> Result<Parsed, String> {
        let mut parsed = Parsed {
            steps: vec![],
            groups: BTreeMap::new(),
            subtasks: vec![],
        };
        let mut group: Option<(String, Option<usize>)> = None;
        let (mut subtask_counter, mut offset, mut index) = (0usize, 1usize, 1usize);
        for (n, raw) in list.lines().enumerate() {
            let at = |m: String| format!("test list line {}: {m}", n + 1);
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let words = shlex::split(line).ok_or_else(|| at("unbalanced quotes".into()))?;
            let (command, args) = words.split_first().ok_or_else(|| at("empty".into()))?;
            match command.as_str() {
                "@subtask" | "@testset" => {
                    let [name] = args else {
                        return Err(at(format!("{command} takes one name")));
                    };
                    let number = (command == "@subtask").then(|| {
                        subtask_counter += 1;
                        subtask_counter - 1
                    });
                    if number.is_some() {
                        parsed.subtasks.push(name.clone());
                    }
                    parsed.groups.insert(name.clone(), vec![]);
                    group = Some((name.clone(), number));
                    offset = 1;
                }
                "@include" => {
                    let (current, _) = group
                        .as_ref()
                        .ok_or_else(|| at("@include before any @subtask or @testset".into()))?;
                    for included in args {
                        let tests = parsed.groups.get(included).cloned().ok_or_else(|| {
                            at(format!(
                                "@include {included}: no such subtask or testset above"
                            ))
                        })?;
                        if let Some(g) = parsed.groups.get_mut(current) {
                            g.extend(tests);
                        }
                    }
                }
                c if c.starts_with('@') => return Err(at(format!("unknown command {c}"))),
                _ => {
                    let (current, number) = group
                        .as_ref()
                        .ok_or_else(|| at("a test before any @subtask or @testset".into()))?;
                    let name = if self.output_only {
                        format!("{index:02}")
                    } else {
                        match number {
                            Some(k) => format!("{k}-{offset:02}"),
                            None => format!("{current}-{offset:02}"),
                        }
                    };
                    let input = match (command.as_str(), args) {
                        ("manual" | "copy", [file]) => {
                            let path = if command == "manual" {
                                format!("manual/{file}")
                            } else {
                                file.clone()
                            };
                            let body = self
                                .files
                                .get(&path)
                                .ok_or_else(|| at(format!("gen/{path} does not exist")))?;
                            StepInput::File(body.clone())
                        }
                        ("manual" | "copy", _) => {
                            return Err(at(format!("{command} takes one file")));
                        }
                        (generator, args) => {
                            if !self.generators.contains_key(generator) {
                                return Err(at(format!(
                                    "no generator {generator:?} (gen/{generator}.cpp, .c or .py)"
                                )));
                            }
                            StepInput::Generator {
                                command: generator.to_string(),
                                args: args.to_vec(),
                            }
                        }
                    };
                    if let Some(g) = parsed.groups.get_mut(current) {
                        g.push(name.clone());
                    }
                    parsed.steps.push((name, line.to_string(), input));
                    offset += 1;
                    index += 1;
                }
            }
        }
        Ok(parsed)
    }

    /// One step per test of `list` (the test list's text), with the validators each input
    /// must pass; an error names the line at fault.
    pub fn steps(&self, list: &str) -> Result<Vec<Step>, String> {
        let parsed = self.parse(list)?;
        let mut of_test: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for s in &parsed.subtasks {
            for t in &parsed.groups[s] {
                of_test.entry(t).or_default().push(s);
            }
        }
        let command = |c: &str, subtask: &str| -> Result<ValidatorRun, String> {
            let c = c.replace("{subtask}", subtask);
            let words = shlex::split(&c).unwrap_or_default();
            let (program, args) = words
                .split_first()
                .ok_or_else(|| format!("validator command {c:?} is empty"))?;
            Ok(ValidatorRun {
                program: program.clone(),
                args: args.to_vec(),
            })
        };
        parsed
            .steps
            .into_iter()
            .map(|(name, line, input)| {
                let mut runs = Vec::new();
                for c in &self.global_validators {
                    runs.push(command(c, "")?);
                }
                for s in of_test.get(name.as_str()).into_iter().flatten() {
                    for c in &self.sensitive_validators {
                        runs.push(command(c, s)?);
                    }
                    for c in self.subtask_validators.get(*s).into_iter().flatten() {
                        runs.push(command(c, s)?);
                    }
                }
                let mut seen = HashSet::new();
                runs.retain(|r| seen.insert(r.clone()));
                runs.retain(|r| self.validators.contains_key(&r.program));
                Ok(Step {
                    name,
                    line,
                    input,
                    validators: runs,
                })
            })
            .collect()
    }
}

/// `package` with the tests made by following its recipe's steps for `list`: the tests of the
/// first subtask, when it is worth nothing, public (the samples), the others hidden.
pub fn finish(
    mut package: Package,
    list: &str,
    made: Vec<MadeTest>,
) -> Result<Package, FormatError> {
    let Some(recipe) = package.recipe.take() else {
        return Ok(package);
    };
    let invalid = |message: String| FormatError::Invalid {
        path: recipe.dir.join("gen"),
        message,
    };
    let parsed = recipe.parse(list).map_err(invalid)?;
    let public: HashSet<&String> = recipe
        .subtasks
        .first()
        .filter(|(_, points)| *points == 0.0)
        .and_then(|(name, _)| parsed.groups.get(name))
        .into_iter()
        .flatten()
        .collect();
    let mut tests = Tests {
        tests: vec![],
        index: BTreeMap::new(),
    };
    for m in made {
        tests.index.insert(m.name.clone(), tests.tests.len());
        tests.tests.push(PackageTest {
            kind: if public.contains(&m.name) {
                TestKind::Public
            } else {
                TestKind::Hidden
            },
            name: m.name,
            input: m.input,
            answer: m.answer,
        });
    }
    let mut groups = Vec::new();
    for (name, points) in &recipe.subtasks {
        match parsed.groups.get(name) {
            Some(list) if parsed.subtasks.contains(name) => groups.push(Group {
                name: name.clone(),
                points: *points,
                tests: list.clone(),
            }),
            _ => package.warnings.push(format!(
                "subtask {name} of subtasks.json has no @subtask in the test list: it has no tests"
            )),
        }
    }
    for s in &parsed.subtasks {
        if !recipe.subtasks.iter().any(|(n, _)| n == s) {
            package.warnings.push(format!(
                "@subtask {s} of the test list is not in subtasks.json: its tests are in no subtask"
            ));
        }
    }
    package.subtasks = tests.subtasks(groups);
    package.tests = tests.tests;
    crate::checked(package, &recipe.dir)
}

/// The recipe of the TPS working copy in `dir`, which has no `tests/`: its test list, generators,
/// validators and model solution. `checker` says whether answers are needed.
pub(super) fn read(
    dir: &Path,
    output_only: bool,
    checker: &PackageChecker,
    warnings: &mut Vec<String>,
) -> Result<TestRecipe, FormatError> {
    let gen_dir = dir.join("gen");
    let list = if gen_dir.join("data").is_file() {
        TestList::Data(String::from_utf8_lossy(&read_file(&gen_dir.join("data"))?).into_owned())
    } else if gen_dir.join("data.py").is_file() {
        TestList::Script(read_file(&gen_dir.join("data.py"))?)
    } else {
        return Err(FormatError::Invalid {
            path: dir.join("tests"),
            message: "no tests/ directory, and no gen/data or gen/data.py to make the tests from"
                .into(),
        });
    };
    // A manager that scores on its own needs no answers; one whose output a checker compares
    // needs that output with the model solution, as every other task needs the model's.
    let model_needed = !matches!(checker, Checker::Communication { then: None, .. });
    let mut files = BTreeMap::new();
    collect_files(&gen_dir, "", &mut files)?;
    let generators: BTreeMap<String, CheckerSource> = programs(dir, "gen")?
        .into_iter()
        .filter(|(file, _)| file != "data.py")
        .map(|(file, p)| (stem(&file).to_string(), p))
        .collect();
    let validators: BTreeMap<String, CheckerSource> =
        programs(dir, "validator")?.into_iter().collect();

    let subtasks_path = dir.join("subtasks.json");
    let conf: Value =
        serde_json::from_slice(&read_file(&subtasks_path)?).map_err(|e| FormatError::Invalid {
            path: subtasks_path.clone(),
            message: e.to_string(),
        })?;
    let commands = |v: &Value| -> Vec<String> {
        v.as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| c.as_str().map(String::from))
            .collect()
    };
    let mut subtasks: Vec<(i64, String, f64)> = vec![];
    let mut subtask_validators = BTreeMap::new();
    for (name, s) in conf["subtasks"].as_object().into_iter().flatten() {
        subtasks.push((
            s["index"].as_i64().unwrap_or(i64::MAX),
            name.clone(),
            s["score"].as_f64().unwrap_or(0.0),
        ));
        subtask_validators.insert(name.clone(), commands(&s["validators"]));
    }
    if subtasks.is_empty() {
        return Err(FormatError::Invalid {
            path: subtasks_path,
            message: "no \"subtasks\"".into(),
        });
    }
    subtasks.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    let global_validators = commands(&conf["global_validators"]);
    let sensitive_validators = commands(&conf["subtask_sensitive_validators"]);
    let all = global_validators
        .iter()
        .chain(&sensitive_validators)
        .chain(subtask_validators.values().flatten());
    let mut unknown: Vec<&str> = all
        .filter(|c| {
            let program = c.split_whitespace().next().unwrap_or_default();
            !validators.contains_key(program)
        })
        .map(String::as_str)
        .collect();
    unknown.sort_unstable();
    unknown.dedup();
    if !unknown.is_empty() {
        warnings.push(format!(
            "subtasks.json: validator commands that are not a validator/ source, not run: {}",
            unknown.join(", ")
        ));
    }
    if validators.is_empty() {
        warnings.push("no validator/ sources: generated inputs are not validated".into());
    }

    let model = if model_needed {
        Some(model_solution(dir)?)
    } else {
        None
    };
    let header = optional(&gen_dir.join("input.header"))?;
    let footer = optional(&gen_dir.join("input.footer"))?;
    warnings.push(format!(
        "no tests/: the tests are made at import by running gen/{} ({} generators, {} validators{})",
        match list {
            TestList::Data(_) => "data",
            TestList::Script(_) => "data.py",
        },
        generators.len(),
        validators.len(),
        if model.is_some() {
            ", answers from the model solution"
        } else {
            ""
        }
    ));
    Ok(TestRecipe {
        list,
        generators,
        validators,
        model,
        files,
        header,
        footer,
        global_validators,
        sensitive_validators,
        subtask_validators,
        subtasks: subtasks.into_iter().map(|(_, n, p)| (n, p)).collect(),
        output_only,
        dir: dir.to_path_buf(),
    })
}

fn stem(file: &str) -> &str {
    file.rsplit_once('.').map_or(file, |(s, _)| s)
}

fn optional(path: &Path) -> Result<Vec<u8>, FormatError> {
    if path.is_file() {
        read_file(path)
    } else {
        Ok(vec![])
    }
}

/// Every regular file under `dir`, by its path under the top directory (`prefix` so far).
fn collect_files(
    dir: &Path,
    prefix: &str,
    files: &mut BTreeMap<String, Vec<u8>>,
) -> Result<(), FormatError> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    for e in entries.filter_map(Result::ok) {
        let Ok(name) = e.file_name().into_string() else {
            continue;
        };
        let path = e.path();
        let key = format!("{prefix}{name}");
        if path.is_dir() {
            collect_files(&path, &format!("{key}/"), files)?;
        } else if path.is_file() {
            files.insert(key, read_file(&path)?);
        }
    }
    Ok(())
}

/// The programs of `dir/<sub>` by file name: C and C++ sources with the headers beside them,
/// Python scripts alone.
fn programs(dir: &Path, sub: &str) -> Result<Vec<(String, CheckerSource)>, FormatError> {
    let Ok(entries) = std::fs::read_dir(dir.join(sub)) else {
        return Ok(vec![]);
    };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect();
    names.sort();
    let mut found = Vec::new();
    for name in names {
        let Some(language) = Language::from_extension(&name).filter(|l| l.is_source()) else {
            continue;
        };
        let program = if language.is_python() {
            CheckerSource {
                language,
                files: vec![SourceFile {
                    name: name.clone(),
                    source: read_file(&dir.join(sub).join(&name))?,
                }],
            }
        } else {
            match with_headers(dir, &format!("{sub}/{name}"))? {
                Some(p) => p,
                None => continue,
            }
        };
        found.push((name, program));
    }
    Ok(found)
}

/// The source of the model solution that `solutions.json` names (in `solution/` or
/// `solutions/`).
fn model_solution(dir: &Path) -> Result<CheckerSource, FormatError> {
    let path = dir.join("solutions.json");
    let invalid = |message: String| FormatError::Invalid {
        path: path.clone(),
        message,
    };
    if !path.is_file() {
        return Err(invalid(
            "no solutions.json: the answers of generated tests come from its model_solution".into(),
        ));
    }
    let conf: Value =
        serde_json::from_slice(&read_file(&path)?).map_err(|e| invalid(e.to_string()))?;
    let name = conf
        .as_object()
        .into_iter()
        .flatten()
        .find(|(_, v)| v["verdict"].as_str() == Some("model_solution"))
        .map(|(k, _)| k.clone())
        .ok_or_else(|| invalid("no solution has the verdict model_solution".into()))?;
    let language = Language::from_extension(&name)
        .filter(|l| l.is_source())
        .ok_or_else(|| invalid(format!("model solution {name}: not C, C++ or Python")))?;
    let file = crate::submissions::tps_solution(dir, &name)
        .map(|rel| dir.join(rel))
        .ok_or_else(|| invalid(format!("model solution {name} is not in solution/")))?;
    Ok(CheckerSource {
        language,
        files: vec![SourceFile {
            name,
            source: read_file(&file)?,
        }],
    })
}
