//! Interactive problems: the candidate and the problem's interactor run at once, each in its
//! own store on its own thread, joined by in-host pipes: what the interactor writes is the
//! candidate's input, and what the candidate writes is the interactor's. Two protocols:
//! - Kattis: `validator input answer feedback_dir`; exit 42 accepts, 43 rejects.
//! - testlib (Codeforces, Polygon): `interactor input output answer`; exit 0 OK, 1 WA, 2 PE,
//!   3 FAIL. After an OK, the problem's checker judges what the interactor wrote to `output`
//!   against the answer, as it would judge a batch output.
//!
//! The interactor's verdict stands unless the candidate failed first. The candidate runs on the
//! calling thread, so a supervisor watching that thread's CPU clock limits the candidate alone;
//! time spent waiting for the interactor is not charged. Accepted conversations hash alike, so
//! that clustering groups the programs the interactor accepts.

use crate::checker::{CHECKER_LIMITS, CheckOutcome, check_builtin, check_custom};
use crate::communicate::Watch;
use crate::judge::{TestInput, failure};
use crate::protocol::{kattis_outcome, testlib_outcome};
use crate::wasi::{JUDGE, PipeEnd, pipes};
use crate::{GUEST_THREAD_STACK, Program, RunOutcome, RunSpec, RunStatus, Sandbox, output_hash};
use sieve_domain::{Checker, CheckerProtocol, Limits, OutputHash, Verdict};
use std::sync::Arc;

/// An interactor ready to judge: its module and protocol, and for testlib the checker of
/// what it writes (with that checker's module when it is custom).
pub(crate) struct Interactor<'a> {
    pub program: &'a Program,
    pub protocol: CheckerProtocol,
    pub then: Option<(&'a Checker, Option<&'a Program>)>,
}

/// Runs `program` against `interactor` on `test`: the candidate's run (its output is its side
/// of the conversation) and the verdict. `before_check` is called when the candidate's run is
/// over and only the interactor (then its output's checker) may still be running.
pub(crate) fn converse(
    sandbox: &Sandbox,
    program: &Program,
    interactor: &Interactor,
    test: &TestInput,
    limits: Limits,
    before_check: &mut dyn FnMut(),
    watch: &dyn Watch,
) -> (RunOutcome, CheckOutcome) {
    let (candidate_end, interactor_end) = pipes();
    let nothing: Arc<[u8]> = Arc::from(&b""[..]);
    // Generated tests may have no answer: interactors read their secret from the input.
    let answer = test.answer.clone().unwrap_or_else(|| nothing.clone());
    let testlib = interactor.protocol == CheckerProtocol::TestlibInteractive;
    let args = if testlib {
        ["interactor", "input", "output", "answer"]
    } else {
        ["validator", "input", "answer", "feedback/"]
    };
    let interactor_spec = RunSpec {
        stdin: nothing.clone(),
        args: args.map(String::from).to_vec(),
        files: vec![
            ("input".into(), test.input.clone()),
            ("answer".into(), answer),
        ],
        limits: CHECKER_LIMITS,
    };
    let candidate_spec = RunSpec {
        stdin: nothing,
        args: vec!["main".into()],
        files: vec![],
        limits,
    };
    let (run, judged) = std::thread::scope(|s| {
        let pipe = interactor_end.clone();
        let order = interactor_end.clone();
        let spawned = std::thread::Builder::new()
            .name("sieve-interactor".into())
            .stack_size(GUEST_THREAD_STACK)
            .spawn_scoped(s, move || {
                let run = sandbox.run_piped(interactor.program, interactor_spec, Some(pipe));
                let own = interactors_outcome(&run, testlib);
                // Only while the candidate still runs (a candidate that failed first keeps its
                // own failure), and not at a deadlock, which ended the interactor too and is
                // the candidate's time-out.
                if own.verdict != Verdict::AC && !order.deadlocked() && order.ended_before(JUDGE, 1)
                {
                    watch.decided(&own);
                }
                run
            });
        let Ok(handle) = spawned else {
            // Nobody will ever write to the candidate: end its input before it starts.
            interactor_end.end();
            let run = sandbox.run_piped(program, candidate_spec, Some(candidate_end.clone()));
            return (run, Err("could not start the interactor".to_string()));
        };
        let run = sandbox.run_piped(program, candidate_spec, Some(candidate_end.clone()));
        // From here on only the interactor runs: its time is not the candidate's.
        before_check();
        let judged = handle
            .join()
            .map_err(|_| "the interactor's thread panicked".to_string());
        (run, judged)
    });
    let outcome = match judged {
        Ok(judged) => {
            let outcome = decide(&run, &judged, &candidate_end, testlib);
            match (&interactor.then, &test.answer) {
                (Some(then), Some(answer)) if outcome.verdict == Verdict::AC => {
                    check_output(sandbox, *then, test, &judged, answer)
                }
                _ => outcome,
            }
        }
        Err(message) => CheckOutcome::new(Verdict::JudgeError, 0.0, message),
    };
    (run, outcome)
}

/// A testlib interactor's output (the file `output`) judged by the problem's checker.
fn check_output(
    sandbox: &Sandbox,
    then: (&Checker, Option<&Program>),
    test: &TestInput,
    interactor: &RunOutcome,
    answer: &Arc<[u8]>,
) -> CheckOutcome {
    let output = interactor
        .written
        .iter()
        .find(|(n, _)| n == "output")
        .map_or(&[][..], |(_, d)| d.as_slice());
    check_judges_output(sandbox, then, test, output, answer)
}

/// What a judging program (an interactor or a manager) printed, judged against the answer by
/// the problem's checker (`program`: its module, when it is custom).
pub(crate) fn check_judges_output(
    sandbox: &Sandbox,
    (checker, program): (&Checker, Option<&Program>),
    test: &TestInput,
    output: &[u8],
    answer: &Arc<[u8]>,
) -> CheckOutcome {
    match (checker.custom_program(), program) {
        (Some((protocol, _)), Some(p)) => {
            check_custom(sandbox, p, protocol, &test.input, output, answer)
        }
        (Some(_), None) => CheckOutcome::new(
            Verdict::JudgeError,
            0.0,
            "the checker of the interactor's output is not loaded",
        ),
        (None, _) => check_builtin(checker, output, answer),
    }
}

/// The output hash of a conversation. Conversations the interactor or manager accepted are
/// equal answers, whatever was asked on the way (a binary and a ternary search say different
/// things), so they hash alike and cluster together, and so do those given the same partial
/// score; any other keeps the hash of the candidate's side, so that different wrong behaviours
/// stay apart. The accepted hash depends on the test, as a right output does: one value for
/// every test would mark accepted runs wherever verdicts are withheld (tests held out of the
/// hidden ones).
pub(crate) fn conversation_hash(
    outcome: &CheckOutcome,
    run: &RunOutcome,
    test: &TestInput,
) -> OutputHash {
    if outcome.verdict == Verdict::AC && outcome.score > 0.0 {
        let mut accepted = if outcome.score >= 1.0 {
            b"accepted by the interactor on ".to_vec()
        } else {
            format!("scored {} by the manager on ", outcome.score).into_bytes()
        };
        accepted.extend_from_slice(&test.input);
        output_hash(&Checker::Exact, &accepted)
    } else {
        output_hash(&Checker::Tokens, &run.stdout)
    }
}

/// What the interactor's own run says: its exit code under its protocol, or a judge error when
/// it failed.
fn interactors_outcome(interactor: &RunOutcome, testlib: bool) -> CheckOutcome {
    match &interactor.status {
        RunStatus::Exited(code) if !testlib => kattis_outcome(*code, &interactor.written),
        // Points come from the checker of its output: stdout is the candidate's input.
        RunStatus::Exited(7) => CheckOutcome::new(
            Verdict::JudgeError,
            0.0,
            "interactor exited 7 (points): only the checker of its output may give points",
        ),
        RunStatus::Exited(code) => testlib_outcome(
            "interactor",
            *code,
            b"",
            String::from_utf8_lossy(&interactor.stderr)
                .trim()
                .to_string(),
        ),
        other => {
            let stderr = String::from_utf8_lossy(&interactor.stderr);
            CheckOutcome::new(
                Verdict::JudgeError,
                0.0,
                format!("interactor failed: {other:?} {}", stderr.trim()),
            )
        }
    }
}

/// The verdict of a conversation: a deadlock is a time-out. An interactor that ended first
/// with a rejection (or by failing: a judge error) decides, whatever the candidate did after.
/// Otherwise a candidate that failed (time, memory, output, crash) gets that failure, even after
/// an acceptance, as a batch program that printed the right answer and then crashed does; and
/// if it ended cleanly, the interactor's decision stands.
fn decide(
    candidate: &RunOutcome,
    interactor: &RunOutcome,
    pipe: &PipeEnd,
    testlib: bool,
) -> CheckOutcome {
    if pipe.deadlocked() {
        return CheckOutcome::new(
            Verdict::TLE,
            0.0,
            "idle: the program and the interactor both waited for input (is the output flushed?)",
        );
    }
    let judged = interactors_outcome(interactor, testlib);
    match failure(candidate) {
        // The interactor rejected (or failed) before the candidate failed: what came after
        // does not count.
        Some(_) if judged.verdict != Verdict::AC && pipe.ended_before(JUDGE, 1) => judged,
        Some(failed) => failed,
        None => judged,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Which of the two ended first.
    enum Side {
        Candidate,
        Interactor,
    }

    fn outcome(status: RunStatus) -> RunOutcome {
        RunOutcome {
            status,
            stdout: vec![],
            stderr: vec![],
            written: vec![],
            time_us: 0,
            fuel: 0,
            peak_memory: 0,
        }
    }

    /// The verdict when `first` ended first, the candidate with `candidate` and the interactor
    /// with `interactor`.
    fn verdict(first: Side, candidate: RunStatus, interactor: RunStatus) -> Verdict {
        let (c, i) = pipes();
        match first {
            Side::Candidate => (c.end(), i.end()),
            Side::Interactor => (i.end(), c.end()),
        };
        decide(&outcome(candidate), &outcome(interactor), &c, false).verdict
    }

    #[test]
    fn the_first_to_end_decides_between_a_failure_and_a_rejection() {
        use RunStatus::*;
        use Side::*;
        let (accept, reject) = (Exited(42), Exited(43));
        assert_eq!(verdict(Interactor, Exited(0), accept.clone()), Verdict::AC);
        assert_eq!(verdict(Interactor, Exited(0), reject.clone()), Verdict::WA);
        // Rejected, then the candidate ran out of time: the rejection came first.
        assert_eq!(verdict(Interactor, TimeLimit, reject.clone()), Verdict::WA);
        // The candidate crashed, and the interactor then rejected what it did not get.
        assert_eq!(verdict(Candidate, Trap("x".into()), reject), Verdict::RE);
        // Accepted, then crashed: a crash, as in a batch problem.
        assert_eq!(verdict(Interactor, Exited(3), accept), Verdict::RE);
        // An interactor that failed first is the judge's fault, whatever followed.
        let crashed = Trap("abort".into());
        assert_eq!(
            verdict(Interactor, Exited(1), crashed.clone()),
            Verdict::JudgeError
        );
        assert_eq!(verdict(Candidate, Exited(0), crashed), Verdict::JudgeError);
        assert_eq!(
            verdict(Interactor, Exited(0), Exited(7)),
            Verdict::JudgeError
        );
    }
}
