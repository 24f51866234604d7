//! CodeContests' `solutions` and `incorrect_solutions`: parallel lists of languages (its enum,
//! or sieve's language names) and sources, kept as candidates when sieve judges the language
//! (C++ and Python 3; Python 2 and Java are counted in a warning).

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
            Some(3) => Ok(Language::Python3),
            Some(4) => Err("java".into()),
            _ => Err(format!("language {n}")),
        },
        // CodeContests names Python 2 `PYTHON`: sieve judges Python 3 only.
        Value::String(s) if ["python", "python2"].contains(&s.to_lowercase().as_str()) => {
            Err("python2".into())
        }
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
