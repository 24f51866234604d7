//! Every operator on small sources: the exact mutants it makes, and what it must leave alone.

use sieve_synth::{Operator, mutants, normalize};

/// The sources of `src`'s mutants made by `op`.
fn by(src: &str, op: Operator) -> Vec<String> {
    mutants(src)
        .into_iter()
        .filter(|m| m.operator == op)
        .map(|m| m.source)
        .collect()
}

/// Asserts `op` turns `src` into `want` (among others).
fn makes(src: &str, op: Operator, want: &str) {
    let got = by(src, op);
    assert!(
        got.iter().any(|s| s == want),
        "{op:?} did not make\n{want}\nfrom\n{src}\ngot: {got:#?}"
    );
}

#[test]
fn off_by_one_bound_moves_loop_starts_and_bounds() {
    let src = "for (int i = 0; i < n; ++i) s += i;\n";
    makes(
        src,
        Operator::OffByOneBound,
        "for (int i = 1; i < n; ++i) s += i;\n",
    );
    makes(
        src,
        Operator::OffByOneBound,
        "for (int i = 0; i < n + 1; ++i) s += i;\n",
    );
    makes(
        src,
        Operator::OffByOneBound,
        "for (int i = 0; i < n - 1; ++i) s += i;\n",
    );
    let src = "for (int j = n - 1; j >= 0; --j) f(j);\nwhile (lo < hi) g();\n";
    let got = by(src, Operator::OffByOneBound);
    for want in [
        "for (int j = n; j >= 0; --j) f(j);\nwhile (lo < hi) g();\n",
        "for (int j = n - 2; j >= 0; --j) f(j);\nwhile (lo < hi) g();\n",
        "for (int j = n - 1; j >= 1; --j) f(j);\nwhile (lo < hi) g();\n",
        "for (int j = n - 1; j >= 0; --j) f(j);\nwhile (lo < hi - 1) g();\n",
    ] {
        assert!(got.iter().any(|s| s == want), "missing {want}");
    }
    // `0 - 1` is never a loop start it would make.
    assert!(!got.iter().any(|s| s.contains(">= -1")));
}

#[test]
fn off_by_one_index_shifts_subscripts_but_not_declarations() {
    let src = "int a[100], b[200];\nx = a[i - 1] + b[j];\n";
    let got = by(src, Operator::OffByOneIndex);
    assert_eq!(
        got,
        [
            "int a[100], b[200];\nx = a[i] + b[j];\n",
            "int a[100], b[200];\nx = a[i - 2] + b[j];\n",
            "int a[100], b[200];\nx = a[i - 1] + b[j + 1];\n",
            "int a[100], b[200];\nx = a[i - 1] + b[j - 1];\n",
        ]
    );
    // Lambda captures and attributes are not subscripts.
    assert!(
        by(
            "auto f = [&](int x) { return x; };\n",
            Operator::OffByOneIndex
        )
        .is_empty()
    );
}

#[test]
fn relational_flip_flips_comparisons_only() {
    let src = "if (a < b && c >= d) x = 1;\n";
    makes(
        src,
        Operator::RelationalFlip,
        "if (a <= b && c >= d) x = 1;\n",
    );
    makes(
        src,
        Operator::RelationalFlip,
        "if (a < b && c > d) x = 1;\n",
    );
    let templates = "vector<int> v;\nmap<int, vector<int>> m;\npriority_queue<pair<int,int>> q;\n\
                     ll y = max<ll>(1, x);\ntemplate <typename T> T id(T t) { return t; }\n";
    assert!(by(templates, Operator::RelationalFlip).is_empty());
    let streams = "cin >> n >> k;\ncout << n << ' ' << (1 << k) << \"\\n\";\nx <<= 2;\n";
    assert!(by(streams, Operator::RelationalFlip).is_empty());
    for m in mutants(streams) {
        assert_eq!(
            m.source.matches("<<").count(),
            streams.matches("<<").count(),
            "{}",
            m.description
        );
        assert_eq!(
            m.source.matches(">>").count(),
            streams.matches(">>").count(),
            "{}",
            m.description
        );
    }
}

#[test]
fn narrow_type_narrows_wide_types() {
    let src = "typedef long long ll;\nlong long s = 1LL << 40;\nll p = (ll)a * b;\ndouble d;\nint64_t z;\n";
    let want = [
        "typedef int ll;\nlong long s = 1LL << 40;\nll p = (ll)a * b;\ndouble d;\nint64_t z;\n",
        "typedef long long ll;\nint s = 1LL << 40;\nll p = (ll)a * b;\ndouble d;\nint64_t z;\n",
        "typedef long long ll;\nlong long s = 1 << 40;\nll p = (ll)a * b;\ndouble d;\nint64_t z;\n",
        "typedef long long ll;\nlong long s = 1LL << 40;\nint p = (ll)a * b;\ndouble d;\nint64_t z;\n",
        "typedef long long ll;\nlong long s = 1LL << 40;\nll p = a * b;\ndouble d;\nint64_t z;\n",
        "typedef long long ll;\nlong long s = 1LL << 40;\nll p = (int)a * b;\ndouble d;\nint64_t z;\n",
        "typedef long long ll;\nlong long s = 1LL << 40;\nll p = (ll)a * b;\nfloat d;\nint64_t z;\n",
        "typedef long long ll;\nlong long s = 1LL << 40;\nll p = (ll)a * b;\ndouble d;\nint32_t z;\n",
    ];
    assert_eq!(by(src, Operator::NarrowType), want);
}

#[test]
fn drop_condition_drops_guards_clauses_and_edge_cases() {
    let src = "int f(int n) {\n    if (n == 0) return 1;\n    if (n > 5 && n % 2) n--;\n    return n;\n}\n";
    let got = by(src, Operator::DropCondition);
    for want in [
        "int f(int n) {\n    if (n > 5 && n % 2) n--;\n    return n;\n}\n",
        "int f(int n) {\n    if (n == 0) return 1;\n    if (n % 2) n--;\n    return n;\n}\n",
        "int f(int n) {\n    if (n == 0) return 1;\n    if (n > 5) n--;\n    return n;\n}\n",
        "int f(int n) {\n    if (n == 0) return 1;\n    n--;\n    return n;\n}\n",
    ] {
        assert!(got.iter().any(|s| s == want), "missing\n{want}got {got:#?}");
    }
    assert_eq!(got.len(), 4);
    // An `if` with an `else`, and an input check, keep their conditions.
    assert!(by("if (a) x = 1;\nelse x = 2;\n", Operator::DropCondition).is_empty());
    let io = "int main() {\n    if (scanf(\"%d\", &n) != 1) return 1;\n    return 0;\n}\n";
    assert!(mutants(io).is_empty(), "{:#?}", mutants(io));
}

#[test]
fn wrong_constant_changes_literals_and_infinities() {
    let src = "const long long MOD = 1e9 + 7, INF = 1e18;\nlong long big = LLONG_MAX;\nint m = 1000000007;\n";
    let got = by(src, Operator::WrongConstant);
    for want in [
        "const long long MOD = 1e9 + 9, INF = 1e18;\nlong long big = LLONG_MAX;\nint m = 1000000007;\n",
        "const long long MOD = 1e9 + 8, INF = 1e18;\nlong long big = LLONG_MAX;\nint m = 1000000007;\n",
        "const long long MOD = 1e9 + 7, INF = 1e9;\nlong long big = LLONG_MAX;\nint m = 1000000007;\n",
        "const long long MOD = 1e9 + 7, INF = 1e18;\nlong long big = INT_MAX;\nint m = 1000000007;\n",
        "const long long MOD = 1e9 + 7, INF = 1e18;\nlong long big = LLONG_MAX;\nint m = 1000000009;\n",
        "const long long MOD = 1e9 + 7, INF = 1e18;\nlong long big = LLONG_MAX;\nint m = 1000000006;\n",
    ] {
        assert!(got.iter().any(|s| s == want), "missing\n{want}");
    }
    // `mid + 1` -> `mid`, not `mid + 0`; hex keeps its form.
    makes("lo = mid + 1;\n", Operator::WrongConstant, "lo = mid;\n");
    assert!(
        !by("lo = mid + 1;\n", Operator::WrongConstant)
            .iter()
            .any(|s| s.contains("+ 0"))
    );
    makes(
        "int x = 0x3f3f3f3f;\n",
        Operator::WrongConstant,
        "int x = 0x3f3f3f;\n",
    );
    makes(
        "int x = 0x3f3f3f3f;\n",
        Operator::WrongConstant,
        "int x = 0x3f3f3f40;\n",
    );
}

#[test]
fn flip_sort_order_reverses_orders_and_comparators() {
    makes(
        "sort(a, a + n);\n",
        Operator::FlipSortOrder,
        "sort(a, a + n, greater<>());\n",
    );
    makes(
        "sort(v.begin(), v.end());\n",
        Operator::FlipSortOrder,
        "sort(v.rbegin(), v.rend());\n",
    );
    makes(
        "sort(v.rbegin(), v.rend());\n",
        Operator::FlipSortOrder,
        "sort(v.begin(), v.end());\n",
    );
    let pq = "priority_queue<int, vector<int>, greater<int>> pq;\n";
    makes(
        pq,
        Operator::FlipSortOrder,
        "priority_queue<int, vector<int>, less<int>> pq;\n",
    );
    let lambda = "sort(p, p + n, [](const P& x, const P& y) { return x.a < y.a; });\n";
    assert_eq!(
        by(lambda, Operator::FlipSortOrder),
        ["sort(p, p + n, [](const P& x, const P& y) { return x.a > y.a; });\n"]
    );
    let named = "bool cmp(int x, int y) { return x > y; }\nvoid f() { sort(a, a + n, cmp); }\n";
    makes(
        named,
        Operator::FlipSortOrder,
        &named.replace("x > y", "x < y"),
    );
    let op = "struct P { int a; bool operator<(const P& o) const { return a < o.a; } };\n";
    assert_eq!(
        by(op, Operator::FlipSortOrder),
        [op.replace("a < o.a", "a > o.a")]
    );
}

#[test]
fn swap_min_max_swaps_calls_and_ternaries() {
    assert_eq!(
        by("ans = max(ans, x);\n", Operator::SwapMinMax),
        ["ans = min(ans, x);\n"]
    );
    makes(
        "y = std::min<ll>(a, b);\n",
        Operator::SwapMinMax,
        "y = std::max<ll>(a, b);\n",
    );
    assert_eq!(
        by("best = l < d ? l : d;\n", Operator::SwapMinMax),
        ["best = l < d ? d : l;\n"]
    );
    // A definition's name and a member `.max()` are not calls to swap.
    assert!(
        by(
            "int max(int a, int b) { return a; }\nx = q.max();\n",
            Operator::SwapMinMax
        )
        .is_empty()
    );
}

#[test]
fn drop_modulo_removes_reductions() {
    let src = "s = (s + x) % MOD;\nt %= MOD;\nu = v % 3;\n";
    assert_eq!(
        by(src, Operator::DropModulo),
        [
            "s = (s + x);\nt %= MOD;\nu = v % 3;\n",
            "s = (s + x) % MOD;\nu = v % 3;\n"
        ]
    );
}

#[test]
fn comments_strings_chars_and_directives_are_never_touched() {
    let keep = [
        "#include <vector>",
        "#define N 100005",
        "// for (int i = 0; i < n; i++) a[i] = max(a[i], 1);",
        "/* if (x < 1) return 0; */",
        "    const char* s = \"i < n && a[i] % MOD\";",
        "    char c = '<', d = '\\'';",
        "    auto r = R\"(x <= 7)\";",
    ];
    let src = format!(
        "{}\n{}\nint a[N];\n{}\nint main() {{\n{}\n    for (int i = 0; i < 10; i++) a[i] = max(a[i], 1);\n{}\n{}\n{}\n}}\n",
        keep[0], keep[1], keep[2], keep[3], keep[4], keep[5], keep[6]
    );
    let all = mutants(&src);
    assert!(all.len() >= 10, "{}", all.len());
    for m in &all {
        for line in keep {
            assert!(
                m.source.lines().any(|l| l == line),
                "{} broke `{line}`",
                m.description
            );
        }
    }
}

#[test]
fn mutants_are_distinct_differ_from_the_parent_and_keep_the_first_label() {
    let src = "int main() {\n    for (int i = 0; i < n; ++i) s += a[i];\n    return 0;\n}\n";
    let all = mutants(src);
    let mut keys: Vec<String> = all.iter().map(|m| normalize(&m.source)).collect();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), all.len());
    assert!(!keys.contains(&normalize(src)));
    // `i = 0` -> `i = 1` is both a loop-start and a constant change: labelled once, as the former.
    let starts: Vec<_> = all
        .iter()
        .filter(|m| m.source.contains("int i = 1;"))
        .collect();
    assert_eq!(starts.len(), 1);
    assert_eq!(starts[0].operator, Operator::OffByOneBound);
    assert_eq!(starts[0].line, 2);
    assert_eq!(starts[0].description, "line 2: `= 0;` -> `= 1;`");
    assert!(
        all.iter()
            .all(|m| m.parent.len() == 64 && m.parent == all[0].parent && m.order == 1)
    );
    assert_eq!(mutants(src), all, "deterministic");
}

#[test]
fn normal_form_ignores_layout_and_comments_only() {
    assert_eq!(
        normalize("int  a;// x\nint b;"),
        normalize("int a; /* y */ int b;")
    );
    assert_ne!(normalize("a < = b"), normalize("a <= b"));
    assert_ne!(normalize("s = \"a  b\";"), normalize("s = \"a b\";"));
}

#[test]
fn operators_serialise_as_their_names() {
    for op in Operator::ALL {
        let json = serde_json::to_string(&op).unwrap();
        assert_eq!(json, format!("\"{}\"", op.name()));
        assert_eq!(serde_json::from_str::<Operator>(&json).unwrap(), op);
    }
    let m = &mutants("x = a[i];\n")[0];
    let v = serde_json::to_value(m).unwrap();
    assert_eq!(v["operator"], "off_by_one_index");
    assert_eq!(v["line"], 1);
}
