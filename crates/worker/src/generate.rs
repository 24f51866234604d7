//! Model-generated tests the way o1-ioi made them: generator programs run in the sandbox with
//! seeds (`argv = [name, args..., seed]`, empty stdin) to produce inputs; every input is shown to every
//! input validator (exit 0, or Kattis's 42, accepts; anything else rejects), and an input is kept
//! when at least `threshold` of the validators accept it — so one wrong validator among several
//! cannot veto good inputs alone, nor let bad ones through. Kept inputs are deduplicated (among
//! themselves and against the problem's public and generated tests) and stored as generated
//! tests, without answers, of the target subtask and of every subtask that contains it.

use serde::Serialize;
use sieve_domain::{GenProgram, Limits, TestKind};
use sieve_sandbox::{CompileOutcome, RunSpec, RunStatus, Supervisor, Toolchain, compile};
use sieve_store::problem_info::AddedTest;
use sieve_store::problems::StoredProblem;
use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

/// What to generate.
#[derive(Clone, Debug)]
pub struct GenerateSpec {
    /// Programs that print one input for `argv[1]` = seed.
    pub generators: Vec<GenProgram>,
    /// Programs that read an input on stdin and accept (exit 0 or 42) or reject it.
    pub validators: Vec<GenProgram>,
    /// The seeds each generator runs with.
    pub seeds: Vec<u64>,
    /// Share of validators that must accept an input (0.75 in o1-ioi).
    pub threshold: f64,
    /// Limits of every generator and validator run.
    pub limits: Limits,
}

/// What became of one generator run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GeneratedInput {
    /// The generator.
    pub generator: String,
    /// Its seed.
    pub seed: u64,
    /// `kept`, `rejected`, `duplicate` or `generator failed: …`.
    pub outcome: String,
    /// Per validator, in order: did it accept the input?
    pub accepted: Vec<bool>,
    /// The stored test's name, when kept.
    pub test: Option<String>,
}

/// The whole run: one entry per (generator, seed).
#[derive(Clone, Debug, Default, Serialize)]
pub struct GenerateReport {
    /// Every run's fate.
    pub inputs: Vec<GeneratedInput>,
    /// Inputs kept (new tests).
    pub kept: usize,
    /// Inputs fewer than `threshold` of the validators accepted.
    pub rejected: usize,
    /// Inputs equal to an earlier one or to an existing test.
    pub duplicates: usize,
    /// Generator runs that did not exit 0.
    pub failed: usize,
}

/// Why generation could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    /// The spec is empty or cannot be used.
    #[error("{0}")]
    Invalid(String),
    /// A program does not compile.
    #[error("{name} does not compile:\n{message}")]
    Compile {
        /// A validator, not a generator.
        validator: bool,
        /// Its position among the generators (or validators).
        index: usize,
        /// The program's name.
        name: String,
        /// The compiler's message.
        message: String,
    },
    /// The toolchain or sandbox failed.
    #[error(transparent)]
    Sandbox(#[from] sieve_sandbox::SandboxError),
}

/// Compiles `programs` (validators or not); the first that does not compile is named by its role
/// and position.
fn build_all(
    toolchain: &Toolchain,
    programs: &[GenProgram],
    validator: bool,
    cache: &Path,
) -> Result<Vec<Vec<u8>>, GenerateError> {
    programs
        .iter()
        .enumerate()
        .map(
            |(index, p)| match compile(toolchain, p.source.as_bytes(), p.language, &[], cache)? {
                CompileOutcome::Ok(c) => Ok(c.wasm),
                CompileOutcome::Error { message } => Err(GenerateError::Compile {
                    validator,
                    index,
                    name: p.name.clone(),
                    message,
                }),
            },
        )
        .collect()
}

/// Whether a validator's run accepts (exit 0, or 42 under the Kattis protocol).
pub(crate) fn accepts(status: &RunStatus) -> bool {
    matches!(status, RunStatus::Exited(0) | RunStatus::Exited(42))
}

/// Runs the generators and validators, compiled in the compiler's jail and run in `supervisor`'s
/// judging process; returns the kept inputs as tests of `problem` (named
/// `gen/<generator>/<seed>-<hash>`) in subtasks `subtasks`, with the report.
pub fn generate(
    toolchain: &Toolchain,
    cache_dir: &Path,
    supervisor: &mut Supervisor,
    spec: &GenerateSpec,
    problem: &StoredProblem,
    subtasks: &[i16],
) -> Result<(Vec<AddedTest>, GenerateReport), GenerateError> {
    if spec.generators.is_empty() || spec.validators.is_empty() || spec.seeds.is_empty() {
        return Err(GenerateError::Invalid(
            "give at least one generator, one validator and one seed".into(),
        ));
    }
    if !(spec.threshold > 0.0 && spec.threshold <= 1.0) {
        return Err(GenerateError::Invalid("threshold must be in (0, 1]".into()));
    }
    let gens = build_all(toolchain, &spec.generators, false, cache_dir)?;
    let vals = build_all(toolchain, &spec.validators, true, cache_dir)?;
    // Not against hidden tests: whether an input is among them is not for selection to learn,
    // and the largest case, say, belongs among the generated tests even when a hidden test has it.
    let mut seen: HashSet<[u8; 32]> = problem
        .problem
        .tests
        .iter()
        .filter(|t| t.kind != TestKind::Hidden)
        .map(|t| *blake3::hash(&t.input).as_bytes())
        .collect();
    let mut report = GenerateReport::default();
    let mut tests = Vec::new();
    let need = spec.threshold * spec.validators.len() as f64 - 1e-9;
    {
        for (g, program) in spec.generators.iter().zip(&gens) {
            for &seed in &spec.seeds {
                let run = supervisor.run(
                    program,
                    &RunSpec {
                        args: std::iter::once(g.name.clone())
                            .chain(g.args.iter().cloned())
                            .chain([seed.to_string()])
                            .collect(),
                        limits: spec.limits,
                        ..RunSpec::default()
                    },
                )?;
                let mut entry = GeneratedInput {
                    generator: g.name.clone(),
                    seed,
                    outcome: String::new(),
                    accepted: vec![],
                    test: None,
                };
                if run.status != RunStatus::Exited(0) {
                    entry.outcome = format!("generator failed: {:?}", run.status);
                    report.failed += 1;
                    report.inputs.push(entry);
                    continue;
                }
                let input: Arc<[u8]> = run.stdout.into();
                for (v, vp) in spec.validators.iter().zip(&vals) {
                    let check = supervisor.run(
                        vp,
                        &RunSpec {
                            stdin: input.clone(),
                            args: std::iter::once(v.name.clone())
                                .chain(v.args.iter().cloned())
                                .collect(),
                            limits: spec.limits,
                            ..RunSpec::default()
                        },
                    )?;
                    entry.accepted.push(accepts(&check.status));
                }
                let votes = entry.accepted.iter().filter(|a| **a).count() as f64;
                let hash = blake3::hash(&input);
                if votes < need {
                    entry.outcome = "rejected".into();
                    report.rejected += 1;
                } else if !seen.insert(*hash.as_bytes()) {
                    entry.outcome = "duplicate".into();
                    report.duplicates += 1;
                } else {
                    let name = format!("gen/{}/{seed}-{}", g.name, &hash.to_hex()[..8]);
                    entry.outcome = "kept".into();
                    entry.test = Some(name.clone());
                    report.kept += 1;
                    tests.push(AddedTest {
                        name,
                        kind: TestKind::Generated,
                        input: input.to_vec(),
                        answer: None,
                        subtasks: subtasks.to_vec(),
                    });
                }
                report.inputs.push(entry);
            }
        }
    }
    Ok((tests, report))
}
