//! How kinds and cells read: plural kind names for the navigation and titles, compact ages as
//! `kubectl get` prints them, and the class of a status tone.

use model::resources::Tone;

/// `Pod` → `Pods`, `Ingress` → `Ingresses`, `NetworkPolicy` → `NetworkPolicies`.
pub fn plural_title(kind: &str) -> String {
    if kind == "Endpoints" {
        return kind.to_string();
    }
    if let Some(stem) = kind.strip_suffix('y')
        && !stem.ends_with(['a', 'e', 'o', 'u'])
    {
        return format!("{stem}ies");
    }
    if kind.ends_with('s') || kind.ends_with("ch") || kind.ends_with('x') {
        return format!("{kind}es");
    }
    format!("{kind}s")
}

/// Milliseconds since the epoch: the server's clock when rendering, the browser's once live.
pub fn now_ms() -> i64 {
    #[cfg(feature = "ssr")]
    {
        chrono::Utc::now().timestamp_millis()
    }
    #[cfg(not(feature = "ssr"))]
    {
        web_sys::js_sys::Date::now() as i64
    }
}

/// The age of an RFC 3339 time as kubectl prints it (`45s`, `12m`, `5h`, `3d`); the text as
/// given when it is not a time.
pub fn compact_age(rfc3339: &str, now_ms: i64) -> String {
    let Ok(at) = chrono::DateTime::parse_from_rfc3339(rfc3339) else {
        return rfc3339.to_string();
    };
    let secs = ((now_ms - at.timestamp_millis()) / 1000).max(0);
    match secs {
        s if s < 120 => format!("{s}s"),
        s if s < 60 * 60 => format!("{}m", s / 60),
        s if s < 48 * 60 * 60 => {
            let (h, m) = (s / 3600, (s % 3600) / 60);
            if h < 10 && m > 0 {
                format!("{h}h{m}m")
            } else {
                format!("{h}h")
            }
        }
        s if s < 365 * 24 * 3600 => format!("{}d", s / 86_400),
        s => format!("{}y{}d", s / (365 * 86_400), (s % (365 * 86_400)) / 86_400),
    }
}

/// The CSS class of a tone.
pub fn tone_class(tone: Tone) -> &'static str {
    match tone {
        Tone::Neutral => "tone-neutral",
        Tone::Good => "tone-good",
        Tone::Warning => "tone-warning",
        Tone::Bad => "tone-bad",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_pluralise_as_people_say_them() {
        for (kind, plural) in [
            ("Pod", "Pods"),
            ("Ingress", "Ingresses"),
            ("NetworkPolicy", "NetworkPolicies"),
            ("StorageClass", "StorageClasses"),
            ("Endpoints", "Endpoints"),
            ("Gateway", "Gateways"),
        ] {
            assert_eq!(plural_title(kind), plural);
        }
    }

    #[test]
    fn ages_read_like_kubectl() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-01-10T12:00:00Z")
            .map(|t| t.timestamp_millis())
            .unwrap_or_default();
        assert_eq!(compact_age("2026-01-10T11:59:15Z", now), "45s");
        assert_eq!(compact_age("2026-01-10T11:48:00Z", now), "12m");
        assert_eq!(compact_age("2026-01-10T07:30:00Z", now), "4h30m");
        assert_eq!(compact_age("2026-01-09T00:00:00Z", now), "36h");
        assert_eq!(compact_age("2026-01-01T12:00:00Z", now), "9d");
        assert_eq!(compact_age("not a time", now), "not a time");
    }
}
