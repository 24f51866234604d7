use serde::{Deserialize, Serialize};
use std::fmt;

/// The outcome of running one candidate on one test (or of compiling it). Serialised as its
/// short code ([`Verdict::code`]).
///
/// `JudgeError` is never the candidate's fault: a checker that crashed, a missing answer file.
/// It is kept apart so that it is never counted as a wrong answer.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Verdict {
    /// Accepted: the checker accepted the output (possibly with a partial score below 1).
    AC,
    /// Wrong answer.
    WA,
    /// Presentation error (testlib exit code 2).
    PE,
    /// Time limit exceeded.
    TLE,
    /// Memory limit exceeded: a memory grow beyond the limit was denied.
    MLE,
    /// Output limit exceeded: the output reached the cap.
    OLE,
    /// Runtime error: a trap, a non-zero exit, an abort.
    RE,
    /// Compilation error.
    CE,
    /// The judge itself failed (checker crash or loop, bad test data): not the candidate's fault.
    #[serde(rename = "JE")]
    JudgeError,
    /// Not run: an earlier test of the same subtask already failed.
    #[serde(rename = "SK")]
    Skipped,
    /// Ran to completion within its limits on a test without an expected answer (a generated
    /// input run for its behaviour): nothing to be right or wrong about.
    #[serde(rename = "OK")]
    Ran,
}

impl Verdict {
    /// Every verdict, in a stable order (used for compact storage as small integers).
    pub const ALL: [Verdict; 11] = [
        Verdict::AC,
        Verdict::WA,
        Verdict::PE,
        Verdict::TLE,
        Verdict::MLE,
        Verdict::OLE,
        Verdict::RE,
        Verdict::CE,
        Verdict::JudgeError,
        Verdict::Skipped,
        // Appended, never inserted: stored verdicts are indices into this list, and queries
        // count AC as 0 and Ran as 10 (`store::candidate_list`).
        Verdict::Ran,
    ];

    /// The short code (`AC`, `WA`, ... `JE`, `SK`).
    pub fn code(self) -> &'static str {
        match self {
            Verdict::AC => "AC",
            Verdict::WA => "WA",
            Verdict::PE => "PE",
            Verdict::TLE => "TLE",
            Verdict::MLE => "MLE",
            Verdict::OLE => "OLE",
            Verdict::RE => "RE",
            Verdict::CE => "CE",
            Verdict::JudgeError => "JE",
            Verdict::Skipped => "SK",
            Verdict::Ran => "OK",
        }
    }

    /// Whether a test judged `self` with `score` is passed: accepted with the full score. The
    /// database computes the same with `sieve_passes` (migrations/0010_passes.sql) into
    /// `results.passed`; a store test holds the two to one definition.
    pub fn passes(self, score: f64) -> bool {
        self == Verdict::AC && score >= 1.0
    }

    /// A small integer for compact storage; the inverse of [`Verdict::from_index`].
    pub fn index(self) -> i16 {
        Verdict::ALL.iter().position(|v| *v == self).unwrap_or(0) as i16
    }

    /// The verdict stored as `i`, if any.
    pub fn from_index(i: i16) -> Option<Verdict> {
        usize::try_from(i)
            .ok()
            .and_then(|i| Verdict::ALL.get(i).copied())
    }

    /// Parses a short code as printed by [`Verdict::code`].
    pub fn from_code(code: &str) -> Option<Verdict> {
        Verdict::ALL.into_iter().find(|v| v.code() == code)
    }

    /// True for outcomes where the program ran to completion within its limits.
    pub fn ran_cleanly(self) -> bool {
        matches!(self, Verdict::AC | Verdict::WA | Verdict::PE | Verdict::Ran)
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_and_code_round_trip() {
        for v in Verdict::ALL {
            assert_eq!(Verdict::from_index(v.index()), Some(v));
            assert_eq!(Verdict::from_code(v.code()), Some(v));
        }
        for v in Verdict::ALL {
            assert_eq!(
                serde_json::to_value(v).ok(),
                Some(serde_json::json!(v.code()))
            );
        }
        assert_eq!(Verdict::from_index(-1), None);
        assert_eq!(Verdict::from_index(99), None);
        // Stored rows and the store's SQL rely on these two.
        assert_eq!((Verdict::AC.index(), Verdict::Ran.index()), (0, 10));
    }
}
