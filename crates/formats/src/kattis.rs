//! Kattis / ICPC problem packages (problemtools layout): problem.yaml, data/sample,
//! data/secret with scored groups and testdata.yaml, output_validators/, include/.

use crate::{FormatError, Overrides, Package, PackageChecker, PackageTest, SourceFile, read};
use serde_yaml_ng::Value;
use sieve_domain::{Checker, Language, Limits, Subtask, TestKind};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

const KNOWN_TOP: &[&str] = &[
    "name",
    "author",
    "source",
    "source_url",
    "license",
    "rights_owner",
    "type",
    "validation",
    "validator_flags",
    "limits",
    "grading",
    "keywords",
    "uuid",
    "languages",
    "problem_format_version",
    "credits",
    "scoring",
];
const KNOWN_LIMITS: &[&str] = &[
    "time_multiplier",
    "time_safety_margin",
    "memory",
    "output",
    "code",
    "compilation_time",
    "compilation_memory",
    "validation_time",
    "validation_memory",
    "validation_output",
    "time_limit",
    "time_multipliers_ignored",
];

fn yaml(path: &Path) -> Result<Value, FormatError> {
    if !path.exists() {
        return Ok(Value::Null);
    }
    let text = read(path)?;
    serde_yaml_ng::from_slice(&text).map_err(|e| FormatError::Invalid {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}

fn keys(v: &Value) -> Vec<String> {
    v.as_mapping()
        .map(|m| {
            m.keys()
                .filter_map(|k| k.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

fn number(v: &Value) -> Option<f64> {
    v.as_f64().or_else(|| v.as_str()?.trim().parse().ok())
}

/// Reads a Kattis problem package directory.
pub fn load_kattis(dir: &Path, overrides: &Overrides) -> Result<Package, FormatError> {
    let meta = yaml(&dir.join("problem.yaml"))?;
    if meta.is_null() && !dir.join("data").is_dir() {
        return Err(FormatError::Invalid {
            path: dir.to_path_buf(),
            message: "not a Kattis package: no problem.yaml and no data/".into(),
        });
    }
    let mut warnings = Vec::new();
    for k in keys(&meta) {
        if !KNOWN_TOP.contains(&k.as_str()) {
            warnings.push(format!("problem.yaml: unknown key {k:?} ignored"));
        }
    }
    let limits_yaml = meta.get("limits").cloned().unwrap_or(Value::Null);
    for k in keys(&limits_yaml) {
        if !KNOWN_LIMITS.contains(&k.as_str()) {
            warnings.push(format!("problem.yaml: unknown key limits.{k} ignored"));
        }
    }
    let limits = limits_from(&limits_yaml, overrides, &mut warnings);
    let checker = checker_from(dir, &meta, &mut warnings)?;
    let mut builder = Builder::default();
    builder.add_plain(dir, "sample", TestKind::Public)?;
    let secret = dir.join("data/secret");
    let mut groups: Vec<PathBuf> = std::fs::read_dir(&secret)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    groups.sort();
    let mut subtasks = Vec::new();
    if groups.is_empty() {
        let tests = builder.add_plain(dir, "secret", TestKind::Hidden)?;
        let root = yaml(&secret.join("testdata.yaml"))?;
        let points = range_max(&root).unwrap_or(100.0);
        subtasks.push(Subtask {
            name: "secret".into(),
            points,
            tests,
            contains: vec![],
        });
    } else {
        for g in &groups {
            let name = g
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("group")
                .to_string();
            let tests = builder.add_dir(dir, g, TestKind::Hidden)?;
            if g.read_dir()
                .map(|mut r| r.any(|e| e.is_ok_and(|e| e.path().is_dir())))
                .unwrap_or(false)
            {
                warnings.push(format!(
                    "data/secret/{name}: nested groups are not supported; their tests are ignored"
                ));
            }
            let td = yaml(&g.join("testdata.yaml"))?;
            let flags = td.get("grader_flags").and_then(Value::as_str).unwrap_or("");
            if !flags.split_whitespace().any(|f| f == "min") {
                warnings.push(format!(
                    "data/secret/{name}: grader_flags {flags:?} (sum aggregation) is scored as all-or-nothing (min)"
                ));
            }
            let points = td
                .get("accept_score")
                .and_then(number)
                .or_else(|| range_max(&td))
                .unwrap_or_else(|| {
                    warnings.push(format!(
                        "data/secret/{name}: no accept_score or range: worth 0 points"
                    ));
                    0.0
                });
            subtasks.push(Subtask {
                name,
                points,
                tests,
                contains: vec![],
            });
        }
    }
    mark_containment(&mut subtasks);
    let grader = grader_files(dir)?;
    for ignored in [
        "input_validators",
        "input_format_validators",
        "generators",
        "submissions",
    ] {
        if dir.join(ignored).is_dir() {
            warnings.push(format!("{ignored}/ is not used when judging"));
        }
    }
    Ok(Package {
        name: dir
            .canonicalize()
            .ok()
            .and_then(|p| p.file_name()?.to_str().map(String::from))
            .unwrap_or_else(|| "problem".into()),
        limits,
        checker,
        tests: builder.tests,
        subtasks,
        grader,
        warnings,
    })
}

fn range_max(td: &Value) -> Option<f64> {
    td.get("range")?
        .as_str()?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn limits_from(y: &Value, overrides: &Overrides, warnings: &mut Vec<String>) -> Limits {
    let mut limits = Limits {
        memory_bytes: 1024 << 20,
        ..Limits::default()
    };
    let explicit = y
        .get("time_limit")
        .and_then(number)
        .map(|s| (s * 1000.0).round() as u64);
    limits.time_ms = match (overrides.time_ms, explicit) {
        (Some(t), _) => t,
        (None, Some(t)) => t,
        (None, None) => {
            let mult = y.get("time_multiplier").and_then(number).unwrap_or(2.0);
            warnings.push(format!(
                "problem.yaml sets no time limit (Kattis derives it from the accepted submissions x time_multiplier {mult}): using {} ms; pass --time-limit",
                limits.time_ms
            ));
            limits.time_ms
        }
    };
    match (overrides.memory_bytes, y.get("memory").and_then(number)) {
        (Some(m), _) => limits.memory_bytes = m,
        (None, Some(mib)) => limits.memory_bytes = (mib as u64) << 20,
        (None, None) => warnings.push("problem.yaml sets no memory limit: using 1024 MiB".into()),
    }
    if let Some(mib) = y.get("output").and_then(number) {
        limits.output_bytes = (mib as u64) << 20;
    }
    limits
}

fn checker_from(
    dir: &Path,
    meta: &Value,
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
    if validation.split_whitespace().next() == Some("custom") {
        if validation.contains("interactive") {
            warnings.push("interactive problems are not supported yet: judged as batch".into());
        }
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
                message: "no C or C++ validator source".into(),
            });
        }
        return Ok(PackageChecker::Custom {
            kattis: true,
            language,
            files,
        });
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
        .unwrap_or("");
    let words: Vec<&str> = flags.split_whitespace().collect();
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
        PackageChecker::Builtin(Checker::Float {
            abs: abs.unwrap_or(0.0),
            rel: rel.unwrap_or(0.0),
        })
    } else if words.contains(&"space_change_sensitive") {
        PackageChecker::Builtin(Checker::Exact)
    } else if words.contains(&"case_sensitive") {
        PackageChecker::Builtin(Checker::Tokens)
    } else {
        // Kattis's default output validator ignores case unless told otherwise.
        PackageChecker::Builtin(Checker::CaseInsensitive)
    })
}

/// C/C++ sources under `dir` (recursively), the language of the first `.cpp`/`.c`.
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
    let mut language = None;
    let mut files = Vec::new();
    for p in paths {
        let name = p
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_string();
        let lang = Language::from_extension(&name);
        if lang.is_some() || name.ends_with(".h") || name.ends_with(".hpp") {
            language = language.or(lang);
            files.push(SourceFile {
                source: read(&p)?,
                name,
            });
        }
    }
    let language = language.unwrap_or(Language::Cpp17);
    Ok((language, files))
}

fn grader_files(dir: &Path) -> Result<Vec<SourceFile>, FormatError> {
    let mut files = Vec::new();
    for sub in ["include/default", "include/cpp", "include/c++", "include/c"] {
        let d = dir.join(sub);
        if d.is_dir() {
            files.extend(sources_under(&d)?.1);
        }
    }
    Ok(files)
}

/// Subtask A contains B when B's tests are a subset of A's (the usual shape of olympiad groups,
/// where a later group reuses the earlier groups' tests).
fn mark_containment(subtasks: &mut [Subtask]) {
    let sets: Vec<std::collections::HashSet<usize>> = subtasks
        .iter()
        .map(|s| s.tests.iter().copied().collect())
        .collect();
    for (a, sub) in subtasks.iter_mut().enumerate() {
        sub.contains = (0..sets.len())
            .filter(|&b| {
                b != a && !sets[b].is_empty() && sets[b].is_subset(&sets[a]) && sets[b] != sets[a]
            })
            .collect();
    }
}

/// The file a test path stands for: symlinks are followed, and so are the text files that git
/// writes in place of symlinks where it cannot make them (a file holding only a relative path
/// to an existing file with the same extension).
fn resolve_link(path: &Path) -> Result<PathBuf, FormatError> {
    let mut current = path.canonicalize().map_err(|source| FormatError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    for _ in 0..8 {
        let Ok(meta) = std::fs::metadata(&current) else {
            break;
        };
        if meta.len() > 1024 {
            break;
        }
        let text = read(&current)?;
        let Ok(target) = std::str::from_utf8(&text).map(str::trim) else {
            break;
        };
        let looks_like_link = !target.is_empty()
            && !target.contains(char::is_whitespace)
            && Path::new(target).extension() == current.extension();
        let next = current.parent().map(|d| d.join(target));
        match next.filter(|n| looks_like_link && n.is_file()) {
            Some(n) => {
                current = n.canonicalize().map_err(|source| FormatError::Io {
                    path: n.clone(),
                    source,
                })?
            }
            None => break,
        }
    }
    Ok(current)
}

#[derive(Default)]
struct Builder {
    tests: Vec<PackageTest>,
    by_file: HashMap<PathBuf, usize>,
}

impl Builder {
    fn add_plain(
        &mut self,
        root: &Path,
        sub: &str,
        kind: TestKind,
    ) -> Result<Vec<usize>, FormatError> {
        let d = root.join("data").join(sub);
        if d.is_dir() {
            self.add_dir(root, &d, kind)
        } else {
            Ok(vec![])
        }
    }

    /// Adds the `*.in` files of `dir`; a file reached through several links is one test.
    fn add_dir(
        &mut self,
        root: &Path,
        dir: &Path,
        kind: TestKind,
    ) -> Result<Vec<usize>, FormatError> {
        let mut ins: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|source| FormatError::Io {
                path: dir.to_path_buf(),
                source,
            })?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "in"))
            .collect();
        ins.sort();
        let data = root
            .join("data")
            .canonicalize()
            .unwrap_or_else(|_| root.join("data"));
        let mut ids = Vec::new();
        for p in ins {
            let real = resolve_link(&p)?;
            if let Some(&i) = self.by_file.get(&real) {
                ids.push(i);
                continue;
            }
            let ans = real.with_extension("ans");
            let name = real
                .strip_prefix(&data)
                .unwrap_or(&real)
                .with_extension("")
                .display()
                .to_string();
            let kind = if name.starts_with("sample/") {
                TestKind::Public
            } else {
                kind
            };
            self.tests.push(PackageTest {
                name,
                kind,
                input: read(&real)?,
                answer: if ans.exists() {
                    Some(read(&ans)?)
                } else {
                    None
                },
            });
            self.by_file.insert(real, self.tests.len() - 1);
            ids.push(self.tests.len() - 1);
        }
        Ok(ids)
    }
}
