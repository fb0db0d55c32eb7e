//! A parser for the `Debug` text of prost messages: `Name { field: Some("x"), list: [..], map: {"k": v} }`.
//!
//! k8s-pb has no serde support; its `Debug` output is the only generic view of a decoded message, and
//! it is regular enough (derived) to read back as a tree.

/// A node of the Debug text.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// `Name { a: .., b: .. }` (or a bare `Name`).
    Struct(String, Vec<(String, Node)>),
    /// `Some(..)`.
    Some(Box<Node>),
    /// `None`.
    None,
    /// A string literal (unescaped).
    Str(String),
    /// A number as written.
    Num(String),
    /// `true` / `false`.
    Bool(bool),
    /// `[..]`.
    List(Vec<Node>),
    /// `{k: v, ..}`.
    Map(Vec<(Node, Node)>),
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && self.s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }
    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.s.get(self.i).copied()
    }
    fn eat(&mut self, c: u8) -> Option<()> {
        (self.peek()? == c).then(|| self.i += 1)
    }
    fn ident(&mut self) -> Option<String> {
        self.ws();
        let start = self.i;
        while self.i < self.s.len()
            && (self.s[self.i].is_ascii_alphanumeric()
                || self.s[self.i] == b'_'
                || self.s[self.i] == b'#')
        {
            self.i += 1;
        }
        (self.i > start).then(|| {
            String::from_utf8_lossy(&self.s[start..self.i])
                .trim_start_matches("r#")
                .to_string()
        })
    }
    fn string(&mut self) -> Option<String> {
        self.eat(b'"')?;
        let mut out = Vec::new();
        while self.i < self.s.len() {
            let c = self.s[self.i];
            self.i += 1;
            match c {
                b'"' => return String::from_utf8(out).ok(),
                b'\\' => {
                    let e = *self.s.get(self.i)?;
                    self.i += 1;
                    match e {
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'0' => out.push(0),
                        b'u' => {
                            let close = self.s[self.i..].iter().position(|b| *b == b'}')?;
                            let hex =
                                std::str::from_utf8(&self.s[self.i + 1..self.i + close]).ok()?;
                            let ch = char::from_u32(u32::from_str_radix(hex, 16).ok()?)?;
                            out.extend_from_slice(ch.to_string().as_bytes());
                            self.i += close + 1;
                        }
                        other => out.push(other),
                    }
                }
                other => out.push(other),
            }
        }
        None
    }
    fn seq<T>(
        &mut self,
        close: u8,
        mut item: impl FnMut(&mut Self) -> Option<T>,
    ) -> Option<Vec<T>> {
        let mut out = Vec::new();
        loop {
            if self.eat(close).is_some() {
                return Some(out);
            }
            out.push(item(self)?);
            if self.eat(b',').is_none() {
                self.eat(close)?;
                return Some(out);
            }
        }
    }
    fn value(&mut self) -> Option<Node> {
        match self.peek()? {
            b'"' => self.string().map(Node::Str),
            b'[' => {
                self.i += 1;
                self.seq(b']', Self::value).map(Node::List)
            }
            b'{' => {
                self.i += 1;
                self.seq(b'}', |p| {
                    let k = p.value()?;
                    p.eat(b':')?;
                    Some((k, p.value()?))
                })
                .map(Node::Map)
            }
            c if c == b'-' || c.is_ascii_digit() => {
                let start = self.i;
                while self.i < self.s.len()
                    && (self.s[self.i].is_ascii_alphanumeric() || b"-+.".contains(&self.s[self.i]))
                {
                    self.i += 1;
                }
                Some(Node::Num(
                    String::from_utf8_lossy(&self.s[start..self.i]).into(),
                ))
            }
            _ => {
                let name = self.ident()?;
                match name.as_str() {
                    "None" => Some(Node::None),
                    "true" => Some(Node::Bool(true)),
                    "false" => Some(Node::Bool(false)),
                    "Some" => {
                        self.eat(b'(')?;
                        let v = self.value()?;
                        self.eat(b')')?;
                        Some(Node::Some(Box::new(v)))
                    }
                    _ if self.peek() == Some(b'{') => {
                        self.i += 1;
                        let fields = self.seq(b'}', |p| {
                            let f = p.ident()?;
                            p.eat(b':')?;
                            Some((f, p.value()?))
                        })?;
                        Some(Node::Struct(name, fields))
                    }
                    _ => Some(Node::Struct(name, Vec::new())),
                }
            }
        }
    }
}

/// Parses the Debug text of one value.
pub fn parse(text: &str) -> Option<Node> {
    let mut p = Parser {
        s: text.as_bytes(),
        i: 0,
    };
    let v = p.value()?;
    (p.peek().is_none()).then_some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_nested_debug_text() {
        let text = r#"Secret { metadata: Some(ObjectMeta { name: Some("a\"b"), labels: {"x": "y"} }), data: {"k": [104, 105]}, immutable: None, r#type: Some("Opaque") }"#;
        let node = parse(text).expect("parse");
        let Node::Struct(name, fields) = node else {
            panic!("not a struct")
        };
        assert_eq!(name, "Secret");
        assert_eq!(fields.len(), 4);
        assert_eq!(fields[3].0, "type");
    }
}
