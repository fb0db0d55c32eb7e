//! Custom resources: the `additionalPrinterColumns` of their CRD, read with a small JSONPath
//! subset (`.spec.x.y`, `.items[0].name`, `['dotted.key']`, `[?(@.type=="Ready")]`). A path outside
//! the subset shows an empty cell rather than failing the whole list.

use std::collections::HashSet;

use model::resources::{Column, ColumnType, Tone};
use serde_json::Value;

use super::{Obj, canonical_time, col, parse_time};

/// One printer column of a CRD version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrinterColumn {
    /// The column's stable id (`ready`, `age`, …), unique within the kind.
    pub id: String,
    pub name: String,
    /// `string`, `integer`, `number`, `boolean` or `date`.
    pub type_: String,
    pub json_path: String,
    pub priority: u8,
}

impl PrinterColumn {
    /// Printer columns from a CRD version's `additionalPrinterColumns`, with ids made unique and
    /// clear of `name` and `namespace`. The creation time column becomes `age`.
    pub fn from_crd(columns: &[Value]) -> Vec<PrinterColumn> {
        let mut taken: HashSet<String> = ["name", "namespace"].map(String::from).into();
        let mut out = Vec::new();
        for c in columns {
            let name = c.get("name").and_then(Value::as_str).unwrap_or_default();
            let json_path = c
                .get("jsonPath")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let is_age = json_path == ".metadata.creationTimestamp";
            let mut id = if is_age {
                "age".to_string()
            } else {
                slug(name)
            };
            if is_age && taken.contains("age") {
                continue;
            }
            while taken.contains(&id) || id.is_empty() {
                id.push_str("_col");
            }
            taken.insert(id.clone());
            out.push(PrinterColumn {
                id,
                name: name.to_string(),
                type_: c
                    .get("type")
                    .and_then(Value::as_str)
                    .unwrap_or("string")
                    .to_string(),
                json_path: json_path.to_string(),
                priority: c
                    .get("priority")
                    .and_then(Value::as_i64)
                    .map_or(0, |p| p.clamp(0, 255) as u8),
            });
        }
        if !out.iter().any(|c| c.id == "age") {
            out.push(PrinterColumn {
                id: "age".into(),
                name: "Age".into(),
                type_: "date".into(),
                json_path: ".metadata.creationTimestamp".into(),
                priority: 0,
            });
        }
        out
    }
}

fn slug(name: &str) -> String {
    let mut id = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            id.push(c.to_ascii_lowercase());
        } else if !id.ends_with('_') && !id.is_empty() {
            id.push('_');
        }
    }
    id.trim_end_matches('_').to_string()
}

pub(super) fn columns(printer: &[PrinterColumn]) -> Vec<Column> {
    printer
        .iter()
        .map(|p| {
            let kind = match p.type_.as_str() {
                "integer" | "number" => ColumnType::Number,
                "date" => ColumnType::Age,
                _ => ColumnType::Text,
            };
            let title = if p.id == "age" { "Age" } else { &p.name };
            col(&p.id, title, kind, p.priority)
        })
        .collect()
}

pub(super) fn cells(printer: &[PrinterColumn], o: &Obj) -> (Vec<String>, Tone) {
    let cells = printer
        .iter()
        .map(|p| {
            if p.id == "age" {
                return o.created_cell();
            }
            let value = if let Some(meta_path) = p.json_path.strip_prefix(".metadata.") {
                meta_value(o, meta_path)
            } else {
                evaluate(o.data, &p.json_path).map(render)
            };
            let value = value.unwrap_or_default();
            if p.type_ == "date" {
                parse_time(&value).map(canonical_time).unwrap_or_default()
            } else {
                value
            }
        })
        .collect();
    (cells, Tone::Neutral)
}

/// The few metadata fields printer columns use (the rest of the object is in `data`).
fn meta_value(o: &Obj, path: &str) -> Option<String> {
    let m = o.meta;
    match path {
        "name" => m.name.clone(),
        "namespace" => m.namespace.clone(),
        "generation" => m.generation.map(|g| g.to_string()),
        "creationTimestamp" => Some(o.created_cell()),
        _ => {
            let (map, key) = if let Some(k) = path.strip_prefix("labels.") {
                (m.labels.as_ref(), k)
            } else if let Some(k) = path.strip_prefix("annotations.") {
                (m.annotations.as_ref(), k)
            } else {
                return None;
            };
            let key = key.trim_start_matches("['").trim_end_matches("']");
            map.and_then(|m| m.get(key)).cloned()
        }
    }
}

fn render(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

#[derive(Debug, PartialEq)]
enum Step {
    Field(String),
    Index(usize),
    Filter { key: String, value: String },
}

fn parse(path: &str) -> Option<Vec<Step>> {
    let path = path.trim();
    let path = path
        .strip_prefix('{')
        .and_then(|p| p.strip_suffix('}'))
        .unwrap_or(path);
    let path = path.strip_prefix('$').unwrap_or(path);
    let mut steps = Vec::new();
    let mut rest = path;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('.') {
            let end = r.find(['.', '[']).unwrap_or(r.len());
            if end == 0 {
                return None;
            }
            steps.push(Step::Field(r[..end].to_string()));
            rest = &r[end..];
        } else if let Some(r) = rest.strip_prefix('[') {
            let end = r.find(']')?;
            let inner = &r[..end];
            rest = &r[end + 1..];
            if let Some(filter) = inner.strip_prefix("?(@.").and_then(|f| f.strip_suffix(')')) {
                let (key, value) = filter.split_once("==")?;
                let value = value.trim().trim_matches(['"', '\'']);
                steps.push(Step::Filter {
                    key: key.trim().to_string(),
                    value: value.to_string(),
                });
            } else if let Ok(index) = inner.parse::<usize>() {
                steps.push(Step::Index(index));
            } else {
                let quoted = inner
                    .strip_prefix('\'')
                    .and_then(|q| q.strip_suffix('\''))
                    .or_else(|| inner.strip_prefix('"').and_then(|q| q.strip_suffix('"')))?;
                steps.push(Step::Field(quoted.to_string()));
            }
        } else {
            return None;
        }
    }
    Some(steps)
}

/// The first value `path` selects in `v`; `None` when absent or outside the subset.
fn evaluate<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    let mut current = v;
    for step in parse(path)? {
        current = match step {
            Step::Field(f) => current.get(f.as_str())?,
            Step::Index(i) => current.get(i)?,
            Step::Filter { key, value } => current.as_array()?.iter().find(|item| {
                item.get(key.as_str())
                    .map(render)
                    .is_some_and(|x| x == value)
            })?,
        };
    }
    Some(current)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn evaluates_the_printer_column_subset() {
        let v = json!({
            "spec": {"size": 3, "nested": {"ok": true}, "items": [{"name": "a"}, {"name": "b"}]},
            "status": {"conditions": [
                {"type": "Synced", "status": "False"},
                {"type": "Ready", "status": "True", "reason": "Done"},
            ]},
            "metadata": {},
            "data": {"dotted.key": "x"},
        });
        let get = |p: &str| evaluate(&v, p).map(render);
        assert_eq!(get(".spec.size").as_deref(), Some("3"));
        assert_eq!(get(".spec.nested.ok").as_deref(), Some("true"));
        assert_eq!(get(".spec.items[1].name").as_deref(), Some("b"));
        assert_eq!(get("{.spec.size}").as_deref(), Some("3"));
        assert_eq!(
            get(r#".status.conditions[?(@.type=="Ready")].status"#).as_deref(),
            Some("True")
        );
        assert_eq!(
            get(".status.conditions[?(@.type=='Ready')].reason").as_deref(),
            Some("Done")
        );
        assert_eq!(get(".data['dotted.key']").as_deref(), Some("x"));
        assert_eq!(get(".spec.missing"), None);
        assert_eq!(get(".spec.items[*].name"), None);
        assert_eq!(get("spec..size"), None);
    }

    #[test]
    fn ids_are_unique_and_age_is_added_once() {
        let cols = PrinterColumn::from_crd(&[
            json!({"name": "Ready", "type": "string", "jsonPath": ".status.ready"}),
            json!({"name": "READY", "type": "string", "jsonPath": ".status.other"}),
            json!({"name": "Name", "type": "string", "jsonPath": ".spec.name"}),
            json!({"name": "Size", "type": "integer", "jsonPath": ".spec.size", "priority": 1}),
        ]);
        let ids: Vec<&str> = cols.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["ready", "ready_col", "name_col", "size", "age"]);
        assert_eq!(cols[3].priority, 1);
        let with_age = PrinterColumn::from_crd(&[
            json!({"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"}),
        ]);
        assert_eq!(with_age.len(), 1);
        assert_eq!(with_age[0].id, "age");
    }
}
