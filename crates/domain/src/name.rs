//! Rules for the names people and packages give things: a problem's display name, a subtask's
//! and a test's. Names end up in PostgreSQL text columns (which refuse NUL), in logs and on the
//! dashboard, so control characters are refused and lengths bounded.

use std::fmt;

/// Longest display name of a problem or a subtask, in characters.
pub const MAX_NAME_CHARS: usize = 200;
/// Longest test name, in bytes (tests are named by their path in a package).
pub const MAX_TEST_NAME_BYTES: usize = 1024;

/// What a name names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameKind {
    /// A problem's display name.
    Problem,
    /// A subtask's name.
    Subtask,
    /// A test's name.
    Test,
}

impl fmt::Display for NameKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NameKind::Problem => "a problem name",
            NameKind::Subtask => "a subtask name",
            NameKind::Test => "a test name",
        })
    }
}

/// Why a name is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    /// The name is empty.
    #[error("{0} must not be empty")]
    Empty(NameKind),
    /// The name is too long.
    #[error("{kind} must be at most {max} {unit} long (this one is {len})")]
    TooLong {
        /// What it names.
        kind: NameKind,
        /// Its length, in `unit`s.
        len: usize,
        /// The limit.
        max: usize,
        /// `characters` or `bytes`.
        unit: &'static str,
    },
    /// The name holds NUL or another control character.
    #[error("{kind} must not hold control characters (U+{code:04X} at character {at})")]
    Control {
        /// What it names.
        kind: NameKind,
        /// The character.
        code: u32,
        /// Its position, in characters.
        at: usize,
    },
}

/// Checks a name against the rules of its kind: not empty, no control characters, at most
/// [`MAX_NAME_CHARS`] characters ([`MAX_TEST_NAME_BYTES`] bytes for a test).
pub fn check_name(kind: NameKind, name: &str) -> Result<(), NameError> {
    if name.is_empty() {
        return Err(NameError::Empty(kind));
    }
    let (len, max, unit) = match kind {
        NameKind::Test => (name.len(), MAX_TEST_NAME_BYTES, "bytes"),
        // Counting stops past the limit: a 50 MB name is refused without walking it.
        _ => (
            name.chars().take(MAX_NAME_CHARS + 1).count(),
            MAX_NAME_CHARS,
            "characters",
        ),
    };
    if len > max {
        let len = if unit == "bytes" {
            len
        } else {
            name.chars().count()
        };
        return Err(NameError::TooLong {
            kind,
            len,
            max,
            unit,
        });
    }
    if let Some((at, c)) = name.chars().enumerate().find(|(_, c)| c.is_control()) {
        return Err(NameError::Control {
            kind,
            code: c as u32,
            at,
        });
    }
    Ok(())
}

/// What a problem's slug may be, for messages.
pub const SLUG_RULE: &str = "a slug is 1 to 100 letters, digits, '-', '_' or '.'";

/// Whether `slug` can name a problem: 1 to 100 ASCII letters, digits, `-`, `_` or `.`.
pub fn is_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= 100
        && slug
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_names_pass() {
        check_name(NameKind::Problem, "Pair sum — Σ ≤ 10⁹").unwrap();
        check_name(NameKind::Subtask, "group1").unwrap();
        check_name(NameKind::Test, "secret/group1/001").unwrap();
        check_name(NameKind::Problem, &"é".repeat(MAX_NAME_CHARS)).unwrap();
    }

    #[test]
    fn nul_and_control_characters_are_refused() {
        assert_eq!(
            check_name(NameKind::Problem, "a\0b"),
            Err(NameError::Control {
                kind: NameKind::Problem,
                code: 0,
                at: 1
            })
        );
        assert!(matches!(
            check_name(NameKind::Test, "x\ny"),
            Err(NameError::Control { code: 10, .. })
        ));
        assert!(matches!(
            check_name(NameKind::Subtask, "\u{9b}"),
            Err(NameError::Control { code: 0x9b, .. })
        ));
    }

    #[test]
    fn long_and_empty_names_are_refused() {
        let long = "n".repeat(50 << 20);
        assert_eq!(
            check_name(NameKind::Problem, &long),
            Err(NameError::TooLong {
                kind: NameKind::Problem,
                len: 50 << 20,
                max: MAX_NAME_CHARS,
                unit: "characters"
            })
        );
        assert!(matches!(
            check_name(NameKind::Test, &long[..MAX_TEST_NAME_BYTES + 1]),
            Err(NameError::TooLong { max: 1024, .. })
        ));
        check_name(NameKind::Test, &long[..MAX_TEST_NAME_BYTES]).unwrap();
        assert_eq!(
            check_name(NameKind::Subtask, ""),
            Err(NameError::Empty(NameKind::Subtask))
        );
    }
}
