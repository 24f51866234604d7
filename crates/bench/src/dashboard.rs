//! `sieve bench dashboard`: how fast the dashboard's JSON routes answer on a problem with
//! 10,000 judged candidates (synthetic rows written in SQL: 2 public, 256 generated and 20
//! hidden tests by default), served in-process over HTTP. Each route is asked once (cold), then
//! several times, and the median of those is reported next to the plain problem summary's.

use crate::report::{Cell, Table, note};
use anyhow::Context;
use sieve_domain::{Checker, Limits, Rules, Subtask, TestKind};
use sieve_pglocal::Database;
use sieve_pglocal::DbArgs;
use sieve_store::Store;
use sieve_store::contests::NewContest;
use sieve_store::problems::{NewProblem, NewTest};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Options of `sieve bench dashboard`.
#[derive(Debug, clap::Args)]
pub struct DashboardBenchArgs {
    /// Judged candidates on the problem.
    #[arg(long, default_value_t = 10_000)]
    candidates: i32,
    /// Generated tests (spread over three subtasks).
    #[arg(long, default_value_t = 256)]
    generated: usize,
    /// Hidden tests.
    #[arg(long, default_value_t = 20)]
    hidden: usize,
    /// Requests per route (the median is reported).
    #[arg(long, default_value_t = 5)]
    repeat: usize,
    /// Where the toolchain and builds are cached.
    #[arg(long, env = "SIEVE_CACHE_DIR", default_value = ".sieve/cache")]
    cache_dir: PathBuf,
    #[command(flatten)]
    db: DbArgs,
}

const DB: &str = "sieve_bench_dashboard";

fn problem(args: &DashboardBenchArgs, contest: sieve_domain::ContestId) -> NewProblem {
    let test = |name: String, kind: TestKind, answer: bool| NewTest {
        input: format!("{name}\n").into_bytes(),
        answer: answer.then(|| b"0\n".to_vec()),
        name,
        kind,
    };
    let mut tests = vec![
        test("sample1".into(), TestKind::Public, true),
        test("sample2".into(), TestKind::Public, true),
    ];
    tests.extend((0..args.generated).map(|i| test(format!("gen{i}"), TestKind::Generated, false)));
    tests.extend((0..args.hidden).map(|i| test(format!("secret{i}"), TestKind::Hidden, true)));
    // Subtask s holds every s-th third of the tests and contains the ones before it.
    let of =
        |s: usize| -> Vec<usize> { (0..tests.len()).filter(|i| i % 3 <= s || *i < 2).collect() };
    NewProblem {
        slug: "bench-dashboard".into(),
        name: "Dashboard bench".into(),
        limits: Limits::default(),
        time_factor: sieve_domain::TimeFactor::DEFAULT,
        time_factor_from: "default".into(),
        checker: Checker::Tokens,
        precision: 2,
        subtasks: (0..3)
            .map(|s| Subtask {
                name: format!("group{}", s + 1),
                points: [20.0, 30.0, 50.0][s],
                tests: of(s),
                contains: (0..s).collect(),
            })
            .collect(),
        tests,
        grader: vec![],
        warnings: vec![],
        contest: Some(contest),
    }
}

/// Runs `sieve bench dashboard`.
pub fn run(args: DashboardBenchArgs) -> anyhow::Result<()> {
    let db = Database::open(&args.db)?;
    let (server, _) = db.url.rsplit_once('/').context("database URL")?;
    let url = format!("{server}/{DB}");
    let rt = tokio::runtime::Runtime::new()?;
    let result = rt.block_on(async {
        sieve_pglocal::recreate_database(&format!("{server}/postgres"), DB).await?;
        let store = Store::connect(&url, 8)
            .await
            .context("the bench database")?;
        bench(&args, store).await
    });
    drop(rt);
    db.close();
    result
}

async fn bench(args: &DashboardBenchArgs, store: Store) -> anyhow::Result<()> {
    let contest = store
        .insert_contest(&NewContest {
            name: "bench".into(),
            rules: Rules::Ioi,
            submission_limit: 50,
            settings: serde_json::json!({}),
        })
        .await?;
    let pid = store.insert_problem(&problem(args, contest)).await?;
    let started = Instant::now();
    sieve_testkit::synthetic::add_synthetic_candidates(&store, pid, args.candidates).await?;
    note!(
        "bench dashboard: {} candidates x ({} public + {} generated + {} hidden tests), written in {:.1} s",
        args.candidates,
        2,
        args.generated,
        args.hidden,
        started.elapsed().as_secs_f64()
    );
    let scorer: Arc<dyn sieve_scoring::Scorer> = Arc::new(sieve_scoring::Heuristic);
    let started = Instant::now();
    sieve_app::selection::select_and_store(&store, pid, "sieve", 50, scorer.clone()).await?;
    let select = started.elapsed();
    let started = Instant::now();
    sieve_app::replay::simulate_contest(
        &store,
        contest,
        &["random", "alphacode", "sieve"],
        None,
        20,
        scorer,
        None,
    )
    .await?;
    note!(
        "a selection (sieve, K = 50) in {:.2} s; a simulation (3 strategies x 20 seeds) in {:.2} s",
        select.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );

    let state = sieve_api::AppState::new(store.clone(), sieve_api::AuthMode::Local);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(sieve_api::serve(listener, state, async {
        stopped.await.ok();
    }));
    let http = reqwest::Client::new();
    let candidate = store
        .list_candidates(pid, &Default::default())
        .await?
        .first()
        .map(|c| c.id)
        .context("no candidate")?;
    let routes = [
        format!("/v1/problems/{pid}"),
        format!("/v1/problems/{pid}/candidates?limit=100"),
        format!("/v1/candidates/{candidate}"),
        format!("/v1/problems/{pid}/funnel"),
        format!("/v1/problems/{pid}/verdicts"),
        format!("/v1/problems/{pid}/resources"),
        format!("/v1/problems/{pid}/clusters"),
        format!("/v1/problems/{pid}/clusters?subtask=0"),
        format!("/v1/problems/{pid}/selections"),
        format!("/v1/contests/{contest}/simulations"),
    ];
    let mut out = Table::new(
        format!("Dashboard routes over {} candidates", args.candidates),
        &["route", "first ms", "median ms", "/ summary"],
    );
    let mut baseline = None;
    for route in &routes {
        let mut times = Vec::with_capacity(args.repeat);
        for _ in 0..=args.repeat.max(1) {
            let t = Instant::now();
            let r = http.get(format!("{base}{route}")).send().await?;
            anyhow::ensure!(r.status().is_success(), "{route}: {}", r.status());
            r.bytes().await?;
            times.push(t.elapsed());
        }
        // The first request may fill a cache (the clusters' pool); the median is of the rest.
        let first = times.remove(0).as_secs_f64() * 1e3;
        times.sort();
        let median: Duration = times[times.len() / 2];
        let ms = median.as_secs_f64() * 1e3;
        let base_ms = *baseline.get_or_insert(ms);
        let shown = route
            .replace(&pid.to_string(), "{id}")
            .replace(&contest.to_string(), "{id}");
        let shown = shown.replace(&candidate.to_string(), "{id}");
        out.row(vec![
            shown.into(),
            Cell::num(first, 1),
            Cell::num(ms, 1),
            Cell::num(ms / base_ms, 1),
        ]);
    }
    out.print();
    stop.send(()).ok();
    server.await??;
    Ok(())
}
