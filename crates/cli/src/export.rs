//! `sieve export`: problems as JSONL lines that `sieve import jsonl` reads back equal.

use crate::DbArgs;
use anyhow::{Context, bail};
use std::io::Write;
use std::path::PathBuf;

/// Options of `sieve export`.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// Short names of the problems to export (hidden tests included).
    #[arg(required = true)]
    problems: Vec<String>,
    /// Where to write (default: standard output).
    #[arg(long, short)]
    output: Option<PathBuf>,
    #[command(flatten)]
    db: DbArgs,
}

/// Runs `sieve export`.
pub fn run(args: ExportArgs) -> anyhow::Result<()> {
    let args = &args;
    crate::database::with_store(&args.db, |store| async move {
        let mut out: Box<dyn Write> = match &args.output {
            Some(p) => Box::new(std::io::BufWriter::new(
                std::fs::File::create(p).with_context(|| format!("creating {}", p.display()))?,
            )),
            None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
        };
        for slug in &args.problems {
            let Some(id) = store.problem_by_slug(slug).await? else {
                bail!("no problem called {slug:?}");
            };
            let stored = store
                .load_problem(id)
                .await?
                .context("the problem vanished")?;
            let package = sieve_app::export::stored_package(&store, &stored).await?;
            writeln!(out, "{}", sieve_formats::to_jsonl(&package, slug))?;
        }
        out.flush()?;
        Ok(())
    })
}
