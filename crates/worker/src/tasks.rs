//! The jobs besides judging: an uploaded package made a problem (its checker compiled in the
//! compiler's jail), and a team's generators and validators run in the supervised judging
//! process into generated tests. Input that cannot be used ends the job with a
//! [`Rejection`] (failed for good: no retry could help); sieve's own failures are errors,
//! retried while attempts remain.

use crate::generate::{GenerateError, GenerateSpec, generate};
use crate::judge_job::{Worker, WorkerError};
use crate::package::{PackageError, prepare};
use crate::recipe::make_tests;
use sieve_domain::Limits;
use sieve_formats::{ArchiveLimits, unpack};
use sieve_store::queue::{GenerateTests, JobOutput, PreparePackage, Rejection};

fn rejected(rejection: Rejection) -> JobOutput {
    JobOutput::Rejected { rejection }
}

impl Worker {
    pub(crate) async fn prepare_package(
        &mut self,
        task: &PreparePackage,
    ) -> Result<JobOutput, WorkerError> {
        let archive = self
            .store
            .get_blob(&task.archive)
            .await?
            .ok_or_else(|| WorkerError::Invalid(format!("no archive blob {}", task.archive)))?;
        let (toolchain, cache_dir, task_c) =
            (self.toolchain.clone(), self.cache_dir.clone(), task.clone());
        let (crashes, prepared) = self
            .with_supervisor(move |supervisor| {
                let task = task_c;
                let dir = tempfile::tempdir()
                    .map_err(|e| WorkerError::Invalid(format!("a scratch directory: {e}")))?;
                let unreadable = |e: sieve_formats::FormatError| Rejection::Unreadable {
                    message: e.to_string(),
                };
                let root = match unpack(&archive, dir.path(), ArchiveLimits::default()) {
                    Ok((root, _)) => root,
                    Err(e) => return Ok(Err(unreadable(e))),
                };
                let package = match task.format.load(&root, &task.overrides) {
                    Ok(p) => p,
                    Err(e) => return Ok(Err(unreadable(e))),
                };
                drop(dir);
                let made =
                    make_tests(&toolchain, &cache_dir, supervisor, package).and_then(|package| {
                        prepare(
                            &toolchain,
                            &package,
                            task.slug.clone(),
                            task.contest,
                            &cache_dir,
                        )
                    });
                match made {
                    Ok(p) => Ok(Ok(p)),
                    Err(PackageError::Sandbox(e)) => Err(WorkerError::Sandbox(e)),
                    Err(PackageError::Tests(message)) => Ok(Err(Rejection::Tests { message })),
                    Err(e) => Ok(Err(Rejection::Checker {
                        message: e.to_string(),
                    })),
                }
            })
            .await?;
        if crashes > 0 {
            crate::metrics::crashes(crashes);
        }
        let prepared = prepared?;
        let mut prepared = match prepared {
            Ok(p) => p,
            Err(rejection) => return Ok(rejected(rejection)),
        };
        if task.name_is_slug {
            prepared.problem.name = prepared.problem.slug.clone();
        }
        if let Some(f) = task.time_factor {
            prepared.problem.time_factor = f;
            prepared.problem.time_factor_from = "given".into();
        }
        let mut warnings = task.warnings.clone();
        warnings.append(&mut prepared.problem.warnings);
        prepared.problem.warnings = warnings;
        match prepared.store(&self.store).await {
            Ok(problem) => Ok(JobOutput::Prepared {
                problem,
                warnings: prepared.problem.warnings,
            }),
            Err(e) if e.constraint() == Some("problems_slug_key") => {
                Ok(rejected(Rejection::SlugTaken {
                    slug: task.slug.clone(),
                }))
            }
            Err(e) => Err(e.into()),
        }
    }

    pub(crate) async fn generate_tests(
        &mut self,
        task: &GenerateTests,
    ) -> Result<JobOutput, WorkerError> {
        let Some(problem) = self.store.load_problem(task.problem).await? else {
            return Ok(rejected(Rejection::NoProblem {
                problem: task.problem,
            }));
        };
        let spec = GenerateSpec {
            generators: task.generators.clone(),
            validators: task.validators.clone(),
            seeds: task.seeds.clone(),
            threshold: task.threshold,
            limits: Limits {
                time_ms: task.time_limit_ms.clamp(1, 60_000),
                ..Limits::default()
            },
        };
        let (toolchain, cache_dir, subtasks) = (
            self.toolchain.clone(),
            self.cache_dir.clone(),
            task.subtasks.clone(),
        );
        let (crashes, generated) = self
            .with_supervisor(move |supervisor| {
                generate(
                    &toolchain, &cache_dir, supervisor, &spec, &problem, &subtasks,
                )
            })
            .await?;
        if crashes > 0 {
            crate::metrics::crashes(crashes);
        }
        let (tests, report) = match generated {
            Ok(done) => done,
            Err(GenerateError::Compile {
                validator,
                index,
                name,
                message,
            }) => {
                return Ok(rejected(Rejection::ProgramDoesNotCompile {
                    validator,
                    index,
                    name,
                    message,
                }));
            }
            Err(GenerateError::Invalid(message)) => {
                return Ok(rejected(Rejection::Invalid { message }));
            }
            Err(GenerateError::Sandbox(e)) => return Err(e.into()),
        };
        let (indices, rejudged) = if tests.is_empty() {
            (vec![], 0)
        } else {
            self.store.add_tests(task.problem, &tests).await?
        };
        let report = serde_json::to_value(&report)
            .map_err(|e| WorkerError::Invalid(format!("the generation report: {e}")))?;
        Ok(JobOutput::Generated {
            indices,
            rejudged,
            report,
        })
    }
}
