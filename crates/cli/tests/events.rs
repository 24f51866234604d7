//! Progress streams under load (issue 17): one shared read of a problem's progress however many
//! clients listen, prompt updates when a job changes in another connection (PostgreSQL NOTIFY,
//! with the fallback poll made too slow to matter), a cap on the open streams of one API key, and
//! `sieve serve` exiting on SIGTERM while streams are open.

mod common;

use common::{Server, create_key, serve_logged};
use serde_json::{Value, json};
use sieve_domain::{CandidateId, ProblemId, TestKind};
use sieve_store::Store;
use sieve_store::queue::{JobKind, JudgeJob, Task};
use sieve_testkit::testing::TestDb;
use std::time::{Duration, Instant};

/// `sieve serve` without judging workers: jobs stay as the test leaves them.
fn serve(db: &TestDb, extra: &[&str]) -> Server {
    let mut args = vec!["--workers", "0"];
    args.extend_from_slice(extra);
    serve_logged(db, &args, None)
}

async fn create_problem(
    http: &reqwest::Client,
    server: &Server,
    admin: &str,
    slug: &str,
) -> anyhow::Result<String> {
    let resp = http
        .post(format!("{}/v1/problems", server.url))
        .bearer_auth(admin)
        .json(&json!({
            "slug": slug, "time_limit_ms": 1000,
            "tests": [{"name": "t1", "kind": "public", "input": "1\n", "answer": "1\n"}]
        }))
        .send()
        .await?;
    anyhow::ensure!(resp.status() == 201, "create problem: {}", resp.status());
    let body: Value = resp.json().await?;
    Ok(body["id"].as_str().expect("id").to_string())
}

async fn open_stream(
    http: &reqwest::Client,
    server: &Server,
    key: &str,
    pid: &str,
) -> anyhow::Result<reqwest::Response> {
    Ok(http
        .get(format!("{}/v1/problems/{pid}/events", server.url))
        .bearer_auth(key)
        .send()
        .await?)
}

/// The next `progress` event's data on an open stream (keep-alive comments skipped).
struct Events {
    resp: reqwest::Response,
    buf: String,
    /// The `id` of the last event read.
    last_id: Option<String>,
}

impl Events {
    fn new(resp: reqwest::Response) -> Events {
        Events {
            resp,
            buf: String::new(),
            last_id: None,
        }
    }

    async fn next(&mut self, deadline: Instant) -> anyhow::Result<Value> {
        loop {
            while let Some(end) = self.buf.find("\n\n") {
                let event: String = self.buf.drain(..end + 2).collect();
                if let Some(id) = event.lines().find_map(|l| l.strip_prefix("id:")) {
                    self.last_id = Some(id.trim().to_string());
                }
                if let Some(data) = event.lines().find_map(|l| l.strip_prefix("data:")) {
                    return Ok(serde_json::from_str(data.trim())?);
                }
            }
            let left = deadline.saturating_duration_since(Instant::now());
            anyhow::ensure!(!left.is_zero(), "no event before the deadline");
            let chunk = tokio::time::timeout(left, self.resp.chunk()).await??;
            let Some(chunk) = chunk else {
                anyhow::bail!("the event stream ended");
            };
            self.buf.push_str(&String::from_utf8_lossy(&chunk));
        }
    }

    /// Reads events until one satisfies `stop`.
    async fn until(
        &mut self,
        deadline: Instant,
        mut stop: impl FnMut(&Value) -> bool,
    ) -> anyhow::Result<Value> {
        loop {
            let v = self.next(deadline).await?;
            if stop(&v) {
                return Ok(v);
            }
        }
    }
}

/// The progress queries this server has made, from `/metrics`.
async fn progress_queries(http: &reqwest::Client, server: &Server) -> anyhow::Result<u64> {
    let text = http
        .get(format!("{}/metrics", server.url))
        .send()
        .await?
        .text()
        .await?;
    Ok(text
        .lines()
        .filter_map(|l| l.strip_prefix("sieve_progress_queries_total"))
        .filter_map(|rest| rest.rsplit(' ').next()?.parse::<f64>().ok())
        .map(|v| v as u64)
        .sum())
}

/// Events carry ids; a client reconnecting with `Last-Event-ID` is not sent again the state it
/// has, only what changed since, and one with an id of another state gets the current one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_resumes_from_its_last_event_id() -> anyhow::Result<()> {
    let db = TestDb::new().await?;
    let (admin, viewer) = (create_key(&db, "admin"), create_key(&db, "viewer"));
    let server = serve(&db, &[]);
    let http = reqwest::Client::new();
    let pid = create_problem(&http, &server, &admin, "resume").await?;
    let deadline = || Instant::now() + Duration::from_secs(30);
    let post = || {
        http.post(format!("{}/v1/problems/{pid}/candidates", server.url))
            .bearer_auth(&admin)
            .json(&json!({"candidates": [{"source": "int main(){}", "language": "c"}]}))
            .send()
    };
    assert_eq!(post().await?.status(), 201);
    let mut first = Events::new(open_stream(&http, &server, &viewer, &pid).await?);
    let seen = first.until(deadline(), |e| e["candidates"] == 1).await?;
    let id = first.last_id.clone().expect("events carry an id");
    drop(first);
    let resumed = |id: &str| {
        http.get(format!("{}/v1/problems/{pid}/events", server.url))
            .bearer_auth(&viewer)
            .header("last-event-id", id)
            .send()
    };
    let mut again = Events::new(resumed(&id).await?);
    let mut stale = Events::new(resumed("0123456789abcdef01234567").await?);
    // The stale id's stream gets the current state at once; the resumed one nothing yet.
    assert_eq!(stale.next(deadline()).await?, seen);
    assert_eq!(post().await?.status(), 201);
    let next = again.next(deadline()).await?;
    assert_eq!(
        next["candidates"], 2,
        "the first event after resuming is the change: {next}"
    );
    assert_ne!(again.last_id.as_deref(), Some(id.as_str()));
    drop(server);
    db.drop_db().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listeners_of_one_problem_share_its_progress_queries() -> anyhow::Result<()> {
    let db = TestDb::new().await?;
    let (admin, viewer) = (create_key(&db, "admin"), create_key(&db, "viewer"));
    let server = serve(&db, &[]);
    let http = reqwest::Client::new();
    let pid = create_problem(&http, &server, &admin, "shared").await?;
    let deadline = || Instant::now() + Duration::from_secs(30);
    let window = Duration::from_secs(3);

    let mut streams = vec![Events::new(
        open_stream(&http, &server, &viewer, &pid).await?,
    )];
    streams[0].next(deadline()).await?;
    let before = progress_queries(&http, &server).await?;
    tokio::time::sleep(window).await;
    let alone = progress_queries(&http, &server).await? - before;

    const K: usize = 10;
    for _ in 0..K {
        let resp = open_stream(&http, &server, &viewer, &pid).await?;
        assert_eq!(resp.status(), 200);
        let mut s = Events::new(resp);
        s.next(deadline()).await?;
        streams.push(s);
    }
    let before = progress_queries(&http, &server).await?;
    tokio::time::sleep(window).await;
    let crowded = progress_queries(&http, &server).await? - before;
    assert!(
        crowded <= alone + 2 && crowded < K as u64,
        "with {} listeners the server made {crowded} progress queries in {window:?}, \
         with one {alone}: they must not grow with the listeners",
        K + 1
    );
    drop(streams);
    db.drop_db().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_changed_by_another_connection_reaches_the_stream() -> anyhow::Result<()> {
    let db = TestDb::new().await?;
    let (admin, viewer) = (create_key(&db, "admin"), create_key(&db, "viewer"));
    // The fallback poll is 10 minutes: only a notification can bring the changes in time.
    let server = serve(&db, &["--events-poll-secs", "600"]);
    let http = reqwest::Client::new();
    let pid = create_problem(&http, &server, &admin, "notified").await?;
    let problem = ProblemId(pid.parse()?);
    let deadline = || Instant::now() + Duration::from_secs(30);

    let mut events = Events::new(open_stream(&http, &server, &viewer, &pid).await?);
    let first = events.next(deadline()).await?;
    assert_eq!(
        (first["queued"].as_i64(), first["done"].as_bool()),
        (Some(0), Some(true))
    );

    // The test's own connection plays a worker in another process.
    let store = Store::from_pool(db.pool.clone());
    let mut batch = store.begin_batch().await?;
    let task = Task::Judge(JudgeJob {
        candidate: CandidateId::new(),
        kinds: vec![TestKind::Public],
        keep_going: false,
    });
    batch
        .enqueue_many(problem, &[(task, 0, "events-test".into())])
        .await?;
    batch.commit().await?;
    events.until(deadline(), |p| p["queued"] == 1).await?;

    let job = store
        .take_job("test-worker", &JobKind::ALL, Duration::from_secs(60))
        .await?
        .expect("the queued job");
    events
        .until(deadline(), |p| p["running"] == 1 && p["queued"] == 0)
        .await?;
    store.complete_job(job.id, "test-worker").await?;
    let done = events.until(deadline(), |p| p["done"] == true).await?;
    assert_eq!(done["running"], 0);
    db.drop_db().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_key_may_hold_only_so_many_streams() -> anyhow::Result<()> {
    let db = TestDb::new().await?;
    let (admin, viewer, other) = (
        create_key(&db, "admin"),
        create_key(&db, "viewer"),
        create_key(&db, "viewer"),
    );
    let server = serve(&db, &[]);
    let http = reqwest::Client::new();
    let pid = create_problem(&http, &server, &admin, "capped").await?;

    const CAP: usize = 16;
    let mut open = Vec::new();
    for i in 0..CAP {
        let resp = open_stream(&http, &server, &viewer, &pid).await?;
        assert_eq!(resp.status(), 200, "stream {i} of {CAP}");
        open.push(resp);
    }
    let refused = open_stream(&http, &server, &viewer, &pid).await?;
    assert_eq!(refused.status(), 429, "stream {} of one key", CAP + 1);
    assert_eq!(
        refused.headers()["content-type"],
        "application/problem+json"
    );
    let body: Value = refused.json().await?;
    assert_eq!(body["status"], 429);
    let contest: Value = http
        .post(format!("{}/v1/contests", server.url))
        .bearer_auth(&admin)
        .json(&json!({"name": "c", "rules": "ioi"}))
        .send()
        .await?
        .json()
        .await?;
    let contest_too = http
        .get(format!(
            "{}/v1/contests/{}/events",
            server.url,
            contest["id"].as_str().expect("id")
        ))
        .bearer_auth(&viewer)
        .send()
        .await?;
    assert_eq!(contest_too.status(), 429, "the cap covers contest streams");

    let another = open_stream(&http, &server, &other, &pid).await?;
    assert_eq!(another.status(), 200, "the cap is per key, not global");

    // A closed stream gives its place back (once the server sees the connection gone).
    drop(open.pop());
    let until = Instant::now() + Duration::from_secs(60);
    loop {
        let resp = open_stream(&http, &server, &viewer, &pid).await?;
        if resp.status() == 200 {
            break;
        }
        assert_eq!(resp.status(), 429);
        assert!(
            Instant::now() < until,
            "a closed stream's place was never freed"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    drop(open);
    db.drop_db().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_exits_on_sigterm_with_a_stream_open() -> anyhow::Result<()> {
    let db = TestDb::new().await?;
    let (admin, viewer) = (create_key(&db, "admin"), create_key(&db, "viewer"));
    let mut server = serve(&db, &[]);
    let http = reqwest::Client::new();
    let pid = create_problem(&http, &server, &admin, "open").await?;
    let mut events = Events::new(open_stream(&http, &server, &viewer, &pid).await?);
    events
        .next(Instant::now() + Duration::from_secs(30))
        .await?;

    let status = std::process::Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()?;
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(20);
    let exit = loop {
        if let Some(s) = server.child.try_wait()? {
            break s;
        }
        if Instant::now() > deadline {
            // Not left running behind a failed test.
            let _ = server.child.kill();
            panic!("sieve serve did not exit within 20 s of SIGTERM with a stream open");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(exit.success(), "graceful shutdown exits 0, got {exit:?}");
    // The client sees its stream end rather than hang.
    let ended = events.next(Instant::now() + Duration::from_secs(10)).await;
    assert!(ended.is_err(), "the stream must end, got {ended:?}");
    db.drop_db().await?;
    Ok(())
}
