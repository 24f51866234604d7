//! The Kattis format's 2025-09 version and its 2023-07 draft: test data groups with their maximum
//! score, aggregation and `require_pass` as subtasks, and `submissions.yaml`'s requirements.

mod common;

use common::{copy_dir, package};
use sieve_domain::{Subtask, Verdict};
use sieve_formats::{Expected, FormatError, Outcome, Overrides, Requirement, load_kattis};

use std::collections::BTreeMap;
use std::fs;

fn points(p: &sieve_formats::Package) -> Vec<(&str, f64)> {
    p.subtasks
        .iter()
        .map(|s| (s.name.as_str(), s.points))
        .collect()
}

/// What the fixture's groups become: group2 (sum) one subtask per test.
const FIXTURE_SUBTASKS: [(&str, f64); 5] = [
    ("group1", 30.0),
    ("group2/a", 10.0),
    ("group2/b", 10.0),
    ("group2/c", 10.0),
    ("group3", 40.0),
];

fn names(p: &sieve_formats::Package, s: &Subtask) -> Vec<String> {
    s.tests.iter().map(|&t| p.tests[t].name.clone()).collect()
}

#[test]
fn groups_become_subtasks_by_their_aggregation() {
    let p = load_kattis(&package("kattis-2025"), &Overrides::default()).expect("reads");
    // Sum aggregation: one subtask per test, the group's points shared.
    assert_eq!(points(&p), FIXTURE_SUBTASKS);
    // require_pass: sample puts the sample in each of group2's subtasks; group3 requires group1.
    assert_eq!(names(&p, &p.subtasks[1]), ["sample/1", "secret/group2/a"]);
    assert_eq!(
        names(&p, &p.subtasks[4]),
        [
            "secret/group1/01",
            "secret/group1/02",
            "secret/group3/y",
            "secret/group3/big/x"
        ]
    );
    assert_eq!(p.limits.time_ms, 1000);
    // What each submission must get: its directory's default, and submissions.yaml's entries.
    let expected: BTreeMap<&str, &Expected> = p
        .submissions
        .iter()
        .map(|s| (s.path.as_str(), &s.expected))
        .collect();
    assert_eq!(expected.len(), 5, "{expected:#?}");
    assert_eq!(
        expected["submissions/accepted/sum.cpp"],
        &Expected::Kattis(vec![Requirement {
            tests: None,
            permitted: Some(vec![Verdict::AC]),
            required: None,
            score: None,
        }])
    );
    let Expected::Kattis(partial) = expected["submissions/partial/int_sum.c"] else {
        panic!("{expected:#?}");
    };
    assert_eq!(partial.len(), 4, "{partial:#?}");
    assert_eq!(partial[0].score, Some((45.0, 55.0)));
    assert!(
        p.warnings
            .iter()
            .any(|w| w.contains("submissions/other/unlisted.c")),
        "{:?}",
        p.warnings
    );
}

#[test]
fn the_draft_spelling_infers_scores_and_unbounded_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&package("kattis-2025"), tmp.path());
    let problem = tmp.path().join("problem.yaml");
    let yaml = fs::read_to_string(&problem).unwrap();
    fs::write(&problem, yaml.replace("2025-09", "2023-07-draft")).unwrap();
    let secret = tmp.path().join("data/secret");
    for g in ["group1", "group2", "group3"] {
        fs::remove_file(secret.join(g).join("test_group.yaml")).unwrap();
    }
    // The draft: testdata.yaml's scoring map; a group without a score shares what is left.
    fs::write(
        secret.join("group3/testdata.yaml"),
        "scoring:\n  score: 40\n  aggregation: min\n",
    )
    .unwrap();
    fs::write(
        secret.join("group2/testdata.yaml"),
        "scoring:\n  aggregation: sum\n  require-pass: sample\n",
    )
    .unwrap();
    let p = load_kattis(tmp.path(), &Overrides::default()).expect("reads");
    assert_eq!(points(&p), FIXTURE_SUBTASKS);
    assert_eq!(names(&p, &p.subtasks[2]), ["sample/1", "secret/group2/b"]);
    // 2025-09 without a test_group.yaml: not a group, so secret is one sum over every test.
    fs::write(&problem, yaml.clone()).unwrap();
    for g in ["group2", "group3"] {
        fs::remove_file(secret.join(g).join("testdata.yaml")).unwrap();
    }
    let p = load_kattis(tmp.path(), &Overrides::default()).expect("reads");
    assert_eq!(p.subtasks.len(), 7, "{:?}", p.subtasks);
    assert!(
        p.subtasks
            .iter()
            .all(|s| (s.points - 100.0 / 7.0).abs() < 1e-9)
    );
    // A pass-fail problem: every secret test, all or nothing.
    fs::write(&problem, yaml.replace("type: scoring", "type: pass-fail")).unwrap();
    let p = load_kattis(tmp.path(), &Overrides::default()).expect("reads");
    assert_eq!(p.subtasks.len(), 1);
    assert_eq!(p.subtasks[0].tests.len(), 7);
    // An unbounded maximum score cannot be judged against a maximum.
    fs::write(&problem, yaml).unwrap();
    fs::write(secret.join("test_group.yaml"), "max_score: unbounded\n").unwrap();
    let err = load_kattis(tmp.path(), &Overrides::default()).expect_err("refused");
    assert!(matches!(err, FormatError::Unsupported { .. }), "{err}");
}

#[test]
fn the_validator_comes_from_its_directory_and_test_group_args() {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&package("kattis-2025"), tmp.path());
    // The default validator's flags: output_validator_args in data/test_group.yaml.
    fs::write(
        tmp.path().join("data/test_group.yaml"),
        "output_validator_args: [float_tolerance, \"1E-6\"]\n",
    )
    .unwrap();
    let p = load_kattis(tmp.path(), &Overrides::default()).expect("reads");
    assert_eq!(
        p.checker,
        sieve_domain::Checker::Float {
            abs: 1e-6,
            rel: 1e-6
        }
    );
    // 2025-09 has no `validation` key: output_validator/ being there makes it custom.
    let v = tmp.path().join("output_validator");
    fs::create_dir(&v).unwrap();
    fs::write(v.join("validate.py"), "import sys\nsys.exit(42)\n").unwrap();
    let p = load_kattis(tmp.path(), &Overrides::default()).expect("reads");
    assert!(
        matches!(p.checker, sieve_domain::Checker::Kattis { .. }),
        "{:?}",
        p.checker
    );
    // A validator behind its own run script is another protocol: refused.
    fs::write(v.join("run"), "#!/bin/sh\n./jury \"$1\" out\n").unwrap();
    let err = load_kattis(tmp.path(), &Overrides::default()).expect_err("refused");
    assert!(matches!(err, FormatError::Unsupported { .. }), "{err}");
}

fn outcome(points: f64, tests: &[(&str, Verdict)]) -> Outcome {
    Outcome {
        points,
        max_points: 100.0,
        first_failure: tests.iter().map(|t| t.1).find(|v| *v != Verdict::AC),
        tests: tests.iter().map(|(n, v)| (n.to_string(), *v)).collect(),
    }
}

#[test]
fn requirements_cover_tests_by_glob_and_group() {
    let run = outcome(
        60.0,
        &[
            ("sample/1", Verdict::AC),
            ("secret/01-easy", Verdict::AC),
            ("secret/02-hard", Verdict::TLE),
            ("secret/g/big/x", Verdict::RE),
        ],
    );
    let req = |tests: Option<&str>, permitted: &[Verdict], required: &[Verdict]| Requirement {
        tests: tests.map(String::from),
        permitted: (!permitted.is_empty()).then(|| permitted.to_vec()),
        required: (!required.is_empty()).then(|| required.to_vec()),
        score: None,
    };
    let check = |r: Requirement| Expected::Kattis(vec![r]).check(&run, &BTreeMap::new());
    assert_eq!(
        check(req(Some("secret/*-easy"), &[Verdict::AC], &[])),
        Ok(())
    );
    assert_eq!(
        check(req(
            Some("secret/*-hard"),
            &[Verdict::AC, Verdict::TLE],
            &[Verdict::TLE]
        )),
        Ok(())
    );
    // A group holding a test covers it, however deep; `*` stays within one name.
    assert_eq!(
        check(req(Some("secret/g"), &[Verdict::AC], &[])),
        Err("secret/g/big/x: RE is not permitted (AC)".into())
    );
    assert_eq!(check(req(Some("secret/*/x"), &[Verdict::AC], &[])), Ok(()));
    assert_eq!(
        check(req(None, &[], &[Verdict::WA])),
        Err("all tests: no test got one of WA (it was required)".into())
    );
    let scored = Requirement {
        score: Some((50.0, 70.0)),
        ..req(None, &[], &[])
    };
    assert_eq!(check(scored), Ok(()));
    // Kattis's RTE covers the memory and output limits, its WA a presentation error.
    assert_eq!(
        Requirement::verdicts("RTE"),
        Some(vec![Verdict::RE, Verdict::MLE, Verdict::OLE])
    );
    assert_eq!(Requirement::verdicts("MLE"), None);
}
