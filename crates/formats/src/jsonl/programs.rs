//! Programs in a line: files as text or base64, and the checker (a built-in comparison, or a
//! custom checker's files with its protocol).

use crate::{CheckerSource, PackageChecker, SourceFile};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use serde::{Deserialize, Serialize};
use sieve_domain::{Checker, CheckerProtocol, Language, MAX_PROCESSES, UserIo};

/// A file: text in `source`, or bytes in `base64`.
#[derive(Debug, Deserialize, Serialize)]
pub(super) struct File {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base64: Option<String>,
}

/// A custom checker: its language and files.
#[derive(Debug, Deserialize, Serialize)]
pub(super) struct Custom {
    pub language: String,
    pub files: Vec<File>,
}

/// The `checker` field: a built-in comparison or a custom checker with its protocol.
#[derive(Debug, Deserialize, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub(super) enum JsonChecker {
    Exact,
    Tokens,
    CaseInsensitive,
    Float {
        abs: f64,
        rel: f64,
    },
    Testlib(Custom),
    Kattis(Custom),
    Cms(Custom),
    /// A Kattis interactor (`validation: custom interactive`).
    Interactive(Custom),
    /// A testlib interactor (Polygon) and the checker of what it writes (absent: the
    /// interactor's verdict alone).
    TestlibInteractive {
        language: String,
        files: Vec<File>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        then: Option<Box<JsonChecker>>,
    },
    /// A CMS Communication manager, with the number of the candidate's processes and how they
    /// reach their channels.
    Communication {
        language: String,
        files: Vec<File>,
        #[serde(default = "one")]
        processes: u32,
        #[serde(default)]
        user_io: UserIo,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        then: Option<Box<JsonChecker>>,
    },
}

fn one() -> u32 {
    1
}

pub(super) fn file_bytes(f: &File) -> Result<Vec<u8>, String> {
    match (&f.source, &f.base64) {
        (Some(s), None) => Ok(s.clone().into_bytes()),
        (None, Some(b)) => B64
            .decode(b)
            .map_err(|e| format!("file {:?}: bad base64: {e}", f.name)),
        _ => Err(format!(
            "file {:?}: give exactly one of source and base64",
            f.name
        )),
    }
}

/// A custom program's language and files.
fn program(language: &str, files: &[File]) -> Result<(Language, Vec<SourceFile>), String> {
    let language: Language = language.parse().map_err(|e| format!("checker: {e}"))?;
    let files = files
        .iter()
        .map(|f| {
            Ok(SourceFile {
                name: f.name.clone(),
                source: file_bytes(f)?,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok((language, files))
}

fn custom(c: &Custom, protocol: CheckerProtocol) -> Result<PackageChecker, String> {
    let (language, files) = program(&c.language, &c.files)?;
    Ok(Checker::custom(protocol, CheckerSource { language, files }))
}

pub(super) fn checker(c: Option<&JsonChecker>) -> Result<PackageChecker, String> {
    Ok(match c {
        None | Some(JsonChecker::Tokens) => Checker::Tokens,
        Some(JsonChecker::Exact) => Checker::Exact,
        Some(JsonChecker::CaseInsensitive) => Checker::CaseInsensitive,
        Some(JsonChecker::Float { abs, rel }) => Checker::Float {
            abs: *abs,
            rel: *rel,
        },
        Some(JsonChecker::Testlib(c)) => custom(c, CheckerProtocol::Testlib)?,
        Some(JsonChecker::Kattis(c)) => custom(c, CheckerProtocol::Kattis)?,
        Some(JsonChecker::Cms(c)) => custom(c, CheckerProtocol::Cms)?,
        Some(JsonChecker::Interactive(c)) => custom(c, CheckerProtocol::Interactive)?,
        Some(JsonChecker::TestlibInteractive {
            language,
            files,
            then,
        }) => {
            let (language, files) = program(language, files)?;
            Checker::TestlibInteractive {
                program: CheckerSource { language, files },
                then: then
                    .as_deref()
                    .map(|t| checker(Some(t)).map(Box::new))
                    .transpose()?,
            }
        }
        Some(JsonChecker::Communication {
            language,
            files,
            processes,
            user_io,
            then,
        }) => {
            if !(1..=MAX_PROCESSES).contains(processes) {
                return Err(format!(
                    "checker: processes must be 1 to {MAX_PROCESSES}, not {processes}"
                ));
            }
            let (language, files) = program(language, files)?;
            Checker::Communication {
                program: CheckerSource { language, files },
                processes: *processes,
                user_io: *user_io,
                then: then
                    .as_deref()
                    .map(|t| checker(Some(t)).map(Box::new))
                    .transpose()?,
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> PackageChecker {
        let c: JsonChecker = serde_json::from_str(json).expect("json");
        checker(Some(&c)).expect("checker")
    }

    #[test]
    fn a_testlib_interactor_without_then_decides_alone() {
        let program = r#""language":"cpp17","files":[{"name":"i.cpp","source":"int main(){}"}]"#;
        // What a stored interactor without a checker exports: it must import as the same.
        let alone = parse(&format!(r#"{{"kind":"testlib_interactive",{program}}}"#));
        assert!(
            matches!(alone, Checker::TestlibInteractive { then: None, .. }),
            "{alone:?}"
        );
        let exact = parse(&format!(
            r#"{{"kind":"testlib_interactive",{program},"then":{{"kind":"exact"}}}}"#
        ));
        assert_eq!(exact.then(), Some(&Checker::Exact), "{exact:?}");
    }
}
