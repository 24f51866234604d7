//! Interactive problems (the Kattis protocol): the candidate and the problem's interactor run at
//! once, each in its own store on its own thread, joined by in-host pipes. The interactor is
//! started as `validator input answer feedback_dir`; what it writes is the candidate's input,
//! and what the candidate writes is the interactor's. Its exit code (42 accept, 43 reject) is the
//! verdict, unless the candidate failed first.
//!
//! The candidate runs on the calling thread, so a supervisor watching that thread's CPU clock
//! limits the candidate alone; time spent waiting for the interactor is not charged.

use crate::checker::{CHECKER_LIMITS, CheckOutcome, kattis_outcome};
use crate::judge::{TestInput, failure};
use crate::wasi::{PipeEnd, Side, pipes};
use crate::{GUEST_THREAD_STACK, Program, RunOutcome, RunSpec, RunStatus, Sandbox};
use sieve_domain::{Limits, Verdict};
use std::sync::Arc;

/// Runs `program` against `interactor` on `test`: the candidate's run (its output is its side
/// of the conversation) and the verdict.
pub(crate) fn converse(
    sandbox: &Sandbox,
    program: &Program,
    interactor: &Program,
    test: &TestInput,
    limits: Limits,
) -> (RunOutcome, CheckOutcome) {
    let (candidate_end, interactor_end) = pipes();
    let nothing: Arc<[u8]> = Arc::from(&b""[..]);
    // Generated tests may have no answer: interactors read their secret from the input.
    let answer = test.answer.clone().unwrap_or_else(|| nothing.clone());
    let interactor_spec = RunSpec {
        stdin: nothing.clone(),
        args: ["validator", "input", "answer", "feedback/"]
            .map(String::from)
            .to_vec(),
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
        let spawned = std::thread::Builder::new()
            .name("sieve-interactor".into())
            .stack_size(GUEST_THREAD_STACK)
            .spawn_scoped(s, move || {
                sandbox.run_piped(interactor, interactor_spec, Some(pipe))
            });
        let Ok(handle) = spawned else {
            // Nobody will ever write to the candidate: end its input before it starts.
            interactor_end.end();
            let run = sandbox.run_piped(program, candidate_spec, Some(candidate_end.clone()));
            return (run, Err("could not start the interactor".to_string()));
        };
        let run = sandbox.run_piped(program, candidate_spec, Some(candidate_end.clone()));
        let judged = handle
            .join()
            .map_err(|_| "the interactor's thread panicked".to_string());
        (run, judged)
    });
    let outcome = match judged {
        Ok(judged) => decide(&run, &judged, &candidate_end),
        Err(message) => CheckOutcome::new(Verdict::JudgeError, 0.0, message),
    };
    (run, outcome)
}

/// The verdict of a conversation, as Kattis gives it: a deadlock is a time-out; a candidate
/// that failed (time, memory, output, crash) before the interactor decided gets that failure;
/// otherwise the interactor's decision stands, and an interactor that crashed or answered
/// outside the protocol is a judge error.
fn decide(candidate: &RunOutcome, interactor: &RunOutcome, pipe: &PipeEnd) -> CheckOutcome {
    if pipe.deadlocked() {
        return CheckOutcome::new(
            Verdict::TLE,
            0.0,
            "idle: the program and the interactor both waited for input (is the output flushed?)",
        );
    }
    let judged = match &interactor.status {
        RunStatus::Exited(code) => kattis_outcome(*code, &interactor.written),
        other => {
            let stderr = String::from_utf8_lossy(&interactor.stderr);
            CheckOutcome::new(
                Verdict::JudgeError,
                0.0,
                format!("interactor failed: {other:?} {}", stderr.trim()),
            )
        }
    };
    match failure(candidate) {
        // The interactor rejected before the candidate failed: what came after does not count.
        Some(_)
            if judged.verdict == Verdict::WA && pipe.first_ended() == Some(Side::Interactor) =>
        {
            judged
        }
        Some(failed) => failed,
        None => judged,
    }
}
