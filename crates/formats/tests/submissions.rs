//! The submissions packages ship, with what each should get: Kattis directories, TPS
//! `solutions.json` with per-subtask exceptions, Polygon tags; and the check of a judged outcome
//! against them.

mod common;

use sieve_domain::Verdict;
use sieve_formats::{Expected, Outcome, Overrides, load_cms, load_kattis, load_polygon};
use std::collections::BTreeMap;

fn outcome(points: f64, max_points: f64, first_failure: Option<Verdict>) -> Outcome {
    Outcome {
        points,
        max_points,
        first_failure,
        tests: vec![],
    }
}

#[test]
fn each_format_names_its_submissions_and_their_expectations() {
    let examples = common::package("../../../examples/divsum");
    let kattis = load_kattis(&examples, &Overrides::default()).unwrap();
    let got: Vec<(&str, String)> = kattis
        .submissions
        .iter()
        .map(|s| (s.path.as_str(), s.expected.label()))
        .collect();
    assert!(
        got.contains(&("submissions/accepted/hyperbola.c", "AC".into())),
        "{got:?}"
    );
    assert!(got.contains(&("submissions/wrong_answer/int_total.cpp", "WA|PE".into())));
    assert!(got.contains(&(
        "submissions/partially_accepted/linear_small.cpp",
        "partial".into()
    )));
    assert_eq!(got.len(), 8, "expected.tsv is not a submission: {got:?}");

    let tps = load_cms(&common::package("tps-gen"), &Overrides::default()).unwrap();
    let got: Vec<(&str, String)> = tps
        .submissions
        .iter()
        .map(|s| (s.path.as_str(), s.expected.label()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "solution/first.cpp",
                "full:WA|PE samples:WA|PE small:WA|PE".into()
            ),
            ("solution/model.cpp", "full:AC samples:AC small:AC".into()),
            (
                "solution/quadratic.cpp",
                "full:TLE samples:AC small:AC".into()
            ),
        ]
    );

    let polygon = load_polygon(&common::package("polygon-custom"), &Overrides::default()).unwrap();
    assert_eq!(polygon.submissions.len(), 1);
    assert_eq!(polygon.submissions[0].path, "solutions/pair.cpp");
    assert_eq!(polygon.submissions[0].expected, Expected::Accepted);
}

#[test]
fn a_judged_outcome_is_checked_against_the_expectation() {
    let none = BTreeMap::new();
    let full = outcome(100.0, 100.0, None);
    let wa = outcome(40.0, 100.0, Some(Verdict::WA));
    let tle = outcome(0.0, 100.0, Some(Verdict::TLE));
    assert!(Expected::Accepted.check(&full, &none).is_ok());
    let err = Expected::Accepted.check(&wa, &none).unwrap_err();
    assert!(
        err.contains("expected accepted, got WA (40 of 100 points)"),
        "{err}"
    );
    assert!(Expected::Partial.check(&wa, &none).is_ok());
    assert!(
        Expected::Partial.check(&tle, &none).is_err(),
        "no points is not partial"
    );
    assert!(Expected::Partial.check(&full, &none).is_err());
    assert!(
        Expected::Partial
            .check(&outcome(0.0, 0.0, None), &none)
            .is_ok(),
        "nothing to check on the samples"
    );
    let wrong = Expected::Rejected(vec![Verdict::WA]);
    assert!(wrong.check(&wa, &none).is_ok());
    assert!(
        wrong.check(&tle, &none).is_err(),
        "the first failure decides"
    );
    assert!(wrong.check(&full, &none).is_err());
    assert!(Expected::Rejected(vec![]).check(&tle, &none).is_ok());
    let either = Expected::AcceptedOr(vec![Verdict::TLE]);
    assert!(either.check(&full, &none).is_ok() && either.check(&tle, &none).is_ok());
    assert!(either.check(&wa, &none).is_err());

    // Per subtask, as TPS expects: the samples (worth nothing) by their verdicts.
    let each = Expected::Subtasks(BTreeMap::from([
        ("samples".to_string(), Expected::Accepted),
        ("small".to_string(), Expected::Accepted),
        ("full".to_string(), Expected::Rejected(vec![Verdict::TLE])),
    ]));
    let mut subtasks = BTreeMap::from([
        ("samples".to_string(), outcome(0.0, 0.0, None)),
        ("small".to_string(), outcome(40.0, 40.0, None)),
        ("full".to_string(), outcome(0.0, 60.0, Some(Verdict::TLE))),
    ]);
    assert!(each.check(&wa, &subtasks).is_ok());
    subtasks.insert("samples".into(), outcome(0.0, 0.0, Some(Verdict::WA)));
    subtasks.insert("full".into(), outcome(0.0, 60.0, Some(Verdict::WA)));
    let err = each.check(&wa, &subtasks).unwrap_err();
    assert!(
        err.contains("full: expected TLE, got WA") && err.contains("samples: expected accepted"),
        "{err}"
    );
}
