//! Objects to YAML text and back: the editor's format.
//!
//! Rendering keeps long single-line strings on one line (a folded `>` block would reflow what
//! the user sees) and writes multi-line strings as `|` blocks. Parsing reports the first syntax
//! error with its line and column, relative to the text it was given.

use model::objects::YamlIssue;
use serde_json::{Map, Value};

/// Parses one YAML document into JSON. An empty document is `null`.
pub fn parse(text: &str) -> Result<Value, YamlIssue> {
    serde_saphyr::from_str::<Value>(text).map_err(|e| {
        let location = e.location();
        let line = location
            .as_ref()
            .and_then(|l| u32::try_from(l.line()).ok())
            .filter(|l| *l > 0);
        let column = location
            .as_ref()
            .and_then(|l| u32::try_from(l.column()).ok())
            .filter(|c| *c > 0);
        YamlIssue {
            line,
            column,
            field: None,
            message: syntax_message(&e.without_snippet().to_string()),
        }
    })
}

/// The parser's message without its trailing position (the issue carries the position, which
/// for a document of a larger text is not the one the parser saw).
fn syntax_message(raw: &str) -> String {
    let message = match raw.rfind(" at line ") {
        Some(at) if raw[at..].contains(", column ") => &raw[..at],
        _ => raw,
    };
    let message = message.trim();
    let mut chars = message.chars();
    match chars.next() {
        Some(first) => format!("YAML syntax: {}{}", first.to_uppercase(), chars.as_str()),
        None => "YAML syntax error".to_string(),
    }
}

/// `value` as YAML text.
pub fn render(value: &Value) -> String {
    let options = serde_saphyr::ser_options! {
        folded_wrap_chars: usize::MAX,
    };
    serde_saphyr::to_string_with_options(value, options).unwrap_or_else(|e| {
        // A JSON value always has a YAML form; should the serialiser still fail, JSON is
        // valid YAML too.
        tracing::warn!(error = %e, "YAML rendering failed; showing JSON");
        serde_json::to_string_pretty(value).unwrap_or_default()
    })
}

/// Drops `metadata.managedFields` (server-side apply bookkeeping, often half the text).
pub fn strip_managed_fields(object: &mut Value) {
    if let Some(metadata) = object.get_mut("metadata").and_then(Value::as_object_mut) {
        metadata.remove("managedFields");
    }
}

/// `object.metadata` as a map, created if missing; `None` when `object` is not a map.
pub fn metadata_mut(object: &mut Value) -> Option<&mut Map<String, Value>> {
    let slot = object
        .as_object_mut()?
        .entry("metadata")
        .or_insert_with(|| Value::Object(Map::new()));
    if !slot.is_object() {
        *slot = Value::Object(Map::new());
    }
    slot.as_object_mut()
}

/// The string at `pointer` (`/metadata/name`), if there is one.
pub fn text_at<'a>(object: &'a Value, pointer: &str) -> Option<&'a str> {
    object.pointer(pointer).and_then(Value::as_str)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn rendering_round_trips_and_keeps_long_lines_whole() {
        let long = "word ".repeat(40).trim_end().to_string();
        let object = json!({
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": "c", "annotations": {"note": long.clone()}},
            "data": {"script": "line 1\nline 2\n", "yes": "yes", "n": "012", "empty": ""},
        });
        let text = render(&object);
        assert!(text.contains("script: |\n"), "{text}");
        assert!(text.contains(&format!("note: {long}\n")), "{text}");
        assert_eq!(parse(&text).expect("parses"), object);
    }

    #[test]
    fn syntax_errors_carry_line_column_and_a_message_without_position() {
        let issue = parse("a: b\n  c: d\n").expect_err("bad YAML");
        assert_eq!((issue.line, issue.column), (Some(2), Some(4)));
        assert!(
            issue.message.starts_with("YAML syntax: "),
            "{}",
            issue.message
        );
        assert!(!issue.message.contains("line 2"), "{}", issue.message);
    }

    #[test]
    fn managed_fields_are_stripped() {
        let mut object = json!({"metadata": {"name": "a", "managedFields": [{"manager": "x"}]}});
        strip_managed_fields(&mut object);
        assert_eq!(object, json!({"metadata": {"name": "a"}}));
    }
}
