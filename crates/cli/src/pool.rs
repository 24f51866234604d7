//! `sieve pool synth`: a pool for experiments made from correct solutions — the solutions
//! themselves and up to N distinct mutants of them (see `sieve_synth`) — stored as candidates
//! labelled with their origin (`tags.origin` = `parent` or `synth`, the operator, the change and
//! the parent), queued for judging like any other candidates.

use crate::DbArgs;
use crate::candidates::JudgeArgs;
use anyhow::{Context, bail};
use sieve_app::ingest::store_candidates;
use sieve_domain::Language;
use sieve_store::candidates::NewCandidate;
use std::path::PathBuf;

/// Actions on pools.
#[derive(Debug, clap::Subcommand)]
pub enum PoolAction {
    /// Mutate correct solutions into a pool of realistic wrong and partial candidates.
    Synth(SynthArgs),
}

/// Options of `sieve pool synth`.
#[derive(Debug, clap::Args)]
pub struct SynthArgs {
    /// The problem's short name.
    problem: String,
    /// Correct C/C++ solutions: files, or directories whose `ac_*` sources are taken.
    #[arg(long = "from", required = true)]
    from: Vec<PathBuf>,
    /// How many mutants to add (distinct, none equal to a parent).
    #[arg(long, default_value_t = 1000)]
    count: usize,
    /// Seed of the draw (same seed, same pool).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Most changes combined in one mutant (1: single-site mutants only).
    #[arg(long, default_value_t = 2)]
    max_order: usize,
    /// Leave the parents themselves out of the pool.
    #[arg(long)]
    no_parents: bool,
    /// The model name recorded for the pool's candidates.
    #[arg(long, default_value = "synth")]
    model: String,
    /// What was added, as one JSON object (parents, mutants per operator, new candidates).
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    judge: JudgeArgs,
}

/// The parents: `(label, source, language)` from files and the `ac_*` files of directories.
fn parents(from: &[PathBuf]) -> anyhow::Result<Vec<(String, String, Language)>> {
    let mut files = Vec::new();
    for p in from {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(p)
                .with_context(|| format!("reading {}", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| {
                    f.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.starts_with("ac_"))
                })
                .collect();
            found.sort();
            files.extend(found);
        } else {
            files.push(p.clone());
        }
    }
    let mut out = Vec::new();
    for f in files {
        let label = f
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        let Some(language) = Language::from_extension(&label).filter(|l| l.is_source()) else {
            bail!("{}: not a C, C++ or Python source", f.display());
        };
        let source =
            std::fs::read_to_string(&f).with_context(|| format!("reading {}", f.display()))?;
        out.push((label, source, language));
    }
    if out.is_empty() {
        bail!("no solutions found (directories contribute their ac_* files)");
    }
    Ok(out)
}

/// Runs `sieve pool`.
pub fn run(action: PoolAction, db: &DbArgs) -> anyhow::Result<()> {
    let PoolAction::Synth(args) = action;
    let plan = args.judge.plan()?;
    let parents = parents(&args.from)?;
    let pairs: Vec<(String, String)> = parents
        .iter()
        .map(|(l, s, _)| (l.clone(), s.clone()))
        .collect();
    let mutants = sieve_synth::sample(&pairs, args.count, args.seed, args.max_order.max(1));
    let language_of = |label: &str| {
        parents
            .iter()
            .find(|(l, _, _)| l == label)
            .map(|(_, _, lang)| *lang)
            .unwrap_or(Language::Cpp17)
    };
    let key = |source: &str| format!("synth:{}", blake3::hash(source.as_bytes()).to_hex());
    let mut candidates = Vec::new();
    if !args.no_parents {
        for (label, source, language) in &parents {
            candidates.push(NewCandidate {
                source: source.clone(),
                language: *language,
                model: Some(args.model.clone()),
                tags: serde_json::json!({ "origin": "parent", "file": label }),
                idempotency_key: Some(key(source)),
                ..NewCandidate::default()
            });
        }
    }
    for m in &mutants {
        candidates.push(NewCandidate {
            source: m.source.clone(),
            language: language_of(&m.parent_label),
            model: Some(args.model.clone()),
            tags: serde_json::json!({
                "origin": "synth",
                "operator": m.operator.name(),
                "change": m.description,
                "order": m.order,
                "parent": m.parent_label,
            }),
            idempotency_key: Some(key(&m.source)),
            ..NewCandidate::default()
        });
    }
    crate::database::with_store(db, |store| async move {
        let Some(id) = store.problem_by_slug(&args.problem).await? else {
            bail!("no problem called {:?}", args.problem);
        };
        let mut batch = store.begin_batch().await?;
        let ids = store_candidates(&mut batch, &plan, id, &candidates).await?;
        batch.commit().await?;
        let new = ids.iter().filter(|(_, created)| *created).count();
        let mut per_operator = std::collections::BTreeMap::<&str, usize>::new();
        for m in &mutants {
            *per_operator.entry(m.operator.name()).or_default() += 1;
        }
        let parents = if args.no_parents { 0 } else { parents.len() };
        if args.json {
            let line = serde_json::json!({"problem": args.problem, "parents": parents,
                "mutants": mutants.len(), "per_operator": per_operator, "new": new});
            println!("{line}");
            return Ok(());
        }
        let ops: Vec<String> = per_operator
            .iter()
            .map(|(o, n)| format!("{o} {n}"))
            .collect();
        println!(
            "{}: {} parents and {} mutants ({}); {new} new candidates",
            args.problem,
            parents,
            mutants.len(),
            ops.join(", ")
        );
        Ok(())
    })
}
