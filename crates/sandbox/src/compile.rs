//! Compiling a candidate: the compiler is attack surface, so it runs as a child process under
//! `prlimit` (address space, CPU seconds, file size), with a wall-clock timeout, in a scratch
//! directory, with a capped diagnostic stream and no environment but PATH. Sources that include a
//! file by absolute path, through `..`, or through a macro are refused before clang sees them,
//! and every header clang did read is checked to come from the toolchain.

use crate::{SandboxError, Toolchain};
use serde::{Deserialize, Serialize};
use sieve_domain::Language;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const WALL_TIMEOUT: Duration = Duration::from_secs(20);
const CPU_SECONDS: u64 = 10;
// Large static arrays (a contest staple) make clang hold and write their zero bytes: an 800 MB
// `long long dp[1001][100001]` needs ~0.9 GB of memory and an 800 MB object file.
const ADDRESS_SPACE: u64 = 4 << 30;
const MAX_FILE: u64 = 4 << 30;
const MESSAGE_CAP: usize = 16 << 10;

/// A successful build.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Compiled {
    /// The module (wasm binary, or wat text for `Language::Wat`).
    #[serde(skip, default)]
    pub wasm: Vec<u8>,
    /// Number of warnings clang printed.
    pub warnings: u32,
    /// Clang's diagnostics (capped).
    pub message: String,
    /// Wall time of the compile in milliseconds (0 for a cache hit).
    pub compile_ms: u64,
    /// Where this program may behave differently on wasm32 than on the x86-64 judges it targets.
    #[serde(default)]
    pub fidelity: Vec<String>,
}

/// The result of compiling a candidate.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum CompileOutcome {
    /// Compiled.
    Ok(Compiled),
    /// Compilation error (verdict CE), including refused includes and exhausted limits.
    Error {
        /// What went wrong (capped).
        message: String,
    },
}

/// Compiles `source` in `language` together with `extra` files (a task's grader: headers are
/// placed beside the source, `.c`/`.cpp` files are compiled and linked too), using
/// `cache_dir/builds` keyed by all sources, the language and the toolchain's fingerprint.
pub fn compile(
    toolchain: &Toolchain,
    source: &[u8],
    language: Language,
    extra: &[(String, Vec<u8>)],
    cache_dir: &Path,
) -> Result<CompileOutcome, SandboxError> {
    // clang runs in a scratch directory: every path it sees must be absolute.
    let cache_dir = &std::path::absolute(cache_dir).map_err(SandboxError::io("cache dir"))?;
    if !language.is_compiled() {
        return Ok(CompileOutcome::Ok(Compiled {
            wasm: source.to_vec(),
            warnings: 0,
            message: String::new(),
            compile_ms: 0,
            fidelity: vec![],
        }));
    }
    let mut key = blake3::Hasher::new();
    key.update(source);
    key.update(language.name().as_bytes());
    key.update(toolchain.fingerprint().as_bytes());
    for (name, data) in extra {
        key.update(name.as_bytes());
        key.update(&(data.len() as u64).to_le_bytes());
        key.update(data);
    }
    let key = key.finalize().to_hex().to_string();
    let builds = cache_dir.join("builds");
    let wasm_path = builds.join(format!("{key}.wasm"));
    let meta_path = builds.join(format!("{key}.json"));
    if let (Ok(meta), Ok(wasm)) = (std::fs::read(&meta_path), std::fs::read(&wasm_path))
        && let Ok(mut compiled) = serde_json::from_slice::<Compiled>(&meta)
    {
        compiled.wasm = wasm;
        compiled.compile_ms = 0;
        return Ok(CompileOutcome::Ok(compiled));
    }
    let text = String::from_utf8_lossy(source);
    if let Err(why) = check_includes(&text) {
        return Ok(CompileOutcome::Error { message: why });
    }
    let outcome = run_clang(toolchain, source, language, extra, cache_dir)?;
    if let CompileOutcome::Ok(c) = &outcome {
        std::fs::create_dir_all(&builds).map_err(SandboxError::io("creating build cache"))?;
        let tmp = wasm_path.with_extension(format!("tmp{}", std::process::id()));
        std::fs::write(&tmp, &c.wasm)
            .and_then(|_| std::fs::rename(&tmp, &wasm_path))
            .and_then(|_| std::fs::write(&meta_path, serde_json::to_vec(c).unwrap_or_default()))
            .map_err(SandboxError::io("writing build cache"))?;
    }
    Ok(outcome)
}

fn run_clang(
    toolchain: &Toolchain,
    source: &[u8],
    language: Language,
    extra: &[(String, Vec<u8>)],
    cache_dir: &Path,
) -> Result<CompileOutcome, SandboxError> {
    let scratch_root = cache_dir.join("scratch");
    std::fs::create_dir_all(&scratch_root).map_err(SandboxError::io("creating scratch dir"))?;
    let scratch = tempfile::tempdir_in(&scratch_root).map_err(SandboxError::io("scratch dir"))?;
    let src = scratch.path().join(match language {
        Language::C11 | Language::C17 => "main.c",
        _ => "main.cpp",
    });
    std::fs::write(&src, source).map_err(SandboxError::io("writing source"))?;
    let mut extra_sources = Vec::new();
    for (name, data) in extra {
        let file = Path::new(name).file_name().unwrap_or_default();
        if file.is_empty() || file == "main.c" || file == "main.cpp" {
            continue;
        }
        let path = scratch.path().join(file);
        std::fs::write(&path, data).map_err(SandboxError::io("writing grader file"))?;
        if Language::from_extension(name).is_some_and(|l| l.is_compiled()) {
            extra_sources.push(path);
        }
    }
    let out = scratch.path().join("main.wasm");
    let deps = scratch.path().join("main.d");
    let mut clang = toolchain.command(language);
    // The precompiled shim saves most of a compile; it is used only when the shim is the
    // source's first directive, so that nothing the source defines could change its meaning.
    if let Some(pch) = toolchain.pch(language).filter(|_| starts_with_shim(source)) {
        clang.arg("-include-pch").arg(pch);
    }
    let mut cmd = Command::new("prlimit");
    cmd.arg(format!("--as={ADDRESS_SPACE}"))
        .arg(format!("--cpu={CPU_SECONDS}"))
        .arg(format!("--fsize={MAX_FILE}"))
        .arg("--core=0")
        .arg("--")
        .arg(clang.get_program())
        .args(clang.get_args())
        .arg("-MD")
        .arg("-MF")
        .arg(&deps)
        .arg(&src)
        .args(&extra_sources)
        .args(toolchain.link_args(language))
        .arg("-o")
        .arg(&out)
        .current_dir(scratch.path())
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("TMPDIR", scratch.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = cmd
        .spawn()
        .map_err(SandboxError::io("starting clang under prlimit"))?;
    let mut stderr = child.stderr.take().expect("piped stderr");
    let reader = std::thread::spawn(move || {
        let mut kept = Vec::new();
        let mut buf = [0u8; 8192];
        while let Ok(n) = stderr.read(&mut buf) {
            if n == 0 {
                break;
            }
            let room = MESSAGE_CAP.saturating_sub(kept.len());
            kept.extend_from_slice(&buf[..n.min(room)]);
        }
        kept
    });
    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child
            .try_wait()
            .map_err(SandboxError::io("waiting for clang"))?
        {
            break Some(status);
        }
        if started.elapsed() > WALL_TIMEOUT {
            timed_out = true;
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let compile_ms = started.elapsed().as_millis() as u64;
    let raw = reader.join().unwrap_or_default();
    let message = scrub(&String::from_utf8_lossy(&raw), scratch.path());
    if let Err(why) = check_deps(&deps, scratch.path(), &toolchain.allowed_roots()) {
        return Ok(CompileOutcome::Error { message: why });
    }
    let Some(status) = status.filter(|_| !timed_out) else {
        return Ok(CompileOutcome::Error {
            message: format!("compilation timed out after {} s", WALL_TIMEOUT.as_secs()),
        });
    };
    if !status.success() {
        let why = if std::os::unix::process::ExitStatusExt::signal(&status).is_some() {
            "the compiler was stopped by a resource limit (CPU time, memory or file size)\n"
        } else {
            ""
        };
        return Ok(CompileOutcome::Error {
            message: format!("{why}{message}"),
        });
    }
    let wasm = std::fs::read(&out).map_err(SandboxError::io("reading the module"))?;
    Ok(CompileOutcome::Ok(Compiled {
        wasm,
        warnings: message.matches("warning:").count() as u32,
        message,
        compile_ms,
        fidelity: fidelity_warnings(&String::from_utf8_lossy(source)),
    }))
}

/// Constructs whose meaning differs between wasm32 and x86-64 Linux, found in the source.
pub fn fidelity_warnings(source: &str) -> Vec<String> {
    let code = strip_comments(source);
    let words: Vec<&str> = code
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .collect();
    let mut out = Vec::new();
    let plain_long = words.iter().enumerate().any(|(i, w)| {
        *w == "long"
            && words
                .get(i + 1)
                .is_none_or(|n| *n != "long" && *n != "double")
            && (i == 0 || words[i - 1] != "long")
    });
    if plain_long {
        out.push("uses `long`, which is 32-bit on wasm32 (64-bit on x86-64 Linux judges)".into());
    }
    out
}

/// True when the first line of code (after comments and blank lines) includes bits/stdc++.h.
fn starts_with_shim(source: &[u8]) -> bool {
    let text = strip_comments(&String::from_utf8_lossy(source));
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .is_some_and(|l| {
            let compact: String = l.chars().filter(|c| !c.is_whitespace()).collect();
            compact == "#include<bits/stdc++.h>"
        })
}

/// Replaces the scratch directory's path in diagnostics with nothing, so messages are stable.
fn scrub(message: &str, scratch: &Path) -> String {
    message.replace(&format!("{}/", scratch.display()), "")
}

/// Every header clang read (from its `-MD` dependency file) must lie in the toolchain.
fn check_deps(deps: &Path, scratch: &Path, allowed: &[PathBuf]) -> Result<(), String> {
    let Ok(text) = std::fs::read_to_string(deps) else {
        return Ok(()); // clang stopped before writing it: nothing was compiled from it
    };
    let text = text.replace("\\\n", " ");
    let files = text.split_once(':').map(|(_, f)| f).unwrap_or("");
    for file in files.split_whitespace() {
        let path = Path::new(file);
        let path = if path.is_absolute() {
            path.to_path_buf()
        } else {
            scratch.join(path)
        };
        let real = std::fs::canonicalize(&path).unwrap_or(path.clone());
        let ok = real.starts_with(scratch)
            || path.starts_with(scratch)
            || allowed
                .iter()
                .any(|r| real.starts_with(r) || path.starts_with(r));
        if !ok {
            return Err(format!(
                "refused: the program includes {file}, which is outside the toolchain"
            ));
        }
    }
    Ok(())
}

/// Refuses include directives that could read files outside the toolchain: absolute paths,
/// `..` components, and computed (macro) includes. Works on the source after line splicing and
/// comment removal, so `#/**/include` and backslash-newline tricks are seen through.
pub(crate) fn check_includes(source: &str) -> Result<(), String> {
    let spliced = source.replace("\\\r\n", "").replace("\\\n", "");
    let text = strip_comments(&spliced);
    for (n, line) in text.lines().enumerate() {
        let l = line.trim_start();
        let rest = if let Some(r) = l.strip_prefix('#') {
            r
        } else if let Some(r) = l.strip_prefix("%:") {
            r
        } else {
            if l.contains("__has_include") && has_bad_path(l) {
                return Err(format!(
                    "line {}: refused __has_include of a path outside the toolchain",
                    n + 1
                ));
            }
            continue;
        };
        let rest = rest.trim_start();
        let word: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !matches!(
            word.as_str(),
            "include" | "include_next" | "import" | "embed"
        ) {
            if rest.contains("__has_include") && has_bad_path(rest) {
                return Err(format!(
                    "line {}: refused __has_include of a path outside the toolchain",
                    n + 1
                ));
            }
            continue;
        }
        let arg = rest[word.len()..].trim();
        let path = match (arg.chars().next(), arg.get(1..)) {
            (Some('"'), Some(tail)) => tail.split('"').next().unwrap_or(""),
            (Some('<'), Some(tail)) => tail.split('>').next().unwrap_or(""),
            _ => return Err(format!("line {}: computed #{word} is not supported", n + 1)),
        };
        if bad_path(path) {
            return Err(format!(
                "line {}: refused #{word} \"{path}\": only the standard headers may be included",
                n + 1
            ));
        }
    }
    Ok(())
}

fn bad_path(path: &str) -> bool {
    path.starts_with('/') || path.split(['/', '\\']).any(|p| p == "..") || path.contains(':')
}

fn has_bad_path(text: &str) -> bool {
    text.split(['"', '<', '>']).skip(1).step_by(2).any(bad_path)
}

/// Removes `/* */` and `//` comments outside string and character literals.
fn strip_comments(src: &str) -> String {
    let mut out = String::with_capacity(src.len());
    let b = src.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < b.len() && !(b[i] == b'*' && b.get(i + 1) == Some(&b'/')) {
                    if b[i] == b'\n' {
                        out.push('\n');
                    }
                    i += 1;
                }
                i += 2;
                out.push(' ');
            }
            q @ (b'"' | b'\'') => {
                let start = i;
                i += 1;
                while i < b.len() && b[i] != q && b[i] != b'\n' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i = (i + 1).min(b.len());
                out.push_str(&src[start..i]);
            }
            _ => {
                let ch = src[i..].chars().next().unwrap_or(' ');
                out.push(ch);
                i += ch.len_utf8();
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{check_includes, fidelity_warnings};

    #[test]
    fn flags_32_bit_long_but_not_long_long() {
        assert!(fidelity_warnings("long long a; long double b; unsigned long long c;").is_empty());
        assert_eq!(fidelity_warnings("long a = 3000000000;").len(), 1);
        assert_eq!(fidelity_warnings("unsigned long x;").len(), 1);
        assert!(fidelity_warnings("// long comment\nint x;").is_empty());
    }

    #[test]
    fn refuses_includes_outside_the_toolchain() {
        assert!(
            check_includes("#include <bits/stdc++.h>\n#include \"vector\"\nint main(){}").is_ok()
        );
        for bad in [
            "#include \"/etc/passwd\"",
            "#  include </etc/passwd>",
            "#include \"../../../etc/passwd\"",
            "#/**/include \"/etc/passwd\"",
            "#inc\\\nlude \"/etc/passwd\"",
            "%:include \"/etc/passwd\"",
            "#define P \"/etc/passwd\"\n#include P",
            "#include_next </etc/shadow>",
            "#if __has_include(\"/etc/passwd\")\n#endif",
        ] {
            assert!(check_includes(bad).is_err(), "accepted: {bad}");
        }
        // A string that merely mentions an include is not a directive.
        assert!(check_includes("const char* s = \"#include </etc/passwd>\";").is_ok());
        assert!(check_includes("// #include \"/etc/passwd\"\nint x;").is_ok());
    }
}
