//! Codeforces Polygon packages: `problem.xml` (the `tests` testset: limits, path patterns, tests
//! with `sample`, `group` and `points`; `<groups>` with points policies and dependencies; the
//! checker and grader resources) and the test files it names.
//!
//! Scoring follows Polygon: with groups, see [`groups`]; without groups, tests that carry
//! points count on their own (one subtask per test worth its points), and a package with
//! neither points nor groups (ICPC style) becomes one all-or-nothing subtask worth 100 over the
//! non-sample tests. Samples are public tests, all others hidden. Standard checkers become
//! built-in comparisons, other checkers are compiled as testlib checkers with the package's
//! headers. Interactors, file I/O, other testsets and tests generated without a file on disk
//! (packages not built as "full") are reported in the warnings.

mod groups;
mod programs;

use crate::{FormatError, Overrides, Package, PackageTest, read};
use groups::TestSpec;
use roxmltree::Node;
use sieve_domain::{Limits, TestKind};
use std::path::{Component, Path, PathBuf};

const TEST_ATTRIBUTES: &[&str] = &[
    "method",
    "cmd",
    "sample",
    "group",
    "points",
    "description",
    "from-file",
];

fn invalid(path: &Path, message: impl Into<String>) -> FormatError {
    FormatError::Invalid {
        path: path.to_path_buf(),
        message: message.into(),
    }
}

/// `rel` under `dir`, refusing paths that climb out of the package.
pub(super) fn within(dir: &Path, rel: &str) -> Result<PathBuf, FormatError> {
    let p = Path::new(rel);
    if p.components()
        .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return Err(invalid(
            &dir.join("problem.xml"),
            format!("{rel}: leads outside the package"),
        ));
    }
    Ok(dir.join(p))
}

/// `printf` formatting of a path pattern (`tests/%02d`) for test `n`.
fn format_pattern(pattern: &str, n: usize) -> String {
    let mut out = String::new();
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut spec = String::new();
        while let Some(d) = chars.next_if(char::is_ascii_digit) {
            spec.push(d);
        }
        let width: usize = spec.parse().unwrap_or(0);
        match chars.next() {
            Some('d') if spec.starts_with('0') => out.push_str(&format!("{n:0width$}")),
            Some('d') => out.push_str(&format!("{n:width$}")),
            Some('%') => out.push('%'),
            other => {
                out.push('%');
                out.push_str(&spec);
                out.extend(other);
            }
        }
    }
    out
}

fn child<'a, 'i>(n: Node<'a, 'i>, tag: &str) -> Option<Node<'a, 'i>> {
    n.children().find(|c| c.has_tag_name(tag))
}

fn text<'a>(n: Node<'a, '_>, tag: &str) -> Option<&'a str> {
    child(n, tag)?.text().map(str::trim)
}

/// Reads a Polygon package directory (unpacked, with `problem.xml` at its root).
pub fn load_polygon(dir: &Path, overrides: &Overrides) -> Result<Package, FormatError> {
    let path = dir.join("problem.xml");
    let xml = String::from_utf8(read(&path)?).map_err(|_| invalid(&path, "not UTF-8"))?;
    let doc = roxmltree::Document::parse(&xml).map_err(|e| invalid(&path, e.to_string()))?;
    let root = doc.root_element();
    if !root.has_tag_name("problem") {
        return Err(invalid(&path, "the root element is not <problem>"));
    }
    let judging = child(root, "judging").ok_or_else(|| invalid(&path, "no <judging>"))?;
    let mut warnings = Vec::new();
    for attr in ["input-file", "output-file"] {
        if let Some(f) = judging.attribute(attr).filter(|f| !f.is_empty()) {
            warnings.push(format!(
                "{attr}=\"{f}\" (file I/O) is not supported: programs use stdin and stdout"
            ));
        }
    }
    if judging.attribute("run-count").is_some_and(|c| c != "1") {
        warnings.push("run-count > 1 (run-twice problems) is not supported: run once".into());
    }
    let testsets: Vec<Node> = judging
        .children()
        .filter(|n| n.has_tag_name("testset"))
        .collect();
    let testset = testsets
        .iter()
        .find(|t| t.attribute("name") == Some("tests"))
        .or(testsets.first())
        .copied()
        .ok_or_else(|| invalid(&path, "no <testset>"))?;
    for t in &testsets {
        if *t != testset {
            warnings.push(format!(
                "testset {:?} not used (only {:?} is judged)",
                t.attribute("name").unwrap_or(""),
                testset.attribute("name").unwrap_or("")
            ));
        }
    }
    let limits = limits(testset, overrides, &mut warnings);
    let specs = test_specs(testset, &mut warnings);
    let (tests, loaded) = load_tests(dir, testset, &specs, &mut warnings)?;
    if tests.is_empty() {
        return Err(invalid(&path, "no test could be read"));
    }
    let subtasks = groups::subtasks(&specs, &loaded, child(testset, "groups"), &mut warnings);
    let checker = programs::checker(dir, root, &mut warnings)?;
    let checker = programs::interactor(dir, root, checker, &mut warnings)?;
    let grader = programs::graders(dir, root, &mut warnings)?;
    let mut submissions = Vec::new();
    for s in child(root, "assets")
        .and_then(|a| child(a, "solutions"))
        .into_iter()
        .flat_map(|s| s.children().filter(|c| c.has_tag_name("solution")))
    {
        let (Some(tag), Some(path)) = (
            s.attribute("tag"),
            child(s, "source").and_then(|src| src.attribute("path")),
        ) else {
            continue;
        };
        submissions.extend(crate::submissions::polygon(dir, path, tag, &mut warnings)?);
    }
    crate::checked(
        Package {
            name: root
                .attribute("short-name")
                .map(String::from)
                .or_else(|| Some(dir.canonicalize().ok()?.file_name()?.to_str()?.to_string()))
                .unwrap_or_else(|| "problem".into()),
            limits,
            checker,
            tests,
            subtasks,
            grader,
            warnings,
            recipe: None,
            submissions,
        },
        dir,
    )
}

fn limits(testset: Node, overrides: &Overrides, warnings: &mut Vec<String>) -> Limits {
    let mut limits = Limits::default();
    let time = text(testset, "time-limit").and_then(|t| t.parse::<u64>().ok());
    match (overrides.time_ms, time) {
        (Some(t), _) | (None, Some(t)) => limits.time_ms = t,
        (None, None) => warnings.push(format!("no <time-limit>: using {} ms", limits.time_ms)),
    }
    let memory = text(testset, "memory-limit").and_then(|t| t.parse::<u64>().ok());
    match (overrides.memory_bytes, memory) {
        (Some(m), _) | (None, Some(m)) => limits.memory_bytes = m,
        (None, None) => warnings.push(format!(
            "no <memory-limit>: using {} MiB",
            limits.memory_bytes >> 20
        )),
    }
    limits
}

fn test_specs(testset: Node, warnings: &mut Vec<String>) -> Vec<TestSpec> {
    let declared: Vec<Node> = child(testset, "tests")
        .into_iter()
        .flat_map(|t| t.children())
        .filter(|n| n.has_tag_name("test"))
        .collect();
    let count = text(testset, "test-count").and_then(|c| c.parse::<usize>().ok());
    if let Some(c) = count.filter(|c| *c != declared.len() && !declared.is_empty()) {
        warnings.push(format!(
            "<test-count> is {c} but {} tests are listed: using the list",
            declared.len()
        ));
    }
    if declared.is_empty() {
        return (1..=count.unwrap_or(0))
            .map(|number| TestSpec {
                number,
                sample: false,
                group: None,
                points: None,
                generated: None,
            })
            .collect();
    }
    let mut unknown: Vec<&str> = Vec::new();
    let specs = declared
        .iter()
        .enumerate()
        .map(|(i, t)| {
            for a in t.attributes() {
                if !TEST_ATTRIBUTES.contains(&a.name()) && !unknown.contains(&a.name()) {
                    unknown.push(a.name());
                }
            }
            TestSpec {
                number: i + 1,
                sample: t.attribute("sample") == Some("true"),
                group: t
                    .attribute("group")
                    .filter(|g| !g.is_empty())
                    .map(String::from),
                points: t.attribute("points").and_then(|p| p.trim().parse().ok()),
                generated: (t.attribute("method") == Some("generated"))
                    .then(|| t.attribute("cmd").unwrap_or("").to_string()),
            }
        })
        .collect();
    if !unknown.is_empty() {
        warnings.push(format!("<test> attributes ignored: {}", unknown.join(", ")));
    }
    specs
}

type Loaded = (Vec<PackageTest>, Vec<Option<usize>>);

fn load_tests(
    dir: &Path,
    testset: Node,
    specs: &[TestSpec],
    warnings: &mut Vec<String>,
) -> Result<Loaded, FormatError> {
    let pattern = |tag: &str, default: &str, warnings: &mut Vec<String>| {
        text(testset, tag).map(String::from).unwrap_or_else(|| {
            warnings.push(format!("no <{tag}>: assuming {default}"));
            default.to_string()
        })
    };
    let input_pattern = pattern("input-path-pattern", "tests/%02d", warnings);
    let answer_pattern = pattern("answer-path-pattern", "tests/%02d.a", warnings);
    let (mut tests, mut loaded) = (Vec::new(), Vec::new());
    let (mut generated, mut missing, mut no_answer) = (Vec::new(), Vec::new(), Vec::new());
    for s in specs {
        let input_rel = format_pattern(&input_pattern, s.number);
        let input = within(dir, &input_rel)?;
        if !input.is_file() {
            match &s.generated {
                Some(cmd) => generated.push(format!("{} ({cmd})", s.number)),
                None => missing.push(s.number.to_string()),
            }
            loaded.push(None);
            continue;
        }
        let answer = within(dir, &format_pattern(&answer_pattern, s.number))?;
        let answer = if answer.is_file() {
            Some(read(&answer)?)
        } else {
            no_answer.push(s.number.to_string());
            None
        };
        loaded.push(Some(tests.len()));
        tests.push(PackageTest {
            name: Path::new(&input_rel)
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or(&input_rel)
                .to_string(),
            kind: if s.sample {
                TestKind::Public
            } else {
                TestKind::Hidden
            },
            input: read(&input)?,
            answer,
        });
    }
    if !generated.is_empty() {
        warnings.push(format!(
            "tests generated by Polygon with no file in the package (download the \"full\" package): skipped: {}",
            generated.join(", ")
        ));
    }
    if !missing.is_empty() {
        warnings.push(format!(
            "test inputs missing: skipped: {}",
            missing.join(", ")
        ));
    }
    if !no_answer.is_empty() {
        warnings.push(format!(
            "tests without an answer file, run for behaviour only: {}",
            no_answer.join(", ")
        ));
    }
    Ok((tests, loaded))
}
