//! Output normalisation for hashing: two outputs that the problem's checker would judge equal
//! hash equal, so that clustering by output groups equivalent programs together.

use sieve_domain::{Checker, OutputHash};

/// A 16-byte hash of `output`, normalised for `checker`: exact checkers keep the bytes (without
/// trailing whitespace), token checkers keep the tokens, case-insensitive ones lower-case them,
/// float checkers round numbers to the tolerance. Custom checkers get the token form.
pub fn output_hash(checker: &Checker, output: &[u8]) -> OutputHash {
    let mut h = blake3::Hasher::new();
    match checker {
        Checker::Exact => {
            h.update(trim_end(output));
        }
        Checker::Float { abs, rel } => {
            let digits = (-(abs.max(*rel)).log10()).clamp(0.0, 15.0).floor() as usize;
            for tok in tokens(output) {
                match std::str::from_utf8(tok)
                    .ok()
                    .and_then(|t| t.parse::<f64>().ok())
                {
                    Some(x) if x.is_finite() => {
                        let x = if x == 0.0 { 0.0 } else { x }; // -0 and 0 hash alike
                        h.update(format!("{x:.digits$}").as_bytes());
                    }
                    _ => {
                        h.update(tok);
                    }
                }
                h.update(b" ");
            }
        }
        Checker::CaseInsensitive => {
            for tok in tokens(output) {
                h.update(&tok.to_ascii_lowercase());
                h.update(b" ");
            }
        }
        _ => {
            for tok in tokens(output) {
                h.update(tok);
                h.update(b" ");
            }
        }
    }
    let mut out = [0u8; 16];
    out.copy_from_slice(&h.finalize().as_bytes()[..16]);
    OutputHash(out)
}

/// The whitespace-separated tokens of `bytes`.
pub(crate) fn tokens(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    bytes
        .split(|b| b.is_ascii_whitespace())
        .filter(|t| !t.is_empty())
}

/// `bytes` without trailing whitespace (a final newline or its absence never matters).
pub(crate) fn trim_end(bytes: &[u8]) -> &[u8] {
    let end = bytes
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(0, |i| i + 1);
    &bytes[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_answers_hash_equal_per_checker() {
        assert_eq!(
            output_hash(&Checker::Tokens, b"1  2\n3\n"),
            output_hash(&Checker::Tokens, b"1 2 3")
        );
        assert_ne!(
            output_hash(&Checker::Exact, b"1  2\n"),
            output_hash(&Checker::Exact, b"1 2\n")
        );
        assert_eq!(
            output_hash(&Checker::Exact, b"1 2\n\n"),
            output_hash(&Checker::Exact, b"1 2")
        );
        assert_eq!(
            output_hash(&Checker::CaseInsensitive, b"YES"),
            output_hash(&Checker::CaseInsensitive, b"yes\n")
        );
        let f = Checker::Float {
            abs: 1e-6,
            rel: 1e-6,
        };
        assert_eq!(
            output_hash(&f, b"0.33333333"),
            output_hash(&f, b"0.333333334")
        );
        assert_ne!(output_hash(&f, b"0.3333"), output_hash(&f, b"0.3334"));
    }
}
