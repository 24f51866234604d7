//! The deployment files (`docker-compose.yml`, `deploy/k8s/`) against the binary and the schema
//! they are for: every command they give `sieve` parses, the image's entry point is the binary,
//! and KEDA's queue-depth query runs on the real schema and counts what it should.

mod common;

use common::repo;
use serde_yaml_ng::Value;
use sieve_testkit::testing::TestDb;
use std::process::Command;

/// Every YAML document of `path`.
fn documents(path: &std::path::Path) -> anyhow::Result<Vec<Value>> {
    let text = std::fs::read_to_string(path)?;
    serde_yaml_ng::Deserializer::from_str(&text)
        .map(|d| Ok(serde::Deserialize::deserialize(d)?))
        .collect()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_sequence()
        .into_iter()
        .flatten()
        .filter_map(|s| s.as_str().map(String::from))
        .collect()
}

/// The `sieve` command lines of every container in the Kubernetes manifests and the compose file.
fn command_lines() -> anyhow::Result<Vec<(String, Vec<String>)>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(repo().join("deploy/k8s"))? {
        let path = entry?.path();
        if path.extension().is_none_or(|e| e != "yaml") {
            continue;
        }
        for doc in documents(&path)? {
            let pod = match doc["kind"].as_str() {
                Some("Deployment" | "Job") => &doc["spec"]["template"]["spec"],
                _ => continue,
            };
            for c in pod["containers"].as_sequence().into_iter().flatten() {
                let name = format!("{}: {}", path.display(), c["name"].as_str().unwrap_or(""));
                out.push((name, strings(&c["args"])));
            }
        }
    }
    let compose = &documents(&repo().join("docker-compose.yml"))?[0];
    for (name, service) in compose["services"].as_mapping().into_iter().flatten() {
        let command = strings(&service["command"]);
        if !command.is_empty() {
            out.push((format!("compose: {}", name.as_str().unwrap_or("")), command));
        }
    }
    Ok(out)
}

#[test]
fn every_command_the_deployment_gives_sieve_parses() -> anyhow::Result<()> {
    let lines = command_lines()?;
    assert!(lines.len() >= 7, "{lines:?}");
    for (name, args) in &lines {
        assert!(!args.is_empty(), "{name}: no arguments");
        // Help after the arguments: clap rejects an unknown flag or a bad value before it.
        let out = Command::new(env!("CARGO_BIN_EXE_sieve"))
            .args(args)
            .arg("--help")
            .output()?;
        assert!(
            out.status.success(),
            "{name}: sieve {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // A flag sieve does not have fails the same way (so the check above can fail).
    let out = Command::new(env!("CARGO_BIN_EXE_sieve"))
        .args(["worker", "--metrics-adr", "0.0.0.0:9090", "--help"])
        .output()?;
    assert!(!out.status.success());
    Ok(())
}

#[tokio::test]
async fn kedas_query_counts_the_jobs_waiting_or_running() -> anyhow::Result<()> {
    let docs = documents(&repo().join("deploy/k8s/worker-scaledobject.yaml"))?;
    let trigger = &docs[0]["spec"]["triggers"][0];
    assert_eq!(trigger["type"].as_str(), Some("postgresql"));
    let query = trigger["metadata"]["query"].as_str().expect("a query");
    let db = TestDb::new().await?;
    let store = sieve_store::Store::from_pool(db.pool.clone());
    let judge = |n: u128| {
        sieve_store::queue::Task::Judge(sieve_store::queue::JudgeJob {
            candidate: sieve_domain::CandidateId(uuid::Uuid::from_u128(n)),
            kinds: vec![sieve_domain::TestKind::Public],
            keep_going: false,
        })
    };
    for n in 0..5 {
        store.enqueue(None, &judge(n), 0, None).await?;
    }
    let kinds = sieve_store::queue::JobKind::ALL;
    let lease = std::time::Duration::from_secs(60);
    let running = store.take_job("w", &kinds, lease).await?.expect("a job");
    let done = store.take_job("w", &kinds, lease).await?.expect("a job");
    store.complete_job(done.id, "w").await?;
    let _ = running;
    let depth: i64 = sqlx::query_scalar(query).fetch_one(&db.pool).await?;
    assert_eq!(
        depth, 4,
        "three queued and one running; the done one does not count"
    );
    db.drop_db().await?;
    Ok(())
}
