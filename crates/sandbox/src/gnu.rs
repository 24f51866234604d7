//! g++'s dialect over libc++: what contest code written for g++ and libstdc++ uses beyond the
//! standard. sieve's own headers (`sandbox/include/`: `bits/stdc++.h`, `bits/extc++.h` and the
//! small glue headers the GNU extensions need), the policy-based data structures copied from the
//! host's libstdc++ headers (Debian's libstdc++-dev, which g++ brings) into the toolchain's cache,
//! and libc++'s `<bitset>` with libstdc++'s `_Find_first` / `_Find_next` added.

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
];

/// The line of libc++'s `<bitset>` after which the extensions go: the first line of the public
/// part of `class bitset`.
const BITSET_ANCHOR: &str = "    typedef __bitset<__n_words, _Size> base;\n";

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
    parts.push(libstdcxx.as_os_str().as_encoded_bytes().to_vec());
    parts
}

/// Writes sieve's headers, the GNU extension headers and the extended `<bitset>` into `include`.
pub(crate) fn install(
    include: &Path,
    libstdcxx: &Path,
    libcxx_include: &Path,
) -> Result<(), SandboxError> {
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
    let bitset = std::fs::read_to_string(libcxx_include.join("bitset")).map_err(io("bitset"))?;
    let Some(at) = bitset.find(BITSET_ANCHOR) else {
        return Err(SandboxError::Toolchain(format!(
            "libc++'s <bitset> in {} has changed: cannot add _Find_first/_Find_next",
            libcxx_include.display()
        )));
    };
    let at = at + BITSET_ANCHOR.len();
    let patched = format!("{}{BITSET_EXTENSION}{}", &bitset[..at], &bitset[at..]);
    std::fs::write(include.join("bitset"), patched).map_err(io("bitset"))
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
