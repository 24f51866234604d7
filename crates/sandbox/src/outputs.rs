//! Output-only submissions: one output per test instead of a program. A submission is a JSON
//! object from test name to output; compiled, it becomes a *bundle* (the object behind a marker
//! no wasm module starts with) that travels as a compiled module does, and judging a test reads
//! its output instead of running anything.

use std::collections::HashMap;
use std::sync::Arc;

/// What a bundle starts with (a wasm module starts with `\0asm`).
const MAGIC: &[u8] = b"\0sieve-outputs\n";

/// The outputs of a submission, by test name.
pub(crate) type Outputs = HashMap<String, Arc<[u8]>>;

/// Checks a submission (a JSON object from test name to output text) and bundles it; the
/// error says what is wrong with it.
pub(crate) fn bundle(source: &[u8]) -> Result<Vec<u8>, String> {
    parse(source)?;
    Ok([MAGIC, source].concat())
}

/// The outputs a bundle carries, or `None` for anything else.
pub(crate) fn unbundle(bytes: &[u8]) -> Option<Result<Outputs, String>> {
    bytes.strip_prefix(MAGIC).map(parse)
}

fn parse(source: &[u8]) -> Result<Outputs, String> {
    let map: HashMap<String, String> = serde_json::from_slice(source).map_err(|e| {
        format!("outputs: expected a JSON object from test name to output text: {e}")
    })?;
    Ok(map
        .into_iter()
        .map(|(name, text)| (name, Arc::from(text.into_bytes())))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_submission_round_trips_and_bad_ones_are_named() {
        let b = bundle(br#"{"1": "5\n", "2": "7\n"}"#).expect("valid");
        let outputs = unbundle(&b).expect("a bundle").expect("valid");
        assert_eq!(outputs["2"].as_ref(), b"7\n");
        assert!(unbundle(b"\0asm\x01\0\0\0").is_none());
        let err = bundle(b"[1, 2]").unwrap_err();
        assert!(err.contains("JSON object"), "{err}");
        assert!(bundle(br#"{"1": 5}"#).is_err(), "outputs are text");
    }
}
