//! Shared set-up for the sandbox's tests: the real toolchain, one engine per mode, and helpers
//! that compile a fixture and judge it.

#![allow(dead_code)]

use sieve_domain::{Checker, Language, Limits, Subtask};
use sieve_sandbox::{
    CompileOutcome, JudgeOptions, JudgeReport, Mode, Program, Sandbox, SandboxConfig, TestInput,
    Toolchain, compile, judge, on_guest_thread,
};
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn cache_dir() -> PathBuf {
    repo().join("target/sieve-test/cache")
}

pub static TOOLCHAIN: LazyLock<Toolchain> =
    LazyLock::new(|| Toolchain::discover(&cache_dir()).expect("toolchain"));

pub static TIMED: LazyLock<Sandbox> = LazyLock::new(|| {
    Sandbox::new(SandboxConfig {
        mode: Mode::Timed,
        cache_dir: Some(cache_dir()),
        max_instances: 32,
    })
    .expect("engine")
});

pub static FUEL: LazyLock<Sandbox> = LazyLock::new(|| {
    Sandbox::new(SandboxConfig {
        mode: Mode::Deterministic {
            fuel_per_ms: 500_000,
        },
        cache_dir: Some(cache_dir()),
        max_instances: 32,
    })
    .expect("engine")
});

pub fn fixture(rel: &str) -> PathBuf {
    repo().join("tests/fixtures").join(rel)
}

/// Compiles a source file; panics on a toolchain failure (not on CE).
pub fn build(path: &Path) -> CompileOutcome {
    let source = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let lang = Language::from_extension(&path.display().to_string()).expect("language");
    compile(&TOOLCHAIN, &source, lang, &[], &cache_dir()).expect("toolchain works")
}

/// Compiles and loads a fixture that must compile.
pub fn program(sandbox: &Sandbox, rel: &str) -> Program {
    match build(&fixture(rel)) {
        CompileOutcome::Ok(c) => sandbox.load(&c.wasm).expect("loads"),
        CompileOutcome::Error { message } => panic!("{rel} failed to compile: {message}"),
    }
}

pub fn limits() -> Limits {
    Limits {
        time_ms: 1000,
        memory_bytes: 256 << 20,
        output_bytes: 1 << 20,
    }
}

pub fn test(name: &str, input: &str, answer: Option<&str>) -> TestInput {
    TestInput {
        name: name.into(),
        input: Arc::from(input.as_bytes()),
        answer: answer.map(|a| Arc::from(a.as_bytes())),
    }
}

pub fn options(checker: Checker) -> JudgeOptions {
    JudgeOptions::new(limits(), checker)
}

/// Judges `program` on one a+b test (`2 3` → `5`), no subtasks.
pub fn judge_sum(sandbox: &Sandbox, program: &Program, opts: &JudgeOptions) -> JudgeReport {
    judge_on(
        sandbox,
        program,
        &[test("sum", "2 3\n", Some("5\n"))],
        &[],
        opts,
    )
}

pub fn judge_on(
    sandbox: &Sandbox,
    program: &Program,
    tests: &[TestInput],
    subtasks: &[Subtask],
    opts: &JudgeOptions,
) -> JudgeReport {
    on_guest_thread(|| judge(sandbox, program, tests, subtasks, opts))
}
