//! Synthetic candidates: realistic wrong and partial variants of a correct C/C++ solution,
//! made by mutating its source the way models go wrong (off-by-one bounds and subscripts,
//! `<` for `<=`, `int` where `long long` was needed, a dropped guard, a wrong modulus, a
//! flipped sort order, ...). Sources are lexed into a real token stream, so comments, string
//! and character literals, `#include` / `#define` lines, template angle brackets and stream
//! operators are never touched; mutants are deduplicated by their token stream and labelled
//! with their operator, line and parent. [`mutants`] lists every single-site mutant of one
//! source; [`sample`] draws a reproducible, stratified pool from many.
//!
//! The crate owns only source mutation. It depends on nothing of sieve (no domain, no
//! sandbox): judging the mutants is the caller's business.

mod bounds;
mod code;
mod edit;
mod guards;
mod lexer;
mod local;
mod ordering;
mod sample;
mod scan;

pub use lexer::normalize;
pub use sample::sample;

use code::Code;
use edit::{Site, apply};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// A kind of mistake.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Operator {
    /// A loop's start or bound off by one: `i = 0` -> `i = 1`, `i < n` -> `i < n + 1`.
    OffByOneBound,
    /// A subscript off by one: `a[i]` -> `a[i + 1]`, `a[i - 1]` -> `a[i]`.
    OffByOneIndex,
    /// `<` <-> `<=`, `>` <-> `>=` in a comparison.
    RelationalFlip,
    /// A narrower type: `long long` -> `int`, `int64_t` -> `int32_t`, `double` -> `float`,
    /// an `LL` suffix or a `(long long)` cast dropped.
    NarrowType,
    /// A guard gone: `if (c) s` -> `s`, an early-return edge case deleted, or one `&&` / `||`
    /// clause removed.
    DropCondition,
    /// A literal off by one, `1e9+7` -> `1e9+9`, an infinity too small (`1e18` -> `1e9`,
    /// `LLONG_MAX` -> `INT_MAX`).
    WrongConstant,
    /// `sort(a, b)` -> `sort(a, b, greater<>())` (containers: `rbegin()` / `rend()`),
    /// `greater` <-> `less`, `rbegin` -> `begin`, a comparator's `a < b` -> `a > b`.
    FlipSortOrder,
    /// `min` <-> `max`, `a < b ? a : b` -> `a < b ? b : a`.
    SwapMinMax,
    /// `x % MOD` -> `x`, `x %= MOD;` deleted.
    DropModulo,
}

impl Operator {
    /// Every operator, in the order [`mutants`] applies them.
    pub const ALL: [Operator; 9] = [
        Operator::OffByOneBound,
        Operator::OffByOneIndex,
        Operator::RelationalFlip,
        Operator::NarrowType,
        Operator::DropCondition,
        Operator::WrongConstant,
        Operator::FlipSortOrder,
        Operator::SwapMinMax,
        Operator::DropModulo,
    ];

    /// The snake_case name, as serialised.
    pub fn name(self) -> &'static str {
        match self {
            Operator::OffByOneBound => "off_by_one_bound",
            Operator::OffByOneIndex => "off_by_one_index",
            Operator::RelationalFlip => "relational_flip",
            Operator::NarrowType => "narrow_type",
            Operator::DropCondition => "drop_condition",
            Operator::WrongConstant => "wrong_constant",
            Operator::FlipSortOrder => "flip_sort_order",
            Operator::SwapMinMax => "swap_min_max",
            Operator::DropModulo => "drop_modulo",
        }
    }
}

/// One mutated program and where it came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Mutant {
    /// The mutated source.
    pub source: String,
    /// The operator of the (first) change.
    pub operator: Operator,
    /// 1-based line of the (first) change.
    pub line: usize,
    /// What changed, e.g. ``line 12: `i < n` -> `i <= n` ``; changes joined by `; `.
    pub description: String,
    /// blake3 hex of the parent source.
    pub parent: String,
    /// The parent's label as given to [`sample`]; empty from [`mutants`].
    pub parent_label: String,
    /// Number of changes: 1, or more for a combined mutant from [`sample`].
    pub order: usize,
}

/// Every mutation site of a parsed source, operator by operator, in source order.
fn sites(code: &Code) -> Vec<Site> {
    let mut out = Vec::new();
    for op in Operator::ALL {
        let f = match op {
            Operator::OffByOneBound => bounds::off_by_one_bound,
            Operator::OffByOneIndex => bounds::off_by_one_index,
            Operator::RelationalFlip => local::relational_flip,
            Operator::NarrowType => local::narrow_type,
            Operator::DropCondition => guards::drop_condition,
            Operator::WrongConstant => local::wrong_constant,
            Operator::FlipSortOrder => ordering::flip_sort_order,
            Operator::SwapMinMax => local::swap_min_max,
            Operator::DropModulo => local::drop_modulo,
        };
        f(code, &mut out);
    }
    out.retain(|s| !code.frozen[s.edit.first..s.edit.last].contains(&true));
    out
}

/// blake3 hex of a source.
fn hash(source: &str) -> String {
    blake3::hash(source.as_bytes()).to_hex().to_string()
}

/// Every single-site mutant of `source`, operators in [`Operator::ALL`] order and sites in
/// source order. Mutants with the same token stream (whitespace and comments ignored) are
/// kept once, under the first operator that made them; ones equal to the parent are dropped.
pub fn mutants(source: &str) -> Vec<Mutant> {
    let code = Code::new(source);
    let parent = hash(source);
    let mut seen = HashSet::from([normalize(source)]);
    sites(&code)
        .into_iter()
        .filter_map(|site| {
            let mutated = apply(&code, &[&site.edit])?;
            seen.insert(normalize(&mutated)).then(|| Mutant {
                source: mutated,
                operator: site.op,
                line: site.line,
                description: site.description,
                parent: parent.clone(),
                parent_label: String::new(),
                order: 1,
            })
        })
        .collect()
}
