//! How to judge: the tests as the judge takes them, and the options of a judging (limits,
//! checker and the modules of its custom programs, how far to go).

use crate::{Program, Sandbox, SandboxError};
use sieve_domain::{Checker, Limits};
use std::sync::Arc;

/// One test as the judge sees it.
#[derive(Clone, Debug)]
pub struct TestInput {
    /// The test's name.
    pub name: String,
    /// Its input.
    pub input: Arc<[u8]>,
    /// Its expected answer; `None` for generated tests run only for their behaviour.
    pub answer: Option<Arc<[u8]>>,
}

/// How to judge.
#[derive(Clone, Debug)]
pub struct JudgeOptions {
    /// Limits of each run.
    pub limits: Limits,
    /// The comparison.
    pub checker: Checker,
    /// The compiled custom checker (or interactor), when `checker` names one.
    pub custom_checker: Option<Program>,
    /// The compiled checker of a testlib interactor's output, when `checker` names a custom one.
    pub then_checker: Option<Program>,
    /// Run every test even after a subtask has failed.
    pub all_tests: bool,
    /// Stop after this many time-outs: the tests not yet run are skipped. A looping program
    /// costs the time limit on every test, and past a few time-outs its other outputs no longer
    /// matter (it will not be chosen), so a pool's many generated tests stay affordable.
    pub timeout_budget: Option<usize>,
    /// Decimal places of points.
    pub precision: u32,
    /// Keep what each test printed in its report ([`crate::TestReport::output`]): the
    /// candidate's output, or a Communication task's manager's (the answers of tests made at
    /// import are the model solution's).
    pub keep_outputs: bool,
    /// Judge by fuel instead of CPU time in a supervised judging process ([`crate::Supervisor`]):
    /// a run may burn `limits.time_ms × fuel_per_ms` units (about one per wasm instruction), the
    /// same verdict on any machine. The in-process judge ignores it (its sandbox's mode rules).
    pub fuel_per_ms: Option<u64>,
}

impl JudgeOptions {
    /// Judging with `checker` under `limits`: no custom checker loaded yet, a subtask stopped at
    /// its first failure, no time-out budget, points to two decimals.
    pub fn new(limits: Limits, checker: Checker) -> JudgeOptions {
        JudgeOptions {
            limits,
            checker,
            custom_checker: None,
            then_checker: None,
            all_tests: false,
            timeout_budget: None,
            precision: 2,
            keep_outputs: false,
            fuel_per_ms: None,
        }
    }

    /// Loads into `sandbox` the modules of `checker`'s custom programs, given in the order of
    /// [`Checker::programs`]: the checker or interactor, then the checker of a testlib
    /// interactor's output.
    pub fn load_checkers(
        &mut self,
        sandbox: &Sandbox,
        modules: &[Vec<u8>],
    ) -> Result<(), SandboxError> {
        let mut loaded = modules.iter().map(|m| sandbox.load(m));
        self.custom_checker = loaded.next().transpose()?;
        self.then_checker = loaded.next().transpose()?;
        Ok(())
    }
}
