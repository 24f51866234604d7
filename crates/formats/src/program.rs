use crate::FormatError;
use sieve_domain::{GenProgram, Language};
use std::path::Path;

/// A generator or validator named by a spec line `SOURCE [ARGS...]` (the source relative to
/// `dir`), as a program named after the source's stem and its arguments: `random.cpp 1200` is
/// `random-1200`, run as `random-1200 1200 SEED`.
pub fn program_from_spec(dir: &Path, spec: &str) -> Result<GenProgram, FormatError> {
    let mut words = spec.split_whitespace();
    let path = &dir.join(words.next().ok_or_else(|| FormatError::Invalid {
        path: dir.to_path_buf(),
        message: "an empty program".into(),
    })?);
    let args: Vec<String> = words.map(String::from).collect();
    let mut name = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("program")
        .to_string();
    for a in &args {
        name.push('-');
        name.extend(a.chars().map(|c| {
            if c.is_ascii_alphanumeric() || c == '=' {
                c
            } else {
                '_'
            }
        }));
    }
    let language =
        Language::from_extension(&path.to_string_lossy()).ok_or_else(|| FormatError::Invalid {
            path: path.clone(),
            message: "not a .c, .cpp or .py source".into(),
        })?;
    let source = std::fs::read_to_string(path).map_err(|source| FormatError::Io {
        path: path.clone(),
        source,
    })?;
    Ok(GenProgram {
        name,
        language,
        source,
        args,
    })
}
