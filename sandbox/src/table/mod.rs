//! Server-side printing: `meta.k8s.io/v1` Tables with the columns `kubectl get` shows for each kind
//! (`columns.rs`), or a CRD's `additionalPrinterColumns`.

mod columns;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::api::query::Params;
use crate::store::ResourceType;

/// One column: header, type, priority (1 = only with `-o wide`), and how to compute its cell.
pub struct Column {
    pub name: &'static str,
    pub type_: &'static str,
    pub priority: i64,
    pub cell: fn(&Value) -> Value,
}

impl Column {
    const fn new(name: &'static str, cell: fn(&Value) -> Value) -> Self {
        Self {
            name,
            type_: "string",
            priority: 0,
            cell,
        }
    }
    const fn wide(name: &'static str, cell: fn(&Value) -> Value) -> Self {
        Self {
            name,
            type_: "string",
            priority: 1,
            cell,
        }
    }
    const fn int(name: &'static str, cell: fn(&Value) -> Value) -> Self {
        Self {
            name,
            type_: "integer",
            priority: 0,
            cell,
        }
    }
}

/// Builds the Table for `items`.
pub fn table(rt: &ResourceType, items: &[Arc<Value>], list_meta: Value, params: &Params) -> Value {
    let include = params.get("includeObject").unwrap_or("Metadata");
    let row_object = |o: &Value| match include {
        "Object" => o.clone(),
        "None" => Value::Null,
        _ => {
            json!({"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": o.get("metadata")})
        }
    };
    let (defs, rows): (Vec<Value>, Vec<Value>) = if rt.printer_columns.is_empty() {
        let cols = columns::for_kind(rt);
        let defs = cols
            .iter()
            .map(|c| column_def(c.name, c.type_, c.priority))
            .collect();
        let rows = items
            .iter()
            .map(|o| json!({"cells": cols.iter().map(|c| (c.cell)(o)).collect::<Vec<_>>(), "object": row_object(o)}))
            .collect();
        (defs, rows)
    } else {
        let mut defs = vec![column_def("Name", "string", 0)];
        defs.extend(
            rt.printer_columns
                .iter()
                .map(|c| column_def(&c.name, &c.type_, c.priority)),
        );
        let rows = items
            .iter()
            .map(|o| {
                let mut cells = vec![json!(crate::store::name_of(o))];
                cells.extend(rt.printer_columns.iter().map(|c| {
                    let v = json_path(o, &c.json_path);
                    if c.type_ == "date" {
                        json!(age(v.as_str().unwrap_or_default()))
                    } else {
                        v
                    }
                }));
                json!({"cells": cells, "object": row_object(o)})
            })
            .collect();
        (defs, rows)
    };
    json!({"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": list_meta, "columnDefinitions": defs, "rows": rows})
}

fn column_def(name: &str, type_: &str, priority: i64) -> Value {
    let format = if name == "Name" { "name" } else { "" };
    let type_ = if type_ == "date" { "string" } else { type_ };
    json!({"name": name, "type": type_, "format": format, "description": "", "priority": priority})
}

/// Evaluates the simple JSONPaths printer columns use: `.spec.replicas`, `.status.conditions[0].type`,
/// `.status.conditions[?(@.type=="Ready")].status`.
pub fn json_path(obj: &Value, path: &str) -> Value {
    let mut cur = obj.clone();
    let path = path
        .trim()
        .trim_start_matches('{')
        .trim_end_matches('}')
        .trim_start_matches('.');
    for part in split_path(path) {
        let (field, index) = match part.find('[') {
            Some(i) => (&part[..i], Some(part[i + 1..].trim_end_matches(']'))),
            None => (part, None),
        };
        if !field.is_empty() {
            cur = cur.get(field).cloned().unwrap_or(Value::Null);
        }
        if let Some(index) = index {
            cur = match index.strip_prefix("?(@.") {
                Some(filter) => {
                    let filter = filter.trim_end_matches(')');
                    let (k, v) = filter.split_once("==").unwrap_or((filter, ""));
                    let v = v.trim_matches(|c| c == '"' || c == '\'');
                    cur.as_array()
                        .and_then(|a| {
                            a.iter()
                                .find(|i| i.get(k).and_then(Value::as_str) == Some(v))
                        })
                        .cloned()
                        .unwrap_or(Value::Null)
                }
                None => index
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| cur.get(i))
                    .cloned()
                    .unwrap_or(Value::Null),
            };
        }
    }
    cur
}

/// Splits on dots outside brackets.
fn split_path(path: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in path.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            '.' if depth == 0 => {
                parts.push(&path[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&path[start..]);
    parts.into_iter().filter(|p| !p.is_empty()).collect()
}

/// kubectl's human durations: `45s`, `3m12s`, `17m`, `5h3m`, `20h`, `3d4h`, `40d`, `2y50d`.
pub fn human_duration(secs: i64) -> String {
    let secs = secs.max(0);
    let (m, h, d) = (secs / 60, secs / 3600, secs / 86_400);
    match secs {
        s if s < 120 => format!("{s}s"),
        s if s < 600 => format!("{m}m{}s", s % 60),
        s if s < 3 * 3600 => format!("{m}m"),
        s if s < 8 * 3600 => format!("{h}h{}m", m % 60),
        s if s < 48 * 3600 => format!("{h}h"),
        s if s < 8 * 86_400 => format!("{d}d{}h", h % 24),
        s if s < 2 * 365 * 86_400 => format!("{d}d"),
        _ => format!("{}y{}d", d / 365, d % 365),
    }
}

/// Age of a timestamp as kubectl shows it (`<unknown>` when missing).
pub fn age(ts: &str) -> String {
    match DateTime::parse_from_rfc3339(ts) {
        Ok(t) => human_duration((Utc::now() - t.with_timezone(&Utc)).num_seconds()),
        Err(_) => "<unknown>".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_like_kubectl() {
        assert_eq!(human_duration(45), "45s");
        assert_eq!(human_duration(192), "3m12s");
        assert_eq!(human_duration(3600 * 5 + 180), "5h3m");
        assert_eq!(human_duration(86_400 * 3 + 3600 * 4), "3d4h");
    }

    #[test]
    fn printer_column_paths_support_filters() {
        let o = json!({"spec": {"replicas": 3}, "status": {"conditions": [{"type": "A", "status": "x"}, {"type": "Ready", "status": "True"}]}});
        assert_eq!(json_path(&o, ".spec.replicas"), json!(3));
        assert_eq!(json_path(&o, ".status.conditions[0].type"), json!("A"));
        assert_eq!(
            json_path(&o, ".status.conditions[?(@.type==\"Ready\")].status"),
            json!("True")
        );
    }
}
