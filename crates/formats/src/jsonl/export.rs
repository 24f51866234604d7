//! A problem written as one JSONL line that [`super::parse_jsonl_line`] reads back equal.

use super::programs::{Custom, File, JsonChecker};
use super::record::{Group, JsonSubtask};
use crate::{Package, PackageChecker, PackageTest};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use serde_json::{Value, json};
use sieve_domain::{Checker, TestKind};

fn group(tests: &[&PackageTest]) -> Group {
    // Text when every byte string is UTF-8; otherwise the whole group in base64.
    let text = tests.iter().all(|t| {
        std::str::from_utf8(&t.input).is_ok()
            && t.answer
                .as_ref()
                .is_none_or(|a| std::str::from_utf8(a).is_ok())
    });
    let enc = |b: &[u8]| {
        if text {
            String::from_utf8_lossy(b).into_owned()
        } else {
            B64.encode(b)
        }
    };
    Group {
        input: tests.iter().map(|t| enc(&t.input)).collect(),
        output: tests.iter().map(|t| t.answer.as_deref().map(enc)).collect(),
        name: tests.iter().map(|t| t.name.clone()).collect(),
        encoding: (!text).then(|| "base64".to_string()),
    }
}

fn file(name: &str, data: &[u8]) -> File {
    match std::str::from_utf8(data) {
        Ok(s) => File {
            name: name.into(),
            source: Some(s.into()),
            base64: None,
        },
        Err(_) => File {
            name: name.into(),
            source: None,
            base64: Some(B64.encode(data)),
        },
    }
}

fn checker(c: &PackageChecker) -> JsonChecker {
    let custom = |p: &crate::CheckerSource| Custom {
        language: p.language.name().into(),
        files: p.files.iter().map(|f| file(&f.name, &f.source)).collect(),
    };
    match c {
        Checker::Exact => JsonChecker::Exact,
        Checker::Tokens => JsonChecker::Tokens,
        Checker::CaseInsensitive => JsonChecker::CaseInsensitive,
        Checker::Float { abs, rel } => JsonChecker::Float {
            abs: *abs,
            rel: *rel,
        },
        Checker::Testlib { program } => JsonChecker::Testlib(custom(program)),
        Checker::Kattis { program } => JsonChecker::Kattis(custom(program)),
        Checker::Cms { program } => JsonChecker::Cms(custom(program)),
        Checker::Interactive { program } => JsonChecker::Interactive(custom(program)),
        Checker::TestlibInteractive { program, then } => {
            let c = custom(program);
            JsonChecker::TestlibInteractive {
                language: c.language,
                files: c.files,
                then: then.as_ref().map(|t| Box::new(checker(t))),
            }
        }
        Checker::Communication {
            program,
            processes,
            user_io,
            then,
        } => {
            let c = custom(program);
            JsonChecker::Communication {
                language: c.language,
                files: c.files,
                processes: *processes,
                user_io: *user_io,
                then: then.as_ref().map(|t| Box::new(checker(t))),
            }
        }
    }
}

/// `package` as one line of JSON (no newline), under the short name `slug`.
pub fn to_jsonl(package: &Package, slug: &str) -> String {
    let of = |k: TestKind| -> Vec<&PackageTest> {
        package.tests.iter().filter(|t| t.kind == k).collect()
    };
    let names = |idx: &[usize]| -> Vec<String> {
        idx.iter().map(|i| package.tests[*i].name.clone()).collect()
    };
    let subtasks: Vec<JsonSubtask> = package
        .subtasks
        .iter()
        .map(|s| JsonSubtask {
            name: s.name.clone(),
            points: s.points,
            tests: names(&s.tests),
            contains: s
                .contains
                .iter()
                .map(|c| package.subtasks[*c].name.clone())
                .collect(),
        })
        .collect();
    let l = &package.limits;
    let line: Value = json!({
        "name": package.name,
        "slug": slug,
        "time_limit": { "seconds": l.time_ms / 1000, "nanos": (l.time_ms % 1000) * 1_000_000 },
        "memory_limit_bytes": l.memory_bytes,
        "output_limit_bytes": l.output_bytes,
        "public_tests": group(&of(TestKind::Public)),
        "private_tests": group(&of(TestKind::Hidden)),
        "generated_tests": group(&of(TestKind::Generated)),
        "checker": checker(&package.checker),
        "subtasks": subtasks,
        "graders": package.grader.iter().map(|f| file(&f.name, &f.source)).collect::<Vec<_>>(),
    });
    line.to_string()
}
