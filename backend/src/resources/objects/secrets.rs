//! Secrets never reach the browser through YAML: their values are replaced by
//! [`SECRET_PLACEHOLDER`] on the way out, and put back from the live object on the way in, so a
//! save never wipes a value the user could not see. Revealing one key is a separate, audited
//! action (the detail page's).

use model::objects::SECRET_PLACEHOLDER;
use model::resources::KindInfo;
use serde_json::{Map, Value};

/// kubectl's copy of the last applied object: for a Secret it holds the values in clear.
const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// Whether `kind` is the core Secret.
pub fn is_secret(kind: &KindInfo) -> bool {
    kind.group.is_empty() && kind.plural == "secrets"
}

/// Replaces every value of `data` and `stringData`, and kubectl's last-applied annotation.
pub fn hide(secret: &mut Value) {
    for field in ["data", "stringData"] {
        if let Some(values) = secret.get_mut(field).and_then(Value::as_object_mut) {
            for value in values.values_mut() {
                *value = Value::String(SECRET_PLACEHOLDER.into());
            }
        }
    }
    if let Some(annotation) = annotations(secret).and_then(|a| a.get_mut(LAST_APPLIED)) {
        *annotation = Value::String(SECRET_PLACEHOLDER.into());
    }
}

/// Puts the live values back wherever `mine` still holds the placeholder. Returns the fields
/// (`data[password]`) that hold it but have no live value to keep: a key the user added or
/// renamed without giving it a value.
pub fn restore(mine: &mut Value, live: &Value) -> Vec<String> {
    let live_data = live.get("data").and_then(Value::as_object);
    let live_value = |key: &str| live_data.and_then(|d| d.get(key)).cloned();
    let mut unresolved = Vec::new();
    // A placeholder under stringData stands for the live (base64) value: it moves to data.
    let mut moved = Vec::new();
    if let Some(string_data) = mine.get_mut("stringData").and_then(Value::as_object_mut) {
        let keys: Vec<String> = string_data
            .iter()
            .filter(|(_, v)| is_placeholder(v))
            .map(|(k, _)| k.clone())
            .collect();
        for key in keys {
            string_data.remove(&key);
            moved.push(key);
        }
        if string_data.is_empty()
            && let Some(object) = mine.as_object_mut()
        {
            object.remove("stringData");
        }
    }
    if !moved.is_empty()
        && let Some(object) = mine.as_object_mut()
        && !object.get("data").is_some_and(Value::is_object)
    {
        object.insert("data".into(), Value::Object(Map::new()));
    }
    if let Some(data) = mine.get_mut("data").and_then(Value::as_object_mut) {
        for key in &moved {
            if data.get(key).is_none_or(is_placeholder) {
                match live_value(key) {
                    Some(value) => {
                        data.insert(key.clone(), value);
                    }
                    None => {
                        data.remove(key);
                        unresolved.push(format!("stringData[{key}]"));
                    }
                }
            }
        }
        for (key, value) in data.iter_mut() {
            if is_placeholder(value) {
                match live_value(key) {
                    Some(live) => *value = live,
                    None => unresolved.push(format!("data[{key}]")),
                }
            }
        }
    }
    let live_applied = live
        .pointer("/metadata/annotations")
        .and_then(|a| a.get(LAST_APPLIED))
        .cloned();
    if let Some(annotations) = annotations(mine)
        && annotations.get(LAST_APPLIED).is_some_and(is_placeholder)
    {
        match live_applied {
            Some(value) => {
                annotations.insert(LAST_APPLIED.into(), value);
            }
            None => {
                annotations.remove(LAST_APPLIED);
            }
        }
    }
    unresolved
}

fn is_placeholder(value: &Value) -> bool {
    value.as_str() == Some(SECRET_PLACEHOLDER)
}

fn annotations(object: &mut Value) -> Option<&mut Map<String, Value>> {
    object
        .get_mut("metadata")?
        .get_mut("annotations")?
        .as_object_mut()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn live() -> Value {
        json!({
            "kind": "Secret",
            "metadata": {"name": "db", "annotations": {LAST_APPLIED: "{\"data\":{\"password\":\"c2VjcmV0\"}}", "team": "a"}},
            "data": {"password": "c2VjcmV0", "user": "YWRtaW4="},
        })
    }

    #[test]
    fn hiding_replaces_every_value_and_the_last_applied_copy() {
        let mut secret = live();
        secret["stringData"] = json!({"token": "clear"});
        hide(&mut secret);
        let text = secret.to_string();
        for value in ["c2VjcmV0", "YWRtaW4=", "clear"] {
            assert!(!text.contains(value), "{text}");
        }
        assert_eq!(secret["data"]["user"], SECRET_PLACEHOLDER);
        assert_eq!(secret["metadata"]["annotations"]["team"], "a");
    }

    #[test]
    fn restoring_keeps_live_values_and_takes_new_ones() {
        let mut mine = live();
        hide(&mut mine);
        mine["data"]["user"] = json!("cm9vdA==");
        mine["data"]["extra"] = json!("eA==");
        assert!(restore(&mut mine, &live()).is_empty());
        assert_eq!(
            mine["data"],
            json!({"password": "c2VjcmV0", "user": "cm9vdA==", "extra": "eA=="})
        );
        assert_eq!(
            mine["metadata"]["annotations"],
            live()["metadata"]["annotations"]
        );
    }

    #[test]
    fn a_placeholder_without_a_live_value_is_reported() {
        let mut mine = live();
        hide(&mut mine);
        let renamed = mine["data"]["password"].take();
        mine["data"]["pass"] = renamed;
        mine["data"].as_object_mut().map(|d| d.remove("password"));
        mine["stringData"] = json!({"user": SECRET_PLACEHOLDER, "other": SECRET_PLACEHOLDER});
        let mut unresolved = restore(&mut mine, &live());
        unresolved.sort();
        assert_eq!(unresolved, vec!["data[pass]", "stringData[other]"]);
        // The placeholder under stringData became the live value under data.
        assert_eq!(mine["data"]["user"], "YWRtaW4=");
        assert!(mine.get("stringData").is_none());
    }
}
