//! CodeContests' `solutions` and `incorrect_solutions`: parallel lists of languages (its enum,
//! or sieve's language names) and sources, kept as candidates when sieve judges the language.

use super::PackageCandidate;
use serde::Deserialize;
use serde_json::{Map, Value};
use sieve_domain::Language;

#[derive(Debug, Default, Deserialize)]
pub(super) struct Solutions {
    #[serde(default)]
    language: Vec<Value>,
    #[serde(default)]
    solution: Vec<String>,
}

/// A file: text in `source`, or bytes in `base64`.
fn language_of(v: &Value) -> Result<Language, String> {
    match v {
        // CodeContests' enum: 0 unknown, 1 Python 2, 2 C++, 3 Python 3, 4 Java.
        Value::Number(n) => match n.as_u64() {
            Some(2) => Ok(Language::Cpp17),
            Some(1) => Err("python2".into()),
            Some(3) => Err("python3".into()),
            Some(4) => Err("java".into()),
            _ => Err(format!("language {n}")),
        },
        Value::String(s) => s.parse().map_err(|_| s.to_lowercase()),
        other => Err(other.to_string()),
    }
}

pub(super) fn candidates(
    s: &Solutions,
    origin: &str,
    out: &mut Vec<PackageCandidate>,
    skipped: &mut Map<String, Value>,
) {
    for (index, source) in s.solution.iter().enumerate() {
        match s.language.get(index).map(language_of) {
            Some(Ok(language)) => out.push(PackageCandidate {
                source: source.clone(),
                language,
                origin: origin.into(),
                index,
            }),
            Some(Err(l)) => {
                let n = skipped.entry(l).or_insert(Value::from(0));
                *n = Value::from(n.as_u64().unwrap_or(0) + 1);
            }
            None => {
                let n = skipped
                    .entry("no language".to_string())
                    .or_insert(Value::from(0));
                *n = Value::from(n.as_u64().unwrap_or(0) + 1);
            }
        }
    }
}
