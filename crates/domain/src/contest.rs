//! Contest rules: how submissions are counted and scored, and how many a problem allows.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The rules a contest is judged under.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Rules {
    /// IOI: points per subtask, best over all submissions; full feedback after each one.
    Ioi,
    /// Codeforces: solved or not on the hidden tests, a penalty per rejected attempt.
    Codeforces,
    /// ICPC: accepted or rejected, 20 penalty minutes per rejection.
    Icpc,
}

impl Rules {
    /// Every rule set.
    pub const ALL: [Rules; 3] = [Rules::Ioi, Rules::Codeforces, Rules::Icpc];

    /// The name stored and shown (`ioi`, `codeforces`, `icpc`).
    pub fn name(self) -> &'static str {
        match self {
            Rules::Ioi => "ioi",
            Rules::Codeforces => "codeforces",
            Rules::Icpc => "icpc",
        }
    }

    /// Submissions allowed per problem when the contest does not say: IOI 2024 allowed 50,
    /// the o1 Codeforces evaluation 10; ICPC has no cap, and 10 keeps penalties comparable.
    pub fn default_submission_limit(self) -> u32 {
        match self {
            Rules::Ioi => 50,
            Rules::Codeforces | Rules::Icpc => 10,
        }
    }
}

/// A rule set's name that is not one of [`Rules::ALL`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown rules {0:?}: expected ioi, codeforces or icpc")]
pub struct UnknownRules(pub String);

impl FromStr for Rules {
    type Err = UnknownRules;
    fn from_str(s: &str) -> Result<Rules, UnknownRules> {
        Rules::ALL
            .into_iter()
            .find(|r| r.name() == s)
            .ok_or_else(|| UnknownRules(s.to_string()))
    }
}

impl fmt::Display for Rules {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_is_refused() {
        for r in Rules::ALL {
            assert_eq!(r.name().parse::<Rules>(), Ok(r));
        }
        assert!("acm".parse::<Rules>().is_err());
        assert_eq!(Rules::Ioi.default_submission_limit(), 50);
        assert_eq!(Rules::Codeforces.default_submission_limit(), 10);
    }
}
