//! A stored problem as a package again, for `sieve export`: its tests, subtasks and graders,
//! and a compiled checker as its module.

use sieve_domain::{BlobHash, Checker, Language};
use sieve_formats::{Package, PackageChecker, PackageTest, SourceFile};
use sieve_store::{Store, StoreError};

/// A stored problem as a package again (for export): a compiled checker comes back as its
/// module (`checker.wasm`, and `interactor.wasm` for a testlib interactor), which importing
/// stores under the same hash.
pub async fn stored_package(
    store: &Store,
    stored: &sieve_store::problems::StoredProblem,
) -> Result<Package, StoreError> {
    let p = &stored.problem;
    let checker = match (&p.checker, p.checker.custom_program()) {
        (
            Checker::TestlibInteractive {
                program,
                then: Some(then),
            },
            _,
        ) => PackageChecker::TestlibInteractor {
            language: Language::Wasm,
            files: vec![wasm_file("interactor.wasm", module(store, program).await?)],
            then: Box::new(match then.custom_program() {
                Some((protocol, program)) => PackageChecker::Custom {
                    protocol,
                    language: Language::Wasm,
                    files: vec![wasm_file("checker.wasm", module(store, program).await?)],
                },
                None => PackageChecker::Builtin((**then).clone()),
            }),
        },
        (_, Some((protocol, program))) => PackageChecker::Custom {
            protocol,
            language: Language::Wasm,
            files: vec![wasm_file("checker.wasm", module(store, program).await?)],
        },
        (_, None) => PackageChecker::Builtin(p.checker.clone()),
    };
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
