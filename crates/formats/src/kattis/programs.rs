//! The programs a package ships: its output validator (or the default validator's flags), and
//! the grader sources compiled with every candidate.

use crate::{FormatError, PackageChecker, SourceFile, read};
use serde_yaml_ng::Value;
use sieve_domain::{Checker, Language};
use std::path::Path;

/// The output validator's arguments of the 2023-07 draft and 2025-09: `output_validator_args` in
/// the `test_group.yaml` (or `testdata.yaml`) of `data/` or else of `data/secret/`, as words.
fn validator_args(dir: &Path) -> Result<Option<Vec<String>>, FormatError> {
    for d in ["data", "data/secret"] {
        for f in ["test_group.yaml", "testdata.yaml"] {
            let y = super::yaml(&dir.join(d).join(f))?;
            match y.get("output_validator_args") {
                Some(Value::Sequence(list)) => {
                    return Ok(Some(
                        list.iter()
                            .filter_map(|v| match v {
                                Value::String(s) => Some(s.clone()),
                                Value::Number(n) => Some(n.to_string()),
                                _ => None,
                            })
                            .collect(),
                    ));
                }
                Some(Value::String(s)) => {
                    return Ok(Some(s.split_whitespace().map(String::from).collect()));
                }
                _ => {}
            }
        }
    }
    Ok(None)
}

/// The package's checker: its output validator (`validation: custom` in the legacy format; in
/// the 2023-07 draft and 2025-09, `output_validator/` being there, or `type: interactive`), else
/// the default validator with its flags (legacy `validator_flags`, later `output_validator_args`).
pub(super) fn checker_from(
    dir: &Path,
    meta: &Value,
    current: bool,
    warnings: &mut Vec<String>,
) -> Result<PackageChecker, FormatError> {
    let validation = meta
        .get("validation")
        .and_then(Value::as_str)
        .unwrap_or("default");
    let vdir = ["output_validators", "output_validator"]
        .iter()
        .map(|d| dir.join(d))
        .find(|d| d.is_dir());
    // The 2023-07 format says `type: interactive` (or a list of types); the legacy one puts
    // the same words after `validation: custom`.
    let types = super::problem_types(meta);
    let said = |word: &str| {
        types.iter().any(|t| t == word) || validation.split_whitespace().any(|w| w == word)
    };
    for kind in ["multi-pass", "submit-answer"] {
        if said(kind) {
            return Err(FormatError::Unsupported {
                path: dir.join("problem.yaml"),
                message: format!(
                    "a {kind} problem cannot be judged by sieve: refused rather than judged as \
                     pass-fail"
                ),
            });
        }
    }
    let args = if current { validator_args(dir)? } else { None };
    let custom = validation.split_whitespace().next() == Some("custom")
        || said("interactive")
        || (current && vdir.is_some());
    if custom {
        if let Some(v) = vdir.as_ref().filter(|v| v.join("run").is_file()) {
            return Err(FormatError::Unsupported {
                path: v.join("run"),
                message: "an output validator run through its own script: sieve runs the \
                          validator's sources under the format's protocol, not scripts"
                    .into(),
            });
        }
        if args.as_ref().is_some_and(|a| !a.is_empty()) {
            warnings
                .push("output_validator_args are not passed to a custom output validator".into());
        }
        let interactive = said("interactive");
        let Some(vdir) = vdir else {
            return Err(FormatError::Invalid {
                path: dir.join("problem.yaml"),
                message: "validation: custom, but there is no output_validators/ directory".into(),
            });
        };
        let (language, files) = sources_under(&vdir)?;
        if files.is_empty() {
            return Err(FormatError::Invalid {
                path: vdir,
                message: "no C, C++ or Python validator source".into(),
            });
        }
        return Ok(PackageChecker::custom(
            if interactive {
                sieve_domain::CheckerProtocol::Interactive
            } else {
                sieve_domain::CheckerProtocol::Kattis
            },
            crate::CheckerSource { language, files },
        ));
    }
    if vdir.is_some() {
        warnings.push(
            "output_validators/ present but validation is default: the default validator is used"
                .into(),
        );
    }
    let flags = meta
        .get("validator_flags")
        .and_then(Value::as_str)
        .map(|f| f.split_whitespace().map(String::from).collect::<Vec<_>>());
    let words: Vec<String> = flags.or(args).unwrap_or_default();
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    let value = |name: &str| {
        words
            .iter()
            .position(|w| *w == name)
            .and_then(|i| words.get(i + 1)?.parse::<f64>().ok())
    };
    let (abs, rel) = match value("float_tolerance") {
        Some(t) => (Some(t), Some(t)),
        None => (
            value("float_absolute_tolerance"),
            value("float_relative_tolerance"),
        ),
    };
    Ok(if abs.is_some() || rel.is_some() {
        Checker::Float {
            abs: abs.unwrap_or(0.0),
            rel: rel.unwrap_or(0.0),
        }
    } else if words.contains(&"space_change_sensitive") {
        Checker::Exact
    } else if words.contains(&"case_sensitive") {
        Checker::Tokens
    } else {
        // Kattis's default output validator ignores case unless told otherwise.
        Checker::CaseInsensitive
    })
}

/// C, C++ and Python sources under `dir` (recursively), and the language of the program: a C or
/// C++ one when there is one, else Python.
fn sources_under(dir: &Path) -> Result<(Language, Vec<SourceFile>), FormatError> {
    let mut paths = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d)
            .map_err(|source| FormatError::Io {
                path: d.clone(),
                source,
            })?
            .flatten()
        {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                paths.push(p);
            }
        }
    }
    paths.sort();
    let mut files = Vec::new();
    for p in paths {
        let name = p
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_string();
        if Language::from_extension(&name).is_some()
            || name.ends_with(".h")
            || name.ends_with(".hpp")
        {
            files.push(SourceFile {
                source: read(&p)?,
                name,
            });
        }
    }
    // A C or C++ source is the program when there is one, as before Python was judged.
    let languages: Vec<Language> = files
        .iter()
        .filter_map(|f| Language::from_extension(&f.name))
        .collect();
    let language = languages
        .iter()
        .find(|l| l.is_compiled())
        .or(languages.first())
        .copied()
        .unwrap_or(Language::Cpp17);
    Ok((language, files))
}

pub(super) fn grader_files(dir: &Path) -> Result<Vec<SourceFile>, FormatError> {
    let mut files = Vec::new();
    for sub in ["include/default", "include/cpp", "include/c++", "include/c"] {
        let d = dir.join(sub);
        if d.is_dir() {
            files.extend(sources_under(&d)?.1);
        }
    }
    Ok(files)
}
