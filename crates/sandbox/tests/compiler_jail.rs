//! The compiler reads nothing outside the toolchain: sources that make the assembler or the
//! preprocessor open a host file, by absolute or relative path, neither embed it in the module
//! nor echo it in the diagnostics. Each of these compiled, with the file inside, before the jail.

mod common;

use common::{TOOLCHAIN, cache_dir};
use sieve_domain::Language;
use sieve_sandbox::{CompileOutcome, compile};

const SECRET: &str = "SIEVE-TOPSECRET-7f3a9c";

/// A secret file outside the toolchain and the cache, as `/etc/shadow` or the cluster's
/// `pg.json` would be.
fn secret_file() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("secret.txt");
    std::fs::write(&path, format!("{SECRET}\n.byte 1\n")).expect("write secret");
    (dir, path.display().to_string())
}

/// Compiles `source` as C and returns (what the module holds, the diagnostics).
fn attempt(source: &str) -> (Vec<u8>, String) {
    match compile(
        &TOOLCHAIN,
        source.as_bytes(),
        Language::C17,
        &[],
        &cache_dir(),
    )
    .expect("the toolchain works")
    {
        CompileOutcome::Ok(c) => (c.wasm, c.message),
        CompileOutcome::Error { message } => (vec![], message),
    }
}

fn assert_nothing_leaks(source: &str) {
    let (wasm, message) = attempt(source);
    assert!(
        !wasm.windows(SECRET.len()).any(|w| w == SECRET.as_bytes()),
        "the module embeds the secret"
    );
    assert!(
        !message.contains(SECRET),
        "the diagnostics show the secret: {message}"
    );
    assert!(
        wasm.is_empty(),
        "a source that reads a host file must not compile: {message}"
    );
}

fn incbin(path: &str) -> String {
    format!(
        "__asm__(\".section .data.leak,\\\"\\\",@\\n.globl leak\\nleak:\\n.incbin \\\"{path}\\\"\\n.size leak, 22\\n\");\n\
         extern const char leak[];\n\
         #include <stdio.h>\n\
         int main(void) {{ fwrite(leak, 1, 22, stdout); return 0; }}\n"
    )
}

#[test]
fn incbin_by_absolute_path_reads_nothing() {
    let (_dir, path) = secret_file();
    assert_nothing_leaks(&incbin(&path));
}

#[test]
fn incbin_by_relative_path_reads_nothing() {
    let (_dir, path) = secret_file();
    // From the scratch directory, far enough up to reach the root, then down to the file.
    let relative = format!("{}{}", "../".repeat(40), path.trim_start_matches('/'));
    assert_nothing_leaks(&incbin(&relative));
}

#[test]
fn an_assembler_include_neither_reads_nor_echoes_the_file() {
    let (_dir, path) = secret_file();
    assert_nothing_leaks(&format!(
        "__asm__(\".include \\\"{path}\\\"\");\nint main(void) {{ return 0; }}\n"
    ));
}

#[test]
fn a_program_that_reads_nothing_outside_still_compiles_in_the_jail() {
    let (wasm, message) = attempt(
        "#include <stdio.h>\n#include <math.h>\nint main(void) { printf(\"%f\\n\", sqrt(2.0)); return 0; }\n",
    );
    assert!(!wasm.is_empty(), "{message}");
}
