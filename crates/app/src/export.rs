//! A stored problem as a package again, for `sieve export`: its tests, subtasks and graders,
//! and a compiled checker as its module.

use sieve_domain::{BlobHash, Language};
use sieve_formats::{CheckerSource, Package, PackageTest, SourceFile};
use sieve_store::{Store, StoreError};

/// A stored problem as a package again (for export): a compiled checker comes back as its
/// module (`checker.wasm`, and `interactor.wasm` for a testlib interactor), which importing
/// stores under the same hash.
pub async fn stored_package(
    store: &Store,
    stored: &sieve_store::problems::StoredProblem,
) -> Result<Package, StoreError> {
    let p = &stored.problem;
    // The modules in the order of `programs()`: the checker or interactor, then the checker
    // of a testlib interactor's output.
    let names: &[&str] = match p.checker.then() {
        Some(_) => &["interactor.wasm", "checker.wasm"],
        None => &["checker.wasm"],
    };
    let mut modules = Vec::new();
    for (program, name) in p.checker.programs().into_iter().zip(names) {
        modules.push(wasm_file(name, module(store, program).await?));
    }
    let mut modules = modules.into_iter();
    let checker = p.checker.try_map(&mut |_| {
        modules
            .next()
            .map(|file| CheckerSource {
                language: Language::Wasm,
                files: vec![file],
            })
            .ok_or_else(|| StoreError::Corrupt("a checker with more programs than names".into()))
    })?;
    Ok(Package {
        name: p.name.clone(),
        limits: p.limits,
        checker,
        tests: p
            .tests
            .iter()
            .map(|t| PackageTest {
                name: t.name.clone(),
                kind: t.kind,
                input: t.input.clone(),
                answer: t.answer.clone(),
            })
            .collect(),
        subtasks: p.subtasks.clone(),
        grader: p
            .grader
            .iter()
            .map(|(name, source)| SourceFile {
                name: name.clone(),
                source: source.clone(),
            })
            .collect(),
        warnings: p.warnings.clone(),
        recipe: None,
        submissions: vec![],
    })
}

fn wasm_file(name: &str, source: Vec<u8>) -> SourceFile {
    SourceFile {
        name: name.into(),
        source,
    }
}

/// The stored module of the custom program named by `program` (a hex blob hash).
async fn module(store: &Store, program: &BlobHash) -> Result<Vec<u8>, StoreError> {
    store
        .get_blob(program)
        .await?
        .ok_or_else(|| StoreError::Corrupt(format!("checker blob {program} missing")))
}
