//! `sieve candidates add`: candidates from files — a directory of sources (language from the
//! extension) or a JSONL file of candidates with metadata, the API's candidate fields per line —
//! stored in one transaction and queued for judging as the API does.

use crate::DbArgs;
use anyhow::{Context, bail};
use sieve_app::ingest::{JudgePlan, store_candidates};
use sieve_domain::{Language, TestKind};
use sieve_formats::PackageCandidate;
use sieve_store::candidates::NewCandidate;
use std::io::BufRead;
use std::path::{Path, PathBuf};

/// What to judge stored candidates on.
#[derive(Debug, clap::Args)]
pub struct JudgeArgs {
    /// Comma-separated test kinds to queue judging on (public, generated, hidden); empty to
    /// store only. Workers (`sieve serve` or `sieve worker`) take the jobs.
    #[arg(long, default_value = "public,generated")]
    judge: String,
    /// Judge every test even after a relevant public test failed.
    #[arg(long)]
    keep_going: bool,
}

impl JudgeArgs {
    /// The plan these options describe.
    pub fn plan(&self) -> anyhow::Result<JudgePlan> {
        let kinds = self
            .judge
            .split(',')
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .map(|k| {
                serde_json::from_value::<TestKind>(serde_json::json!(k))
                    .map_err(|_| anyhow::anyhow!("--judge: unknown test kind {k:?}"))
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        Ok(JudgePlan {
            kinds,
            keep_going: self.keep_going,
        })
    }
}

/// Actions on candidates.
#[derive(Debug, clap::Subcommand)]
pub enum CandidatesAction {
    /// Add candidates from a directory of sources or a JSONL file.
    Add {
        /// The problem's short name.
        problem: String,
        /// A directory of .c/.cpp/.wasm/.wat files, or a .jsonl file.
        path: PathBuf,
        /// The model to record for candidates that do not name one.
        #[arg(long)]
        model: Option<String>,
        #[command(flatten)]
        judge: JudgeArgs,
        /// Print `{problem, added, known, candidates: [{id, created}]}` as JSON.
        #[arg(long)]
        json: bool,
    },
}

/// A data set's solution as a candidate (idempotent: importing again adds nothing).
pub fn from_jsonl(c: &PackageCandidate) -> NewCandidate {
    NewCandidate {
        source: c.source.clone(),
        language: c.language,
        tags: serde_json::json!({ "origin": c.origin, "index": c.index }),
        idempotency_key: Some(format!("jsonl:{}:{}", c.origin, c.index)),
        ..NewCandidate::default()
    }
}

/// Reads candidates from `path`: a directory's sources, or a JSONL file's lines.
pub fn read_candidates(path: &Path, model: Option<&str>) -> anyhow::Result<Vec<NewCandidate>> {
    let mut out = Vec::new();
    if path.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(path)
            .with_context(|| format!("reading {}", path.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        for f in files {
            let name = f
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_string();
            let Some(language) = Language::from_extension(&name) else {
                eprintln!(
                    "warning: {name}: not a source sieve judges (.c, .cpp, .cc, .py, .wasm, .wat): skipped"
                );
                continue;
            };
            let bytes = std::fs::read(&f).with_context(|| format!("reading {}", f.display()))?;
            let source = match language {
                Language::Wasm => bail!("{name}: binary modules are posted through the API"),
                _ => String::from_utf8(bytes).with_context(|| format!("{name} is not UTF-8"))?,
            };
            out.push(NewCandidate {
                source,
                language,
                model: model.map(String::from),
                tags: serde_json::json!({ "file": name }),
                idempotency_key: Some(format!("file:{name}")),
                ..NewCandidate::default()
            });
        }
        return Ok(out);
    }
    let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let mut c: NewCandidate =
            serde_json::from_str(&line).with_context(|| format!("{}:{}", path.display(), i + 1))?;
        if c.model.is_none() {
            c.model = model.map(String::from);
        }
        out.push(c);
    }
    Ok(out)
}

/// Runs `sieve candidates`.
pub fn run(action: CandidatesAction, db: &DbArgs) -> anyhow::Result<()> {
    let CandidatesAction::Add {
        problem,
        path,
        model,
        judge,
        json,
    } = action;
    let plan = judge.plan()?;
    let candidates = read_candidates(&path, model.as_deref())?;
    if candidates.is_empty() {
        bail!("{} holds no candidates", path.display());
    }
    crate::database::with_store(db, |store| async move {
        let Some(id) = store.problem_by_slug(&problem).await? else {
            bail!("no problem called {problem:?}");
        };
        let mut batch = store.begin_batch().await?;
        let ids = store_candidates(&mut batch, &plan, id, &candidates).await?;
        batch.commit().await?;
        let new = ids.iter().filter(|(_, created)| *created).count();
        if json {
            let list: Vec<_> = ids
                .iter()
                .map(|(id, created)| serde_json::json!({"id": id, "created": created}))
                .collect();
            println!(
                "{}",
                serde_json::json!({"problem": problem, "added": new, "known": ids.len() - new,
                    "candidates": list})
            );
        } else {
            println!(
                "added {new} candidates to {problem} ({} known already)",
                ids.len() - new
            );
        }
        Ok(())
    })
}
