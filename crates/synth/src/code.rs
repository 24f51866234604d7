//! The parsed view the operators work on: code tokens (no comments, no directives) with
//! bracket pairs, template angle brackets and statement extents.

use crate::lexer::{Kind, Token, lex};

/// Words that start a declaration; typedef and `using` names are added per source.
const TYPES: &str = "int long short char double float bool unsigned signed void auto size_t \
    int64_t int32_t uint64_t uint32_t ll ull i64 u64 string __int128";

/// Code tokens of one source and what the operators need to know about them.
pub struct Code<'a> {
    /// The source.
    pub src: &'a str,
    /// Every token, comments and directives included.
    pub all: Vec<Token>,
    /// Code tokens only.
    pub toks: Vec<Token>,
    /// For a bracket `( [ {` or its closer, the index of its partner.
    pub pair: Vec<Option<usize>>,
    /// Whether a `<`, `>` or `>>` token is a template angle bracket.
    pub angle: Vec<bool>,
    /// Type names: builtins plus this source's typedef / `using` names.
    pub types: Vec<String>,
    /// Names this source defines as `long long` (typedef, `using` or `#define`).
    pub wide_aliases: Vec<String>,
    /// Tokens no operator may touch (see [`Code::freeze`]).
    pub frozen: Vec<bool>,
}

impl<'a> Code<'a> {
    /// Lexes and analyses `src`.
    pub fn new(src: &'a str) -> Self {
        let all = lex(src);
        let toks: Vec<Token> = all
            .iter()
            .copied()
            .filter(|t| !matches!(t.kind, Kind::Comment | Kind::Preproc))
            .collect();
        let mut code = Code {
            src,
            all,
            pair: vec![None; toks.len()],
            angle: vec![false; toks.len()],
            toks,
            types: TYPES.split_whitespace().map(str::to_string).collect(),
            wide_aliases: Vec::new(),
            frozen: Vec::new(),
        };
        code.match_brackets();
        code.mark_angles();
        code.find_aliases();
        code.freeze();
        code
    }

    /// Text of code token `i` (empty past the end).
    pub fn t(&self, i: usize) -> &'a str {
        self.toks.get(i).map_or("", |t| &self.src[t.start..t.end])
    }

    /// The partner of bracket `i`, if it is a paired bracket.
    pub fn partner(&self, i: usize) -> Option<usize> {
        self.pair.get(i).copied().flatten()
    }

    /// The closing `)` when token `i` is followed by `(`.
    pub fn parens_after(&self, i: usize) -> Option<usize> {
        if self.t(i + 1) == "(" {
            self.partner(i + 1)
        } else {
            None
        }
    }

    /// Top-level tokens of `a..b`: a bracketed group counts as its opener alone.
    pub fn top(&self, a: usize, b: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut j = a;
        while j < b {
            out.push(j);
            j = match self.t(j) {
                "(" | "[" | "{" => self.partner(j).map_or(b, |p| p + 1),
                _ => j + 1,
            };
        }
        out
    }

    /// Kind of code token `i`.
    pub fn kind(&self, i: usize) -> Option<Kind> {
        self.toks.get(i).map(|t| t.kind)
    }

    /// Text of code tokens `first..last`, original spacing kept.
    pub fn span(&self, first: usize, last: usize) -> &'a str {
        &self.src[self.toks[first].start..self.toks[last - 1].end]
    }

    /// Whether token `i` ends an operand, so a following `+`, `-` or `[` is binary / a subscript.
    pub fn ends_operand(&self, i: usize) -> bool {
        match self.kind(i) {
            Some(Kind::Number | Kind::Str | Kind::Char) => true,
            Some(Kind::Ident) => !matches!(
                self.t(i),
                "return" | "case" | "else" | "do" | "new" | "delete" | "throw" | "sizeof"
            ),
            Some(_) => matches!(self.t(i), ")" | "]" | "++" | "--"),
            None => false,
        }
    }

    /// Whether `i` names a type.
    pub fn is_type(&self, i: usize) -> bool {
        self.kind(i) == Some(Kind::Ident) && self.types.iter().any(|t| t == self.t(i))
    }

    fn match_brackets(&mut self) {
        let mut stack = Vec::new();
        for i in 0..self.toks.len() {
            match self.t(i) {
                "(" | "[" | "{" => stack.push(i),
                close @ (")" | "]" | "}") => {
                    let open = match close {
                        ")" => "(",
                        "]" => "[",
                        _ => "{",
                    };
                    // Pop to the matching opener; a stray closer stays unpaired.
                    if let Some(at) = stack.iter().rposition(|&o| self.t(o) == open) {
                        let o = stack[at];
                        stack.truncate(at);
                        self.pair[o] = Some(i);
                        self.pair[i] = Some(o);
                    }
                }
                _ => {}
            }
        }
    }

    /// Index of the last token of the statement starting at `i`.
    pub fn stmt_end(&self, i: usize) -> Option<usize> {
        let after_parens = |i: usize| self.parens_after(i).map(|r| r + 1);
        match self.t(i) {
            "{" => self.partner(i),
            "if" => {
                let e = self.stmt_end(after_parens(i)?)?;
                if self.t(e + 1) == "else" {
                    self.stmt_end(e + 2)
                } else {
                    Some(e)
                }
            }
            "for" | "while" | "switch" => self.stmt_end(after_parens(i)?),
            "do" => {
                let e = self.stmt_end(i + 1)?;
                (self.t(e + 1) == "while").then_some(())?;
                let r = after_parens(e + 1)?;
                (self.t(r) == ";").then_some(r)
            }
            _ => {
                let mut j = i;
                while j < self.toks.len() {
                    match self.t(j) {
                        ";" => return Some(j),
                        "(" | "[" | "{" => j = self.pair[j]?,
                        ")" | "]" | "}" => return None,
                        _ => {}
                    }
                    j += 1;
                }
                None
            }
        }
    }
}
