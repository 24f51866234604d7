//! g++'s dialect: programs written for g++ and libstdc++ (the policy-based data structures,
//! bitset's _Find_first/_Find_next, __lg, __gcd, the builtins, __int128, GCC pragmas, and cin/cout
//! synchronised with stdio and mixed with it) compile in sieve and print, byte for byte, what the
//! same source built with the host's g++ prints.

mod common;

use common::*;
use sieve_domain::Language;
use sieve_sandbox::{CompileOutcome, RunSpec, RunStatus, compile, on_guest_thread};
use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::Arc;

/// What `source` prints on `input` when built with `g++ -O2 -std=<std>` on this host.
fn native_output(rel: &str, std: &str, input: &[u8]) -> Vec<u8> {
    let dir = tempfile::tempdir().expect("tempdir");
    let binary = dir.path().join("native");
    let compiler = if rel.ends_with(".c") { "gcc" } else { "g++" };
    let built = Command::new(compiler)
        .args(["-O2", &format!("-std={std}"), "-o"])
        .arg(&binary)
        .arg(fixture(rel))
        .arg("-lm")
        .output()
        .expect("g++ runs");
    assert!(
        built.status.success(),
        "g++ rejects {rel}: {}",
        String::from_utf8_lossy(&built.stderr)
    );
    let mut child = Command::new(&binary)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("native runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input)
        .expect("write");
    let out = child.wait_with_output().expect("native output");
    assert!(out.status.success(), "{rel} fails natively");
    out.stdout
}

/// What `source` prints on `input` in sieve.
fn sieve_output(rel: &str, language: Language, input: &[u8]) -> Vec<u8> {
    let source = std::fs::read(fixture(rel)).expect("fixture");
    let compiled = match compile(&TOOLCHAIN, &source, language, &[], &cache_dir())
        .expect("toolchain")
    {
        CompileOutcome::Ok(c) => c,
        CompileOutcome::Error { message } => panic!("{rel} does not compile in sieve: {message}"),
    };
    let program = TIMED.load(&compiled.wasm).expect("loads");
    let mut limits = limits();
    limits.time_ms = 10_000;
    limits.memory_bytes = 1 << 30;
    let out = on_guest_thread(|| {
        TIMED.run(
            &program,
            RunSpec {
                stdin: Arc::from(input),
                args: vec!["main".into()],
                files: vec![],
                limits,
            },
        )
    });
    assert_eq!(out.status, RunStatus::Exited(0), "{rel}: {:?}", out.status);
    out.stdout
}

fn same_as_gplusplus(rel: &str, language: Language, input: &[u8]) {
    let std = match language {
        Language::Cpp20 => "gnu++20",
        Language::C17 => "gnu17",
        _ => "gnu++17",
    };
    let expected = native_output(rel, std, input);
    assert!(!expected.is_empty());
    let got = sieve_output(rel, language, input);
    assert_eq!(
        String::from_utf8_lossy(&got),
        String::from_utf8_lossy(&expected),
        "{rel} ({std})"
    );
}

#[test]
fn order_statistics_trees_behave_as_with_gplusplus() {
    same_as_gplusplus("dialect/pbds_tree.cpp", Language::Cpp17, b"3000\n");
    same_as_gplusplus("dialect/pbds_tree.cpp", Language::Cpp20, b"2000\n");
}

#[test]
fn gnu_hash_tables_behave_as_with_gplusplus() {
    same_as_gplusplus("dialect/pbds_hash.cpp", Language::Cpp17, b"5000\n");
}

#[test]
fn gnu_priority_queues_behave_as_with_gplusplus() {
    same_as_gplusplus("dialect/pbds_heap.cpp", Language::Cpp17, b"3000\n");
}

#[test]
fn bitset_scans_builtins_int128_and_pragmas_behave_as_with_gplusplus() {
    same_as_gplusplus("dialect/gnu_builtins.cpp", Language::Cpp17, b"");
    same_as_gplusplus("dialect/gnu_builtins.cpp", Language::Cpp20, b"");
}

#[test]
fn synchronised_streams_mixed_with_stdio_behave_as_with_gplusplus() {
    let input = std::fs::read(fixture("dialect/synced_streams.in")).expect("input");
    same_as_gplusplus("dialect/synced_streams.cpp", Language::Cpp17, &input);
}

#[test]
fn qsort_keeps_equal_elements_in_order_as_glibc_does() {
    same_as_gplusplus("dialect/qsort_equal_keys.c", Language::C17, b"50000\n");
}

#[test]
fn rand_after_srand_gives_glibcs_sequence() {
    same_as_gplusplus("dialect/glibc_rand.c", Language::C17, b"");
}

#[test]
fn pi_as_a_constant_expression_compiles_as_with_gplusplus() {
    same_as_gplusplus("dialect/constexpr_math.cpp", Language::Cpp17, b"0.3\n");
    // (Not -0.7: musl's acos is one ulp from glibc's there; docs/fidelity.md.)
    same_as_gplusplus("dialect/constexpr_math.cpp", Language::Cpp20, b"0.5\n");
}

#[test]
fn arrays_of_stacks_fit_in_memory_as_with_gplusplus() {
    same_as_gplusplus("dialect/deque_blocks.cpp", Language::Cpp17, b"1000000\n");
}
