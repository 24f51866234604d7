//! `sieve serve` with no DATABASE_URL: starts its own PostgreSQL, answers probes, and leaves no
//! postgres process behind after SIGTERM.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn postmaster_running(data_dir: &Path) -> bool {
    // postmaster.pid exists exactly while the server runs (it is removed on clean shutdown).
    let pid_file = data_dir.join("pg").join("postmaster.pid");
    let Ok(text) = std::fs::read_to_string(pid_file) else {
        return false;
    };
    let pid = text.lines().next().unwrap_or("").trim().to_string();
    Path::new("/proc").join(pid).exists()
}

#[tokio::test]
async fn serve_starts_its_own_postgres_and_stops_it_on_sigterm() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let mut child = Command::new(env!("CARGO_BIN_EXE_sieve"))
        .args(["serve", "--addr", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path())
        .arg("--cache-dir")
        .arg(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/sieve-test/cache"))
        .env_remove("DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let stdout = child.stdout.take().expect("piped stdout");
    let mut lines = BufReader::new(stdout).lines();
    let url = loop {
        let line = lines.next().expect("sieve exited before serving")?;
        if let Some(rest) = line.strip_prefix("sieve is serving on ") {
            break rest.trim_end_matches('/').to_string();
        }
    };
    assert!(
        postmaster_running(dir.path()),
        "private cluster should be running"
    );

    let client = reqwest::Client::new();
    let health = client.get(format!("{url}/healthz")).send().await?;
    assert_eq!(health.status(), 200);
    let ready = client.get(format!("{url}/readyz")).send().await?;
    assert_eq!(
        ready.status(),
        200,
        "migrations applied and database reachable"
    );
    let missing = client.get(format!("{url}/no-such-route")).send().await?;
    assert_eq!(missing.status(), 404);

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()?;
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(60);
    let exit = loop {
        if let Some(s) = child.try_wait()? {
            break s;
        }
        assert!(
            Instant::now() < deadline,
            "sieve did not exit after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(exit.success(), "graceful shutdown exits 0, got {exit:?}");
    assert!(
        !postmaster_running(dir.path()),
        "no postgres process may be left behind"
    );
    Ok(())
}

#[test]
fn help_lists_the_subcommands() {
    let out = Command::new(env!("CARGO_BIN_EXE_sieve"))
        .arg("--help")
        .output()
        .expect("run sieve --help");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for sub in ["serve", "db"] {
        assert!(
            text.lines().any(|l| l.trim_start().starts_with(sub)),
            "--help lacks {sub}:\n{text}"
        );
    }
}

#[test]
fn db_start_and_stop_manage_the_private_cluster() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sieve = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_sieve"))
            .args(args)
            .arg("--data-dir")
            .arg(dir.path())
            .env_remove("DATABASE_URL")
            .output()
            .expect("run sieve db")
    };
    let start = sieve(&["db", "start"]);
    assert!(
        start.status.success(),
        "{}",
        String::from_utf8_lossy(&start.stderr)
    );
    let url = String::from_utf8_lossy(&start.stdout).trim().to_string();
    assert!(
        url.starts_with("postgres://sieve:") && url.ends_with("/sieve"),
        "{url}"
    );
    assert!(postmaster_running(dir.path()));
    let stop = sieve(&["db", "stop"]);
    assert!(
        stop.status.success(),
        "{}",
        String::from_utf8_lossy(&stop.stderr)
    );
    assert!(
        !postmaster_running(dir.path()),
        "sieve db stop leaves no server running"
    );
}

/// A mistyped data directory is an error, not a new empty cluster that shows none of the data.
#[test]
fn a_data_dir_that_does_not_exist_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let typo = dir.path().join("sieve-dta");
    let out = Command::new(env!("CARGO_BIN_EXE_sieve"))
        .args(["keys", "create", "--role", "viewer", "--data-dir"])
        .arg(&typo)
        .env_remove("DATABASE_URL")
        .output()
        .expect("run sieve keys");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no such directory"), "{err}");
    assert!(!typo.exists(), "nothing was made at the mistyped path");
}

#[test]
fn local_mode_without_keys_is_refused_off_loopback() {
    let out = Command::new(env!("CARGO_BIN_EXE_sieve"))
        .args(["serve", "--local", "--addr", "0.0.0.0:0", "--workers", "0"])
        .env("DATABASE_URL", "postgres://unused@127.0.0.1:1/none")
        .output()
        .expect("run sieve serve");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("loopback"));
}
