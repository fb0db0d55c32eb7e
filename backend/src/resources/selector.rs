//! Kubernetes label selectors, parsed and validated on the server so a typo becomes a field error
//! instead of an empty table: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`.

use std::collections::BTreeMap;

/// One requirement of a selector; all must hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Requirement {
    /// `key=value` / `key==value`.
    Equals(String, String),
    /// `key!=value`: also matches objects without the label.
    NotEquals(String, String),
    /// `key in (a,b)`.
    In(String, Vec<String>),
    /// `key notin (a,b)`: also matches objects without the label.
    NotIn(String, Vec<String>),
    /// `key`.
    Exists(String),
    /// `!key`.
    DoesNotExist(String),
}

/// A parsed label selector; the empty selector matches everything.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LabelSelector {
    requirements: Vec<Requirement>,
}

impl LabelSelector {
    /// Parses `text`, saying in words what is wrong when it cannot.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut parser = Parser {
            chars: text.chars().collect(),
            pos: 0,
        };
        let mut requirements = Vec::new();
        parser.skip_spaces();
        if parser.at_end() {
            return Ok(Self::default());
        }
        loop {
            requirements.push(parser.requirement()?);
            parser.skip_spaces();
            match parser.next() {
                None => break,
                Some(',') => {}
                Some(c) => return Err(format!("Expected a comma before {c:?}.")),
            }
        }
        Ok(Self { requirements })
    }

    pub fn is_empty(&self) -> bool {
        self.requirements.is_empty()
    }

    /// Whether labels that iterate as `(key, value)` pairs satisfy every requirement.
    pub fn matches<'a>(&self, get: impl Fn(&str) -> Option<&'a str>) -> bool {
        self.requirements.iter().all(|r| match r {
            Requirement::Equals(k, v) => get(k) == Some(v.as_str()),
            Requirement::NotEquals(k, v) => get(k) != Some(v.as_str()),
            Requirement::In(k, vs) => get(k).is_some_and(|x| vs.iter().any(|v| v == x)),
            Requirement::NotIn(k, vs) => get(k).is_none_or(|x| vs.iter().all(|v| v != x)),
            Requirement::Exists(k) => get(k).is_some(),
            Requirement::DoesNotExist(k) => get(k).is_none(),
        })
    }

    /// [`Self::matches`] on a map.
    pub fn matches_map(&self, labels: &BTreeMap<String, String>) -> bool {
        self.matches(|k| labels.get(k).map(String::as_str))
    }
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
}

impl Parser {
    fn at_end(&self) -> bool {
        self.pos >= self.chars.len()
    }
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }
    fn next(&mut self) -> Option<char> {
        let c = self.peek();
        self.pos += 1;
        c
    }
    fn skip_spaces(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }
    /// A run of characters that may form a key or value.
    fn word(&mut self) -> String {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
        {
            self.pos += 1;
        }
        self.chars[start..self.pos].iter().collect()
    }

    fn requirement(&mut self) -> Result<Requirement, String> {
        self.skip_spaces();
        if self.peek() == Some('!') {
            self.pos += 1;
            self.skip_spaces();
            let key = self.key()?;
            return Ok(Requirement::DoesNotExist(key));
        }
        let key = self.key()?;
        self.skip_spaces();
        match self.peek() {
            None | Some(',') => Ok(Requirement::Exists(key)),
            Some('=') => {
                self.pos += 1;
                if self.peek() == Some('=') {
                    self.pos += 1;
                }
                Ok(Requirement::Equals(key, self.value()?))
            }
            Some('!') => {
                self.pos += 1;
                if self.next() != Some('=') {
                    return Err(format!("Expected != after the key {key:?}."));
                }
                Ok(Requirement::NotEquals(key, self.value()?))
            }
            Some(c) if c.is_ascii_alphabetic() => {
                let op = self.word();
                let values = match op.as_str() {
                    "in" | "notin" => self.value_set(&key, &op)?,
                    _ => {
                        return Err(format!(
                            "Unknown operator {op:?} after {key:?}: use =, !=, in or notin."
                        ));
                    }
                };
                Ok(if op == "in" {
                    Requirement::In(key, values)
                } else {
                    Requirement::NotIn(key, values)
                })
            }
            Some(c) => Err(format!(
                "Unexpected {c:?} after the key {key:?}: use =, !=, in or notin."
            )),
        }
    }

    fn key(&mut self) -> Result<String, String> {
        let key = self.word();
        if key.is_empty() {
            return Err(match self.peek() {
                Some(c) => format!("Expected a label key, found {c:?}."),
                None => "Expected a label key at the end.".into(),
            });
        }
        validate_key(&key)?;
        Ok(key)
    }

    fn value(&mut self) -> Result<String, String> {
        self.skip_spaces();
        let value = self.word();
        validate_value(&value)?;
        Ok(value)
    }

    fn value_set(&mut self, key: &str, op: &str) -> Result<Vec<String>, String> {
        self.skip_spaces();
        if self.next() != Some('(') {
            return Err(format!("Expected ( after `{key} {op}`."));
        }
        let mut values = Vec::new();
        loop {
            values.push(self.value()?);
            self.skip_spaces();
            match self.next() {
                Some(',') => {}
                Some(')') => break,
                _ => return Err(format!("Expected , or ) in the values of `{key} {op}`.")),
            }
        }
        Ok(values)
    }
}

fn is_name_part(s: &str) -> bool {
    let bytes = s.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 63
        && bytes[0].is_ascii_alphanumeric()
        && bytes[bytes.len() - 1].is_ascii_alphanumeric()
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

fn validate_key(key: &str) -> Result<(), String> {
    let (prefix, name) = match key.split_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, key),
    };
    if let Some(prefix) = prefix {
        let ok = !prefix.is_empty()
            && prefix.len() <= 253
            && prefix.split('.').all(|part| {
                !part.is_empty()
                    && part.len() <= 63
                    && part
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                    && !part.starts_with('-')
                    && !part.ends_with('-')
            });
        if !ok {
            return Err(format!(
                "The key prefix {prefix:?} is not a DNS subdomain (lower-case letters, digits, - and .)."
            ));
        }
    }
    if !is_name_part(name) {
        return Err(format!(
            "The label key {key:?} is invalid: names are 1–63 letters, digits, -, _ or ., starting and ending with a letter or digit."
        ));
    }
    Ok(())
}

fn validate_value(value: &str) -> Result<(), String> {
    if value.is_empty() || is_name_part(value) {
        Ok(())
    } else {
        Err(format!(
            "The label value {value:?} is invalid: values are at most 63 letters, digits, -, _ or ., starting and ending with a letter or digit."
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn parse(text: &str) -> LabelSelector {
        LabelSelector::parse(text).unwrap_or_else(|e| panic!("{text:?} should parse: {e}"))
    }

    #[test]
    fn parses_every_operator() {
        let s =
            parse("app=web, tier==front,env!=prod,zone in (a, b),team notin (x),canary,!legacy");
        assert_eq!(
            s.requirements,
            vec![
                Requirement::Equals("app".into(), "web".into()),
                Requirement::Equals("tier".into(), "front".into()),
                Requirement::NotEquals("env".into(), "prod".into()),
                Requirement::In("zone".into(), vec!["a".into(), "b".into()]),
                Requirement::NotIn("team".into(), vec!["x".into()]),
                Requirement::Exists("canary".into()),
                Requirement::DoesNotExist("legacy".into()),
            ]
        );
    }

    #[test]
    fn empty_and_blank_selectors_match_everything() {
        assert!(parse("").is_empty());
        assert!(parse("   ").matches_map(&labels(&[])));
    }

    #[test]
    fn prefixed_keys_and_empty_values_are_valid() {
        let s = parse("app.kubernetes.io/part-of=shop,node-role.kubernetes.io/worker=");
        assert!(s.matches_map(&labels(&[
            ("app.kubernetes.io/part-of", "shop"),
            ("node-role.kubernetes.io/worker", ""),
        ])));
    }

    #[test]
    fn negative_requirements_match_missing_labels() {
        let missing = labels(&[("app", "web")]);
        assert!(parse("env!=prod").matches_map(&missing));
        assert!(parse("env notin (prod)").matches_map(&missing));
        assert!(!parse("env in (prod)").matches_map(&missing));
        assert!(!parse("env").matches_map(&missing));
        assert!(parse("!env").matches_map(&missing));
        let prod = labels(&[("env", "prod")]);
        assert!(!parse("env!=prod").matches_map(&prod));
        assert!(!parse("!env").matches_map(&prod));
        assert!(parse("env in (dev,prod),env").matches_map(&prod));
    }

    #[test]
    fn malformed_selectors_say_what_is_wrong() {
        for bad in [
            "app=",
            "=web",
            "app in (a,b",
            "app in a,b",
            "app ~ web",
            "app between (a)",
            "app=we b",
            "-app=web",
            "app=web,",
            "Bad_Prefix/app=web",
            "app=-web",
            "!",
            "app!web",
        ] {
            let result = LabelSelector::parse(bad);
            // `app=` is valid (empty value); everything else must fail with a sentence.
            if bad == "app=" {
                assert!(result.is_ok());
                continue;
            }
            let message = result.expect_err(bad);
            assert!(message.ends_with('.'), "{bad:?}: {message}");
        }
    }

    #[test]
    fn overlong_names_are_refused() {
        let long = "a".repeat(64);
        assert!(LabelSelector::parse(&format!("{long}=x")).is_err());
        assert!(LabelSelector::parse(&format!("x={long}")).is_err());
        assert!(LabelSelector::parse(&format!("{}=x", "a".repeat(63))).is_ok());
    }
}
