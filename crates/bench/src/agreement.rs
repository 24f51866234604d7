//! `sieve bench agreement --problems DIR`: the hand-written candidates of the four real problems
//! judged by `sieve judge` on the problems' official tests (a directory outside the repository,
//! such as ../shared/problems), against the scores the same candidates got natively with g++ -O2
//! (`tests/fixtures/problems/<problem>/expected.tsv`). The test suite checks the same candidates on
//! the repository's own small packages of these problems; this is the check on the real data.

use crate::pools::PROBLEMS;
use crate::report::{Table, note};
use anyhow::Context;
use std::path::PathBuf;
use std::process::Command;

/// Options of `sieve bench agreement`.
#[derive(Debug, clap::Args)]
pub struct AgreementBenchArgs {
    /// The directory of real problems with their official tests (`sweoi2024/brandpost`,
    /// `sweoi2024/laviner`, `cses/1158`, `cses/1633`).
    #[arg(long)]
    problems: PathBuf,
    /// Only the problems whose name contains this.
    #[arg(long)]
    only: Option<String>,
    /// Where the toolchain and builds are cached.
    #[arg(long, env = "SIEVE_CACHE_DIR", default_value = ".sieve/cache")]
    cache_dir: PathBuf,
}

/// One candidate's outcome.
struct Row {
    file: String,
    expected: f64,
    got: Option<f64>,
    borderline: bool,
}

/// Runs `sieve bench agreement`.
pub fn run(args: AgreementBenchArgs) -> anyhow::Result<()> {
    let repo = std::env::current_dir()?;
    let sieve = std::env::current_exe().context("finding the sieve binary")?;
    let (mut agree, mut total) = (0, 0);
    let mut out = Table::new(
        "Agreement with g++ on the official tests",
        &["problem", "candidates", "same score as g++", "differ"],
    );
    for p in PROBLEMS.iter().filter(|p| p.official.is_some()) {
        if args.only.as_deref().is_some_and(|o| !p.name.contains(o)) {
            continue;
        }
        let package = p.package(&repo, Some(&args.problems));
        anyhow::ensure!(
            package.is_dir(),
            "{} is not a directory: --problems names the directory holding {}",
            package.display(),
            p.official.unwrap_or_default()
        );
        let fixtures = repo.join(p.candidates);
        let table = std::fs::read_to_string(fixtures.join("expected.tsv"))
            .with_context(|| format!("reading {}/expected.tsv", fixtures.display()))?;
        let mut rows = Vec::new();
        let lines: Vec<&str> = table
            .lines()
            .skip(1)
            .filter(|l| !l.trim().is_empty())
            .collect();
        let progress = crate::report::bar(lines.len() as u64);
        progress.set_message(p.name);
        for line in lines {
            progress.inc(1);
            let cols: Vec<&str> = line.split('\t').collect();
            let expected: f64 = cols
                .get(1)
                .and_then(|s| s.parse().ok())
                .with_context(|| format!("expected.tsv: {line:?}"))?;
            let mut cmd = Command::new(&sieve);
            cmd.args(["judge", "--json", "--problem"])
                .arg(&package)
                .arg("--source")
                .arg(fixtures.join(cols[0]))
                .arg("--cache-dir")
                .arg(&args.cache_dir);
            if !p.kattis {
                cmd.args(["--time-limit", "1000", "--memory-limit", "512"]);
            }
            let out = cmd.output().context("running sieve judge")?;
            let got = serde_json::from_slice::<serde_json::Value>(&out.stdout)
                .ok()
                .and_then(|v| v["report"]["total"].as_f64());
            rows.push(Row {
                file: cols[0].to_string(),
                expected,
                got,
                borderline: cols.get(2).is_some_and(|n| n.starts_with("BORDERLINE")),
            });
        }
        progress.finish_and_clear();
        let same = |r: &Row| r.got.is_some_and(|g| (g - r.expected).abs() < 1e-9);
        let counted: Vec<&Row> = rows.iter().filter(|r| !r.borderline).collect();
        let ok = counted.iter().filter(|r| same(r)).count();
        let differ: Vec<String> = rows
            .iter()
            .filter(|r| !same(r))
            .map(|r| {
                let got = r.got.map_or("no report".into(), |g| format!("{g}"));
                let mark = if r.borderline { " (borderline)" } else { "" };
                format!("{} {} for {}{mark}", r.file, got, r.expected)
            })
            .collect();
        out.row(vec![
            p.name.into(),
            counted.len().into(),
            ok.into(),
            if differ.is_empty() {
                "-".into()
            } else {
                differ.join("; ").into()
            },
        ]);
        agree += ok;
        total += counted.len();
    }
    out.print();
    note!(
        "agreement: {agree} of {total} candidates score what g++ gives them (borderline ones aside)"
    );
    Ok(())
}
