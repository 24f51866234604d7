//! Plain test folders: `N.in` with `N.out` (or `N.ans`), as the CSES archives ship them. Limits
//! come from the caller; the whole folder is one all-or-nothing subtask worth 100 points.

use crate::{FormatError, Overrides, Package, PackageTest, read};
use sieve_domain::{Checker, Limits, Subtask, TestKind};
use std::path::Path;

/// Reads a folder of `*.in` files with their answers (in `dir` or in `dir/tests`).
pub fn load_folder(dir: &Path, overrides: &Overrides) -> Result<Package, FormatError> {
    let tests_dir = if dir.join("tests").is_dir() {
        dir.join("tests")
    } else {
        dir.to_path_buf()
    };
    let entries = std::fs::read_dir(&tests_dir).map_err(|source| FormatError::Io {
        path: tests_dir.clone(),
        source,
    })?;
    let mut stems: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            e.file_name()
                .to_str()?
                .strip_suffix(".in")
                .map(String::from)
        })
        .collect();
    // Numeric names sort numerically (2 before 10), others by name.
    stems.sort_by(|a, b| match (a.parse::<u64>(), b.parse::<u64>()) {
        (Ok(x), Ok(y)) => x.cmp(&y),
        _ => a.cmp(b),
    });
    let mut warnings = Vec::new();
    let mut tests = Vec::new();
    for stem in stems {
        let input = read(&tests_dir.join(format!("{stem}.in")))?;
        let answer = ["out", "ans"]
            .iter()
            .map(|ext| tests_dir.join(format!("{stem}.{ext}")))
            .find(|p| p.exists())
            .map(|p| read(&p))
            .transpose()?;
        if answer.is_none() {
            warnings.push(format!(
                "test {stem} has no .out or .ans: run for behaviour only"
            ));
        }
        tests.push(PackageTest {
            name: stem,
            kind: TestKind::Hidden,
            input,
            answer,
        });
    }
    if tests.is_empty() {
        return Err(FormatError::Invalid {
            path: tests_dir,
            message: "no *.in files".into(),
        });
    }
    let mut limits = Limits::default();
    match overrides.time_ms {
        Some(t) => limits.time_ms = t,
        None => warnings.push(format!("no time limit given: using {} ms", limits.time_ms)),
    }
    match overrides.memory_bytes {
        Some(m) => limits.memory_bytes = m,
        None => warnings.push(format!(
            "no memory limit given: using {} MiB",
            limits.memory_bytes >> 20
        )),
    }
    crate::checked(
        Package {
            name: dir
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("problem")
                .to_string(),
            limits,
            checker: Checker::Tokens,
            subtasks: vec![Subtask {
                name: "all".into(),
                points: 100.0,
                tests: (0..tests.len()).collect(),
                contains: vec![],
            }],
            tests,
            grader: vec![],
            warnings,
            recipe: None,
            submissions: vec![],
        },
        dir,
    )
}
