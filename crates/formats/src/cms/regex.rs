//! The small part of Python's `re` that CMS score-type parameters use to pick testcases by
//! codename (`"00[0-4]"`, `"0(0[5-9]|1.)"`, `".*"`): literals, `.`, classes, `\d \w \s`, groups,
//! alternation, `* + ? {m,n}` and anchors. Matching is anchored at the start only, as
//! `re.match` is; backtracking is fine for names a few characters long.

#[derive(Debug)]
enum Node {
    Char(char),
    Any,
    Class(Vec<(char, char)>, bool),
    Start,
    End,
    Group(Vec<Vec<Node>>),
    Repeat(Box<Node>, usize, Option<usize>),
}

/// A compiled pattern.
#[derive(Debug)]
pub(super) struct Regex(Vec<Vec<Node>>);

struct Parser<'a> {
    chars: &'a [char],
    pos: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn alternatives(&mut self) -> Result<Vec<Vec<Node>>, String> {
        let mut alts = vec![self.sequence()?];
        while self.peek() == Some('|') {
            self.pos += 1;
            alts.push(self.sequence()?);
        }
        Ok(alts)
    }

    fn sequence(&mut self) -> Result<Vec<Node>, String> {
        let mut seq = Vec::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            self.pos += 1;
            let atom = match c {
                '.' => Node::Any,
                '^' => Node::Start,
                '$' => Node::End,
                '[' => self.class()?,
                '\\' => self.escape()?,
                '(' => {
                    if self.chars[self.pos..].starts_with(&['?', ':']) {
                        self.pos += 2;
                    } else if self.peek() == Some('?') {
                        return Err("only (?:...) extensions are supported".into());
                    }
                    let alts = self.alternatives()?;
                    if self.peek() != Some(')') {
                        return Err("unbalanced parenthesis".into());
                    }
                    self.pos += 1;
                    Node::Group(alts)
                }
                '*' | '+' | '?' | '{' => return Err(format!("nothing to repeat before {c:?}")),
                c => Node::Char(c),
            };
            seq.push(self.repeat(atom)?);
        }
        Ok(seq)
    }

    fn repeat(&mut self, atom: Node) -> Result<Node, String> {
        let (min, max) = match self.peek() {
            Some('*') => (0, None),
            Some('+') => (1, None),
            Some('?') => (0, Some(1)),
            Some('{') => {
                let rest: String = self.chars[self.pos + 1..].iter().collect();
                let Some(end) = rest.find('}') else {
                    return Err("unterminated {".into());
                };
                let body = &rest[..end];
                let num = |s: &str| {
                    s.trim()
                        .parse::<usize>()
                        .map_err(|_| format!("bad {{{body}}}"))
                };
                let bounds = match body.split_once(',') {
                    None => (num(body)?, Some(num(body)?)),
                    Some((a, "")) => (num(a)?, None),
                    Some((a, b)) => (num(a)?, Some(num(b)?)),
                };
                self.pos += end + 1;
                bounds
            }
            _ => return Ok(atom),
        };
        self.pos += 1;
        if self.peek() == Some('?') {
            // Lazy and greedy repeats accept the same prefixes; only the match length differs.
            self.pos += 1;
        }
        Ok(Node::Repeat(Box::new(atom), min, max))
    }

    fn escape(&mut self) -> Result<Node, String> {
        let c = self.peek().ok_or("trailing backslash")?;
        self.pos += 1;
        Ok(match c {
            'd' => Node::Class(vec![('0', '9')], false),
            'D' => Node::Class(vec![('0', '9')], true),
            'w' => Node::Class(WORD.to_vec(), false),
            'W' => Node::Class(WORD.to_vec(), true),
            's' => Node::Class(SPACE.to_vec(), false),
            'S' => Node::Class(SPACE.to_vec(), true),
            c if c.is_ascii_alphanumeric() => return Err(format!("unsupported escape \\{c}")),
            c => Node::Char(c),
        })
    }

    fn class(&mut self) -> Result<Node, String> {
        let negated = self.peek() == Some('^');
        if negated {
            self.pos += 1;
        }
        let mut ranges = Vec::new();
        let mut first = true;
        loop {
            let c = self.peek().ok_or("unterminated [")?;
            self.pos += 1;
            if c == ']' && !first {
                break;
            }
            first = false;
            let lo = if c == '\\' {
                match self.escape()? {
                    Node::Char(c) => c,
                    Node::Class(r, false) => {
                        ranges.extend(r);
                        continue;
                    }
                    _ => return Err("negated escape inside [] is not supported".into()),
                }
            } else {
                c
            };
            let hi = match (self.peek(), self.chars.get(self.pos + 1)) {
                (Some('-'), Some(&h)) if h != ']' => {
                    self.pos += 2;
                    h
                }
                _ => lo,
            };
            ranges.push((lo, hi));
        }
        Ok(Node::Class(ranges, negated))
    }
}

const WORD: [(char, char); 4] = [('a', 'z'), ('A', 'Z'), ('0', '9'), ('_', '_')];
const SPACE: [(char, char); 2] = [(' ', ' '), ('\t', '\r')];

fn step(node: &Node, s: &[char], pos: usize, k: &dyn Fn(usize) -> bool) -> bool {
    let one = |ok: bool| ok && k(pos + 1);
    match node {
        Node::Char(c) => one(s.get(pos) == Some(c)),
        Node::Any => one(s.get(pos).is_some_and(|&c| c != '\n')),
        Node::Class(ranges, negated) => one(s
            .get(pos)
            .is_some_and(|c| ranges.iter().any(|(lo, hi)| (lo..=hi).contains(&c)) != *negated)),
        Node::Start => pos == 0 && k(pos),
        Node::End => pos == s.len() && k(pos),
        Node::Group(alts) => alts.iter().any(|alt| seq(alt, s, pos, k)),
        Node::Repeat(inner, min, max) => repeat(inner, *min, *max, 0, s, pos, k),
    }
}

fn repeat(
    inner: &Node,
    min: usize,
    max: Option<usize>,
    done: usize,
    s: &[char],
    pos: usize,
    k: &dyn Fn(usize) -> bool,
) -> bool {
    let more = max.is_none_or(|m| done < m)
        && step(inner, s, pos, &|p| {
            // An iteration that consumed nothing cannot lead anywhere new.
            (p != pos || done < min) && repeat(inner, min, max, done + 1, s, p, k)
        });
    more || (done >= min && k(pos))
}

fn seq(nodes: &[Node], s: &[char], pos: usize, k: &dyn Fn(usize) -> bool) -> bool {
    match nodes.split_first() {
        None => k(pos),
        Some((first, rest)) => step(first, s, pos, &|p| seq(rest, s, p, k)),
    }
}

impl Regex {
    /// Compiles `pattern`, or says which construct it does not support.
    pub(super) fn new(pattern: &str) -> Result<Regex, String> {
        let chars: Vec<char> = pattern.chars().collect();
        let mut p = Parser {
            chars: &chars,
            pos: 0,
        };
        let alts = p.alternatives()?;
        if p.pos != chars.len() {
            return Err("unbalanced parenthesis".into());
        }
        Ok(Regex(alts))
    }

    /// Whether the pattern matches a prefix of `text` (Python's `re.match`).
    pub(super) fn matches_start(&self, text: &str) -> bool {
        let s: Vec<char> = text.chars().collect();
        self.0.iter().any(|alt| seq(alt, &s, 0, &|_| true))
    }
}

#[cfg(test)]
mod tests {
    use super::Regex;

    fn m(p: &str, s: &str) -> bool {
        Regex::new(p).map(|r| r.matches_start(s)).unwrap_or(false)
    }

    #[test]
    fn python_re_match_semantics() {
        assert!(m("00[0-4]", "003"));
        assert!(!m("00[0-4]", "005"));
        assert!(m("0", "012"), "anchored at the start only");
        assert!(!m("0$", "012"));
        assert!(m("0(0[5-9]|1.)", "013") && m("0(0[5-9]|1.)", "007"));
        assert!(!m("0(0[5-9]|1.)", "020"));
        assert!(m(".*", "") && m("\\d{3}", "123") && !m("\\d{3}", "12"));
        assert!(m("(?:a|b)+c", "abbac") && !m("[^0-9]", "1"));
        assert!(Regex::new("(ab").is_err() && Regex::new("\\p").is_err());
    }
}
