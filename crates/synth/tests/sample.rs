//! `sample`: count, distinctness across parents, reproducibility, spread and combined sites.

use sieve_synth::{Mutant, Operator, mutants, normalize, sample};
use std::collections::{BTreeSet, HashSet};

fn parents() -> Vec<(String, String)> {
    let a = "#include <bits/stdc++.h>\nusing namespace std;\nint main() {\n    int n; cin >> n;\n    \
             vector<long long> a(n);\n    for (int i = 0; i < n; ++i) cin >> a[i];\n    \
             sort(a.begin(), a.end());\n    long long best = 0;\n    \
             for (int i = 1; i < n; ++i) best = max(best, a[i] - a[i - 1]);\n    \
             cout << best % 1000000007 << \"\\n\";\n}\n";
    let b = "#include <stdio.h>\nstatic long long dp[100001];\nint main(void) {\n    int n;\n    \
             if (scanf(\"%d\", &n) != 1) return 1;\n    dp[0] = 1;\n    \
             for (int i = 1; i <= n; ++i) {\n        if (i >= 2) dp[i] = (dp[i - 1] + dp[i - 2]) % 1000000007;\n        \
             else dp[i] = dp[i - 1];\n    }\n    printf(\"%lld\\n\", dp[n]);\n    return 0;\n}\n";
    let c = "int f(int lo, int hi, int k) {\n    while (lo < hi) {\n        int mid = lo + (hi - lo) / 2;\n        \
             if (mid * mid >= k && mid > 0) hi = mid;\n        else lo = mid + 1;\n    }\n    return lo;\n}\n";
    [("a", a), ("b", b), ("c", c)]
        .map(|(l, s)| (l.to_string(), s.to_string()))
        .to_vec()
}

fn keys(ms: &[Mutant]) -> HashSet<String> {
    ms.iter().map(|m| normalize(&m.source)).collect()
}

#[test]
fn respects_count_and_is_distinct_from_each_other_and_every_parent() {
    let ps = parents();
    for (count, order) in [(0, 1), (1, 1), (25, 1), (60, 2), (90, 3)] {
        let got = sample(&ps, count, 7, order);
        assert_eq!(got.len(), count, "count {count}");
        let k = keys(&got);
        assert_eq!(k.len(), got.len(), "duplicates at count {count}");
        for (_, p) in &ps {
            assert!(!k.contains(&normalize(p)));
        }
        assert!(got.iter().all(|m| (1..=order).contains(&m.order)));
    }
}

#[test]
fn same_seed_same_sample_other_seed_other_sample() {
    let ps = parents();
    assert_eq!(sample(&ps, 30, 42, 2), sample(&ps, 30, 42, 2));
    assert_ne!(sample(&ps, 30, 42, 2), sample(&ps, 30, 43, 2));
    assert_ne!(sample(&ps, 30, 1, 1), sample(&ps, 30, 2, 1));
}

#[test]
fn spreads_over_parents_and_operators() {
    let ps = parents();
    let got = sample(&ps, 18, 3, 1);
    let labels: BTreeSet<&str> = got.iter().map(|m| m.parent_label.as_str()).collect();
    assert_eq!(labels.len(), 3, "{labels:?}");
    for (label, _) in &ps {
        let n = got.iter().filter(|m| &m.parent_label == label).count();
        assert_eq!(n, 6, "parent {label}: {n} of 18");
    }
    let ops: BTreeSet<Operator> = got.iter().map(|m| m.operator).collect();
    assert!(ops.len() >= 6, "{ops:?}");
    // The first draws are not simply the first sites of the first parent.
    let first: Vec<String> = mutants(&ps[0].1)
        .into_iter()
        .take(6)
        .map(|m| m.source)
        .collect();
    assert!(got.iter().filter(|m| first.contains(&m.source)).count() < 6);
}

#[test]
fn combines_sites_only_when_asked() {
    let ps = parents();
    assert!(sample(&ps, 80, 9, 1).iter().all(|m| m.order == 1));
    let got = sample(&ps, 80, 9, 2);
    let combined: Vec<&Mutant> = got.iter().filter(|m| m.order == 2).collect();
    assert!(combined.len() >= 10, "{} combined", combined.len());
    for m in combined {
        assert_eq!(
            m.description.matches("; line ").count(),
            1,
            "{}",
            m.description
        );
        assert!(m.description.starts_with(&format!("line {}:", m.line)));
    }
}

#[test]
fn exhausts_singles_then_stops_without_combinations() {
    let ps = parents();
    let singles: usize = {
        let mut seen: HashSet<String> = ps.iter().map(|(_, s)| normalize(s)).collect();
        ps.iter()
            .flat_map(|(_, s)| mutants(s))
            .filter(|m| seen.insert(normalize(&m.source)))
            .count()
    };
    let got = sample(&ps, 100_000, 5, 1);
    assert_eq!(got.len(), singles);
    assert!(sample(&ps, 100_000, 5, 2).len() > singles);
}

#[test]
fn identical_parents_share_their_mutants() {
    let src = ps_first();
    let twice = [
        ("x".to_string(), src.clone()),
        ("y".to_string(), src.clone()),
    ];
    let got = sample(&twice, 10_000, 0, 1);
    assert_eq!(got.len(), mutants(&src).len());
    assert_eq!(keys(&got).len(), got.len());
    let hash = &mutants(&src)[0].parent;
    assert!(got.iter().all(|m| &m.parent == hash));
}

fn ps_first() -> String {
    parents().remove(0).1
}
