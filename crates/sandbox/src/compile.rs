//! Compiling a candidate: the compiler is attack surface, so it runs in the jail
//! ([`crate::jail`]: Landlock confines it to the toolchain and its scratch directory; address
//! space, CPU seconds and file size limited; its whole process group killed at a wall-clock
//! timeout), with a capped diagnostic stream and no environment but PATH. Sources that include a
//! file by absolute path, through `..`, or through a macro are refused before clang sees them,
//! and every header clang did read is checked to come from the toolchain.

use crate::engine::write_atomically;
use crate::jail;
use crate::source_scan::{check_includes, fidelity_warnings, starts_with_shim};
use crate::{SandboxError, Toolchain};
use serde::{Deserialize, Serialize};
use sieve_domain::Language;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

// Large static arrays (a contest staple) make clang hold and write their zero bytes: an 800 MB
// `long long dp[1001][100001]` needs ~0.9 GB of memory and an 800 MB object file.
const LIMITS: jail::Limits = jail::Limits {
    wall: Duration::from_secs(20),
    cpu_seconds: 10,
    address_space: 4 << 30,
    file_size: 4 << 30,
    message_cap: 16 << 10,
};

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
/// placed beside the source, and the `.c` files (for C) or `.cpp`/`.cc` files (for C++) are
/// compiled and linked too), using
/// `cache_dir/builds` keyed by all sources, the language and the toolchain's fingerprint.
pub fn compile(
    toolchain: &Toolchain,
    source: &[u8],
    language: Language,
    extra: &[(String, Vec<u8>)],
    cache_dir: &Path,
) -> Result<CompileOutcome, SandboxError> {
    // clang runs in a scratch directory: every path it sees must be absolute.
    std::fs::create_dir_all(cache_dir).map_err(SandboxError::io("cache dir"))?;
    let cache_dir = &std::fs::canonicalize(cache_dir).map_err(SandboxError::io("cache dir"))?;
    // Nothing to compile: wasm and wat load as they are, Python and outputs as bundles.
    let ready = |wasm: Vec<u8>, fidelity: Vec<String>| {
        Ok(CompileOutcome::Ok(Compiled {
            wasm,
            warnings: 0,
            message: String::new(),
            compile_ms: 0,
            fidelity,
        }))
    };
    match language {
        Language::Outputs => {
            return match crate::outputs::bundle(source) {
                Ok(bundle) => ready(bundle, vec![]),
                Err(message) => Ok(CompileOutcome::Error { message }),
            };
        }
        Language::Python3 => {
            let grader = extra
                .iter()
                .find(|(name, _)| Language::from_extension(name).is_some_and(|l| l.is_compiled()));
            if let Some((name, _)) = grader {
                return Ok(CompileOutcome::Error {
                    message: format!(
                        "this task links candidates with its C/C++ grader {name}: Python cannot \
                         be judged on it"
                    ),
                });
            }
            let fidelity = crate::python::fidelity_warnings(source);
            return ready(crate::python::bundle(source), fidelity);
        }
        Language::Wasm | Language::Wat => return ready(source.to_vec(), vec![]),
        Language::C11 | Language::C17 | Language::Cpp17 | Language::Cpp20 => {}
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
        write_atomically(&wasm_path, &c.wasm)
            .and_then(|_| write_atomically(&meta_path, &serde_json::to_vec(c).unwrap_or_default()))
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
        // A task may ship its grader in C and in C++: each candidate links its own language's.
        if Language::from_extension(name)
            .is_some_and(|l| l.is_compiled() && l.is_c() == language.is_c())
        {
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
    let mut cmd = Command::new(clang.get_program());
    cmd.args(clang.get_args())
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
        .env("TMPDIR", scratch.path());
    let mut policy = toolchain.jail_policy();
    policy.write.push(scratch.path().to_path_buf());
    let ended = jail::run(&mut cmd, &policy, LIMITS)?;
    let (status, timed_out) = (ended.status, ended.status.is_none());
    let raw = ended.stderr;
    let compile_ms = ended.elapsed.as_millis() as u64;
    let message = scrub(&String::from_utf8_lossy(&raw), scratch.path());
    if let Err(why) = check_deps(&deps, scratch.path(), &toolchain.allowed_roots()) {
        return Ok(CompileOutcome::Error { message: why });
    }
    let Some(status) = status.filter(|_| !timed_out) else {
        return Ok(CompileOutcome::Error {
            message: format!("compilation timed out after {} s", LIMITS.wall.as_secs()),
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
