use crate::Language;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A stored blob's name: the BLAKE3 hash of its bytes (32 bytes), written as 64 hex digits.
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(value_type = String, example = "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262")
)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BlobHash(pub [u8; 32]);

/// A blob hash that is not 32 bytes (64 hex digits).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a blob hash is 32 bytes (64 hex digits), not {0:?}")]
pub struct BadBlobHash(pub String);

impl BlobHash {
    /// The hash of `bytes`.
    pub fn of(bytes: &[u8]) -> BlobHash {
        BlobHash(*blake3::hash(bytes).as_bytes())
    }
}

impl fmt::Display for BlobHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

impl FromStr for BlobHash {
    type Err = BadBlobHash;

    fn from_str(s: &str) -> Result<BlobHash, BadBlobHash> {
        let bad = || BadBlobHash(s.to_string());
        if s.len() != 64 || !s.is_ascii() {
            return Err(bad());
        }
        let mut out = [0u8; 32];
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).map_err(|_| bad())?;
        }
        Ok(BlobHash(out))
    }
}

impl Serialize for BlobHash {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for BlobHash {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<BlobHash, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A team's generator or input-validator program, as posted and as queued for a worker.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
pub struct GenProgram {
    /// A short name (used in test names: `gen/<name>/<seed>-<hash>`).
    pub name: String,
    /// Its language (C or C++).
    pub language: Language,
    /// The source.
    pub source: String,
    /// Arguments before the seed (a generator's parameters, a validator's flags such as a
    /// subtask's bounds): generators run as `name args... seed`, validators as `name args...`.
    #[serde(default)]
    pub args: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blob_hashes_read_back_what_they_write_and_refuse_the_rest() {
        let h = BlobHash::of(b"sieve");
        assert_eq!(h.to_string().parse::<BlobHash>(), Ok(h));
        let json = serde_json::to_string(&h).unwrap();
        assert_eq!(serde_json::from_str::<BlobHash>(&json).unwrap(), h);
        for bad in ["", "00", &"g".repeat(64), &"0".repeat(63), &"é".repeat(32)] {
            assert!(bad.parse::<BlobHash>().is_err(), "{bad:?}");
        }
    }
}
