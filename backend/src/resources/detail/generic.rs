//! Any other kind, custom resources included: the columns its table shows (a CRD's printer
//! columns) and the scalar fields at the top of `spec` and `status`.

use model::detail::{FieldValue, ObjectDetail};
use model::resources::{Column, ColumnType, Tone};
use serde_json::Value;

use super::fields::{Facts, parse_time, scalar};

/// How many items of a list of scalars are shown before the rest is left out.
const LIST_ITEMS: usize = 10;

/// Fields from the kind's table columns (all but name, namespace and age).
pub(super) fn columns(d: &mut ObjectDetail, columns: &[Column], cells: &[String], tone: Tone) {
    let mut f = Facts::default();
    for (c, text) in columns.iter().zip(cells) {
        if c.id == "age" || text.is_empty() {
            continue;
        }
        let value = match c.kind {
            ColumnType::Age => match parse_time(text) {
                Some(at) => FieldValue::Time { at },
                None => FieldValue::text(text),
            },
            ColumnType::Status => FieldValue::status(text, tone),
            _ => FieldValue::text(text),
        };
        f.add(&format!("column.{}", c.id), &c.title, vec![value]);
    }
    d.summary.extend(f.fields);
}

/// Scalars (and short lists of scalars) directly under `spec` and `status`.
pub(super) fn scalars(d: &mut ObjectDetail, v: &Value) {
    let mut f = Facts::default();
    for section in ["spec", "status"] {
        let Some(map) = v.get(section).and_then(Value::as_object) else {
            continue;
        };
        for (key, value) in map {
            let values: Vec<FieldValue> = match value {
                Value::String(_) | Value::Number(_) | Value::Bool(_) => {
                    vec![FieldValue::code(scalar(value))]
                }
                Value::Array(items) if !items.is_empty() && items.iter().all(is_scalar) => items
                    .iter()
                    .take(LIST_ITEMS)
                    .map(|item| FieldValue::code(scalar(item)))
                    .collect(),
                _ => continue,
            };
            let path = format!("{section}.{key}");
            f.add(&path, &path, values);
        }
    }
    d.summary.extend(f.fields);
}

fn is_scalar(v: &Value) -> bool {
    matches!(v, Value::String(_) | Value::Number(_) | Value::Bool(_))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn detail() -> ObjectDetail {
        serde_json::from_value(json!({
            "kind": {"key": "widgets.example.com", "group": "example.com", "version": "v1", "kind": "Widget",
                     "plural": "widgets", "namespaced": true, "nav": "custom_resources",
                     "can_create": true, "can_update": true, "can_delete": true},
            "name": "w", "uid": "u", "resource_version": "1", "summary": [],
            "labels": {}, "annotations": {}, "events": {"items": [], "total": 0},
        }))
        .expect("detail")
    }

    #[test]
    fn spec_and_status_scalars_become_fields() {
        let mut d = detail();
        scalars(
            &mut d,
            &json!({"spec": {"size": 7, "colour": "blue", "nested": {"a": 1}, "tags": ["a", "b"]},
                    "status": {"phase": "Ready"}}),
        );
        let mut keys: Vec<&str> = d.summary.iter().map(|f| f.key.as_str()).collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            ["spec.colour", "spec.size", "spec.tags", "status.phase"]
        );
        let tags = d
            .summary
            .iter()
            .find(|f| f.key == "spec.tags")
            .expect("tags");
        assert_eq!(tags.values.len(), 2);
    }
}
