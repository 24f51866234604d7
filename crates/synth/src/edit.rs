//! Edits over the token stream, applied to the original text so that layout and comments
//! survive, and checked by re-lexing: an edit that would glue tokens (`<` next to `<` becoming
//! `<<`) is padded with spaces, and one that still changes more than it says is dropped.

use crate::Operator;
use crate::code::Code;
use crate::lexer::{Kind, lex};

/// Replace code tokens `first..last` (bytes `start..end`) with `text`.
#[derive(Clone, Debug)]
pub struct Edit {
    /// First byte replaced.
    pub start: usize,
    /// One past the last byte replaced.
    pub end: usize,
    /// First code token replaced.
    pub first: usize,
    /// One past the last code token replaced.
    pub last: usize,
    /// The replacement.
    pub text: String,
}

/// One mutation site: an operator's single edit and how to describe it.
#[derive(Clone, Debug)]
pub struct Site {
    /// The operator.
    pub op: Operator,
    /// The edit.
    pub edit: Edit,
    /// 1-based line of the change.
    pub line: usize,
    /// `line N: \`before\` -> \`after\``.
    pub description: String,
}

impl Code<'_> {
    /// Replaces tokens `first..last` with `text`.
    pub fn replace(&self, first: usize, last: usize, text: impl Into<String>) -> Edit {
        let (start, end) = (self.toks[first].start, self.toks[last - 1].end);
        Edit {
            start,
            end,
            first,
            last,
            text: text.into(),
        }
    }

    /// Deletes tokens `first..last` with the whitespace before them.
    pub fn remove(&self, first: usize, last: usize) -> Edit {
        let mut e = self.replace(first, last, "");
        if first > 0 {
            e.start = self.toks[first - 1].end;
        }
        e
    }

    /// Replaces tokens `first..last` with their own text, some tokens substituted.
    pub fn rewrite(&self, first: usize, last: usize, subs: &[(usize, &str)]) -> Edit {
        let mut text = String::new();
        let mut at = self.toks[first].start;
        for i in first..last {
            let t = self.toks[i];
            text.push_str(&self.src[at..t.start]);
            text.push_str(
                subs.iter()
                    .find(|s| s.0 == i)
                    .map_or(&self.src[t.start..t.end], |s| s.1),
            );
            at = t.end;
        }
        self.replace(first, last, text)
    }

    /// Turns an edit into a described site.
    pub fn site(&self, op: Operator, edit: Edit) -> Site {
        let line = self.toks[edit.first].line;
        // One code token of context either side, on the same line, shows the change in place.
        let lo = if edit.first > 0 && self.toks[edit.first - 1].line == line {
            edit.first - 1
        } else {
            edit.first
        };
        let hi = if edit.last < self.toks.len()
            && self.toks[edit.last].line == self.toks[edit.last - 1].line
        {
            edit.last + 1
        } else {
            edit.last
        };
        let (a, b) = (self.toks[lo].start, self.toks[hi - 1].end);
        let before = &self.src[a..b];
        let after = format!(
            "{}{}{}",
            &self.src[a..edit.start.max(a)],
            edit.text,
            &self.src[edit.end.min(b)..b]
        );
        let description = format!("line {line}: `{}` -> `{}`", squash(before), squash(&after));
        Site {
            op,
            edit,
            line,
            description,
        }
    }
}

/// Whitespace collapsed, cut to a readable length.
fn squash(s: &str) -> String {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.chars().count() <= 72 {
        s
    } else {
        s.chars().take(69).collect::<String>() + "..."
    }
}

/// Applies non-overlapping edits; `None` when they overlap, cover a directive, or the result
/// does not lex to exactly the intended token stream.
pub fn apply(code: &Code, edits: &[&Edit]) -> Option<String> {
    let mut edits = edits.to_vec();
    edits.sort_by_key(|e| e.start);
    if edits
        .windows(2)
        .any(|w| w[0].end > w[1].start || w[0].last > w[1].first)
    {
        return None;
    }
    let directive = |e: &&Edit| {
        code.all
            .iter()
            .any(|t| t.kind == Kind::Preproc && t.start >= e.start && t.start < e.end)
    };
    if edits.iter().any(directive) {
        return None;
    }
    let expected = expected(code, &edits);
    for pad in ["", " "] {
        let mut out = String::with_capacity(code.src.len() + 32);
        let mut at = 0;
        for e in &edits {
            out.push_str(&code.src[at..e.start]);
            if !e.text.is_empty() {
                out.push_str(pad);
                out.push_str(&e.text);
                out.push_str(pad);
            }
            at = e.end;
        }
        out.push_str(&code.src[at..]);
        if code_tokens(&out) == expected {
            return Some(out);
        }
    }
    None
}

/// Code token texts of `src`.
fn code_tokens(src: &str) -> Vec<String> {
    lex(src)
        .into_iter()
        .filter(|t| !matches!(t.kind, Kind::Comment | Kind::Preproc))
        .map(|t| src[t.start..t.end].to_string())
        .collect()
}

/// The code tokens the edits should produce: the originals with each edit's range spliced.
fn expected(code: &Code, edits: &[&Edit]) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    for e in edits {
        out.extend((i..e.first).map(|k| code.t(k).to_string()));
        out.extend(code_tokens(&e.text));
        i = e.last;
    }
    out.extend((i..code.toks.len()).map(|k| code.t(k).to_string()));
    out
}
