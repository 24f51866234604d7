//! Packages that read but hold nothing to judge: refused by the readers with a typed error
//! instead of being stored. (Names the store cannot keep are tested on CMS tasks, whose
//! names come from `task.yaml`, in `cms.rs`.)

use sieve_formats::{FormatError, Overrides, load_kattis};
use std::fs;

fn kattis(yaml: &str, tests: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("problem.yaml"), yaml).unwrap();
    fs::create_dir_all(dir.path().join("data/secret")).unwrap();
    for (name, data) in tests {
        fs::write(dir.path().join("data/secret").join(name), data).unwrap();
    }
    dir
}

#[test]
fn a_kattis_package_without_tests_is_refused() {
    let dir = kattis("name: empty\n", &[]);
    let err = load_kattis(dir.path(), &Overrides::default()).unwrap_err();
    assert!(matches!(err, FormatError::NoTests { .. }), "{err}");
}
