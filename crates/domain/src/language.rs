use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;
use std::str::FromStr;

/// The language a candidate is written in, with its standard. Serialised as its canonical name;
/// read from any name [`FromStr`] takes (`cpp`, `c++`, `c`, ...), so that every edge parses a
/// language once, the same way.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// C11.
    C11,
    /// C17 (the default for C).
    C17,
    /// C++17 (the default for C++, and the default).
    #[default]
    Cpp17,
    /// C++20.
    Cpp20,
    /// A ready WebAssembly binary module (wasm32-wasi command).
    Wasm,
    /// A WebAssembly text module.
    Wat,
    /// Python 3, run by CPython built for WASI (the sandbox's Python runtime).
    Python3,
    /// An output-only task's submission: no program, one output per test, as a JSON object
    /// from test name to output.
    Outputs,
}

/// A language name that sieve does not know.
#[derive(Debug, thiserror::Error)]
#[error(
    "unknown language {0:?}: expected one of c, c11, c17, cpp, c++, cpp17, cpp20, python3, py, wasm, wat, outputs"
)]
pub struct UnknownLanguage(pub String);

impl Language {
    /// Every language, in a stable order.
    pub const ALL: [Language; 8] = [
        Language::C11,
        Language::C17,
        Language::Cpp17,
        Language::Cpp20,
        Language::Wasm,
        Language::Wat,
        Language::Python3,
        Language::Outputs,
    ];

    /// The canonical short name, as accepted by [`FromStr`].
    pub fn name(self) -> &'static str {
        match self {
            Language::C11 => "c11",
            Language::C17 => "c17",
            Language::Cpp17 => "cpp17",
            Language::Cpp20 => "cpp20",
            Language::Wasm => "wasm",
            Language::Wat => "wat",
            Language::Python3 => "python3",
            Language::Outputs => "outputs",
        }
    }

    /// True when the candidate's source must go through a C or C++ compiler.
    pub fn is_compiled(self) -> bool {
        !matches!(
            self,
            Language::Wasm | Language::Wat | Language::Python3 | Language::Outputs
        )
    }

    /// True for Python, whose source the sandbox's interpreter runs.
    pub fn is_python(self) -> bool {
        self == Language::Python3
    }

    /// True for a program given as source text: C, C++ or Python (not a ready module, not an
    /// output-only submission).
    pub fn is_source(self) -> bool {
        self.is_compiled() || self.is_python()
    }

    /// True for C (either standard), whose sources link with a task's C graders.
    pub fn is_c(self) -> bool {
        matches!(self, Language::C11 | Language::C17)
    }

    /// Guesses the language from a file name's extension (`.c`, `.cc`, `.cpp`, `.py`, `.wasm`, ...).
    pub fn from_extension(path: &str) -> Option<Language> {
        let ext = path.rsplit_once('.')?.1.to_ascii_lowercase();
        Some(match ext.as_str() {
            "c" => Language::C17,
            "cc" | "cpp" | "cxx" | "c++" => Language::Cpp17,
            "wasm" => Language::Wasm,
            "wat" => Language::Wat,
            "py" => Language::Python3,
            _ => return None,
        })
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Language {
    type Err = UnknownLanguage;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.to_ascii_lowercase().as_str() {
            "c" | "c17" => Language::C17,
            "c11" => Language::C11,
            "cpp" | "c++" | "cpp17" | "c++17" => Language::Cpp17,
            "cpp20" | "c++20" => Language::Cpp20,
            "wasm" => Language::Wasm,
            "wat" => Language::Wat,
            "python3" | "python" | "py" | "py3" => Language::Python3,
            "outputs" => Language::Outputs,
            _ => return Err(UnknownLanguage(s.to_string())),
        })
    }
}

impl<'de> Deserialize<'de> for Language {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Language, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_extensions_map() {
        for l in Language::ALL {
            assert_eq!(l.name().parse::<Language>().unwrap(), l);
        }
        assert_eq!(Language::from_extension("a/b.CPP"), Some(Language::Cpp17));
        assert_eq!(Language::from_extension("x.c"), Some(Language::C17));
        assert_eq!(Language::from_extension("x.py"), Some(Language::Python3));
        assert_eq!(Language::from_extension("x.java"), None);
        assert_eq!("python".parse::<Language>().unwrap(), Language::Python3);
        assert!("rust".parse::<Language>().is_err());
        let read: Vec<Language> = serde_json::from_str(r#"["cpp", "C++20", "c", "wat"]"#).unwrap();
        assert_eq!(
            read,
            [
                Language::Cpp17,
                Language::Cpp20,
                Language::C17,
                Language::Wat
            ]
        );
        let bad = serde_json::from_str::<Language>(r#""rust""#).unwrap_err();
        assert!(bad.to_string().contains("unknown language"), "{bad}");
    }
}
