//! Flipped sort orders: a missing or inverted comparator.

use crate::Operator::*;
use crate::code::Code;
use crate::edit::Site;
use crate::lexer::Kind;
use crate::local::is_comparison;

/// Flips every comparison in the `return` statements of the body `{` at `open`.
fn flip_returns(code: &Code, open: usize, out: &mut Vec<Site>) {
    let Some(close) = code.partner(open) else {
        return;
    };
    for k in (open + 1..close).filter(|&k| code.t(k) == "return") {
        let end = code.stmt_end(k).unwrap_or(close);
        for j in (k + 1..end).filter(|&j| is_comparison(code, j)) {
            let to = match code.t(j) {
                "<" => ">",
                ">" => "<",
                "<=" => ">=",
                _ => "<=",
            };
            out.push(code.site(FlipSortOrder, code.replace(j, j + 1, to)));
        }
    }
}

/// The body `{` of a function or lambda whose parameter list opens at `paren`.
fn body_after(code: &Code, paren: usize) -> Option<usize> {
    let mut j = code.partner(paren)? + 1;
    while matches!(
        code.t(j),
        "const" | "noexcept" | "mutable" | "->" | "&" | "*" | "override"
    ) || (code.kind(j) == Some(Kind::Ident) && code.t(j - 1) == "->")
    {
        j += 1;
    }
    (code.t(j) == "{").then_some(j)
}

/// `sort(a, b)` -> `sort(a, b, greater<>())` (`sort(v.begin(), v.end())` ->
/// `sort(v.rbegin(), v.rend())`), `greater` <-> `less`, `rbegin` -> `begin`, and a
/// comparator's `a < b` -> `a > b` (lambdas, named comparators, `operator<`).
pub fn flip_sort_order(code: &Code, out: &mut Vec<Site>) {
    for i in 0..code.toks.len() {
        let t = code.t(i);
        let swapped = match t {
            "greater" => "less",
            "less" => "greater",
            "greater_equal" => "less_equal",
            "less_equal" => "greater_equal",
            _ => "",
        };
        if !swapped.is_empty()
            && (code.angle.get(i + 1) == Some(&true) || matches!(code.t(i + 1), "(" | "{"))
        {
            out.push(code.site(FlipSortOrder, code.replace(i, i + 1, swapped)));
        }
        if t == "operator" && code.t(i + 1) == "<" && code.t(i + 2) == "(" {
            body_after(code, i + 2)
                .into_iter()
                .for_each(|b| flip_returns(code, b, out));
        }
        let sorts =
            matches!(t, "sort" | "stable_sort") && !matches!(code.t(i.wrapping_sub(1)), "." | "->");
        let Some(r) = code.parens_after(i).filter(|_| sorts) else {
            continue;
        };
        let commas: Vec<usize> = code
            .top(i + 2, r)
            .into_iter()
            .filter(|&j| code.t(j) == ",")
            .collect();
        match commas[..] {
            // `v.begin(), v.end()` reversed needs only `<`, which any sortable type has.
            [c] if code.t(c - 3) == "begin" && code.t(r - 3) == "end" => {
                let subs = [(c - 3, "rbegin"), (r - 3, "rend")];
                out.push(code.site(FlipSortOrder, code.rewrite(i + 2, r, &subs)));
            }
            [_] if code.t(r - 3) != "rend" => {
                out.push(code.site(FlipSortOrder, code.replace(r, r + 1, ", greater<>())")))
            }
            [_, c2] if code.t(c2 + 1) == "[" => {
                let paren = (c2 + 1..r).find(|&j| code.t(j) == "(");
                paren
                    .and_then(|p| body_after(code, p))
                    .into_iter()
                    .for_each(|b| flip_returns(code, b, out));
            }
            [_, c2] if code.kind(c2 + 1) == Some(Kind::Ident) && c2 + 2 == r => {
                let name = code.t(c2 + 1);
                let def = (0..code.toks.len()).find(|&d| {
                    code.t(d) == name && code.t(d + 1) == "(" && d > 0 && code.is_type(d - 1)
                });
                def.and_then(|d| body_after(code, d + 1))
                    .into_iter()
                    .for_each(|b| flip_returns(code, b, out));
            }
            _ => {}
        }
        let subs: Vec<(usize, &str)> = (i + 2..r)
            .filter_map(|j| match code.t(j) {
                "rbegin" => Some((j, "begin")),
                "rend" => Some((j, "end")),
                _ => None,
            })
            .collect();
        if !subs.is_empty() {
            out.push(code.site(FlipSortOrder, code.rewrite(i + 2, r, &subs)));
        }
    }
}
