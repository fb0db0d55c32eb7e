//! Label and field selectors, parsed from query strings (`labelSelector=`, `fieldSelector=`) or from a
//! `metav1.LabelSelector` object (`matchLabels` / `matchExpressions`), and evaluated against stored objects.

use serde_json::{Map, Value};

use crate::error::SandboxError;

/// One requirement of a label selector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LabelRequirement {
    /// `key=value`, `key==value`, `key in (a,b)`.
    In(String, Vec<String>),
    /// `key!=value`, `key notin (a,b)`: also matches objects without the key, as upstream does.
    NotIn(String, Vec<String>),
    /// `key`.
    Exists(String),
    /// `!key`.
    DoesNotExist(String),
    /// `key>n` / `key<n` (integer comparisons, rarely used).
    Gt(String, i64),
    /// See [`LabelRequirement::Gt`].
    Lt(String, i64),
}

/// A conjunction of label requirements; the empty selector matches everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LabelSelector {
    /// All must hold.
    pub requirements: Vec<LabelRequirement>,
}

/// Splits on commas that are not inside `( … )`, so `a in (x,y),b` gives two terms.
fn split_terms(s: &str) -> Vec<&str> {
    let mut terms = Vec::new();
    let (mut depth, mut start) = (0i32, 0usize);
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                terms.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    terms.push(&s[start..]);
    terms
        .into_iter()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .collect()
}

fn bad_label(term: &str) -> SandboxError {
    SandboxError::BadRequest(format!(
        "unable to parse requirement: invalid label selector term \"{term}\""
    ))
}

fn parse_set(rest: &str, term: &str) -> Result<Vec<String>, SandboxError> {
    let inner = rest
        .trim()
        .strip_prefix('(')
        .and_then(|r| r.strip_suffix(')'))
        .ok_or_else(|| bad_label(term))?;
    Ok(inner
        .split(',')
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .collect())
}

fn parse_label_term(term: &str) -> Result<LabelRequirement, SandboxError> {
    if let Some(key) = term.strip_prefix('!') {
        return Ok(LabelRequirement::DoesNotExist(key.trim().to_string()));
    }
    for (op, is_in) in [(" notin ", false), (" in ", true)] {
        if let Some(pos) = term.find(op) {
            let key = term[..pos].trim().to_string();
            let values = parse_set(&term[pos + op.len()..], term)?;
            return Ok(if is_in {
                LabelRequirement::In(key, values)
            } else {
                LabelRequirement::NotIn(key, values)
            });
        }
    }
    if let Some((k, v)) = term.split_once("!=") {
        return Ok(LabelRequirement::NotIn(
            k.trim().into(),
            vec![v.trim().into()],
        ));
    }
    if let Some((k, v)) = term.split_once("==").or_else(|| term.split_once('=')) {
        return Ok(LabelRequirement::In(k.trim().into(), vec![v.trim().into()]));
    }
    for (op, gt) in [('>', true), ('<', false)] {
        if let Some((k, v)) = term.split_once(op) {
            let n: i64 = v.trim().parse().map_err(|_| bad_label(term))?;
            let k = k.trim().to_string();
            return Ok(if gt {
                LabelRequirement::Gt(k, n)
            } else {
                LabelRequirement::Lt(k, n)
            });
        }
    }
    if term.contains(char::is_whitespace) {
        return Err(bad_label(term));
    }
    Ok(LabelRequirement::Exists(term.to_string()))
}

impl LabelSelector {
    /// Parses the `labelSelector` query syntax: `=`, `==`, `!=`, `in`, `notin`, `key`, `!key`.
    pub fn parse(s: &str) -> Result<Self, SandboxError> {
        let requirements = split_terms(s)
            .into_iter()
            .map(parse_label_term)
            .collect::<Result<_, _>>()?;
        Ok(Self { requirements })
    }

    /// Builds a selector from a `metav1.LabelSelector` JSON object (e.g. a Deployment's `spec.selector`).
    /// A missing or null object gives the empty selector (matches everything).
    pub fn from_object(obj: &Value) -> Result<Self, SandboxError> {
        let mut requirements = Vec::new();
        if let Some(labels) = obj.get("matchLabels").and_then(Value::as_object) {
            for (k, v) in labels {
                requirements.push(LabelRequirement::In(
                    k.clone(),
                    vec![v.as_str().unwrap_or_default().into()],
                ));
            }
        }
        for expr in obj
            .get("matchExpressions")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let key = expr
                .get("key")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            let values: Vec<String> = expr
                .get("values")
                .and_then(Value::as_array)
                .map(|vs| {
                    vs.iter()
                        .filter_map(|v| v.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default();
            let req = match expr
                .get("operator")
                .and_then(Value::as_str)
                .unwrap_or_default()
            {
                "In" => LabelRequirement::In(key, values),
                "NotIn" => LabelRequirement::NotIn(key, values),
                "Exists" => LabelRequirement::Exists(key),
                "DoesNotExist" => LabelRequirement::DoesNotExist(key),
                other => {
                    return Err(SandboxError::BadRequest(format!(
                        "{other} is not a valid label selector operator"
                    )));
                }
            };
            requirements.push(req);
        }
        Ok(Self { requirements })
    }

    /// A selector requiring every `key=value` of the map (a Service's `spec.selector`).
    pub fn from_map(labels: &Map<String, Value>) -> Self {
        let requirements = labels
            .iter()
            .map(|(k, v)| {
                LabelRequirement::In(k.clone(), vec![v.as_str().unwrap_or_default().into()])
            })
            .collect();
        Self { requirements }
    }

    /// True when the selector has no requirements.
    pub fn is_empty(&self) -> bool {
        self.requirements.is_empty()
    }

    /// Evaluates against a label map (`metadata.labels`, possibly absent).
    pub fn matches_labels(&self, labels: Option<&Map<String, Value>>) -> bool {
        let get = |k: &str| labels.and_then(|l| l.get(k)).and_then(Value::as_str);
        self.requirements.iter().all(|req| match req {
            LabelRequirement::In(k, vs) => get(k).is_some_and(|v| vs.iter().any(|x| x == v)),
            LabelRequirement::NotIn(k, vs) => get(k).is_none_or(|v| !vs.iter().any(|x| x == v)),
            LabelRequirement::Exists(k) => get(k).is_some(),
            LabelRequirement::DoesNotExist(k) => get(k).is_none(),
            LabelRequirement::Gt(k, n) => get(k)
                .and_then(|v| v.parse::<i64>().ok())
                .is_some_and(|v| v > *n),
            LabelRequirement::Lt(k, n) => get(k)
                .and_then(|v| v.parse::<i64>().ok())
                .is_some_and(|v| v < *n),
        })
    }

    /// Evaluates against an object's `metadata.labels`.
    pub fn matches(&self, obj: &Value) -> bool {
        self.is_empty()
            || self.matches_labels(obj.pointer("/metadata/labels").and_then(Value::as_object))
    }
}

/// One `path=value` / `path!=value` term of a field selector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldRequirement {
    /// Dotted path into the object, e.g. `spec.nodeName` or `involvedObject.uid`.
    pub path: String,
    /// Expected value, compared as a string (missing fields compare as `""`).
    pub value: String,
    /// True for `!=`.
    pub negated: bool,
}

/// A conjunction of field requirements.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldSelector {
    /// All must hold.
    pub requirements: Vec<FieldRequirement>,
}

impl FieldSelector {
    /// Parses `a=b,c!=d`. Any dotted path is accepted: the sandbox is more permissive than the API server,
    /// which only indexes a few fields per kind (the ones clients actually use all work here).
    pub fn parse(s: &str) -> Result<Self, SandboxError> {
        let mut requirements = Vec::new();
        for term in split_terms(s) {
            let (path, value, negated) = if let Some((p, v)) = term.split_once("!=") {
                (p, v, true)
            } else if let Some((p, v)) = term.split_once("==").or_else(|| term.split_once('=')) {
                (p, v, false)
            } else {
                return Err(SandboxError::BadRequest(format!(
                    "invalid field selector: '{term}'"
                )));
            };
            requirements.push(FieldRequirement {
                path: path.trim().into(),
                value: v_trim(value),
                negated,
            });
        }
        Ok(Self { requirements })
    }

    /// The value a `metadata.name=x` term pins, which lets the store skip a full scan.
    pub fn exact_name(&self) -> Option<&str> {
        self.requirements
            .iter()
            .find(|r| r.path == "metadata.name" && !r.negated)
            .map(|r| r.value.as_str())
    }

    /// Evaluates against an object.
    pub fn matches(&self, obj: &Value) -> bool {
        self.requirements
            .iter()
            .all(|r| (field_value(obj, &r.path) == r.value) != r.negated)
    }
}

fn v_trim(v: &str) -> String {
    v.trim().to_string()
}

/// Reads a dotted path as the string a field selector compares against.
fn field_value(obj: &Value, path: &str) -> String {
    let mut cur = obj;
    for part in path.split('.') {
        match cur.get(part) {
            Some(next) => cur = next,
            None => return String::new(),
        }
    }
    match cur {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pod(labels: Value) -> Value {
        json!({"metadata": {"name": "p", "namespace": "ns", "labels": labels}, "spec": {"nodeName": "n1"}, "status": {"phase": "Running"}})
    }

    #[test]
    fn label_operators_follow_upstream_semantics() {
        let p = pod(json!({"app": "web", "tier": "front"}));
        for (sel, want) in [
            ("app=web", true),
            ("app==web", true),
            ("app!=web", false),
            ("app!=db", true),
            ("missing!=x", true),
            ("app in (web, db)", true),
            ("app notin (web)", false),
            ("tier", true),
            ("!tier", false),
            ("!gone", true),
            ("app=web,tier=back", false),
            ("app in (db,web),tier", true),
            ("", true),
        ] {
            assert_eq!(
                LabelSelector::parse(sel).map(|s| s.matches(&p)).ok(),
                Some(want),
                "{sel}"
            );
        }
    }

    #[test]
    fn malformed_label_selector_is_rejected() {
        assert!(LabelSelector::parse("app in web").is_err());
        assert!(LabelSelector::parse("a b").is_err());
    }

    #[test]
    fn label_selector_from_object_uses_match_expressions() {
        let sel = LabelSelector::from_object(&json!({
            "matchLabels": {"app": "web"},
            "matchExpressions": [{"key": "tier", "operator": "In", "values": ["front"]}]
        }))
        .ok();
        assert_eq!(
            sel.map(|s| s.matches(&pod(json!({"app": "web", "tier": "front"})))),
            Some(true)
        );
    }

    #[test]
    fn field_selector_reads_nested_paths() {
        let p = pod(json!({}));
        for (sel, want) in [
            ("spec.nodeName=n1", true),
            ("spec.nodeName!=n1", false),
            ("status.phase==Running,metadata.namespace=ns", true),
            ("spec.nodeName=", false),
            ("spec.missing=", true),
        ] {
            assert_eq!(
                FieldSelector::parse(sel).map(|s| s.matches(&p)).ok(),
                Some(want),
                "{sel}"
            );
        }
        assert_eq!(
            FieldSelector::parse("metadata.name=x")
                .ok()
                .as_ref()
                .and_then(|s| s.exact_name()),
            Some("x")
        );
    }
}
