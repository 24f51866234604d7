//! Hashes as types: a blob's, a build's and an output's, each written as hex in JSON and parsed
//! strictly (a wrong length or a non-hex digit is an error, never zeros).

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

macro_rules! hex_hash {
    ($(#[$doc:meta])* $name:ident, $bad:ident, $len:literal, $what:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub [u8; $len]);

        #[doc = concat!("A ", $what, " that is not ", stringify!($len), " bytes (", stringify!($len), " x 2 hex digits).")]
        #[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
        #[error("{} is {} bytes ({} hex digits), not {:?}", $what, $len, 2 * $len, .0)]
        pub struct $bad(pub String);

        impl $name {
            /// The hash held in `bytes`, which must be of the right length.
            pub fn from_slice(bytes: &[u8]) -> Result<$name, $bad> {
                bytes
                    .try_into()
                    .map($name)
                    .map_err(|_| $bad(format!("{} bytes", bytes.len())))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
            }
        }

        impl FromStr for $name {
            type Err = $bad;

            fn from_str(s: &str) -> Result<$name, $bad> {
                let bad = || $bad(s.to_string());
                if s.len() != 2 * $len || !s.is_ascii() {
                    return Err(bad());
                }
                let mut out = [0u8; $len];
                for (i, byte) in out.iter_mut().enumerate() {
                    *byte = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).map_err(|_| bad())?;
                }
                Ok($name(out))
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<$name, D::Error> {
                let s = String::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

hex_hash!(
    /// A stored blob's name: the BLAKE3 hash of its bytes (32 bytes), written as 64 hex digits.
    #[cfg_attr(
        feature = "openapi",
        derive(utoipa::ToSchema),
        schema(value_type = String, example = "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262")
    )]
    BlobHash,
    BadBlobHash,
    32,
    "a blob hash"
);

hex_hash!(
    /// A build's key: BLAKE3 over the source, its language, the toolchain's fingerprint and the
    /// problem's graders (32 bytes, 64 hex digits). Identical keys compile and run once.
    BuildKey,
    BadBuildKey,
    32,
    "a build key"
);

hex_hash!(
    /// The hash of a run's normalised output (16 bytes of BLAKE3): two runs printed the same
    /// answer when their hashes are equal. Written as 32 hex digits in JSON.
    OutputHash,
    BadOutputHash,
    16,
    "an output hash"
);

impl BlobHash {
    /// The hash of `bytes`.
    pub fn of(bytes: &[u8]) -> BlobHash {
        BlobHash(*blake3::hash(bytes).as_bytes())
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

    #[test]
    fn blob_hashes_and_build_keys_read_back_what_they_write_and_refuse_the_rest() {
        let h = BlobHash::of(b"sieve");
        assert_eq!(h.to_string().parse::<BlobHash>(), Ok(h));
        let json = serde_json::to_string(&h).unwrap();
        assert_eq!(serde_json::from_str::<BlobHash>(&json).unwrap(), h);
        for bad in ["", "00", &"g".repeat(64), &"0".repeat(63), &"é".repeat(32)] {
            assert!(bad.parse::<BlobHash>().is_err(), "{bad:?}");
            assert!(bad.parse::<BuildKey>().is_err(), "{bad:?}");
        }
        let k = BuildKey([9; 32]);
        assert_eq!(k.to_string().parse::<BuildKey>(), Ok(k));
        assert!(BuildKey::from_slice(&[1; 16]).is_err());
    }
}
