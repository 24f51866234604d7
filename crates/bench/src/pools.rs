//! The pools `sieve bench selection` replays: four real problems (on their official tests from
//! `--problems DIR`, or on the repository's own packages of them) and the examples, each with its hand-written candidates and synthesised mutants of its correct
//! ones, generated tests from its generators and validators where it has them, every candidate
//! judged on every test (kept going, so official tests can also be held out). What is stored
//! already is reused: a second run only judges what is new.

use anyhow::Context;
use sieve_app::generation::subtasks_holding;
use sieve_app::ingest::{JudgePlan, store_candidates};
use sieve_domain::{Language, Limits, ProblemId, TestKind};
use sieve_formats::program_from_spec as program;
use sieve_formats::{Overrides, Package};
use sieve_sandbox::Toolchain;
use sieve_store::Store;
use sieve_store::candidates::NewCandidate;
use sieve_worker::generate::{GenerateSpec, generate};
use std::path::{Path, PathBuf};

/// One problem of the benchmark.
pub struct BenchProblem {
    /// Short name.
    pub name: &'static str,
    /// The real package, relative to `--problems` (the official tests), if there is one.
    pub official: Option<&'static str>,
    /// The package in this repository, relative to it: own tests in the real one's shape
    /// (tests/fixtures/problems/make_packages.py), or the example itself.
    pub own: &'static str,
    /// Kattis package (or a folder of tests with 1 s / 512 MiB).
    pub kattis: bool,
    /// Hand-written candidates, relative to the repository: every source below it.
    pub candidates: &'static str,
    /// Where `generators/plan.tsv` and `validators/` are, relative to the repository.
    pub generators: &'static str,
}

impl BenchProblem {
    /// The package judged: the official one under `problems` where given, else the own one.
    pub fn package(&self, repo: &Path, problems: Option<&Path>) -> PathBuf {
        match (problems, self.official) {
            (Some(dir), Some(official)) => dir.join(official),
            _ => repo.join(self.own),
        }
    }

    /// The slug in the bench database: official and own tests are different problems.
    pub fn slug(&self, problems: Option<&Path>) -> String {
        match (problems, self.official) {
            (None, Some(_)) => format!("bench-own-{}", self.name),
            _ => format!("bench-{}", self.name),
        }
    }
}

/// The problems: four real ones and the two examples.
pub const PROBLEMS: [BenchProblem; 6] = [
    BenchProblem {
        name: "brandpost",
        official: Some("sweoi2024/brandpost"),
        own: "tests/fixtures/problems/brandpost/package",
        kattis: true,
        candidates: "tests/fixtures/problems/brandpost",
        generators: "tests/fixtures/problems/brandpost",
    },
    BenchProblem {
        name: "laviner",
        official: Some("sweoi2024/laviner"),
        own: "tests/fixtures/problems/laviner/package",
        kattis: true,
        candidates: "tests/fixtures/problems/laviner",
        generators: "tests/fixtures/problems/laviner",
    },
    BenchProblem {
        name: "cses-1158",
        official: Some("cses/1158"),
        own: "tests/fixtures/problems/cses-1158/package",
        kattis: false,
        candidates: "tests/fixtures/problems/cses-1158",
        generators: "tests/fixtures/problems/cses-1158",
    },
    BenchProblem {
        name: "cses-1633",
        official: Some("cses/1633"),
        own: "tests/fixtures/problems/cses-1633/package",
        kattis: false,
        candidates: "tests/fixtures/problems/cses-1633",
        generators: "tests/fixtures/problems/cses-1633",
    },
    BenchProblem {
        name: "divsum",
        official: None,
        own: "examples/divsum",
        kattis: true,
        candidates: "examples/divsum/submissions",
        generators: "tests/fixtures/problems/divsum",
    },
    BenchProblem {
        name: "pairsum",
        official: None,
        own: "examples/pairsum",
        kattis: true,
        candidates: "examples/pairsum/submissions",
        generators: "tests/fixtures/problems/pairsum",
    },
];

/// C/C++ sources below `dir` (not in generators/ or validators/), sorted.
fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let p = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        if p.is_dir() && name != "generators" && name != "validators" {
            out.extend(sources(&p));
        } else if Language::from_extension(&name).is_some_and(|l| l.is_compiled()) {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// Correct sources: named `ac_*`, or under an `accepted/` directory.
fn correct(p: &Path) -> bool {
    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    name.starts_with("ac_") || p.parent().is_some_and(|d| d.ends_with("accepted"))
}

fn candidate(source: String, language: Language, tags: serde_json::Value) -> NewCandidate {
    NewCandidate {
        idempotency_key: Some(format!(
            "bench:{}",
            blake3::hash(source.as_bytes()).to_hex()
        )),
        source,
        language,
        model: Some("bench".into()),
        tags,
        ..NewCandidate::default()
    }
}

/// Imports `p` unless present; returns its id and whether it is new.
async fn import(
    store: &Store,
    dirs: (&Path, Option<&Path>),
    p: &BenchProblem,
    toolchain: &Toolchain,
    cache: &Path,
) -> anyhow::Result<(ProblemId, bool)> {
    let slug = p.slug(dirs.1);
    if let Some(id) = store.problem_by_slug(&slug).await? {
        return Ok((id, false));
    }
    let dir = p.package(dirs.0, dirs.1);
    let package: Package = if p.kattis {
        sieve_formats::load_kattis(&dir, &Overrides::default())?
    } else {
        let o = Overrides {
            time_ms: Some(1000),
            memory_bytes: Some(512 << 20),
        };
        sieve_formats::load_folder(&dir, &o)?
    };
    let prepared = sieve_worker::package::prepare(toolchain, &package, slug, None, cache)
        .with_context(|| format!("preparing {}", dir.display()))?;
    Ok((prepared.store(store).await?, true))
}

/// Generated tests as `generators/plan.tsv` lays them out (per line: the subtask, the
/// generator with its arguments, the subtask's validator with its arguments; the independent
/// `validators/val_full_alt.cpp` is added to every line), `per_generator` seeds each; returns
/// how many inputs were kept.
async fn generated_tests(
    store: &Store,
    repo: &Path,
    p: &BenchProblem,
    id: ProblemId,
    toolchain: &Toolchain,
    cache: &Path,
    per_generator: u64,
) -> anyhow::Result<usize> {
    let dir = repo.join(p.generators);
    let Ok(plan) = std::fs::read_to_string(dir.join("generators/plan.tsv")) else {
        return Ok(0);
    };
    let mut kept = 0;
    for line in plan.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        let [subtask, generator, validator] = cols[..] else {
            anyhow::bail!("plan.tsv: {line:?} is not subtask, generator, validator");
        };
        let mut validators = vec![program(&dir.join("validators"), validator)?];
        if dir.join("validators/val_full_alt.cpp").exists() {
            validators.push(program(&dir.join("validators"), "val_full_alt.cpp")?);
        }
        let problem = store
            .load_problem(id)
            .await?
            .context("the problem vanished")?;
        let target = problem
            .problem
            .subtasks
            .iter()
            .position(|s| s.name.ends_with(subtask));
        let subtasks = target
            .map(|t| subtasks_holding(&problem, t))
            .unwrap_or_default();
        let spec = GenerateSpec {
            generators: vec![program(&dir.join("generators"), generator)?],
            validators,
            seeds: (1..=per_generator).collect(),
            threshold: 0.75,
            limits: Limits {
                time_ms: 10_000,
                ..Limits::default()
            },
        };
        let mut supervisor = crate::supervisor(cache)?;
        let (tests, _) = generate(
            toolchain,
            cache,
            &mut supervisor,
            &spec,
            &problem,
            &subtasks,
        )?;
        if !tests.is_empty() {
            kept += tests.len();
            store.add_tests(id, &tests).await?;
        }
    }
    Ok(kept)
}

/// `count` mutants of `parents`: drawn with at most `max_order` changes each, and when a small
/// program runs out of those, topped up with draws of one more change at a time (up to 4). Each
/// stage is a reproducible draw, so a larger `count` extends a pool.
fn mutants(
    parents: &[(String, String)],
    count: usize,
    max_order: usize,
) -> Vec<sieve_synth::Mutant> {
    let mut out = sieve_synth::sample(parents, count, 1, max_order);
    let mut seen: std::collections::HashSet<String> =
        out.iter().map(|m| m.source.clone()).collect();
    for order in max_order + 1..=4 {
        if out.len() >= count {
            break;
        }
        for m in sieve_synth::sample(parents, count, 1, order) {
            if out.len() < count && seen.insert(m.source.clone()) {
                out.push(m);
            }
        }
    }
    out
}

/// Builds (or completes) every pool with `count` mutants per problem and queues their judging,
/// on the official packages under `problems` where given (else on the repository's own);
/// returns per problem its id and whether it has generated tests.
#[allow(clippy::too_many_arguments)]
pub async fn build(
    store: &Store,
    repo: &Path,
    problems: Option<&Path>,
    toolchain: &Toolchain,
    cache: &Path,
    count: usize,
    max_order: usize,
    seeds: u64,
) -> anyhow::Result<Vec<(ProblemId, bool)>> {
    let mut out = Vec::new();
    for p in &PROBLEMS {
        let (id, new) = import(store, (repo, problems), p, toolchain, cache).await?;
        let slug = p.slug(problems);
        // Without generators, official tests will be held out as generated ones: every hidden
        // test must run (a skip after a failure would tell who failed).
        let has_plan = repo.join(p.generators).join("generators/plan.tsv").exists();
        if has_plan {
            // Inputs already stored are kept once, so asking for more seeds adds only the new
            // ones (and the candidates are judged on them).
            let kept = generated_tests(store, repo, p, id, toolchain, cache, seeds).await?;
            if new || kept > 0 {
                eprintln!("{slug}: {kept} new generated tests");
            }
        }
        let plan = JudgePlan {
            kinds: vec![TestKind::Public, TestKind::Generated, TestKind::Hidden],
            keep_going: !has_plan,
        };
        let files = sources(&repo.join(p.candidates));
        let mut pool = Vec::new();
        let mut parents = Vec::new();
        for f in &files {
            let source = std::fs::read_to_string(f)?;
            let label = f
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_string();
            let language = Language::from_extension(&label).unwrap_or(Language::Cpp17);
            if correct(f) {
                parents.push((label.clone(), source.clone()));
            }
            pool.push(candidate(
                source,
                language,
                serde_json::json!({"origin": "hand", "file": label}),
            ));
        }
        for m in mutants(&parents, count, max_order) {
            let language = Language::from_extension(&m.parent_label).unwrap_or(Language::Cpp17);
            let tags = serde_json::json!({"origin": "synth", "operator": m.operator.name(), "parent": m.parent_label});
            pool.push(candidate(m.source, language, tags));
        }
        let mut batch = store.begin_batch().await?;
        let ids = store_candidates(&mut batch, &plan, id, &pool).await?;
        batch.commit().await?;
        let fresh = ids.iter().filter(|(_, c)| *c).count();
        eprintln!(
            "{slug}: {} candidates ({fresh} new) from {} correct parents",
            ids.len(),
            parents.len()
        );
        let generated = store.load_problem(id).await?.is_some_and(|p| {
            p.problem
                .tests
                .iter()
                .any(|t| t.kind == TestKind::Generated)
        });
        out.push((id, generated));
    }
    Ok(out)
}
