//! g++'s dialect over libc++: what contest code written for g++ and libstdc++ uses beyond the
//! standard. sieve's own headers (`sandbox/include/`: `bits/stdc++.h`, `bits/extc++.h` and the
//! small glue headers the GNU extensions need), the policy-based data structures copied from the
//! host's libstdc++ headers (Debian's libstdc++-dev, which g++ brings) into the toolchain's cache,
//! libc++'s `<bitset>` with libstdc++'s `_Find_first` / `_Find_next` added, and libc++'s
//! `<math.h>` with the constant `acos`/`atan` values g++ folds, and libc++'s `<deque>` with
//! libstdc++'s block size.

use crate::SandboxError;
use std::path::{Path, PathBuf};

/// sieve's headers, by their path under the include directory.
pub(crate) const HEADERS: &[(&str, &str)] = &[
    (
        "bits/stdc++.h",
        include_str!("../../../sandbox/include/bits/stdc++.h"),
    ),
    (
        "bits/extc++.h",
        include_str!("../../../sandbox/include/bits/extc++.h"),
    ),
    (
        "bits/c++config.h",
        include_str!("../../../sandbox/include/bits/c++config.h"),
    ),
    (
        "debug/debug.h",
        include_str!("../../../sandbox/include/debug/debug.h"),
    ),
    (
        "tr1/type_traits",
        include_str!("../../../sandbox/include/tr1/type_traits"),
    ),
    (
        "tr1/functional",
        include_str!("../../../sandbox/include/tr1/functional"),
    ),
    (
        "ext/type_traits.h",
        include_str!("../../../sandbox/include/ext/type_traits.h"),
    ),
    (
        "ext/numeric_traits.h",
        include_str!("../../../sandbox/include/ext/numeric_traits.h"),
    ),
    (
        "signal.h",
        include_str!("../../../sandbox/include/signal.h"),
    ),
];

/// The line of libc++'s `<bitset>` after which the extensions go: the first line of the public
/// part of `class bitset`.
const BITSET_ANCHOR: &str = "    typedef __bitset<__n_words, _Size> base;\n";

/// libc++'s `<math.h>` overloads for long double, float and integers of `acos` and `atan`, made
/// constant expressions where g++ folds them (GCC treats its math builtins as constexpr, and
/// `constexpr double PI = acos(-1);` is common contest code): at -1, 0 and 1 they give pi, pi/2,
/// 0 (and atan pi/4 at 1), elsewhere constant evaluation fails as before. `acos(double)` is the C
/// library's and cannot be.
const MATH_REPLACEMENTS: &[(&str, &str)] = &[
    (
        "inline _LIBCPP_INLINE_VISIBILITY float       acos(float __lcpp_x) _NOEXCEPT       {return ::acosf(__lcpp_x);}",
        "inline _LIBCPP_INLINE_VISIBILITY _LIBCPP_CONSTEXPR float acos(float __lcpp_x) _NOEXCEPT {return __builtin_is_constant_evaluated() ? (float)__sieve_acos(__lcpp_x) : ::acosf(__lcpp_x);}",
    ),
    (
        "inline _LIBCPP_INLINE_VISIBILITY long double acos(long double __lcpp_x) _NOEXCEPT {return ::acosl(__lcpp_x);}",
        "inline _LIBCPP_INLINE_VISIBILITY _LIBCPP_CONSTEXPR long double acos(long double __lcpp_x) _NOEXCEPT {return __builtin_is_constant_evaluated() ? __sieve_acos(__lcpp_x) : ::acosl(__lcpp_x);}",
    ),
    (
        "typename std::enable_if<std::is_integral<_A1>::value, double>::type\nacos(_A1 __lcpp_x) _NOEXCEPT {return ::acos((double)__lcpp_x);}",
        "_LIBCPP_CONSTEXPR typename std::enable_if<std::is_integral<_A1>::value, double>::type\nacos(_A1 __lcpp_x) _NOEXCEPT {return __builtin_is_constant_evaluated() ? (double)__sieve_acos((long double)__lcpp_x) : ::acos((double)__lcpp_x);}",
    ),
    (
        "inline _LIBCPP_INLINE_VISIBILITY float       atan(float __lcpp_x) _NOEXCEPT       {return ::atanf(__lcpp_x);}",
        "inline _LIBCPP_INLINE_VISIBILITY _LIBCPP_CONSTEXPR float atan(float __lcpp_x) _NOEXCEPT {return __builtin_is_constant_evaluated() ? (float)__sieve_atan(__lcpp_x) : ::atanf(__lcpp_x);}",
    ),
    (
        "inline _LIBCPP_INLINE_VISIBILITY long double atan(long double __lcpp_x) _NOEXCEPT {return ::atanl(__lcpp_x);}",
        "inline _LIBCPP_INLINE_VISIBILITY _LIBCPP_CONSTEXPR long double atan(long double __lcpp_x) _NOEXCEPT {return __builtin_is_constant_evaluated() ? __sieve_atan(__lcpp_x) : ::atanl(__lcpp_x);}",
    ),
    (
        "typename std::enable_if<std::is_integral<_A1>::value, double>::type\natan(_A1 __lcpp_x) _NOEXCEPT {return ::atan((double)__lcpp_x);}",
        "_LIBCPP_CONSTEXPR typename std::enable_if<std::is_integral<_A1>::value, double>::type\natan(_A1 __lcpp_x) _NOEXCEPT {return __builtin_is_constant_evaluated() ? (double)__sieve_atan((long double)__lcpp_x) : ::atan((double)__lcpp_x);}",
    ),
    (
        "// acos\n",
        "// sieve: the values g++ folds at compile time; elsewhere not a constant expression.\n\
         inline long double __sieve_not_a_constant(long double __x) { return __x; }\n\
         inline _LIBCPP_CONSTEXPR long double __sieve_acos(long double __x) {\n\
           return __x == -1 ? 3.14159265358979323846264338327950288L : __x == 0 ? 1.57079632679489661923132169163975144L\n\
                : __x == 1 ? 0.0L : __sieve_not_a_constant(__x);\n\
         }\n\
         inline _LIBCPP_CONSTEXPR long double __sieve_atan(long double __x) {\n\
           return __x == 1 ? 0.785398163397448309615660845819875721L : __x == 0 ? 0.0L : __sieve_not_a_constant(__x);\n\
         }\n\n// acos\n",
    ),
];

/// libc++'s `<deque>` with libstdc++'s block size (512 bytes, or one element when larger) instead
/// of 4096 bytes: `stack<int> st[1 << 20]`, a contest staple, holds 4 GiB of blocks with libc++'s
/// and fits in 1 GiB with g++'s (a corpus source: MLE before).
const DEQUE_REPLACEMENTS: &[(&str, &str)] = &[(
    "  static const _DiffType value = sizeof(_ValueType) < 256 ? 4096 / sizeof(_ValueType) : 16;",
    "  static const _DiffType value = sizeof(_ValueType) < 512 ? 512 / sizeof(_ValueType) : 1;",
)];

/// libstdc++'s `_Find_first()` / `_Find_next(i)`: the first set bit (after `i`), or the size when
/// there is none. libc++'s `find` over bit iterators scans a word at a time, as libstdc++ does.
const BITSET_EXTENSION: &str = "\
    // sieve: libstdc++'s extensions.
    _LIBCPP_INLINE_VISIBILITY size_t _Find_first() const _NOEXCEPT { return __sieve_find_from(0); }
    _LIBCPP_INLINE_VISIBILITY size_t _Find_next(size_t __prev) const _NOEXCEPT {
        return __prev + 1 >= _Size ? _Size : __sieve_find_from(__prev + 1);
    }
private:
    _LIBCPP_INLINE_VISIBILITY size_t __sieve_find_from(size_t __pos) const _NOEXCEPT {
        return static_cast<size_t>(
            _VSTD::find(base::__make_iter(__pos), base::__make_iter(_Size), true) - base::__make_iter(0));
    }
public:
";

/// The host's libstdc++ header directory with the policy-based data structures (the newest
/// `/usr/include/c++/<version>` that has them).
pub(crate) fn libstdcxx_dir() -> Option<PathBuf> {
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/include/c++")
        .ok()?
        .flatten()
        .filter_map(|e| {
            let version = e.file_name().to_str()?.split('.').next()?.parse().ok()?;
            let dir = e.path();
            dir.join("ext/pb_ds/assoc_container.hpp")
                .is_file()
                .then_some((version, dir))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, dir)| dir)
}

/// What goes into the toolchain's fingerprint from this module.
pub(crate) fn fingerprint_parts(libstdcxx: &Path) -> Vec<Vec<u8>> {
    let mut parts: Vec<Vec<u8>> = HEADERS
        .iter()
        .flat_map(|(name, text)| [name.as_bytes().to_vec(), text.as_bytes().to_vec()])
        .collect();
    parts.push(BITSET_EXTENSION.as_bytes().to_vec());
    for (from, to) in MATH_REPLACEMENTS.iter().chain(DEQUE_REPLACEMENTS) {
        parts.push(from.as_bytes().to_vec());
        parts.push(to.as_bytes().to_vec());
    }
    parts.push(libstdcxx.as_os_str().as_encoded_bytes().to_vec());
    parts
}

/// The wasm32 headers as clang sees them in the private sysroot: a tree of links to Debian's
/// (`wasi`: `/usr/include/wasm32-wasi`), except libc++'s `<bitset>` and `<math.h>`, which are
/// copies with the extensions above (in place, so that their `#include_next` chains still work).
pub(crate) fn install_sysroot_headers(wasi: &Path, target: &Path) -> Result<(), SandboxError> {
    let io = |what: &str| SandboxError::io(format!("preparing toolchain: {what}"));
    let libcxx = wasi.join("c++/v1");
    link_tree(wasi, target, &[wasi.join("c++")]).map_err(io("sysroot headers"))?;
    link_tree(
        &libcxx,
        &target.join("c++/v1"),
        &[
            libcxx.join("bitset"),
            libcxx.join("math.h"),
            libcxx.join("deque"),
        ],
    )
    .map_err(io("libc++ headers"))?;
    let changed = |what: &str| {
        SandboxError::Toolchain(format!(
            "libc++'s <{what}> in {} has changed: cannot add g++'s extensions",
            libcxx.display()
        ))
    };
    let bitset = std::fs::read_to_string(libcxx.join("bitset")).map_err(io("bitset"))?;
    let at = bitset
        .find(BITSET_ANCHOR)
        .ok_or_else(|| changed("bitset"))?
        + BITSET_ANCHOR.len();
    let patched = format!("{}{BITSET_EXTENSION}{}", &bitset[..at], &bitset[at..]);
    std::fs::write(target.join("c++/v1/bitset"), patched).map_err(io("bitset"))?;
    for (file, replacements) in [("math.h", MATH_REPLACEMENTS), ("deque", DEQUE_REPLACEMENTS)] {
        let mut text = std::fs::read_to_string(libcxx.join(file)).map_err(io(file))?;
        for (from, to) in replacements {
            if text.matches(from).count() != 1 {
                return Err(changed(file));
            }
            text = text.replacen(from, to, 1);
        }
        std::fs::write(target.join("c++/v1").join(file), text).map_err(io(file))?;
    }
    Ok(())
}

/// `to` as a directory of links to the entries of `from`, except `except` (not linked; a
/// directory among them is created empty).
fn link_tree(from: &Path, to: &Path, except: &[PathBuf]) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let path = entry?.path();
        let name = to.join(path.file_name().unwrap_or_default());
        if except.contains(&path) {
            if path.is_dir() {
                std::fs::create_dir_all(&name)?;
            }
            continue;
        }
        std::os::unix::fs::symlink(&path, &name)?;
    }
    Ok(())
}

/// Writes sieve's headers and the GNU extension headers into `include`.
pub(crate) fn install(include: &Path, libstdcxx: &Path) -> Result<(), SandboxError> {
    let io = |what: &str| SandboxError::io(format!("preparing toolchain: {what}"));
    for (name, text) in HEADERS {
        let path = include.join(name);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(io(name))?;
        }
        std::fs::write(&path, text).map_err(io(name))?;
    }
    copy_tree(&libstdcxx.join("ext/pb_ds"), &include.join("ext/pb_ds")).map_err(io("ext/pb_ds"))?;
    std::fs::copy(
        libstdcxx.join("ext/typelist.h"),
        include.join("ext/typelist.h"),
    )
    .map_err(io("ext/typelist.h"))?;
    Ok(())
}

fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}
