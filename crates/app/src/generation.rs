//! Requests for generated tests: checked here and queued for a worker, which compiles the
//! team's generators and validators in the compiler's jail and runs them in its supervised
//! judging process. This process never compiles or runs them.

use crate::AppError;
use crate::packages::INTERACTIVE_PRIORITY;
use sieve_domain::{GenProgram, JobId, ProblemId};
use sieve_store::Store;
use sieve_store::problems::StoredProblem;
use sieve_store::queue::{GenerateTests, Task};

/// What to generate for a problem.
#[derive(Clone, Debug)]
pub struct Request {
    /// Programs that print one input for a seed.
    pub generators: Vec<GenProgram>,
    /// Programs that accept or reject an input.
    pub validators: Vec<GenProgram>,
    /// The seeds each generator runs with.
    pub seeds: Vec<u64>,
    /// Share of validators that must accept an input, in (0, 1].
    pub threshold: f64,
    /// The subtask the inputs are for; they also join every subtask containing it.
    pub subtask: Option<usize>,
    /// CPU time limit of each run, in milliseconds.
    pub time_limit_ms: u64,
}

/// Queues `request` for `problem`; returns the job, which ends with
/// [`sieve_store::queue::JobOutput::Generated`] or a rejection (a program that does not compile).
pub async fn submit(
    store: &Store,
    problem: ProblemId,
    request: Request,
) -> Result<JobId, AppError> {
    let stored = store
        .load_problem(problem)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no problem {problem}")))?;
    let subtasks = match request.subtask {
        None => vec![],
        Some(s) if s < stored.problem.subtasks.len() => subtasks_holding(&stored, s),
        Some(s) => {
            return Err(AppError::SubtaskOutOfRange {
                subtask: s,
                subtasks: stored.problem.subtasks.len(),
            });
        }
    };
    let task = Task::GenerateTests(GenerateTests {
        problem,
        generators: request.generators,
        validators: request.validators,
        seeds: request.seeds,
        threshold: request.threshold,
        subtasks,
        time_limit_ms: request.time_limit_ms,
    });
    Ok(store
        .enqueue(Some(problem), &task, INTERACTIVE_PRIORITY, None)
        .await?)
}

/// The subtask `target` and every subtask that contains it, directly or through others.
pub fn subtasks_holding(problem: &StoredProblem, target: usize) -> Vec<i16> {
    let subtasks = &problem.problem.subtasks;
    let mut holding = vec![target];
    loop {
        let more: Vec<usize> = (0..subtasks.len())
            .filter(|s| !holding.contains(s))
            .filter(|s| subtasks[*s].contains.iter().any(|c| holding.contains(c)))
            .collect();
        if more.is_empty() {
            break;
        }
        holding.extend(more);
    }
    holding.sort();
    holding.into_iter().map(|s| s as i16).collect()
}
