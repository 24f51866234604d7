//! Reading a candidate's source before clang does: include directives that could reach files
//! outside the toolchain, whether the precompiled shim header applies, and constructs whose
//! meaning differs on wasm32.

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
pub(crate) fn strip_comments(src: &str) -> String {
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

/// True when the first line of code (after comments and blank lines) includes bits/stdc++.h.
pub(crate) fn starts_with_shim(source: &[u8]) -> bool {
    let text = strip_comments(&String::from_utf8_lossy(source));
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .is_some_and(|l| {
            let compact: String = l.chars().filter(|c| !c.is_whitespace()).collect();
            compact == "#include<bits/stdc++.h>"
        })
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
    if words.windows(2).any(|w| w == ["long", "double"]) {
        out.push(
            "uses `long double`, which is IEEE binary128 done in software on wasm32 (x87 80-bit \
             extended on x86-64 Linux judges): last digits may differ, and it is much slower"
                .into(),
        );
    }
    let implementation_defined = [
        "uniform_int_distribution",
        "uniform_real_distribution",
        "normal_distribution",
        "shuffle",
        "random_device",
    ];
    if let Some(w) = implementation_defined.iter().find(|w| words.contains(w)) {
        out.push(format!(
            "uses `{w}`, whose results differ between libc++ and libstdc++ (the engines such as \
             mt19937 are the same; distributions, shuffle and random_device are not): other \
             random choices than with g++"
        ));
    }
    if words.contains(&"__float128") || words.contains(&"__float80") {
        out.push("uses an x86 floating-point type (`__float128`/`__float80`)".into());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{check_includes, fidelity_warnings};

    #[test]
    fn flags_32_bit_long_but_not_long_long() {
        assert!(fidelity_warnings("long long a; unsigned long long c;").is_empty());
        assert_eq!(fidelity_warnings("long long a; long double b;").len(), 1);
        assert_eq!(fidelity_warnings("long a = 3000000000;").len(), 1);
        assert_eq!(fidelity_warnings("unsigned long x;").len(), 1);
        assert!(fidelity_warnings("// long comment\nint x;").is_empty());
        assert!(fidelity_warnings("mt19937 rng(5); int x = rng() % 7;").is_empty());
        assert_eq!(
            fidelity_warnings("shuffle(v.begin(), v.end(), rng);").len(),
            1
        );
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
