//! Splitting a command line into statements and words, with quotes and `$VAR` expansion: the part of a
//! shell grammar people actually type into `kubectl exec`.

/// How a statement connects to the next one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Joiner {
    /// `;` or end of line: always run the next.
    Then,
    /// `&&`: run the next only on success.
    And,
    /// `||`: run the next only on failure.
    Or,
}

/// Splits on `;`, `&&` and `||` outside quotes.
pub fn split_statements(line: &str) -> Vec<(String, Joiner)> {
    let mut statements = Vec::new();
    let mut current = String::new();
    let mut quote: Option<char> = None;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => {
                quote = None;
                current.push(c);
            }
            (None, '\'' | '"') => {
                quote = Some(c);
                current.push(c);
            }
            (None, ';') => statements.push((std::mem::take(&mut current), Joiner::Then)),
            (None, '&') if chars.peek() == Some(&'&') => {
                chars.next();
                statements.push((std::mem::take(&mut current), Joiner::And));
            }
            (None, '|') if chars.peek() == Some(&'|') => {
                chars.next();
                statements.push((std::mem::take(&mut current), Joiner::Or));
            }
            _ => current.push(c),
        }
    }
    statements.push((current, Joiner::Then));
    statements
}

/// Splits a statement on `|` outside quotes (`||` was already taken by [`split_statements`]).
pub fn split_pipeline(statement: &str) -> Vec<String> {
    let mut segments = Vec::new();
    let mut current = String::new();
    let mut quote: Option<char> = None;
    for c in statement.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => {
                quote = None;
                current.push(c);
            }
            (None, '\'' | '"') => {
                quote = Some(c);
                current.push(c);
            }
            (None, '|') => segments.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    segments.push(current);
    segments
}

/// Splits a statement into words, removing quotes and expanding `$NAME`, `${NAME}` and `$?` (not inside
/// single quotes) through `lookup`.
pub fn split_words(statement: &str, lookup: impl Fn(&str) -> String) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    let mut chars = statement.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (None, '\'' | '"') => {
                quote = Some(c);
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut current));
                    in_word = false;
                }
            }
            (q, '$') if q != Some('\'') => {
                in_word = true;
                let mut name = String::new();
                if chars.peek() == Some(&'{') {
                    chars.next();
                    for n in chars.by_ref() {
                        if n == '}' {
                            break;
                        }
                        name.push(n);
                    }
                } else if chars.peek() == Some(&'?') {
                    chars.next();
                    name.push('?');
                } else {
                    while let Some(&n) = chars.peek() {
                        if !(n.is_ascii_alphanumeric() || n == '_') {
                            break;
                        }
                        name.push(n);
                        chars.next();
                    }
                }
                if name.is_empty() {
                    current.push('$');
                } else {
                    current.push_str(&lookup(&name));
                }
            }
            (_, '\\') if quote != Some('\'') => {
                if let Some(next) = chars.next() {
                    current.push(next);
                    in_word = true;
                }
            }
            (_, c) => {
                current.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(current);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_group_words_and_single_quotes_stop_expansion() {
        let words = split_words("echo 'a $X' \"b $X\" c${X}d", |_| "1".to_owned());
        assert_eq!(words, vec!["echo", "a $X", "b 1", "c1d"]);
    }

    #[test]
    fn statements_split_outside_quotes_only() {
        let s = split_statements("echo 'a;b' && ls || pwd; id");
        let joiners: Vec<Joiner> = s.iter().map(|(_, j)| *j).collect();
        assert_eq!(
            joiners,
            vec![Joiner::And, Joiner::Or, Joiner::Then, Joiner::Then]
        );
        assert_eq!(s[0].0.trim(), "echo 'a;b'");
    }
}
