//! `sieve worker` as a fleet runs it: woken by the database when a job is queued (not by its
//! poll), probes and Prometheus metrics on `--metrics-addr`, and SIGTERM handing the job in hand
//! back to the queue at once instead of finishing it.

mod common;

use common::{serve_logged, wait_for_event};
use serde_json::{Value, json};
use sieve_testkit::testing::TestDb;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Worker(Child);

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `sieve worker --workers 1` on `db` with `extra` flags.
fn worker(db: &TestDb, extra: &[&str]) -> anyhow::Result<Worker> {
    Ok(Worker(
        Command::new(env!("CARGO_BIN_EXE_sieve"))
            .args(["worker", "--workers", "1"])
            .args(extra)
            .arg("--cache-dir")
            .arg(common::cache_dir())
            .env("DATABASE_URL", &db.url)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?,
    ))
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

async fn job_state(db: &TestDb) -> anyhow::Result<Option<(String, i32, Option<String>)>> {
    Ok(
        sqlx::query_as("SELECT state::text, attempts, lease_owner FROM jobs WHERE kind = 'judge'")
            .fetch_optional(&db.pool)
            .await?,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_wakes_on_jobs_serves_probes_and_hands_its_job_back_on_sigterm()
-> anyhow::Result<()> {
    let db = TestDb::new().await?;
    let server = serve_logged(&db, &["--local", "--workers", "0"], None);
    let http = reqwest::Client::new();
    let url = |p: &str| format!("{}{p}", server.url);
    let problem: Value = http
        .post(url("/v1/problems"))
        .json(&json!({"slug": "slow", "time_limit_ms": 10000,
            "tests": [{"name": "s", "kind": "public", "input": "1\n", "answer": "1\n"}]}))
        .send()
        .await?
        .json()
        .await?;
    let pid = problem["id"].as_str().expect("problem id").to_string();

    // A worker that would look at the queue only once a minute on its own.
    let port = free_port();
    let probes = format!("http://127.0.0.1:{port}");
    let metrics_addr = format!("127.0.0.1:{port}");
    let first = worker(&db, &["--poll-secs", "60", "--metrics-addr", &metrics_addr])?;
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(r) = http.get(format!("{probes}/readyz")).send().await
            && r.status() == 200
        {
            break;
        }
        anyhow::ensure!(
            Instant::now() < deadline,
            "the worker's probes never came up"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Let the worker find the queue empty and go to sleep on its minute-long poll.
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(
        http.get(format!("{probes}/healthz")).send().await?.status(),
        200
    );

    // An endless loop, judged against 15 s: the job would hold the worker that long.
    let posted = http
        .post(url(&format!("/v1/problems/{pid}/candidates")))
        .json(&json!({"candidates": [{"source": "int main(){for(;;);}", "language": "c"}]}))
        .send()
        .await?;
    assert_eq!(posted.status(), 201);
    let queued_at = Instant::now();
    loop {
        if let Some((state, _, _)) = job_state(&db).await?
            && state == "running"
        {
            break;
        }
        anyhow::ensure!(
            queued_at.elapsed() < Duration::from_secs(20),
            "the idle worker was not woken by the queued job"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let metrics = http
        .get(format!("{probes}/metrics"))
        .send()
        .await?
        .text()
        .await?;
    for line in [
        "sieve_workers 1",
        "sieve_workers_busy 1",
        "sieve_queue_jobs{kind=\"judge\",state=\"running\"} 1",
    ] {
        assert!(
            metrics.lines().any(|l| l == line),
            "{line} missing:\n{metrics}"
        );
    }
    assert!(metrics.contains("# HELP sieve_jobs_total"), "{metrics}");

    // SIGTERM: the job goes back to the queue now, not 15 s from now.
    let pid_of_worker = first.0.id().to_string();
    Command::new("kill")
        .args(["-TERM", &pid_of_worker])
        .status()?;
    let stopping = Instant::now();
    let mut stopping_worker = first;
    loop {
        if stopping_worker.0.try_wait()?.is_some() {
            break;
        }
        anyhow::ensure!(
            stopping.elapsed() < Duration::from_secs(10),
            "the worker did not stop within 10 s of SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (state, attempts, owner) = job_state(&db).await?.expect("the job is kept");
    assert_eq!(
        (state.as_str(), attempts, owner),
        ("queued", 0, None),
        "handed back, its attempt not counted"
    );

    // Another worker takes it and judges it to the end.
    let _next = worker(&db, &[])?;
    let events = http
        .get(url(&format!("/v1/problems/{pid}/events")))
        .send()
        .await?;
    wait_for_event(events, Instant::now() + Duration::from_secs(120), |e| {
        e["done"] == true && e["judged_public"] == 1
    })
    .await?;
    // The result says which machine judged it, and how fast that machine is.
    let (host, speed): (Option<String>, Option<f32>) =
        sqlx::query_as("SELECT host, host_speed FROM results")
            .fetch_one(&db.pool)
            .await?;
    let here = std::fs::read_to_string("/proc/sys/kernel/hostname")?;
    assert_eq!(host.as_deref(), Some(here.trim()));
    assert!(speed.is_some_and(|s| s > 1000.0), "{speed:?} fuel per ms");
    Ok(())
}

/// A fleet judging by fuel: the problem gets one rate, stored by the first worker, and a run's
/// budget is exactly its limit times that rate, whatever machine it ran on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn judged_by_fuel_a_run_gets_the_same_budget_on_any_worker() -> anyhow::Result<()> {
    let db = TestDb::new().await?;
    let server = serve_logged(&db, &["--local", "--workers", "0"], None);
    let http = reqwest::Client::new();
    let url = |p: &str| format!("{}{p}", server.url);
    let problem: Value = http
        .post(url("/v1/problems"))
        .json(&json!({"slug": "sum", "time_limit_ms": 400,
            "tests": [{"name": "s", "kind": "public", "input": "1 2\n", "answer": "3\n"}]}))
        .send()
        .await?
        .json()
        .await?;
    let pid = problem["id"].as_str().expect("problem id").to_string();
    let sum = "#include <stdio.h>\nint main(void){long long a,b;scanf(\"%lld %lld\",&a,&b);printf(\"%lld\\n\",a+b);}\n";
    let posted: Value = http
        .post(url(&format!("/v1/problems/{pid}/candidates")))
        .json(&json!({"candidates": [{"source": sum, "language": "c"},
                                     {"source": "int main(){for(;;);}", "language": "c"}]}))
        .send()
        .await?
        .json()
        .await?;
    let id = |i: usize| posted["candidates"][i]["id"].as_str().unwrap().to_string();
    let _worker = worker(&db, &["--judging", "fuel"])?;
    let events = http
        .get(url(&format!("/v1/problems/{pid}/events")))
        .send()
        .await?;
    wait_for_event(events, Instant::now() + Duration::from_secs(120), |e| {
        e["done"] == true && e["judged_public"] == 2
    })
    .await?;
    let rate: Option<i64> = sqlx::query_scalar("SELECT fuel_per_ms FROM problems")
        .fetch_one(&db.pool)
        .await?;
    let rate = rate.expect("the first worker stored the problem's rate");
    let outcome = |candidate: String| {
        let pool = db.pool.clone();
        async move {
            let (verdict, fuel): (i16, i64) = sqlx::query_as(
                "SELECT r.verdicts[1], r.fuel[1] FROM results r
                 JOIN candidates c ON c.build_key = r.build_key WHERE c.id = $1::uuid",
            )
            .bind(candidate)
            .fetch_one(&pool)
            .await?;
            anyhow::Ok((verdict, fuel))
        }
    };
    let (verdict, fuel) = outcome(id(0)).await?;
    assert_eq!(verdict, sieve_domain::Verdict::AC.index());
    assert!(
        fuel > 0 && fuel < 400 * 3 / 2 * rate,
        "{fuel} of {rate} per ms"
    );
    let (verdict, fuel) = outcome(id(1)).await?;
    assert_eq!(verdict, sieve_domain::Verdict::TLE.index());
    // 400 ms times the default factor 1.5, at the stored rate: exactly, on any machine.
    assert_eq!(
        fuel,
        600 * rate,
        "the loop burnt its whole budget and no more"
    );
    Ok(())
}
