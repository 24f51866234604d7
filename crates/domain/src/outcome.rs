use crate::Verdict;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// The hash of a run's normalised output (16 bytes of BLAKE3): two runs printed the same answer
/// when their hashes are equal. Written as 32 hex digits in JSON.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OutputHash(pub [u8; 16]);

/// A stored or sent output hash that is not 16 bytes (32 hex digits).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("an output hash is 16 bytes (32 hex digits), not {0:?}")]
pub struct BadOutputHash(pub String);

impl OutputHash {
    /// The hash held in `bytes`, which must be 16 long.
    pub fn from_slice(bytes: &[u8]) -> Result<OutputHash, BadOutputHash> {
        bytes
            .try_into()
            .map(OutputHash)
            .map_err(|_| BadOutputHash(format!("{} bytes", bytes.len())))
    }
}

impl fmt::Display for OutputHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

impl FromStr for OutputHash {
    type Err = BadOutputHash;

    fn from_str(s: &str) -> Result<OutputHash, BadOutputHash> {
        let bad = || BadOutputHash(s.to_string());
        if s.len() != 32 || !s.is_ascii() {
            return Err(bad());
        }
        let mut out = [0u8; 16];
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).map_err(|_| bad())?;
        }
        Ok(OutputHash(out))
    }
}

impl Serialize for OutputHash {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for OutputHash {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<OutputHash, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// One test's outcome as it is stored and scored: what judging a build on a test gave.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TestOutcome {
    /// Index of the test in its problem.
    pub test: i32,
    /// Verdict.
    pub verdict: Verdict,
    /// Score in [0, 1].
    pub score: f32,
    /// CPU time in microseconds.
    pub time_us: i32,
    /// Fuel (deterministic mode).
    pub fuel: i64,
    /// Peak memory in KiB.
    pub memory_kib: i32,
    /// The normalised output's hash (zero for a test that did not run).
    pub output_hash: OutputHash,
}

impl TestOutcome {
    /// Accepted with the full score ([`Verdict::passes`]).
    pub fn passes(&self) -> bool {
        self.verdict.passes(f64::from(self.score))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_hashes_read_back_what_they_write_and_refuse_the_rest() {
        let h = OutputHash(*b"0123456789abcdef");
        assert_eq!(h.to_string().parse::<OutputHash>(), Ok(h));
        let json = serde_json::to_string(&h).unwrap();
        assert_eq!(json, "\"30313233343536373839616263646566\"");
        assert_eq!(serde_json::from_str::<OutputHash>(&json).unwrap(), h);
        for bad in [
            "",
            "abc",
            "zz313233343536373839616263646566",
            "3031323334353637383961626364656600",
        ] {
            assert!(bad.parse::<OutputHash>().is_err(), "{bad:?}");
        }
        assert!(OutputHash::from_slice(&[0; 15]).is_err());
        assert_eq!(OutputHash::from_slice(&[7; 16]), Ok(OutputHash([7; 16])));
    }
}
