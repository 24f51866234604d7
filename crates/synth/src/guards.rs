//! Dropped guards: an `if` whose statement now always runs, an early-return edge case
//! deleted, or one clause of an `&&` / `||` chain removed.

use crate::Operator::*;
use crate::code::Code;
use crate::edit::Site;
use crate::scan::{INPUT, listed};

const SIDE_EFFECTS: &[&str] = &[
    "=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<=", ">>=", "++", "--",
];

fn has_side_effects(code: &Code, a: usize, b: usize) -> bool {
    (a..b).any(|j| SIDE_EFFECTS.contains(&code.t(j)) || listed(INPUT, code.t(j)))
}

/// Removes one clause of an `&&` / `||` chain in condition `a..b`.
fn drop_clauses(code: &Code, a: usize, b: usize, out: &mut Vec<Site>) {
    let tops = code.top(a, b);
    let op = if tops.iter().any(|&j| code.t(j) == "||") {
        "||"
    } else {
        "&&"
    };
    let ops: Vec<usize> = tops.into_iter().filter(|&j| code.t(j) == op).collect();
    if ops.is_empty() {
        return;
    }
    let mut bounds = vec![a];
    bounds.extend(ops.iter().map(|o| o + 1));
    bounds.push(b + 1);
    for k in 0..bounds.len() - 1 {
        let (c0, c1) = (bounds[k], bounds[k + 1] - 1);
        if has_side_effects(code, c0, c1) {
            continue;
        }
        let e = if k == 0 {
            let mut e = code.replace(c0, c1 + 1, "");
            e.end = code.toks[c1 + 1].start;
            e
        } else {
            code.remove(c0 - 1, c1)
        };
        out.push(code.site(DropCondition, e));
    }
}

/// `if (c) s` -> `s`; `if (c) return ...;` deleted; one `&&` / `||` clause removed.
pub fn drop_condition(code: &Code, out: &mut Vec<Site>) {
    for i in 0..code.toks.len() {
        let Some(r) = code.parens_after(i) else {
            continue;
        };
        if matches!(code.t(i), "for") {
            let semis: Vec<usize> = code
                .top(i + 2, r)
                .into_iter()
                .filter(|&j| code.t(j) == ";")
                .collect();
            if let [s1, s2] = semis[..] {
                drop_clauses(code, s1 + 1, s2, out);
            }
        }
        if code.t(i) == "while" {
            drop_clauses(code, i + 2, r, out);
        }
        if code.t(i) != "if" {
            continue;
        }
        drop_clauses(code, i + 2, r, out);
        let Some(e) = code.stmt_end(r + 1) else {
            continue;
        };
        if code.t(e + 1) == "else" || has_side_effects(code, i + 2, r) {
            continue;
        }
        let mut last = r + 1;
        if code.t(r + 1) == "{" {
            let mut s = r + 2;
            while s < e {
                last = s;
                let Some(next) = code.stmt_end(s) else { break };
                s = next + 1;
            }
        }
        if matches!(code.t(last), "return" | "break" | "continue" | "goto") {
            let edge = if i > 0 && matches!(code.t(i - 1), ";" | "{" | "}") {
                code.remove(i, e + 1)
            } else {
                code.replace(i, e + 1, ";")
            };
            out.push(code.site(DropCondition, edge));
        } else {
            let mut unwrap = code.replace(i, r + 1, "");
            unwrap.end = code.toks[r + 1].start;
            out.push(code.site(DropCondition, unwrap));
        }
    }
}
