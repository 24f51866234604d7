//! A package's tests made by following its recipe (a TPS working copy that ships generators
//! instead of tests), as `tps gen` makes them: the test list (`gen/data`, or what `gen/data.py`
//! prints), each input from a generator or a file with the header and footer around it, every
//! input shown to its validators, and the answers printed by the model solution judged as a
//! candidate is (with the task's grader, or its stub and manager). Every program is compiled in
//! the compiler's jail and run in the supervised judging process, like candidates.

use crate::generate::accepts;
use crate::package::{PackageError, build_checker};
use sieve_domain::{Language, Limits, Verdict};
use sieve_formats::{CheckerSource, MadeTest, Package, Step, StepInput, TestList, finish_recipe};
use sieve_sandbox::{
    CompileOutcome, JudgeOptions, RunOutcome, RunSpec, RunStatus, Supervisor, TestInput, Toolchain,
    compile,
};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What a generator, a validator or the test list's script may use: more than a candidate, as
/// `tps gen` gives them no limit at all.
const TOOL_LIMITS: Limits = Limits {
    time_ms: 60_000,
    memory_bytes: 2 << 30,
    output_bytes: 512 << 20,
};

/// The end of a failed run's standard error, for messages.
fn why(run: &RunOutcome) -> String {
    let err = String::from_utf8_lossy(&run.stderr);
    let err = err.trim();
    let tail = &err[err.floor_char_boundary(err.len().saturating_sub(400))..];
    let status = match &run.status {
        RunStatus::Exited(c) => format!("exit code {c}"),
        RunStatus::TimeLimit => "out of time".into(),
        RunStatus::MemoryLimit => "out of memory".into(),
        RunStatus::OutputLimit => "too much output".into(),
        RunStatus::Trap(t) => t.clone(),
    };
    if tail.is_empty() {
        status
    } else {
        format!("{status}: {tail}")
    }
}

/// Compiles a program of the package, named `what` in errors, with `extra` sources (a grader).
fn build(
    toolchain: &Toolchain,
    cache_dir: &Path,
    what: &str,
    program: &CheckerSource,
    extra: &[(String, Vec<u8>)],
) -> Result<Vec<u8>, PackageError> {
    let (main, headers) = program
        .files
        .split_first()
        .ok_or_else(|| PackageError::Tests(format!("{what} has no source")))?;
    let extra: Vec<(String, Vec<u8>)> = headers
        .iter()
        .map(|f| (f.name.clone(), f.source.clone()))
        .chain(extra.iter().cloned())
        .collect();
    match compile(toolchain, &main.source, program.language, &extra, cache_dir)? {
        CompileOutcome::Ok(c) => Ok(c.wasm),
        CompileOutcome::Error { message } => Err(PackageError::Tests(format!(
            "{what} does not compile:\n{message}"
        ))),
    }
}

/// `package` with its tests made, when it has a recipe (unchanged otherwise); an error says
/// which program failed on which test.
pub fn make_tests(
    toolchain: &Toolchain,
    cache_dir: &Path,
    supervisor: &mut Supervisor,
    package: Package,
) -> Result<Package, PackageError> {
    let Some(recipe) = package.recipe.as_deref() else {
        return Ok(package);
    };
    let list = match &recipe.list {
        TestList::Data(text) => text.clone(),
        TestList::Script(script) => {
            let wasm = match compile(toolchain, script, Language::Python3, &[], cache_dir)? {
                CompileOutcome::Ok(c) => c.wasm,
                CompileOutcome::Error { message } => {
                    return Err(PackageError::Tests(format!("gen/data.py: {message}")));
                }
            };
            let run = supervisor.run(
                &wasm,
                &RunSpec {
                    args: vec!["data.py".into()],
                    limits: TOOL_LIMITS,
                    ..RunSpec::default()
                },
            )?;
            if run.status != RunStatus::Exited(0) {
                return Err(PackageError::Tests(format!(
                    "gen/data.py failed ({}); it runs alone, with the standard library only",
                    why(&run)
                )));
            }
            String::from_utf8_lossy(&run.stdout).into_owned()
        }
    };
    let steps = recipe.steps(&list).map_err(PackageError::Tests)?;
    let (mut generating, mut validating) = (Duration::ZERO, Duration::ZERO);

    let mut generators: HashMap<&str, Vec<u8>> = HashMap::new();
    let mut validators: HashMap<&str, Vec<u8>> = HashMap::new();
    let grader: Vec<(String, Vec<u8>)> = package
        .grader
        .iter()
        .map(|f| (f.name.clone(), f.source.clone()))
        .collect();
    // The model's outputs are the answers; it is given the problem's memory and ten times its
    // time (at least 10 s): a slow sandbox must not cut an answer short.
    let model = match &recipe.model {
        Some(m) => Some(build(
            toolchain,
            cache_dir,
            &format!("the model solution {}", m.files[0].name),
            m,
            &grader,
        )?),
        None => None,
    };
    let mut inputs = Vec::with_capacity(steps.len());
    for step in &steps {
        let failed =
            |m: String| PackageError::Tests(format!("test {} ({}): {m}", step.name, step.line));
        let clock = Instant::now();
        let body = match &step.input {
            StepInput::File(body) => body.clone(),
            StepInput::Generator { command, args } => {
                let program = &recipe.generators[command.as_str()];
                if !generators.contains_key(command.as_str()) {
                    let wasm = build(
                        toolchain,
                        cache_dir,
                        &format!("generator {}", program.files[0].name),
                        program,
                        &[],
                    )?;
                    generators.insert(command, wasm);
                }
                let run = supervisor.run(
                    &generators[command.as_str()],
                    &RunSpec {
                        args: std::iter::once(command.clone())
                            .chain(args.iter().cloned())
                            .collect(),
                        limits: TOOL_LIMITS,
                        ..RunSpec::default()
                    },
                )?;
                if run.status != RunStatus::Exited(0) {
                    return Err(failed(format!("the generator failed ({})", why(&run))));
                }
                run.stdout
            }
        };
        let input: Arc<[u8]> = recipe.wrap(&body).into();
        generating += clock.elapsed();
        let clock = Instant::now();
        for v in &step.validators {
            let program = &recipe.validators[v.program.as_str()];
            if !validators.contains_key(v.program.as_str()) {
                let wasm = build(
                    toolchain,
                    cache_dir,
                    &format!("validator {}", v.program),
                    program,
                    &[],
                )?;
                validators.insert(&v.program, wasm);
            }
            let run = supervisor.run(
                &validators[v.program.as_str()],
                &RunSpec {
                    stdin: input.clone(),
                    args: std::iter::once(v.program.clone())
                        .chain(v.args.iter().cloned())
                        .collect(),
                    limits: TOOL_LIMITS,
                    ..RunSpec::default()
                },
            )?;
            if !accepts(&run.status) {
                return Err(failed(format!(
                    "validator {} {} rejects the input ({})",
                    v.program,
                    v.args.join(" "),
                    why(&run)
                )));
            }
        }
        validating += clock.elapsed();
        inputs.push(TestInput {
            name: step.name.clone(),
            input,
            answer: None,
        });
    }
    let clock = Instant::now();
    let answers = match &model {
        Some(wasm) => answers(
            toolchain, cache_dir, supervisor, &package, wasm, &inputs, &steps,
        )?,
        None => vec![None; inputs.len()],
    };
    tracing::debug!(
        package = %package.name,
        tests = inputs.len(),
        generating_s = generating.as_secs_f64(),
        validating_s = validating.as_secs_f64(),
        answering_s = clock.elapsed().as_secs_f64(),
        "made the tests from the package's generators"
    );
    let made = inputs
        .into_iter()
        .zip(answers)
        .map(|(t, answer)| MadeTest {
            name: t.name,
            input: t.input.to_vec(),
            answer,
        })
        .collect();
    finish_recipe(package, &list, made).map_err(|e| PackageError::Tests(e.to_string()))
}

/// The model solution's outputs on `inputs`: judged as candidates are (linked with the grader or
/// stub, in a Communication task talking with the manager), on tests without answers, keeping
/// what each test printed — in a Communication task, what the manager printed, which the task's
/// checker compares with the answer.
fn answers(
    toolchain: &Toolchain,
    cache_dir: &Path,
    supervisor: &mut Supervisor,
    package: &Package,
    model: &[u8],
    inputs: &[TestInput],
    steps: &[Step],
) -> Result<Vec<Option<Vec<u8>>>, PackageError> {
    let (checker, modules) = build_checker(toolchain, package, cache_dir)?;
    let checkers: Vec<&[u8]> = modules.iter().map(Vec::as_slice).collect();
    let opts = JudgeOptions {
        all_tests: true,
        keep_outputs: true,
        ..JudgeOptions::new(
            Limits {
                time_ms: (package.limits.time_ms * 10).max(10_000),
                memory_bytes: package.limits.memory_bytes,
                output_bytes: TOOL_LIMITS.output_bytes,
            },
            checker,
        )
    };
    let report = supervisor.judge(model, &checkers, inputs, &[], &opts)?;
    report
        .tests
        .into_iter()
        .zip(steps)
        .map(|(t, step)| match (t.verdict, t.output) {
            (Verdict::Ran, Some(output)) => Ok(Some(output)),
            (verdict, _) => Err(PackageError::Tests(format!(
                "test {} ({}): the model solution failed ({verdict:?}{}{})",
                step.name,
                step.line,
                if t.message.is_empty() { "" } else { ": " },
                t.message
            ))),
        })
        .collect()
}
