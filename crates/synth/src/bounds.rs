//! Off-by-one operators: loop starts and bounds, and subscripts.

use crate::Operator::{self, *};
use crate::code::Code;
use crate::edit::{Edit, Site};
use crate::lexer::Kind;
use crate::local::is_comparison;

/// Operators binding looser than `+`: an expression holding one at top level needs
/// parentheses before `+ 1` is appended.
const LOOSER: &[&str] = &[
    "<<", ">>", "&", "|", "^", "==", "!=", "<", ">", "<=", ">=", "&&", "||", "?", ":", "=", ",",
];
fn literal<'a>(code: &Code<'a>, i: usize) -> Option<(i64, &'a str)> {
    let t = code.t(i);
    let body = t.trim_end_matches(['l', 'L', 'u', 'U']);
    let plain = code.kind(i) == Some(Kind::Number)
        && !body.is_empty()
        && body.bytes().all(|b| b.is_ascii_digit());
    plain
        .then(|| body.parse().ok().map(|v| (v, &t[body.len()..])))
        .flatten()
}

/// The expression `a..b` made one larger or smaller: a literal adjusted, a trailing `+ k`
/// adjusted (and dropped at zero), else `+ 1` / `- 1` appended.
fn shift(code: &Code, a: usize, b: usize, delta: i64) -> Option<Edit> {
    if b <= a {
        return None;
    }
    if b - a == 1
        && let Some((v, suffix)) = literal(code, a)
    {
        return (v + delta >= 0).then(|| code.replace(a, b, format!("{}{suffix}", v + delta)));
    }
    if b - a >= 3
        && let Some((v, suffix)) = literal(code, b - 1)
        && matches!(code.t(b - 2), "+" | "-")
        && code.ends_operand(b - 3)
    {
        let s = if code.t(b - 2) == "+" { v } else { -v };
        let n = s + delta;
        return Some(match n {
            0 => code.remove(b - 2, b),
            _ if n.signum() == s.signum() => code.replace(b - 1, b, format!("{}{suffix}", n.abs())),
            _ => code.replace(
                b - 2,
                b,
                format!("{} {}", if n > 0 { "+" } else { "-" }, n.abs()),
            ),
        });
    }
    let op = if delta > 0 { "+" } else { "-" };
    let looser = code
        .top(a, b)
        .iter()
        .any(|&j| LOOSER.contains(&code.t(j)) && !code.angle[j]);
    Some(if looser {
        code.replace(a, b, format!("({}) {op} 1", code.span(a, b)))
    } else {
        code.replace(b - 1, b, format!("{} {op} 1", code.t(b - 1)))
    })
}

fn shifts(code: &Code, op: Operator, a: usize, b: usize, out: &mut Vec<Site>) {
    for delta in [1, -1] {
        out.extend(shift(code, a, b, delta).map(|e| code.site(op, e)));
    }
}

/// The right operand of each top-level comparison in condition `a..b`.
fn comparison_bounds(code: &Code, a: usize, b: usize, out: &mut Vec<Site>) {
    let tops = code.top(a, b);
    for (k, &j) in tops.iter().enumerate() {
        if is_comparison(code, j) {
            let end = tops[k + 1..]
                .iter()
                .copied()
                .find(|&x| matches!(code.t(x), "&&" | "||" | "?" | ","))
                .unwrap_or(b);
            shifts(code, OffByOneBound, j + 1, end, out);
        }
    }
}

/// Loop starts and bounds: `for (i = 0; i < n; ...)` -> `i = 1`, `i < n + 1`, `i < n - 1`.
pub fn off_by_one_bound(code: &Code, out: &mut Vec<Site>) {
    for i in 0..code.toks.len() {
        let Some(r) = code.parens_after(i) else {
            continue;
        };
        match code.t(i) {
            "for" => {
                let semis: Vec<usize> = code
                    .top(i + 2, r)
                    .into_iter()
                    .filter(|&j| code.t(j) == ";")
                    .collect();
                let [s1, s2] = semis[..] else { continue };
                let init = code.top(i + 2, s1);
                for (k, &eq) in init.iter().enumerate().filter(|(_, j)| code.t(**j) == "=") {
                    let end = init[k + 1..]
                        .iter()
                        .copied()
                        .find(|&x| code.t(x) == ",")
                        .unwrap_or(s1);
                    shifts(code, OffByOneBound, eq + 1, end, out);
                }
                comparison_bounds(code, s1 + 1, s2, out);
            }
            "while" => comparison_bounds(code, i + 2, r, out),
            _ => {}
        }
    }
}

/// Whether the name at `i` is being declared (`int a[N]`, `ll x[N], y[N]`).
fn declared(code: &Code, i: usize) -> bool {
    let p = i.wrapping_sub(1);
    if code.is_type(p)
        || (matches!(code.t(p), "*" | "&") && code.is_type(p.wrapping_sub(1)))
        || code.angle.get(p) == Some(&true)
    {
        return true;
    }
    if code.t(p) != "," {
        return false;
    }
    // Back to the statement's start: just after `;`, `{`, `}` or an unclosed `(` / `[`.
    let mut start = 0;
    let mut j = p;
    while j > 0 {
        j -= 1;
        match code.t(j) {
            ")" | "]" => j = code.pair[j].unwrap_or(0),
            "(" | "[" | "{" | "}" | ";" => {
                start = j + 1;
                break;
            }
            _ => {}
        }
    }
    let quals = [
        "static",
        "const",
        "constexpr",
        "extern",
        "register",
        "volatile",
        "inline",
        "thread_local",
    ];
    let start = (start..i)
        .find(|&k| !quals.contains(&code.t(k)))
        .unwrap_or(i);
    code.is_type(start)
}

/// Subscripts: `a[i]` -> `a[i + 1]` / `a[i - 1]`, `a[i - 1]` -> `a[i]` / `a[i - 2]`.
pub fn off_by_one_index(code: &Code, out: &mut Vec<Site>) {
    for i in 1..code.toks.len() {
        let Some(close) = code
            .partner(i)
            .filter(|_| code.t(i) == "[" && code.t(i + 1) != "[")
        else {
            continue;
        };
        if !code.ends_operand(i - 1) {
            continue;
        }
        // The array's name, behind any earlier subscripts (`a[i][j]`).
        let mut base = i - 1;
        while code.t(base) == "]" && base > 0 {
            base = code.partner(base).map_or(0, |o| o.saturating_sub(1));
        }
        if !(code.kind(base) == Some(Kind::Ident) && declared(code, base)) {
            shifts(code, OffByOneIndex, i + 1, close, out);
        }
    }
}
