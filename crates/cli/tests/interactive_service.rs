//! Interactive problems through the service: `sieve import` compiles the interactor (a Kattis
//! one from `validation: custom interactive`, or a Polygon testlib one with the checker of its
//! output), and the workers judge posted candidates by talking to it; CMS Communication tasks
//! through their managers; and output-only submissions.

mod common;

use common::judged_through_the_service;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn posted_candidates_are_judged_by_the_interactor() -> anyhow::Result<()> {
    let files = [
        (
            "examples/guess/submissions/accepted/binary_search.cpp",
            100.0,
        ),
        (
            "examples/guess/submissions/partially_accepted/linear.cpp",
            40.0,
        ),
        (
            "examples/guess/submissions/time_limit_exceeded/no_flush.cpp",
            0.0,
        ),
    ];
    let judged =
        judged_through_the_service("kattis", "examples/guess", "guess", "interactive", &files)
            .await?;
    assert_eq!(
        judged[2]["results"]["public"][0]["verdict"], "TLE",
        "{}",
        judged[2]
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_polygon_interactor_and_the_checker_of_its_output_judge_together() -> anyhow::Result<()> {
    let files = [
        (
            "tests/fixtures/packages/polygon-interactive/solutions/binary.cpp",
            100.0,
        ),
        (
            "tests/fixtures/packages/polygon-interactive/solutions/linear.cpp",
            0.0,
        ),
        (
            "tests/fixtures/packages/polygon-interactive/solutions/off_by_one.cpp",
            0.0,
        ),
    ];
    let judged = judged_through_the_service(
        "polygon",
        "tests/fixtures/packages/polygon-interactive",
        "poly-guess",
        "testlib_interactive",
        &files,
    )
    .await?;
    // The sample: linear search is accepted by the interactor and then by the checker (3
    // questions of 4 allowed); off by one is rejected by the interactor.
    assert_eq!(
        judged[1]["results"]["public"][0]["verdict"], "AC",
        "{}",
        judged[1]
    );
    assert_eq!(
        judged[2]["results"]["public"][0]["verdict"], "WA",
        "{}",
        judged[2]
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cms_communication_task_is_judged_by_its_manager_through_the_workers()
-> anyhow::Result<()> {
    // Two processes of each candidate, linked with the stub, relayed by the manager.
    let files = [
        (
            "tests/fixtures/packages/tps-relay/solutions/binary.cpp",
            100.0,
        ),
        ("tests/fixtures/packages/tps-relay/solutions/short.cpp", 0.0),
        (
            "tests/fixtures/packages/tps-relay/solutions/crash_decoder.cpp",
            0.0,
        ),
    ];
    let judged = judged_through_the_service(
        "cms",
        "tests/fixtures/packages/tps-relay",
        "relay",
        "communication",
        &files,
    )
    .await?;
    let sample = &judged[2]["results"]["public"][0];
    assert_eq!(sample["verdict"], "RE", "{}", judged[2]);
    // One process and the manager's partial score: 0.5 of the full subtask.
    let guess = judged_through_the_service(
        "cms",
        "tests/fixtures/packages/tps-guess",
        "guess",
        "communication",
        &[(
            "tests/fixtures/packages/tps-guess/solutions/linear.cpp",
            50.0,
        )],
    )
    .await?;
    assert_eq!(
        guess[0]["results"]["public"][0]["verdict"], "AC",
        "{}",
        guess[0]
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn output_only_submissions_are_judged_through_the_workers() -> anyhow::Result<()> {
    let files = [
        ("tests/fixtures/packages/cms-outputs/solutions/full", 100.0),
        (
            "tests/fixtures/packages/cms-outputs/solutions/partial",
            40.0,
        ),
    ];
    let judged = judged_through_the_service(
        "cms",
        "tests/fixtures/packages/cms-outputs",
        "cmsoutputs",
        "tokens",
        &files,
    )
    .await?;
    assert_eq!(judged[1]["language"], "outputs", "{}", judged[1]);
    Ok(())
}
