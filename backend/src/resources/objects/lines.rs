//! Where a field lives in YAML text: maps the field paths a cluster names in its refusals
//! (`spec.replicas`, `spec.template.spec.containers[0].image`, `metadata.labels[app]`) to the line
//! and column of that field in the text the user wrote, so the editor can mark it.
//!
//! The text is parsed once more, keeping only keys and positions. A path that goes further than
//! the text (a required field that is missing) resolves to the deepest part that exists: the
//! place where the missing field belongs.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

/// A 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: u32,
    pub column: u32,
}

/// The keys and positions of one YAML document.
#[derive(Debug)]
pub struct LineIndex {
    root: Spanned<Node>,
}

#[derive(Debug)]
enum Node {
    Map(Vec<(Spanned<KeyText>, Spanned<Node>)>),
    Seq(Vec<Spanned<Node>>),
    Scalar,
}

/// One segment of a field path.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    /// `.name`
    Key(String),
    /// `[text]`: an index in a list, or a key in a map (`labels[app]`).
    Bracket(String),
}

impl LineIndex {
    /// Indexes `text`; `None` when it does not parse (its parse error is reported instead).
    pub fn new(text: &str) -> Option<Self> {
        serde_saphyr::from_str::<Spanned<Node>>(text)
            .ok()
            .map(|root| LineIndex { root })
    }

    /// Where `path` is: the key of a map entry, the item of a list. A path the text does not
    /// hold in full resolves to its deepest existing part; `None` only for an empty path or a
    /// document that is not a map.
    pub fn locate(&self, path: &str) -> Option<Position> {
        let segments = parse_path(path);
        if segments.is_empty() {
            return None;
        }
        let mut node = &self.root;
        let mut found = None;
        for segment in &segments {
            let Some((position, next)) = step(node, segment) else {
                break;
            };
            found = Some(position);
            node = next;
        }
        found
    }

    /// Where the top-level key `key` is, if the document has it.
    pub fn key(&self, key: &str) -> Option<Position> {
        step(&self.root, &Segment::Key(key.to_string())).map(|(p, _)| p)
    }
}

fn position(location: &serde_saphyr::Location) -> Option<Position> {
    let line = u32::try_from(location.line()).ok().filter(|l| *l > 0)?;
    let column = u32::try_from(location.column()).unwrap_or(0);
    Some(Position { line, column })
}

/// One step down `node` along `segment`: the position reached and the node there.
fn step<'a>(node: &'a Spanned<Node>, segment: &Segment) -> Option<(Position, &'a Spanned<Node>)> {
    match (&node.value, segment) {
        (Node::Map(entries), Segment::Key(name) | Segment::Bracket(name)) => entries
            .iter()
            .find(|(k, _)| k.value.0 == *name)
            .and_then(|(k, v)| Some((position(&k.referenced)?, v))),
        (Node::Seq(items), Segment::Bracket(index)) => {
            let item = items.get(index.parse::<usize>().ok()?)?;
            Some((position(&item.referenced)?, item))
        }
        // Go's decoding errors name list fields without indexes (`containers.image`): the
        // first item that has the key is the best guess.
        (Node::Seq(items), Segment::Key(_)) => items.iter().find_map(|item| step(item, segment)),
        _ => None,
    }
}

/// Splits `spec.containers[0].env[FOO].value` into its segments. A leading dot is allowed.
fn parse_path(path: &str) -> Vec<Segment> {
    let mut segments = Vec::new();
    let mut current = String::new();
    let mut chars = path.trim().chars();
    while let Some(c) = chars.next() {
        match c {
            '.' => {
                if !current.is_empty() {
                    segments.push(Segment::Key(std::mem::take(&mut current)));
                }
            }
            '[' => {
                if !current.is_empty() {
                    segments.push(Segment::Key(std::mem::take(&mut current)));
                }
                let inside: String = chars.by_ref().take_while(|c| *c != ']').collect();
                segments.push(Segment::Bracket(inside));
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        segments.push(Segment::Key(current));
    }
    segments
}

/// A map key of any scalar type, as text (`80:` and `true:` are keys too).
#[derive(Debug)]
struct KeyText(String);

impl<'de> Deserialize<'de> for KeyText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = KeyText;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a scalar map key")
            }
            fn visit_str<E>(self, v: &str) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_bool<E>(self, v: bool) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_unit<E>(self) -> Result<KeyText, E> {
                Ok(KeyText(String::new()))
            }
            // A complex key (a map or list as key) matches no field path.
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<KeyText, A::Error> {
                while map
                    .next_entry::<de::IgnoredAny, de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(KeyText(String::new()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<KeyText, A::Error> {
                while seq.next_element::<de::IgnoredAny>()?.is_some() {}
                Ok(KeyText(String::new()))
            }
        }
        deserializer.deserialize_any(KeyVisitor)
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NodeVisitor;
        impl<'de> Visitor<'de> for NodeVisitor {
            type Value = Node;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any YAML value")
            }
            fn visit_bool<E>(self, _: bool) -> Result<Node, E> {
                Ok(Node::Scalar)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Node, E> {
                Ok(Node::Scalar)
            }
            fn visit_i128<E>(self, _: i128) -> Result<Node, E> {
                Ok(Node::Scalar)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Node, E> {
                Ok(Node::Scalar)
            }
            fn visit_u128<E>(self, _: u128) -> Result<Node, E> {
                Ok(Node::Scalar)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Node, E> {
                Ok(Node::Scalar)
            }
            fn visit_str<E>(self, _: &str) -> Result<Node, E> {
                Ok(Node::Scalar)
            }
            fn visit_bytes<E>(self, _: &[u8]) -> Result<Node, E> {
                Ok(Node::Scalar)
            }
            fn visit_unit<E>(self) -> Result<Node, E> {
                Ok(Node::Scalar)
            }
            fn visit_none<E>(self) -> Result<Node, E> {
                Ok(Node::Scalar)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
                Node::deserialize(d)
            }
            fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
                Node::deserialize(d)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
                let mut entries = Vec::new();
                while let Some(key) = map.next_key::<Spanned<KeyText>>()? {
                    entries.push((key, map.next_value::<Spanned<Node>>()?));
                }
                Ok(Node::Map(entries))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<Spanned<Node>>()? {
                    items.push(item);
                }
                Ok(Node::Seq(items))
            }
        }
        deserializer.deserialize_any(NodeVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEPLOYMENT: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web, \"example.com/tier\": front}
spec:
  replicas: many
  template:
    spec:
      containers:
      - name: a
        image: nginx
        env:
          - name: MODE
            value: fast
      -   name: b
          image: \"\"
";

    fn at(index: &LineIndex, path: &str) -> Option<(u32, u32)> {
        index.locate(path).map(|p| (p.line, p.column))
    }

    #[test]
    fn paths_resolve_to_the_line_and_column_of_their_key() {
        let index = LineIndex::new(DEPLOYMENT).expect("parses");
        assert_eq!(at(&index, "spec.replicas"), Some((7, 3)));
        assert_eq!(at(&index, "metadata.name"), Some((4, 3)));
        assert_eq!(at(&index, "kind"), Some((2, 1)));
        assert_eq!(at(&index, ".spec.template"), Some((8, 3)));
    }

    #[test]
    fn list_indexes_and_bracketed_map_keys_are_followed() {
        let index = LineIndex::new(DEPLOYMENT).expect("parses");
        assert_eq!(
            at(&index, "spec.template.spec.containers[1].image"),
            Some((17, 11))
        );
        assert_eq!(
            at(&index, "spec.template.spec.containers[0].env[0].value"),
            Some((15, 13))
        );
        assert_eq!(
            at(&index, "metadata.labels[example.com/tier]"),
            Some((5, 22))
        );
        assert_eq!(at(&index, "metadata.labels.app"), Some((5, 12)));
    }

    #[test]
    fn missing_fields_point_at_their_deepest_existing_parent() {
        let index = LineIndex::new(DEPLOYMENT).expect("parses");
        // `selector` is missing: the place it belongs is under `spec`.
        assert_eq!(at(&index, "spec.selector"), Some((6, 1)));
        assert_eq!(
            at(&index, "spec.template.spec.containers[5].image"),
            Some((10, 7))
        );
        assert_eq!(at(&index, "status.phase"), None);
        assert_eq!(at(&index, ""), None);
    }

    #[test]
    fn list_fields_named_without_an_index_use_the_first_item_that_has_them() {
        // Go's type errors say `containers.image`, not `containers[0].image`.
        let index = LineIndex::new(DEPLOYMENT).expect("parses");
        assert_eq!(
            at(&index, "spec.template.spec.containers.env"),
            Some((13, 9))
        );
    }

    #[test]
    fn any_scalar_can_be_a_key_and_broken_text_has_no_index() {
        let index = LineIndex::new("data:\n  80: http\n  true: yes\n").expect("parses");
        assert_eq!(at(&index, "data[80]"), Some((2, 3)));
        assert_eq!(at(&index, "data.true"), Some((3, 3)));
        assert!(LineIndex::new("a: b\n  c: d\n").is_none());
    }

    #[test]
    fn paths_split_into_keys_and_brackets() {
        assert_eq!(
            parse_path("a.b[0].c[x.y/z]"),
            vec![
                Segment::Key("a".into()),
                Segment::Key("b".into()),
                Segment::Bracket("0".into()),
                Segment::Key("c".into()),
                Segment::Bracket("x.y/z".into()),
            ]
        );
    }
}
