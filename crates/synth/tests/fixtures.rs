//! The real hand-written solutions: each yields plenty of distinct mutants, and every mutant
//! still has balanced brackets.

use sieve_synth::{mutants, normalize};
use std::collections::HashSet;
use std::path::PathBuf;

fn accepted_solutions() -> Vec<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/problems");
    let mut out = Vec::new();
    for problem in std::fs::read_dir(&root).expect("fixture problems") {
        let dir = problem.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&dir).unwrap() {
            let path = file.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if name.starts_with("ac_") && (name.ends_with(".cpp") || name.ends_with(".c")) {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// `()`, `[]`, `{}` balanced, with comments, strings and chars skipped by a scanner of its
/// own (not the crate's lexer, which is under test).
fn balanced(src: &str) -> bool {
    let b = src.as_bytes();
    let (mut i, mut stack) = (0, Vec::new());
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                    i += 1;
                }
                i += 1;
            }
            q @ (b'"' | b'\'') => {
                i += 1;
                while i < b.len() && b[i] != q {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
            }
            c @ (b'(' | b'[' | b'{') => stack.push(c),
            c @ (b')' | b']' | b'}') => {
                let open = match c {
                    b')' => b'(',
                    b']' => b'[',
                    _ => b'{',
                };
                if stack.pop() != Some(open) {
                    return false;
                }
            }
            _ => {}
        }
        i += 1;
    }
    stack.is_empty()
}

#[test]
fn every_accepted_fixture_yields_many_sane_mutants() {
    let files = accepted_solutions();
    assert!(files.len() >= 12, "found only {files:?}");
    for path in files {
        let src = std::fs::read_to_string(&path).unwrap();
        assert!(balanced(&src), "{} itself unbalanced", path.display());
        let all = mutants(&src);
        let keys: HashSet<String> = all.iter().map(|m| normalize(&m.source)).collect();
        assert_eq!(keys.len(), all.len(), "{}", path.display());
        assert!(
            all.len() >= 20,
            "{}: only {} mutants",
            path.display(),
            all.len()
        );
        assert!(!keys.contains(&normalize(&src)));
        let lines = src.lines().count();
        for m in &all {
            assert!(
                balanced(&m.source),
                "{}: {} unbalanced",
                path.display(),
                m.description
            );
            assert!(m.line >= 1 && m.line <= lines, "{}", m.description);
            assert!(m.description.starts_with(&format!("line {}: `", m.line)));
            // Comment lines survive every mutation.
            for comment in src.lines().filter(|l| l.trim_start().starts_with("//")) {
                assert!(
                    m.source.contains(comment),
                    "{} lost a comment",
                    m.description
                );
            }
        }
    }
}

#[test]
fn balance_check_can_fail() {
    assert!(balanced("int main() { if (a[(i)]) {} }"));
    assert!(balanced("char c = ')'; // (\n"));
    assert!(!balanced("int main() { if (a[i) {} }"));
    assert!(!balanced("int main() { return 0;"));
}
