//! How custom checkers and interactors report, by protocol: exit codes, scores and messages
//! turned into a [`CheckOutcome`]. A report outside its protocol is a judge error.

use crate::checker::CheckOutcome;
use sieve_domain::Verdict;

/// A testlib checker's (or interactor's) decision: exit 0 OK, 1 WA, 2 PE, 3 FAIL (a judge
/// error), 7 points with the score in [0, 1] as the first token of `stdout`; the message is
/// what it wrote to stderr. `who` names the program in judge errors.
pub(crate) fn testlib_outcome(who: &str, code: i32, stdout: &[u8], stderr: String) -> CheckOutcome {
    match code {
        0 => CheckOutcome::new(Verdict::AC, 1.0, stderr),
        1 => CheckOutcome::new(Verdict::WA, 0.0, stderr),
        2 => CheckOutcome::new(Verdict::PE, 0.0, stderr),
        3 => CheckOutcome::new(
            Verdict::JudgeError,
            0.0,
            format!("{who} reported FAIL: {stderr}"),
        ),
        7 => {
            let stdout = String::from_utf8_lossy(stdout);
            match stdout
                .split_whitespace()
                .next()
                .and_then(|t| t.parse::<f64>().ok())
            {
                Some(s) if (0.0..=1.0).contains(&s) => {
                    let verdict = if s > 0.0 { Verdict::AC } else { Verdict::WA };
                    CheckOutcome::new(verdict, s, stderr)
                }
                _ => CheckOutcome::new(
                    Verdict::JudgeError,
                    0.0,
                    format!("{who} exit 7 without a score in [0,1] on stdout: {stdout:?}"),
                ),
            }
        }
        c => CheckOutcome::new(
            Verdict::JudgeError,
            0.0,
            format!("{who} exited {c}: {stderr}"),
        ),
    }
}

/// A Kattis validator's (or interactor's) decision: exit 42 accepts, 43 rejects, with the
/// message it wrote to `feedback/judgemessage.txt`.
pub(crate) fn kattis_outcome(code: i32, written: &[(String, Vec<u8>)]) -> CheckOutcome {
    let feedback = written
        .iter()
        .find(|(n, _)| n == "feedback/judgemessage.txt")
        .map(|(_, d)| String::from_utf8_lossy(d).trim().to_string())
        .unwrap_or_default();
    match code {
        42 => CheckOutcome::new(Verdict::AC, 1.0, feedback),
        43 => CheckOutcome::new(Verdict::WA, 0.0, feedback),
        c => CheckOutcome::new(
            Verdict::JudgeError,
            0.0,
            format!("validator exited {c}: {feedback}"),
        ),
    }
}

/// A CMS checker's (or Communication manager's) report: exit 0, the score in [0, 1] as the
/// first token of stdout, and a message on stderr (CMS's `translate:success` /
/// `translate:wrong` / `translate:partial` are shown as words). `who` names the program in
/// judge errors.
pub(crate) fn cms_outcome(who: &str, code: i32, stdout: &[u8], stderr: String) -> CheckOutcome {
    if code != 0 {
        return CheckOutcome::new(
            Verdict::JudgeError,
            0.0,
            format!("{who} exited {code}: {stderr}"),
        );
    }
    let stdout = String::from_utf8_lossy(stdout);
    let message = match stderr.as_str() {
        "translate:success" => "output is correct".to_string(),
        "translate:wrong" => "output isn't correct".to_string(),
        "translate:partial" => "output is partially correct".to_string(),
        _ => stderr,
    };
    match stdout
        .split_whitespace()
        .next()
        .and_then(|t| t.parse::<f64>().ok())
    {
        Some(s) if (1.0..=1.0 + 1e-9).contains(&s) => CheckOutcome::new(Verdict::AC, 1.0, message),
        Some(s) if s > 0.0 && s < 1.0 => CheckOutcome::new(Verdict::AC, s, message),
        Some(0.0) => CheckOutcome::new(Verdict::WA, 0.0, message),
        _ => CheckOutcome::new(
            Verdict::JudgeError,
            0.0,
            format!("CMS {who} printed no score in [0,1] on stdout: {stdout:?}"),
        ),
    }
}
