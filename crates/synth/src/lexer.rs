//! A small C/C++ lexer: enough to tell code from comments, literals and preprocessor lines,
//! and to split punctuators the way the compiler does (`<<` is one token, `< <` two).

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Identifier or keyword.
    Ident,
    /// Numeric literal, suffixes included (`1e9`, `0x3f`, `7LL`, `1'000`).
    Number,
    /// String literal, prefixed and raw strings included.
    Str,
    /// Character literal.
    Char,
    /// Operator or punctuation.
    Punct,
    /// `//` or `/* */` comment.
    Comment,
    /// A whole preprocessor line, continuations included.
    Preproc,
}

/// One token: its kind, byte span and 1-based line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    /// What it is.
    pub kind: Kind,
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
    /// 1-based line of the first byte.
    pub line: usize,
}

const PUNCT3: [&str; 5] = ["<<=", ">>=", "<=>", "->*", "..."];
const PUNCT2: [&str; 22] = [
    "::", "->", "++", "--", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "+=", "-=", "*=", "/=",
    "%=", "&=", "|=", "^=", ".*", "##",
];

// Bytes >= 0x80 count as identifier bytes so that a span never splits a UTF-8 character.
fn ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

/// Splits `src` into tokens; whitespace is dropped, everything else is covered.
pub fn lex(src: &str) -> Vec<Token> {
    let s = src.as_bytes();
    let mut out = Vec::new();
    let (mut i, mut line, mut line_start) = (0, 1, true);
    while i < s.len() {
        let c = s[i];
        if c == b'\n' {
            line += 1;
            line_start = true;
            i += 1;
            continue;
        }
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        let kind = if c == b'#' && line_start {
            i = line_end(s, i);
            Kind::Preproc
        } else if s[i..].starts_with(b"//") {
            i = line_end(s, i);
            Kind::Comment
        } else if s[i..].starts_with(b"/*") {
            i = find(s, i + 2, b"*/").map_or(s.len(), |e| e + 2);
            Kind::Comment
        } else if c.is_ascii_digit() || (c == b'.' && s.get(i + 1).is_some_and(u8::is_ascii_digit))
        {
            i = number_end(s, i);
            Kind::Number
        } else if ident_byte(c) {
            while i < s.len() && ident_byte(s[i]) {
                i += 1;
            }
            let word = &src[start..i];
            match s.get(i) {
                Some(b'"') if matches!(word, "R" | "LR" | "uR" | "UR" | "u8R") => {
                    i = raw_string_end(s, i);
                    Kind::Str
                }
                Some(&q @ (b'"' | b'\'')) if matches!(word, "L" | "u" | "U" | "u8") => {
                    i = quoted_end(s, i, q);
                    if q == b'"' { Kind::Str } else { Kind::Char }
                }
                _ => Kind::Ident,
            }
        } else if c == b'"' || c == b'\'' {
            i = quoted_end(s, i, c);
            if c == b'"' { Kind::Str } else { Kind::Char }
        } else {
            let len = if PUNCT3.iter().any(|p| s[i..].starts_with(p.as_bytes())) {
                3
            } else if PUNCT2.iter().any(|p| s[i..].starts_with(p.as_bytes())) {
                2
            } else {
                1
            };
            i += len;
            Kind::Punct
        };
        line_start = false;
        out.push(Token {
            kind,
            start,
            end: i,
            line,
        });
        line += s[start..i].iter().filter(|&&b| b == b'\n').count();
    }
    out
}

fn find(s: &[u8], from: usize, pat: &[u8]) -> Option<usize> {
    s.get(from..)?
        .windows(pat.len())
        .position(|w| w == pat)
        .map(|p| p + from)
}

/// End of a line-long token (comment or directive); a backslash before the newline continues it.
fn line_end(s: &[u8], mut i: usize) -> usize {
    while i < s.len() && s[i] != b'\n' {
        if s[i] == b'\\' && s.get(i + 1) == Some(&b'\n') {
            i += 1;
        }
        i += 1;
    }
    // A CR before the newline belongs to the line break, not the token.
    if i > 0 && s[i - 1] == b'\r' { i - 1 } else { i }
}

fn number_end(s: &[u8], mut i: usize) -> usize {
    let hex = s[i..].starts_with(b"0x") || s[i..].starts_with(b"0X");
    i += 1;
    while i < s.len() {
        let c = s[i];
        let prev = s[i - 1].to_ascii_lowercase();
        let exponent = if hex { prev == b'p' } else { prev == b'e' };
        if c.is_ascii_alphanumeric()
            || c == b'_'
            || c == b'.'
            || ((c == b'+' || c == b'-') && exponent)
        {
            i += 1;
        } else if c == b'\''
            && prev.is_ascii_alphanumeric()
            && s.get(i + 1).is_some_and(u8::is_ascii_alphanumeric)
        {
            i += 2;
        } else {
            break;
        }
    }
    i
}

/// End of a `"..."` or `'...'` literal starting at `i`; an unterminated one stops at the line end.
fn quoted_end(s: &[u8], mut i: usize, quote: u8) -> usize {
    i += 1;
    while i < s.len() {
        match s[i] {
            b'\\' => i += 2,
            b'\n' => return i,
            c if c == quote => return i + 1,
            _ => i += 1,
        }
    }
    s.len()
}

/// End of `R"delim( ... )delim"`, `i` at the opening quote.
fn raw_string_end(s: &[u8], i: usize) -> usize {
    let Some(open) = s[i..]
        .iter()
        .position(|&b| b == b'(' || b == b'\n')
        .map(|p| p + i)
    else {
        return s.len();
    };
    if s[open] != b'(' {
        return quoted_end(s, i, b'"');
    }
    let mut close = vec![b')'];
    close.extend_from_slice(&s[i + 1..open]);
    close.push(b'"');
    find(s, open + 1, &close).map_or(s.len(), |e| e + close.len())
}

/// The non-comment tokens' texts, one per line, directives with their whitespace collapsed:
/// two sources with the same normal form differ only in layout and comments.
pub fn normalize(src: &str) -> String {
    let mut out = String::with_capacity(src.len());
    for t in lex(src) {
        let text = &src[t.start..t.end];
        match t.kind {
            Kind::Comment => continue,
            Kind::Preproc => {
                let mut words = text.split_whitespace().filter(|w| *w != "\\");
                if let Some(first) = words.next() {
                    out.push_str(first);
                    words.for_each(|w| {
                        out.push(' ');
                        out.push_str(w);
                    });
                }
            }
            _ => out.push_str(text),
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(src: &str) -> Vec<(Kind, &str)> {
        lex(src)
            .into_iter()
            .map(|t| (t.kind, &src[t.start..t.end]))
            .collect()
    }

    #[test]
    fn punctuators_take_the_longest_match() {
        let got: Vec<&str> = texts("a<<=b>>c<=d->e::f<=>g<-1")
            .into_iter()
            .map(|t| t.1)
            .collect();
        assert_eq!(
            got,
            [
                "a", "<<=", "b", ">>", "c", "<=", "d", "->", "e", "::", "f", "<=>", "g", "<", "-",
                "1"
            ]
        );
    }

    #[test]
    fn numbers_keep_suffixes_exponents_and_separators() {
        let got = texts("1e9+7 0x1fULL 1'000'000 2.5e-3f 7LL .5 0x1p+3");
        let numbers: Vec<&str> = got
            .iter()
            .filter(|t| t.0 == Kind::Number)
            .map(|t| t.1)
            .collect();
        assert_eq!(
            numbers,
            [
                "1e9",
                "7",
                "0x1fULL",
                "1'000'000",
                "2.5e-3f",
                "7LL",
                ".5",
                "0x1p+3"
            ]
        );
    }

    #[test]
    fn literals_comments_and_directives_are_single_tokens() {
        let src = "#include <bits/stdc++.h>\n#define F(i) \\\n  for (i)\nint x; // a < b\n\
                   /* c\n d */ s = \"q\\\"<\" + u8\"x\" + R\"d(a)\"b)d\"; c = '\\''; L'x';\n";
        let got = texts(src);
        let kinds: Vec<Kind> = got.iter().map(|t| t.0).collect();
        use Kind::*;
        assert_eq!(
            kinds,
            [
                Preproc, Preproc, Ident, Ident, Punct, Comment, Comment, Ident, Punct, Str, Punct,
                Str, Punct, Str, Punct, Ident, Punct, Char, Punct, Char, Punct
            ]
        );
        assert_eq!(got[1].1, "#define F(i) \\\n  for (i)");
        assert_eq!(got[13].1, "R\"d(a)\"b)d\"");
        assert_eq!(lex(src)[2].line, 4);
        assert_eq!(lex(src)[6].line, 5);
        assert_eq!(lex(src)[7].line, 6);
    }

    #[test]
    fn a_hash_inside_a_line_is_no_directive() {
        let got = texts("x = 1; # y\n  #pragma once\n");
        assert_eq!(got[4], (Kind::Punct, "#"));
        assert_eq!(got[6], (Kind::Preproc, "#pragma once"));
    }
}
