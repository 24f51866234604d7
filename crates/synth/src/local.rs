//! Operators that rewrite one token or a short run of tokens: relational flips, narrowed
//! types, wrong constants, min/max swaps and dropped moduli.

use crate::Operator::*;
use crate::code::Code;
use crate::edit::Site;
use crate::lexer::Kind;

/// Whether `<`, `<=`, `>`, `>=` at `i` is a comparison (not a template bracket, not an
/// overloaded operator's name).
pub fn is_comparison(code: &Code, i: usize) -> bool {
    matches!(code.t(i), "<" | "<=" | ">" | ">=")
        && !code.angle[i]
        && (i == 0 || code.t(i - 1) != "operator")
}

/// `<` <-> `<=`, `>` <-> `>=`.
pub fn relational_flip(code: &Code, out: &mut Vec<Site>) {
    for i in (0..code.toks.len()).filter(|&i| is_comparison(code, i)) {
        let to = match code.t(i) {
            "<" => "<=",
            "<=" => "<",
            ">" => ">=",
            _ => ">",
        };
        out.push(code.site(RelationalFlip, code.replace(i, i + 1, to)));
    }
}

/// `long long` -> `int` (aliases too), `int64_t` -> `int32_t`, `double` -> `float`,
/// `long double` -> `double`, `LL` suffixes and `(long long)` casts dropped.
pub fn narrow_type(code: &Code, out: &mut Vec<Site>) {
    let n = code.toks.len();
    for i in 0..n {
        let (t, prev) = (code.t(i), if i > 0 { code.t(i - 1) } else { "" });
        let edit = match t {
            "long" if prev != "long" && code.t(i + 1) == "long" => {
                let last = if code.t(i + 2) == "int" { i + 3 } else { i + 2 };
                Some(code.replace(i, last, "int"))
            }
            "long" if code.t(i + 1) == "double" => Some(code.replace(i, i + 2, "double")),
            "double" if prev != "long" => Some(code.replace(i, i + 1, "float")),
            "int64_t" | "uint64_t" => Some(code.replace(i, i + 1, t.replace("64", "32"))),
            _ if code.wide_aliases.iter().any(|a| a == t)
                && !matches!(prev, "typedef" | "using" | "long") =>
            {
                Some(code.replace(i, i + 1, "int"))
            }
            _ if code.kind(i) == Some(Kind::Number) => {
                let stripped = t.trim_end_matches(['l', 'L', 'u', 'U']);
                let suffix = &t[stripped.len()..];
                (suffix.to_ascii_lowercase().matches("ll").count() == 1).then(|| {
                    code.replace(
                        i,
                        i + 1,
                        format!("{stripped}{}", suffix.replace(['l', 'L'], "")),
                    )
                })
            }
            _ => None,
        };
        if let Some(e) = edit {
            out.push(code.site(NarrowType, e));
        }
        // A cast to a wide type: `(` type `)` before an operand, not a call's parentheses.
        if t == "("
            && !(i > 0 && (code.ends_operand(i - 1) || prev == "sizeof"))
            && let Some(close) = code.pair[i]
        {
            let inner: Vec<&str> = (i + 1..close).map(|k| code.t(k)).collect();
            let wide = matches!(
                inner[..],
                ["long", "long"] | ["int64_t"] | ["double"] | ["long", "double"]
            ) || (inner.len() == 1 && code.wide_aliases.iter().any(|a| a == inner[0]));
            let operand = matches!(code.kind(close + 1), Some(Kind::Ident | Kind::Number))
                || code.t(close + 1) == "(";
            if wide && operand {
                let mut e = code.replace(i, close + 1, "");
                e.end = code.toks[close + 1].start;
                out.push(code.site(NarrowType, e));
            }
        }
    }
}

/// Integer literals +-1, `1e9+7` -> `1e9+9`, huge `INF` literals and `LLONG_MAX` too small.
pub fn wrong_constant(code: &Code, out: &mut Vec<Site>) {
    for i in 0..code.toks.len() {
        let t = code.t(i);
        let mut push =
            |text: String| out.push(code.site(WrongConstant, code.replace(i, i + 1, text)));
        match t {
            "LLONG_MAX" => push("INT_MAX".into()),
            "LLONG_MIN" => push("INT_MIN".into()),
            "INT64_MAX" => push("INT32_MAX".into()),
            _ => {}
        }
        if code.kind(i) != Some(Kind::Number) {
            continue;
        }
        let body = t.trim_end_matches(['l', 'L', 'u', 'U']);
        let suffix = &t[body.len()..];
        if let Some(hex) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
            let Ok(v) = u64::from_str_radix(hex, 16) else {
                continue;
            };
            let (p, upper) = (&body[..2], hex.bytes().any(|b| b.is_ascii_uppercase()));
            let fmt = |v: u64| {
                if upper {
                    format!("{p}{v:X}{suffix}")
                } else {
                    format!("{p}{v:x}{suffix}")
                }
            };
            if hex.len() >= 8 {
                push(format!("{p}{}{suffix}", &hex[..hex.len() - 2]));
            }
            push(fmt(v.wrapping_add(1)));
            if v > 0 {
                push(fmt(v - 1));
            }
            continue;
        }
        if let Some((m, e)) = body.split_once(['e', 'E'])
            && m.bytes().all(|b| b.is_ascii_digit())
            && let Ok(e) = e.parse::<u32>()
        {
            // Too small an infinity (1e18 -> 1e9) or modulus base (1e9 -> 1e6).
            match e {
                15.. => push(format!("{m}e9{suffix}")),
                9.. => push(format!("{m}e6{suffix}")),
                _ => {}
            }
            continue;
        }
        if !body.bytes().all(|b| b.is_ascii_digit()) || (body.len() > 1 && body.starts_with('0')) {
            continue;
        }
        let Ok(v) = body.parse::<u64>() else { continue };
        if v == 1_000_000_007 {
            push(format!("1000000009{suffix}"));
        }
        if v == 7
            && code.t(i.wrapping_sub(1)) == "+"
            && matches!(code.t(i.wrapping_sub(2)), "1e9" | "1E9")
        {
            push(format!("9{suffix}"));
        }
        push(format!("{}{suffix}", v + 1));
        let unary_minus = i > 0 && code.t(i - 1) == "-" && !code.ends_operand(i.wrapping_sub(2));
        let binary = i > 1 && matches!(code.t(i - 1), "+" | "-") && code.ends_operand(i - 2);
        if v == 1 && binary {
            out.push(code.site(WrongConstant, code.remove(i - 1, i + 1)));
        } else if v > 1 || (v == 1 && !unary_minus) {
            push(format!("{}{suffix}", v - 1));
        }
    }
}

const SWAPS: &[(&str, &str)] = &[
    ("min", "max"),
    ("fmin", "fmax"),
    ("min_element", "max_element"),
    ("chmin", "chmax"),
];

/// `min` <-> `max` in calls, and `a < b ? a : b` with its branches swapped.
pub fn swap_min_max(code: &Code, out: &mut Vec<Site>) {
    for i in 0..code.toks.len() {
        let t = code.t(i);
        let other = SWAPS.iter().find_map(|&(a, b)| {
            if t == a {
                Some(b)
            } else if t == b {
                Some(a)
            } else {
                None
            }
        });
        let qualified_ok = i < 2
            || !matches!(code.t(i - 1), "::" | "." | "->")
            || (code.t(i - 1) == "::" && code.t(i - 2) == "std");
        let called = code.t(i + 1) == "(" || (code.t(i + 1) == "<" && code.angle[i + 1]);
        if let Some(other) = other
            && qualified_ok
            && called
            && !(i > 0 && code.is_type(i - 1))
        {
            out.push(code.site(SwapMinMax, code.replace(i, i + 1, other)));
        }
        // `A rel B ? X : Y` with {X, Y} = {A, B}, all single tokens.
        if t == "?" && i >= 3 && is_comparison(code, i - 2) && code.t(i + 2) == ":" {
            let (a, b, x, y) = (code.t(i - 3), code.t(i - 1), code.t(i + 1), code.t(i + 3));
            let bounded = i == 3
                || !code.ends_operand(i - 4)
                    && !matches!(code.t(i - 4), "." | "->" | "::" | "*" | "/" | "+" | "-");
            if bounded
                && matches!(code.t(i + 4), ";" | ")" | ",")
                && ((x, y) == (a, b) || (x, y) == (b, a))
            {
                out.push(code.site(
                    SwapMinMax,
                    code.rewrite(i + 1, i + 4, &[(i + 1, y), (i + 3, x)]),
                ));
            }
        }
    }
}

fn is_modulus(code: &Code, i: usize) -> bool {
    let t = code.t(i);
    match code.kind(i) {
        Some(Kind::Ident) => t.to_ascii_lowercase().contains("mod") || t == "M" || t == "P",
        Some(Kind::Number) => matches!(
            t.trim_end_matches(['l', 'L', 'u', 'U']),
            "1000000007" | "998244353" | "1000000009"
        ),
        _ => false,
    }
}

/// `x % MOD` -> `x`, and a `x %= MOD;` statement deleted.
pub fn drop_modulo(code: &Code, out: &mut Vec<Site>) {
    for i in 1..code.toks.len() {
        let after = code.t(i + 2);
        if code.t(i) == "%"
            && is_modulus(code, i + 1)
            && code.ends_operand(i - 1)
            && !matches!(after, "(" | "[" | "." | "::" | "*" | "/")
        {
            out.push(code.site(DropModulo, code.remove(i, i + 2)));
        }
        if code.t(i) == "%=" && is_modulus(code, i + 1) && code.t(i + 2) == ";" {
            // Back to the statement's start: the token after `;`, `{`, `}` or a control header.
            let mut s = i;
            while s > 0 {
                let p = code.t(s - 1);
                if matches!(p, ";" | "{" | "}" | "else" | "do" | ":") {
                    break;
                }
                if matches!(p, ")" | "]") {
                    let Some(open) = code.pair[s - 1] else { break };
                    if p == ")" && open > 0 && matches!(code.t(open - 1), "if" | "for" | "while") {
                        break;
                    }
                    s = open;
                } else {
                    s -= 1;
                }
            }
            let e = if s > 0 && matches!(code.t(s - 1), ";" | "{" | "}") {
                code.remove(s, i + 3)
            } else {
                code.replace(s, i + 3, ";")
            };
            out.push(code.site(DropModulo, e));
        }
    }
}
