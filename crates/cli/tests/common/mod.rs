//! What the service tests share: a `sieve serve` on a random port against a test database,
//! problem imports and API keys made with the CLI.
#![allow(dead_code)]

use serde_json::{Value, json};
use sieve_domain::ProblemId;
use sieve_store::Store;
use sieve_testkit::testing::TestDb;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn cache_dir() -> PathBuf {
    repo().join("target/sieve-test/cache")
}

pub struct Server {
    pub child: Child,
    pub url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.wait();
    }
}

/// `sieve serve` with one worker and `extra` arguments; its log goes to `log` when given.
pub fn serve_logged(db: &TestDb, extra: &[&str], log: Option<&Path>) -> Server {
    let stderr = match log {
        Some(p) => Stdio::from(std::fs::File::create(p).expect("log file")),
        None => Stdio::null(),
    };
    let mut child = Command::new(env!("CARGO_BIN_EXE_sieve"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .args(extra)
        .arg("--cache-dir")
        .arg(cache_dir())
        .env("DATABASE_URL", &db.url)
        .env("RUST_LOG", "debug")
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .expect("start sieve serve");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let url = loop {
        let line = lines.next().expect("sieve serve exited").expect("line");
        if let Some(u) = line.strip_prefix("sieve is serving on ") {
            break u.trim_end_matches('/').to_string();
        }
    };
    Server { child, url }
}

/// The service run in this process by `sieve_service::run`, the function `sieve serve` calls,
/// on its own runtime and thread, listening on a random loopback port; dropping it shuts it
/// down gracefully and waits.
pub struct Served {
    pub url: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Settings parsed from `sieve serve`'s own flags.
#[derive(clap::Parser)]
struct ServeFlags {
    #[command(flatten)]
    settings: sieve_service::Settings,
}

/// The service with one worker and `extra` flags of `sieve serve` (`--local`, `--lease-secs`,
/// ...), run in this process; its judging processes are the `sieve` binary's.
pub fn serve_with(db: &TestDb, extra: &[&str]) -> Served {
    use clap::Parser;
    let mut args = vec!["sieve-serve", "--workers", "1"];
    args.extend_from_slice(extra);
    let mut settings = ServeFlags::try_parse_from(&args)
        .expect("sieve serve's flags")
        .settings;
    settings.workers.cache_dir = cache_dir();
    settings.workers.sieve_exe = Some(env!("CARGO_BIN_EXE_sieve").into());
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    listener.set_nonblocking(true).expect("non-blocking");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let database = db.url.clone();
    let thread = std::thread::spawn(move || {
        let rt = tokio::runtime::Runtime::new().expect("runtime");
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
            let shutdown = async move {
                let _ = stopped.await;
            };
            if let Err(e) = sieve_service::run(listener, &database, &settings, shutdown).await {
                panic!("the service failed: {e}");
            }
        });
    });
    Served {
        url,
        stop: Some(stop),
        thread: Some(thread),
    }
}

/// Imports `examples/<name>` with `sieve import kattis`.
pub async fn import_example(db: &TestDb, name: &str) -> anyhow::Result<ProblemId> {
    let import = Command::new(env!("CARGO_BIN_EXE_sieve"))
        .args(["import", "kattis"])
        .arg(repo().join("examples").join(name))
        .arg("--cache-dir")
        .arg(cache_dir())
        .env("DATABASE_URL", &db.url)
        .output()?;
    anyhow::ensure!(
        import.status.success(),
        "{}",
        String::from_utf8_lossy(&import.stderr)
    );
    Store::from_pool(db.pool.clone())
        .problem_by_slug(name)
        .await?
        .ok_or_else(|| anyhow::anyhow!("{name} not imported"))
}

/// Runs `sieve args` against `db`, with the tests' cache, and asserts that it succeeded.
pub fn sieve_ok(db: &TestDb, args: &[&str]) -> std::process::Output {
    let out = Command::new(env!("CARGO_BIN_EXE_sieve"))
        .args(args)
        .env("DATABASE_URL", &db.url)
        .env("SIEVE_CACHE_DIR", cache_dir())
        .output()
        .expect("run sieve");
    assert!(
        out.status.success(),
        "sieve {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A new API key with `role`, made by `sieve keys create`.
pub fn create_key(db: &TestDb, role: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_sieve"))
        .args(["keys", "create", "--role", role])
        .env("DATABASE_URL", &db.url)
        .output()
        .expect("sieve keys create");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Reads a server-sent-events response until `stop` accepts an event's data, or the deadline.
pub async fn wait_for_event(
    mut resp: reqwest::Response,
    deadline: std::time::Instant,
    mut stop: impl FnMut(&serde_json::Value) -> bool,
) -> anyhow::Result<serde_json::Value> {
    let mut buf = String::new();
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        anyhow::ensure!(
            !left.is_zero(),
            "no matching event before the deadline; saw {buf}"
        );
        let chunk = tokio::time::timeout(left, resp.chunk()).await??;
        let Some(chunk) = chunk else {
            anyhow::bail!("the event stream ended");
        };
        buf.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buf.find("\n\n") {
            let event: String = buf.drain(..end + 2).collect();
            for line in event.lines() {
                if let Some(data) = line.strip_prefix("data:") {
                    let v: serde_json::Value = serde_json::from_str(data.trim())?;
                    if stop(&v) {
                        return Ok(v);
                    }
                }
            }
        }
    }
}

/// Imports `package` (`format`, stored as `slug`) into a fresh database, serves it, posts
/// `files` (paths in the repository: sources in the language their extension names, or a
/// directory of an output-only submission's `output_NNN.txt` files) and checks that each scores
/// its points on the hidden tests. Returns the judged candidates.
pub async fn judged_through_the_service(
    format: &str,
    package: &str,
    slug: &str,
    kind: &str,
    files: &[(&str, f64)],
) -> anyhow::Result<Vec<Value>> {
    let db = TestDb::new().await?;
    let import = std::process::Command::new(env!("CARGO_BIN_EXE_sieve"))
        .args(["import", format])
        .arg(repo().join(package))
        .arg("--cache-dir")
        .arg(cache_dir())
        .env("DATABASE_URL", &db.url)
        .output()?;
    let log = String::from_utf8_lossy(&import.stderr);
    assert!(import.status.success(), "{log}");
    assert!(!log.contains("batch"), "{log}");
    let pid = Store::from_pool(db.pool.clone())
        .problem_by_slug(slug)
        .await?
        .expect("imported");
    let server = serve_with(&db, &["--local"]);
    let http = reqwest::Client::new();
    let base = &server.url;
    let problem: Value = http
        .get(format!("{base}/v1/problems/{pid}"))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(problem["checker"]["kind"], kind, "{problem}");
    let mut body = Vec::new();
    for (file, _) in files {
        let path = repo().join(file);
        body.push(if path.is_dir() {
            // An output-only submission: CMS's output_NNN.txt files, by test name.
            let mut outputs = serde_json::Map::new();
            for entry in std::fs::read_dir(&path)? {
                let path = entry?.path();
                let stem = path
                    .file_stem()
                    .and_then(|s| s.to_str())
                    .unwrap_or_default();
                let name = stem.trim_start_matches("output_").to_string();
                outputs.insert(name, Value::String(std::fs::read_to_string(&path)?));
            }
            json!({"source": Value::Object(outputs).to_string(), "language": "outputs"})
        } else {
            let language = sieve_domain::Language::from_extension(file).expect("a source");
            json!({"source": std::fs::read_to_string(&path)?, "language": language.name()})
        });
    }
    let posted: Value = http
        .post(format!(
            "{base}/v1/problems/{pid}/candidates?judge=public,hidden"
        ))
        .json(&json!({ "candidates": body }))
        .send()
        .await?
        .json()
        .await?;
    let events = http
        .get(format!("{base}/v1/problems/{pid}/events"))
        .send()
        .await?;
    // Long enough for a first Python judging to compile the interpreter.
    wait_for_event(events, Instant::now() + Duration::from_secs(300), |p| {
        p["done"] == true && p["judged_hidden"] == files.len()
    })
    .await?;
    let mut judged = Vec::new();
    for (i, (file, points)) in files.iter().enumerate() {
        let id = posted["candidates"][i]["id"]
            .as_str()
            .expect("candidate id");
        let c: Value = http
            .get(format!("{base}/v1/candidates/{id}"))
            .send()
            .await?
            .json()
            .await?;
        assert_eq!(c["points"]["hidden"], *points, "{file}: {c}");
        judged.push(c);
    }
    Ok(judged)
}

/// Copies the directory `from` (recursively) to `to`.
pub fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for e in std::fs::read_dir(from)? {
        let e = e?;
        let target = to.join(e.file_name());
        if e.file_type()?.is_dir() {
            copy_dir(&e.path(), &target)?;
        } else {
            std::fs::copy(e.path(), target)?;
        }
    }
    Ok(())
}
