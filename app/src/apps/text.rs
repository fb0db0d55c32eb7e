//! The form's multi-line fields: one argument per line, `key=value` per line.

use std::collections::BTreeMap;

/// Non-empty lines, trimmed.
pub fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// `key=value` lines as a map; a line without `=` is a key with an empty value.
pub fn pairs(text: &str) -> BTreeMap<String, String> {
    lines(text)
        .into_iter()
        .map(|l| match l.split_once('=') {
            Some((k, v)) => (k.trim().to_string(), v.trim().to_string()),
            None => (l, String::new()),
        })
        .collect()
}

/// A map as `key=value` lines.
pub fn unpairs(map: &BTreeMap<String, String>) -> String {
    map.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_pairs_round_trip() {
        assert_eq!(lines(" sh \n\n-c \n"), ["sh", "-c"]);
        let map = pairs("tier=web\n env = prod \nflag");
        assert_eq!(map.get("env").map(String::as_str), Some("prod"));
        assert_eq!(map.get("flag").map(String::as_str), Some(""));
        assert_eq!(pairs(&unpairs(&map)), map);
    }
}
