//! Reading an object's JSON into labelled fields: pointer helpers, times, links and the small
//! builders every kind's summary uses. A missing field is left out rather than shown empty.

use chrono::{DateTime, Utc};
use model::detail::{DetailTable, Field, FieldValue, TableColumn};
use model::objects::ObjectRef;
use model::resources::Tone;
use serde_json::Value;

/// The string at a JSON pointer, or `""`.
pub(super) fn s<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// The integer at a JSON pointer.
pub(super) fn i(v: &Value, pointer: &str) -> Option<i64> {
    v.pointer(pointer).and_then(Value::as_i64)
}

/// The boolean at a JSON pointer.
pub(super) fn b(v: &Value, pointer: &str) -> Option<bool> {
    v.pointer(pointer).and_then(Value::as_bool)
}

/// The array at a JSON pointer, empty when absent.
pub(super) fn arr<'a>(v: &'a Value, pointer: &str) -> &'a [Value] {
    v.pointer(pointer)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// The object at a JSON pointer as `(key, value-as-text)` pairs.
pub(super) fn pairs(v: &Value, pointer: &str) -> Vec<(String, String)> {
    v.pointer(pointer)
        .and_then(Value::as_object)
        .map(|m| m.iter().map(|(k, v)| (k.clone(), scalar(v))).collect())
        .unwrap_or_default()
}

/// A scalar as text (`"a"` → `a`, `3` → `3`); other values as compact JSON.
pub(super) fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// An RFC 3339 time.
pub(super) fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// The time at a JSON pointer.
pub(super) fn time(v: &Value, pointer: &str) -> Option<DateTime<Utc>> {
    parse_time(s(v, pointer))
}

/// The address of an object of a well-known built-in kind (`pods`, `nodes`, …).
pub(super) fn obj_ref(kind: &str, namespace: Option<&str>, name: &str) -> ObjectRef {
    ObjectRef {
        kind: kind.to_string(),
        namespace: namespace.filter(|n| !n.is_empty()).map(str::to_string),
        name: name.to_string(),
    }
}

/// The healthy reading of a condition: most are good when True; a few (pressure, unavailable
/// network) are good when False.
pub(super) fn condition_tone(type_: &str, status: &str) -> Tone {
    let inverted = matches!(
        type_,
        "MemoryPressure"
            | "DiskPressure"
            | "PIDPressure"
            | "NetworkUnavailable"
            | "Failed"
            | "FailureTarget"
            | "Stalled"
            | "ReplicaFailure"
            | "Degraded"
    );
    match (status, inverted) {
        ("True", false) | ("False", true) => Tone::Good,
        ("True", true) | ("False", false) => Tone::Bad,
        _ => Tone::Neutral,
    }
}

pub(super) use crate::resources::columns::selector_query;

/// Builds the summary of one kind, leaving out fields without a value.
#[derive(Default)]
pub(super) struct Facts {
    pub fields: Vec<Field>,
}

impl Facts {
    /// A field with any values; nothing when `values` is empty or all blank.
    pub fn add(&mut self, key: &str, label: &str, values: Vec<FieldValue>) {
        let values: Vec<FieldValue> = values
            .into_iter()
            .filter(|v| !matches!(v, FieldValue::Text { text } | FieldValue::Code { text } if text.is_empty()))
            .collect();
        if !values.is_empty() {
            self.fields.push(Field {
                key: key.into(),
                label: label.into(),
                values,
            });
        }
    }

    pub fn text(&mut self, key: &str, label: &str, text: impl Into<String>) {
        self.add(key, label, vec![FieldValue::text(text)]);
    }

    pub fn code(&mut self, key: &str, label: &str, text: impl Into<String>) {
        self.add(key, label, vec![FieldValue::code(text)]);
    }

    pub fn number(&mut self, key: &str, label: &str, n: Option<i64>) {
        if let Some(n) = n {
            self.text(key, label, n.to_string());
        }
    }

    pub fn time(&mut self, key: &str, label: &str, at: Option<DateTime<Utc>>) {
        if let Some(at) = at {
            self.add(key, label, vec![FieldValue::Time { at }]);
        }
    }

    pub fn flag(&mut self, key: &str, label: &str, value: Option<bool>) {
        if let Some(v) = value {
            self.text(key, label, if v { "true" } else { "false" });
        }
    }

    pub fn link(&mut self, key: &str, label: &str, text: &str, target: ObjectRef) {
        if !text.is_empty() {
            self.add(key, label, vec![FieldValue::link(text, target)]);
        }
    }

    /// `k=v` chips, one value each.
    pub fn map(&mut self, key: &str, label: &str, pairs: Vec<(String, String)>) {
        self.add(
            key,
            label,
            pairs
                .into_iter()
                .map(|(k, v)| FieldValue::code(format!("{k}={v}")))
                .collect(),
        );
    }
}

/// Builds a [`DetailTable`].
pub(super) struct Table {
    table: DetailTable,
}

impl Table {
    pub fn new(key: &str, title: &str, columns: &[(&str, &str)]) -> Self {
        Self {
            table: DetailTable {
                key: key.into(),
                title: title.into(),
                columns: columns
                    .iter()
                    .map(|(k, l)| TableColumn {
                        key: (*k).into(),
                        label: (*l).into(),
                    })
                    .collect(),
                rows: Vec::new(),
            },
        }
    }

    /// One row; each cell may hold several values.
    pub fn row(&mut self, cells: Vec<Vec<FieldValue>>) {
        self.table.rows.push(cells);
    }

    /// The table, or None when it has no rows.
    pub fn done(self) -> Option<DetailTable> {
        (!self.table.rows.is_empty()).then_some(self.table)
    }
}

/// One text cell.
pub(super) fn cell(text: impl Into<String>) -> Vec<FieldValue> {
    let text = text.into();
    if text.is_empty() {
        Vec::new()
    } else {
        vec![FieldValue::text(text)]
    }
}

/// One fixed-width cell.
pub(super) fn code_cell(text: impl Into<String>) -> Vec<FieldValue> {
    let text = text.into();
    if text.is_empty() {
        Vec::new()
    } else {
        vec![FieldValue::code(text)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn selectors_become_query_text() {
        let sel = json!({"matchLabels": {"app": "web"}, "matchExpressions": [
            {"key": "tier", "operator": "In", "values": ["a", "b"]},
            {"key": "canary", "operator": "DoesNotExist"},
        ]});
        assert_eq!(
            selector_query(Some(&sel)).as_deref(),
            Some("app=web,tier in (a,b),!canary")
        );
        assert_eq!(
            selector_query(Some(&json!({"app": "shop"}))).as_deref(),
            Some("app=shop")
        );
        assert_eq!(selector_query(None), None);
        let odd = json!({"matchExpressions": [{"key": "x", "operator": "Gt", "values": ["1"]}]});
        assert_eq!(selector_query(Some(&odd)), None);
    }

    #[test]
    fn pressure_conditions_are_healthy_when_false() {
        assert_eq!(condition_tone("Ready", "True"), Tone::Good);
        assert_eq!(condition_tone("Ready", "False"), Tone::Bad);
        assert_eq!(condition_tone("MemoryPressure", "False"), Tone::Good);
        assert_eq!(condition_tone("DiskPressure", "True"), Tone::Bad);
        assert_eq!(condition_tone("Anything", "Unknown"), Tone::Neutral);
    }

    #[test]
    fn facts_leave_out_empty_values() {
        let mut f = Facts::default();
        f.text("a", "A", "");
        f.number("b", "B", None);
        f.text("c", "C", "x");
        assert_eq!(f.fields.len(), 1);
        assert_eq!(f.fields[0].key, "c");
    }
}
