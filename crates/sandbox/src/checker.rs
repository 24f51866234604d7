//! Deciding whether an output is right: the built-in comparisons, and custom checkers compiled to
//! wasm speaking the testlib or the Kattis protocol, run in the same sandbox. A checker that
//! crashes, loops or answers outside its protocol is a judge error, never the candidate's fault.

use crate::normalise::{tokens, trim_end};
use crate::protocol::{cms_outcome, kattis_outcome, testlib_outcome};
use crate::{Program, RunSpec, RunStatus, Sandbox};
use sieve_domain::{Checker, CheckerProtocol, Limits, Verdict};
use std::sync::Arc;

/// A checker's decision on one output.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckOutcome {
    /// AC, WA, PE, or JudgeError.
    pub verdict: Verdict,
    /// The test's score in [0, 1].
    pub score: f64,
    /// What the checker said (capped).
    pub message: String,
}

impl CheckOutcome {
    pub(crate) fn new(verdict: Verdict, score: f64, message: impl Into<String>) -> Self {
        let mut message = message.into();
        message.truncate(1024);
        CheckOutcome {
            verdict,
            score,
            message,
        }
    }
}

/// Compares `output` with `answer` by one of the built-in checkers (custom ones judge `AC`
/// with a judge error: they need [`check_custom`]).
pub fn check_builtin(checker: &Checker, output: &[u8], answer: &[u8]) -> CheckOutcome {
    let same_token: &dyn Fn(&[u8], &[u8]) -> bool = match checker {
        Checker::Exact => {
            return if trim_end(output) == trim_end(answer) {
                CheckOutcome::new(Verdict::AC, 1.0, "")
            } else {
                CheckOutcome::new(
                    Verdict::WA,
                    0.0,
                    first_difference(output, answer, &|x, y| x == y),
                )
            };
        }
        Checker::Tokens => &|x, y| x == y,
        Checker::CaseInsensitive => &|x, y| x.eq_ignore_ascii_case(y),
        Checker::Float { abs, rel } => &|x, y| float_eq(x, y, *abs, *rel),
        Checker::Testlib { .. }
        | Checker::Kattis { .. }
        | Checker::Cms { .. }
        | Checker::Interactive { .. }
        | Checker::TestlibInteractive { .. }
        | Checker::Communication { .. } => {
            return CheckOutcome::new(Verdict::JudgeError, 0.0, "custom checker not loaded");
        }
    };
    let (mut o, mut a) = (tokens(output), tokens(answer));
    let same = loop {
        match (o.next(), a.next()) {
            (None, None) => break true,
            (Some(x), Some(y)) if same_token(x, y) => continue,
            _ => break false,
        }
    };
    if same {
        CheckOutcome::new(Verdict::AC, 1.0, "")
    } else {
        CheckOutcome::new(
            Verdict::WA,
            0.0,
            first_difference(output, answer, same_token),
        )
    }
}

fn float_eq(x: &[u8], y: &[u8], abs: f64, rel: f64) -> bool {
    if x == y {
        return true;
    }
    let parse = |t: &[u8]| std::str::from_utf8(t).ok()?.parse::<f64>().ok();
    match (parse(x), parse(y)) {
        (Some(a), Some(b)) if a.is_finite() && b.is_finite() => {
            let d = (a - b).abs();
            d <= abs || d <= rel * b.abs()
        }
        // The special values match themselves however spelt (`inf`, `Inf`, `NaN`), as the
        // default validators of Kattis and DOMjudge compare them.
        (Some(a), Some(b)) if a.is_nan() && b.is_nan() => true,
        (Some(a), Some(b)) if a.is_infinite() && b.is_infinite() => a == b,
        _ => false,
    }
}

/// Where `output` first differs from `answer`, token by token as `same` compares them.
fn first_difference(output: &[u8], answer: &[u8], same: &dyn Fn(&[u8], &[u8]) -> bool) -> String {
    let mut o = tokens(output);
    let mut a = tokens(answer);
    for i in 1.. {
        match (o.next(), a.next()) {
            (Some(x), Some(y)) if same(x, y) => continue,
            (x, y) => {
                let show = |t: Option<&[u8]>| {
                    t.map_or("end of output".to_string(), |t| {
                        format!("{:?}", String::from_utf8_lossy(&t[..t.len().min(40)]))
                    })
                };
                return format!("token {i}: expected {}, got {}", show(y), show(x));
            }
        }
    }
    unreachable!("the loop returns")
}

/// Limits for a checker's (or an interactor's) own run: generous, and never the candidate's.
pub(crate) const CHECKER_LIMITS: Limits = Limits {
    time_ms: 10_000,
    memory_bytes: 1 << 30,
    output_bytes: 1 << 20,
};

/// Runs a custom checker `program` speaking `protocol` on one output.
pub fn check_custom(
    sandbox: &Sandbox,
    program: &Program,
    protocol: CheckerProtocol,
    input: &Arc<[u8]>,
    output: &[u8],
    answer: &Arc<[u8]>,
) -> CheckOutcome {
    if matches!(
        protocol,
        CheckerProtocol::Interactive | CheckerProtocol::TestlibInteractive
    ) {
        return CheckOutcome::new(Verdict::JudgeError, 0.0, "an interactor is not a checker");
    }
    let output: Arc<[u8]> = Arc::from(output);
    let kattis = protocol == CheckerProtocol::Kattis;
    let spec = if kattis {
        RunSpec {
            stdin: output,
            args: ["validator", "input", "answer", "feedback/"]
                .map(String::from)
                .to_vec(),
            files: vec![
                ("input".into(), input.clone()),
                ("answer".into(), answer.clone()),
            ],
            limits: CHECKER_LIMITS,
        }
    } else {
        RunSpec {
            stdin: Arc::from(&b""[..]),
            args: match protocol {
                CheckerProtocol::Cms => ["checker", "input", "answer", "output"],
                _ => ["checker", "input", "output", "answer"],
            }
            .map(String::from)
            .to_vec(),
            files: vec![
                ("input".into(), input.clone()),
                ("output".into(), output),
                ("answer".into(), answer.clone()),
            ],
            limits: CHECKER_LIMITS,
        }
    };
    let run = sandbox.run(program, spec);
    let stderr = String::from_utf8_lossy(&run.stderr).trim().to_string();
    let code = match run.status {
        RunStatus::Exited(code) => code,
        other => {
            return CheckOutcome::new(
                Verdict::JudgeError,
                0.0,
                format!("checker failed: {other:?} {stderr}"),
            );
        }
    };
    if kattis {
        return kattis_outcome(code, &run.written);
    }
    if protocol == CheckerProtocol::Cms {
        return cms_outcome("checker", code, &run.stdout, stderr);
    }
    testlib_outcome("checker", code, &run.stdout, stderr)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_checkers_compare_as_documented() {
        assert_eq!(
            check_builtin(&Checker::Exact, b"5\n", b"5").verdict,
            Verdict::AC
        );
        assert_eq!(
            check_builtin(&Checker::Exact, b"  5  \n\n", b"5\n").verdict,
            Verdict::WA
        );
        assert_eq!(
            check_builtin(&Checker::Tokens, b"  5  \n\n", b"5\n").verdict,
            Verdict::AC
        );
        assert_eq!(
            check_builtin(&Checker::Tokens, b"5 6", b"5").verdict,
            Verdict::WA
        );
        assert_eq!(
            check_builtin(&Checker::CaseInsensitive, b"Yes", b"YES").verdict,
            Verdict::AC
        );
        let f = Checker::Float {
            abs: 1e-6,
            rel: 0.0,
        };
        assert_eq!(check_builtin(&f, b"0.1000001", b"0.1").verdict, Verdict::AC);
        assert_eq!(check_builtin(&f, b"0.10001", b"0.1").verdict, Verdict::WA);
        assert_eq!(check_builtin(&f, b"nan", b"0.1").verdict, Verdict::WA);
        // Special values match however spelt; the message names the token that differs.
        assert_eq!(
            check_builtin(&f, b"inf 0.0000000 nan", b"Inf 0 NaN").verdict,
            Verdict::AC
        );
        assert_eq!(check_builtin(&f, b"-inf", b"inf").verdict, Verdict::WA);
        let wa = check_builtin(&f, b"0.0000000 7", b"0 8");
        assert!(wa.message.starts_with("token 2:"), "{}", wa.message);
        let r = Checker::Float {
            abs: 0.0,
            rel: 1e-3,
        };
        assert_eq!(check_builtin(&r, b"1000.5", b"1000").verdict, Verdict::AC);
        let wa = check_builtin(&Checker::Tokens, b"1 2 4", b"1 2 3");
        assert!(wa.message.contains("token 3"), "{}", wa.message);
    }
}
