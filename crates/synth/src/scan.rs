//! What the operators need to know about names: which `<` are template brackets, which
//! names are types (and which alias `long long`), and which tokens must stay as they are.

use crate::code::Code;
use crate::lexer::Kind;

/// Names after which `<` opens a template argument list when a closing `>` follows.
const TEMPLATES: &str = "\
    vector map set multiset multimap unordered_map unordered_set unordered_multimap \
    unordered_multiset pair array priority_queue queue deque stack list forward_list bitset \
    tuple function greater less greater_equal less_equal equal_to hash optional variant \
    basic_string numeric_limits make_pair make_tuple static_cast dynamic_cast const_cast \
    reinterpret_cast template shared_ptr unique_ptr make_shared make_unique complex \
    valarray span initializer_list max min swap get gcd lcm accumulate iota bit_cast tree \
    gp_hash_table cc_hash_table";

/// Calls that read input: a condition holding one guards the input, not the algorithm.
pub const INPUT: &str = "scanf cin getline getchar fgets fread read gets fscanf sscanf \
    getchar_unlocked";

/// Tokens that never appear inside a template argument list (as far as contest code goes).
const NOT_IN_TEMPLATE: &str = "; { } && || ? = == != <= >= += -= return <<";

/// Whether `word` is one of the whitespace-separated `list`.
pub fn listed(list: &str, word: &str) -> bool {
    list.split_whitespace().any(|w| w == word)
}

impl Code<'_> {
    /// Marks `<` ... `>` as template brackets when `<` follows a template-ish name (or any
    /// name, when only type-like tokens sit inside and a call, scope or declaration follows).
    pub fn mark_angles(&mut self) {
        let mut i = 1;
        while i < self.toks.len() {
            if self.t(i) != "<" || self.angle[i] || self.kind(i - 1) != Some(Kind::Ident) {
                i += 1;
                continue;
            }
            let known = listed(TEMPLATES, self.t(i - 1));
            let (mut depth, mut j, mut typeish, mut inner) = (1i32, i + 1, true, vec![i]);
            let close = loop {
                let t = self.t(j);
                if j >= self.toks.len() || listed(NOT_IN_TEMPLATE, t) {
                    break None;
                }
                match t {
                    "<" => depth += 1,
                    ">" => depth -= 1,
                    ">>" => depth -= 2,
                    "(" | "[" => match self.pair[j] {
                        Some(p) => {
                            typeish &= t == "(";
                            j = p;
                        }
                        None => break None,
                    },
                    ")" | "]" => break None,
                    _ => {
                        typeish &=
                            self.kind(j) == Some(Kind::Ident) || matches!(t, "::" | "*" | "&" | ",")
                    }
                }
                if matches!(t, "<" | ">" | ">>") {
                    inner.push(j);
                }
                if depth <= 0 {
                    break Some(j);
                }
                j += 1;
            };
            let after = self.t(close.unwrap_or(0) + 1);
            let generic = typeish
                && (matches!(after, "(" | "::" | "{")
                    || self.kind(close.unwrap_or(0) + 1) == Some(Kind::Ident));
            if close.is_some() && (known || generic) {
                inner.iter().for_each(|&k| self.angle[k] = true);
            }
            i += 1;
        }
    }

    /// Freezes what mutating would only make trivially broken, not realistically wrong:
    /// input-checking conditions (`if (scanf(...) != 2)`), `main`'s exit codes, and the size
    /// of an array with an initializer list.
    pub fn freeze(&mut self) {
        let n = self.toks.len();
        self.frozen = vec![false; n];
        for i in 0..n {
            let t = self.t(i);
            if matches!(t, "if" | "while")
                && let Some(r) = self.parens_after(i)
                && (i..r).any(|k| listed(INPUT, self.t(k)))
            {
                self.frozen[i..=r].iter_mut().for_each(|f| *f = true);
            }
            if t == "main"
                && let Some(body) = self
                    .parens_after(i)
                    .map(|r| r + 1)
                    .filter(|&b| self.t(b) == "{")
                && let Some(end) = self.partner(body)
            {
                let codes: Vec<usize> = (body..end)
                    .filter(|&k| self.t(k) == "return" && self.t(k + 2) == ";")
                    .collect();
                codes.into_iter().for_each(|k| self.frozen[k + 1] = true);
            }
            if t == "]"
                && (self.t(i + 1) == "{" || (self.t(i + 1) == "=" && self.t(i + 2) == "{"))
                && let Some(open) = self.partner(i)
            {
                self.frozen[open..i].iter_mut().for_each(|f| *f = true);
            }
        }
    }

    pub fn find_aliases(&mut self) {
        let toks = self.toks.len();
        for i in 0..toks {
            // `typedef long long NAME;` and `using NAME = long long;`
            if self.t(i) == "typedef" {
                let Some(end) = (i..toks).find(|&j| self.t(j) == ";") else {
                    continue;
                };
                if end >= i + 2 && self.kind(end - 1) == Some(Kind::Ident) {
                    self.types.push(self.t(end - 1).to_string());
                    if self.t(i + 1) == "long" && self.t(i + 2) == "long" && end == i + 4 {
                        self.wide_aliases.push(self.t(end - 1).to_string());
                    }
                }
            }
            if self.t(i) == "using" && self.t(i + 2) == "=" && self.kind(i + 1) == Some(Kind::Ident)
            {
                self.types.push(self.t(i + 1).to_string());
                if self.t(i + 3) == "long" && self.t(i + 4) == "long" && self.t(i + 5) == ";" {
                    self.wide_aliases.push(self.t(i + 1).to_string());
                }
            }
        }
        for t in self.all.iter().filter(|t| t.kind == Kind::Preproc) {
            let words: Vec<&str> = self.src[t.start..t.end].split_whitespace().collect();
            if let ["#define", name, "long", "long"] = words[..]
                && name != "int"
            {
                self.types.push(name.to_string());
                self.wide_aliases.push(name.to_string());
            }
        }
    }
}
