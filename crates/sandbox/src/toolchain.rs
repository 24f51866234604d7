//! The C/C++ → wasm32-wasi toolchain: Debian's clang, wasi-libc and libc++ for wasm32, a private
//! sysroot of links to them (never `--sysroot=/usr`, which lets host glibc headers in), sieve's
//! `bits/stdc++.h` shim and exception runtime, and the fingerprint that keys compile caches.

use crate::SandboxError;
use sieve_domain::Language;
use std::path::{Path, PathBuf};
use std::process::Command;

const EXCEPTIONS_CPP: &str = include_str!("../../../sandbox/runtime/exceptions.cpp");
const FASTIO_CPP: &str = include_str!("../../../sandbox/runtime/fastio.cpp");
const STDIO_SYNC_CPP: &str = include_str!("../../../sandbox/runtime/stdio_sync.cpp");
const GLIBC_C: &str = include_str!("../../../sandbox/runtime/glibc.c");
/// libc++'s `std::ios_base::sync_with_stdio(bool)`, wrapped by `runtime/fastio.cpp`.
const SYNC_WITH_STDIO: &str = "_ZNSt3__28ios_base15sync_with_stdioEb";
/// libc++'s `std::ios_base::Init::Init()`, which creates the standard streams: wrapped by
/// `runtime/fastio.cpp` to give them synchronised buffers with libstdc++'s speed.
const IOS_INIT: &str = "_ZNSt3__28ios_base4InitC1Ev";
const WASI_INCLUDE: &str = "/usr/include/wasm32-wasi";
const WASI_LIB: &str = "/usr/lib/wasm32-wasi";

/// Bytes of the shadow stack at the bottom of linear memory (counted in the memory limit).
pub const SHADOW_STACK_BYTES: u64 = 64 << 20;

/// Every compile's flags (part of the toolchain's fingerprint, so changing them rebuilds).
const COMPILE_FLAGS: &[&str] = &[
    "-O2",
    "-fdiagnostics-color=never",
    "-ferror-limit=20",
    "-DONLINE_JUDGE",
    "-DEVAL",
    "-D_WASI_EMULATED_PROCESS_CLOCKS",
    // signal() and raise() (wasi-libc's emulation) and sieve's sigaction().
    "-D_WASI_EMULATED_SIGNAL",
    // libstdc++ keeps what C++17 removed (random_shuffle, bind1st, auto_ptr), deprecated.
    "-D_LIBCPP_ENABLE_CXX17_REMOVED_FEATURES",
    // g++ warns about narrowing in braces from a non-constant; clang refuses to compile it.
    "-Wno-c++11-narrowing",
    // clang takes a C++ loop without side effects for one that ends (C++'s forward progress)
    // and compiles `while (true) {}` to a trap, which judges as RE; g++ keeps the loop, TLE.
    "-fno-finite-loops",
];

/// A located, prepared toolchain.
#[derive(Clone, Debug)]
pub struct Toolchain {
    clang: PathBuf,
    root: PathBuf,
    fingerprint: String,
    /// clang's resource directory, as printed and canonical.
    resource_dirs: Vec<PathBuf>,
    /// The host's libstdc++ headers, source of the policy-based data structures.
    libstdcxx: PathBuf,
}

impl Toolchain {
    /// Finds clang and the wasm32 libraries and prepares the sysroot and runtime under
    /// `cache_dir/toolchain`.
    pub fn discover(cache_dir: &Path) -> Result<Toolchain, SandboxError> {
        // Canonical, so that every process spells the toolchain's paths (recorded in the PCH and
        // checked against clang's dependency list) the same way.
        std::fs::create_dir_all(cache_dir).map_err(SandboxError::io("cache dir"))?;
        let cache_dir = &std::fs::canonicalize(cache_dir).map_err(SandboxError::io("cache dir"))?;
        let missing = |what: &str| {
            SandboxError::Toolchain(format!(
                "{what} not found: install Debian's clang lld wasi-libc libc++-dev-wasm32 \
                 libc++abi-14-dev-wasm32 libclang-rt-dev-wasm32 llvm-14 (scripts/setup.sh does)"
            ))
        };
        let clang = std::env::var_os("SIEVE_CLANG")
            .map(PathBuf::from)
            .or_else(|| find_on_path("clang"))
            .ok_or_else(|| missing("clang"))?;
        for needed in [
            format!("{WASI_LIB}/libc.a"),
            format!("{WASI_LIB}/libc++.a"),
            format!("{WASI_INCLUDE}/c++/v1/vector"),
        ] {
            if !Path::new(&needed).exists() {
                return Err(missing(&needed));
            }
        }
        let libstdcxx = crate::gnu::libstdcxx_dir().ok_or_else(|| {
            SandboxError::Toolchain(
                "libstdc++'s headers (ext/pb_ds) not found under /usr/include/c++: install \
                 Debian's g++ (scripts/setup.sh does)"
                    .into(),
            )
        })?;
        let version = Command::new(&clang)
            .arg("--version")
            .output()
            .map_err(SandboxError::io("running clang --version"))?;
        let version = String::from_utf8_lossy(&version.stdout).to_string();
        let mut h = blake3::Hasher::new();
        for part in crate::gnu::fingerprint_parts(&libstdcxx) {
            h.update(&part);
            h.update(&[0]);
        }
        for part in [
            version.as_bytes(),
            EXCEPTIONS_CPP.as_bytes(),
            FASTIO_CPP.as_bytes(),
            STDIO_SYNC_CPP.as_bytes(),
            GLIBC_C.as_bytes(),
            SYNC_WITH_STDIO.as_bytes(),
            IOS_INIT.as_bytes(),
        ] {
            h.update(part);
            h.update(&[0]);
        }
        for flag in COMPILE_FLAGS
            .iter()
            .map(|f| f.to_string())
            .chain(Self::link_flags())
        {
            h.update(flag.as_bytes());
            h.update(&[0]);
        }
        let fingerprint = h.finalize().to_hex()[..16].to_string();
        let root = cache_dir.join("toolchain").join(&fingerprint);
        let mut resource_dirs = vec![];
        if let Ok(out) = Command::new(&clang).arg("-print-resource-dir").output() {
            let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
            resource_dirs.extend(std::fs::canonicalize(&dir).ok());
            resource_dirs.push(dir);
        }
        let toolchain = Toolchain {
            clang,
            root,
            fingerprint,
            resource_dirs,
            libstdcxx,
        };
        toolchain.prepare()?;
        Ok(toolchain)
    }

    /// Identifies the compiler, libraries, shim and flags: part of every compile cache key.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// The directory of sieve's headers (`bits/stdc++.h`, `bits/extc++.h`, the GNU extensions and
    /// the extended `<bitset>`), first on the include path.
    pub fn include_dir(&self) -> PathBuf {
        self.root.join("include")
    }

    /// The roots every header of a compile must come from.
    pub fn allowed_roots(&self) -> Vec<PathBuf> {
        let mut roots = vec![self.root.clone(), PathBuf::from(WASI_INCLUDE)];
        roots.extend(std::fs::canonicalize(WASI_INCLUDE).ok());
        roots.extend(self.resource_dirs.iter().cloned());
        roots
    }

    /// What the compiler may read in its jail: the system's shared libraries, clang's own
    /// installation (its resource directory, the linker beside it), the wasm32 headers and
    /// libraries, and this toolchain's sysroot, shim and runtime. Nothing else on the host.
    pub(crate) fn jail_policy(&self) -> crate::jail::Policy {
        let mut policy = crate::jail::Policy::system();
        // The installation: `/usr/lib/llvm-14` for `/usr/lib/llvm-14/bin/clang`.
        if let Some(install) = std::fs::canonicalize(&self.clang)
            .ok()
            .and_then(|c| Some(c.parent()?.parent()?.to_path_buf()))
        {
            policy.read.push(install);
        }
        for dir in [WASI_INCLUDE, WASI_LIB] {
            policy.read.push(PathBuf::from(dir));
            policy.read.extend(std::fs::canonicalize(dir).ok());
        }
        policy.read.extend(self.allowed_roots());
        policy
    }

    fn link_flags() -> Vec<String> {
        vec![
            "-Wl,--stack-first".into(),
            format!("-Wl,-z,stack-size={SHADOW_STACK_BYTES}"),
            "-Wl,--strip-debug".into(),
            "-lwasi-emulated-process-clocks".into(),
            "-lwasi-emulated-signal".into(),
            "-lc-printscan-long-double".into(),
        ]
    }

    /// The clang command line (without input and output files) for `language`.
    pub(crate) fn command(&self, language: Language) -> Command {
        let mut cmd = Command::new(&self.clang);
        let sysroot = self.root.join("sysroot");
        cmd.arg("--target=wasm32-wasi")
            .arg(format!("--sysroot={}", sysroot.display()))
            .args(COMPILE_FLAGS)
            .arg("-I")
            .arg(self.include_dir());
        match language {
            Language::C11 => cmd.args(["-x", "c", "-std=gnu11"]),
            Language::C17 => cmd.args(["-x", "c", "-std=gnu17"]),
            Language::Cpp17 => cmd.args(["-x", "c++", "-std=gnu++17"]),
            Language::Cpp20 => cmd.args(["-x", "c++", "-std=gnu++20"]),
            Language::Wasm | Language::Wat | Language::Python3 | Language::Outputs => &mut cmd,
        };
        cmd
    }

    /// Precompiles the shim, one PCH per C++ standard, with the very flags of a compile. In the
    /// final directory, since a PCH records its header's absolute path.
    fn precompile_shim(&self) -> Result<(), SandboxError> {
        for lang in [Language::Cpp17, Language::Cpp20] {
            let pch = self
                .root
                .join(format!("runtime/stdc++-{}.pch", lang.name()));
            if pch.exists() {
                continue;
            }
            let tmp = pch.with_extension(format!("tmp{}", std::process::id()));
            let out = self
                .command(lang)
                .args(["-x", "c++-header"])
                .arg(self.include_dir().join("bits/stdc++.h"))
                .arg("-o")
                .arg(&tmp)
                .output()
                .map_err(SandboxError::io("precompiling bits/stdc++.h"))?;
            if !out.status.success() {
                return Err(SandboxError::Toolchain(format!(
                    "precompiling bits/stdc++.h failed: {}",
                    String::from_utf8_lossy(&out.stderr)
                )));
            }
            std::fs::rename(&tmp, &pch).map_err(SandboxError::io("installing the PCH"))?;
        }
        Ok(())
    }

    /// The precompiled `bits/stdc++.h` for `language`, when there is one.
    pub(crate) fn pch(&self, language: Language) -> Option<PathBuf> {
        matches!(language, Language::Cpp17 | Language::Cpp20)
            .then(|| {
                self.root
                    .join(format!("runtime/stdc++-{}.pch", language.name()))
            })
            .filter(|p| p.is_file())
    }

    /// Arguments that come after the source file: the runtime object (C++) and the libraries.
    pub(crate) fn link_args(&self, language: Language) -> Vec<String> {
        let mut args = vec!["-x".to_string(), "none".to_string()];
        // glibc's qsort (stable, fast) and rand in place of musl's, for C and C++.
        args.push(self.root.join("runtime/glibc.o").display().to_string());
        if matches!(language, Language::Cpp17 | Language::Cpp20) {
            args.push(self.root.join("runtime/exceptions.o").display().to_string());
            args.push(self.root.join("runtime/stdio_sync.o").display().to_string());
            args.extend(stdio_wraps().map(|name| format!("-Wl,--wrap={name}")));
            // An archive: its fast streams are linked only into programs that use iostreams, so
            // programs with stdio alone keep their size and startup cost.
            args.push(format!("-Wl,--wrap={SYNC_WITH_STDIO}"));
            args.push(format!("-Wl,--wrap={IOS_INIT}"));
            args.push(
                self.root
                    .join("runtime/libsieve_rt.a")
                    .display()
                    .to_string(),
            );
            args.push("-lc++".into());
            args.push("-lc++abi".into());
        }
        args.extend(Self::link_flags());
        args
    }

    fn prepare(&self) -> Result<(), SandboxError> {
        if self.root.join("runtime/libsieve_rt.a").exists() {
            return self.precompile_shim();
        }
        let staging = self
            .root
            .with_extension(format!("tmp{}", std::process::id()));
        let io = |what: &str| SandboxError::io(format!("preparing toolchain: {what}"));
        let _ = std::fs::remove_dir_all(&staging);
        for dir in ["sysroot/include", "sysroot/lib", "include/bits", "runtime"] {
            std::fs::create_dir_all(staging.join(dir)).map_err(io(dir))?;
        }
        crate::gnu::install_sysroot_headers(
            Path::new(WASI_INCLUDE),
            &staging.join("sysroot/include/wasm32-wasi"),
        )?;
        std::os::unix::fs::symlink(WASI_LIB, staging.join("sysroot/lib/wasm32-wasi"))
            .map_err(io("sysroot lib link"))?;
        crate::gnu::install(&staging.join("include"), &self.libstdcxx)?;
        let staged = Toolchain {
            root: staging.clone(),
            ..self.clone()
        };
        for (file, text, language) in [
            ("exceptions.cpp", EXCEPTIONS_CPP, Language::Cpp17),
            ("fastio.cpp", FASTIO_CPP, Language::Cpp17),
            ("stdio_sync.cpp", STDIO_SYNC_CPP, Language::Cpp17),
            ("glibc.c", GLIBC_C, Language::C17),
        ] {
            let src = staging.join("runtime").join(file);
            std::fs::write(&src, text).map_err(io(file))?;
            let out = staged
                .command(language)
                .arg("-c")
                .arg(&src)
                .arg("-o")
                .arg(src.with_extension("o"))
                .output()
                .map_err(io("compiling the runtime"))?;
            if !out.status.success() {
                return Err(SandboxError::Toolchain(format!(
                    "compiling runtime/{file} failed: {}",
                    String::from_utf8_lossy(&out.stderr)
                )));
            }
        }
        let ar = self.llvm_ar().ok_or_else(|| {
            SandboxError::Toolchain("llvm-ar not found: install Debian's llvm-14".into())
        })?;
        let out = Command::new(ar)
            .arg("rcs")
            .arg(staging.join("runtime/libsieve_rt.a"))
            .arg(staging.join("runtime/fastio.o"))
            .output()
            .map_err(io("llvm-ar"))?;
        if !out.status.success() {
            return Err(SandboxError::Toolchain(format!(
                "llvm-ar failed: {}",
                String::from_utf8_lossy(&out.stderr)
            )));
        }
        // Another process may have won the race; either copy is the same.
        if std::fs::rename(&staging, &self.root).is_err() {
            let _ = std::fs::remove_dir_all(&staging);
        }
        if self.root.join("runtime/libsieve_rt.a").exists() {
            self.precompile_shim()
        } else {
            Err(SandboxError::Toolchain(format!(
                "could not prepare {}",
                self.root.display()
            )))
        }
    }
}

impl Toolchain {
    /// llvm-ar from clang's own LLVM, else from PATH.
    fn llvm_ar(&self) -> Option<PathBuf> {
        let beside = std::fs::canonicalize(&self.clang)
            .ok()
            .and_then(|c| Some(c.parent()?.join("llvm-ar")))
            .filter(|p| p.is_file());
        beside
            .or_else(|| find_on_path("llvm-ar"))
            .or_else(|| find_on_path("llvm-ar-14"))
    }
}

/// The C functions `runtime/stdio_sync.cpp` wraps: those of its `SIEVE_WRAP(type, name, ...)`
/// lines and of its `__wrap_name(` definitions.
fn stdio_wraps() -> impl Iterator<Item = &'static str> {
    STDIO_SYNC_CPP.lines().filter_map(|line| {
        if let Some(rest) = line.strip_prefix("SIEVE_WRAP(") {
            return rest.split(',').nth(1).map(str::trim);
        }
        let rest = line.strip_suffix('{')?.split_once(" __wrap_")?.1;
        rest.split_once('(').map(|(name, _)| name)
    })
}

fn find_on_path(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_wrapper_of_stdio_sync_is_wrapped_at_link_time() {
        let names: Vec<_> = super::stdio_wraps().collect();
        for name in [
            "getchar", "scanf", "fscanf", "fread", "vfscanf", "ungetc", "fgetws",
        ] {
            assert!(names.contains(&name), "{name} missing from {names:?}");
        }
        assert_eq!(names.len(), 42, "{names:?}");
        assert!(
            names
                .iter()
                .all(|n| n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        );
    }
}
