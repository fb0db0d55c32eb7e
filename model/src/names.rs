//! The syntax rules of what operators type, checked alike in the browser (as they type) and on
//! the server: label keys and values (Kubernetes' qualified names), DNS names, environment
//! variable names, container image references, quantities. Each returns the sentence to show
//! next to the field.

/// A label (or taint) key: an optional DNS subdomain prefix and `/`, then a name of at most 63
/// characters: alphanumerics, `-`, `_`, `.`, starting and ending with an alphanumeric.
pub fn validate_label_key(key: &str) -> Result<(), String> {
    let (prefix, name) = match key.rsplit_once('/') {
        Some((prefix, name)) => (Some(prefix), name),
        None => (None, key),
    };
    if let Some(prefix) = prefix {
        if prefix.is_empty() || prefix.len() > 253 {
            return Err(format!(
                "{key:?}: the prefix before '/' must be a DNS subdomain of 1–253 characters."
            ));
        }
        if !prefix.split('.').all(is_dns_label) {
            return Err(format!(
                "{key:?}: the prefix {prefix:?} must be lowercase letters, digits, '-' and '.', like example.com."
            ));
        }
    }
    if name.is_empty() {
        return Err("A key cannot be empty.".into());
    }
    if name.len() > 63 {
        return Err(format!(
            "{key:?}: the name part must be at most 63 characters."
        ));
    }
    if !is_qualified_name(name) {
        return Err(format!(
            "{key:?}: use letters, digits, '-', '_' and '.', starting and ending with a letter or digit."
        ));
    }
    Ok(())
}

/// A label (or taint) value: empty, or at most 63 characters of alphanumerics, `-`, `_`, `.`,
/// starting and ending with an alphanumeric.
pub fn validate_label_value(value: &str) -> Result<(), String> {
    if value.is_empty() {
        return Ok(());
    }
    if value.len() > 63 {
        return Err(format!("{value:?}: a value must be at most 63 characters."));
    }
    if !is_qualified_name(value) {
        return Err(format!(
            "{value:?}: use letters, digits, '-', '_' and '.', starting and ending with a letter or digit."
        ));
    }
    Ok(())
}

fn is_qualified_name(s: &str) -> bool {
    let bytes = s.as_bytes();
    let edge = |b: &u8| b.is_ascii_alphanumeric();
    bytes.first().is_some_and(edge)
        && bytes.last().is_some_and(edge)
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

fn is_dns_label(s: &str) -> bool {
    let bytes = s.as_bytes();
    let edge = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    !s.is_empty()
        && s.len() <= 63
        && bytes.first().is_some_and(edge)
        && bytes.last().is_some_and(edge)
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
}

/// A container image reference: `[host[:port]/]path[:tag][@algorithm:hex]`, path components
/// lowercase (`nginx`, `library/nginx:1.27`, `registry.example.com:5000/team/app@sha256:…`).
pub fn validate_image(image: &str) -> Result<(), String> {
    if image.trim().is_empty() {
        return Err("Give an image, like nginx:1.27.".into());
    }
    if image.len() > 4096 || image.chars().any(char::is_whitespace) {
        return Err(format!(
            "{image:?} is not an image reference: it holds spaces."
        ));
    }
    let (rest, digest) = match image.split_once('@') {
        Some((rest, digest)) => (rest, Some(digest)),
        None => (image, None),
    };
    if let Some(digest) = digest {
        let valid = digest.split_once(':').is_some_and(|(algorithm, hex)| {
            !algorithm.is_empty()
                && algorithm
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"+._-".contains(&b))
                && hex.len() >= 32
                && hex.bytes().all(|b| b.is_ascii_hexdigit())
        });
        if !valid {
            return Err(format!(
                "{image:?}: the digest after '@' must look like sha256:<64 hex digits>."
            ));
        }
    }
    // A tag is what follows the last ':' after the last '/' (a ':' before it is a port).
    let slash = rest.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match rest[slash..].rfind(':') {
        Some(i) => (&rest[..slash + i], Some(&rest[slash + i + 1..])),
        None => (rest, None),
    };
    if let Some(tag) = tag {
        let bytes = tag.as_bytes();
        let valid = !bytes.is_empty()
            && bytes.len() <= 128
            && (bytes[0].is_ascii_alphanumeric() || bytes[0] == b'_')
            && bytes
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(b));
        if !valid {
            return Err(format!(
                "{image:?}: the tag {tag:?} may hold letters, digits, '_', '.' and '-' (at most 128)."
            ));
        }
    }
    let mut components: Vec<&str> = name.split('/').collect();
    // The first component is a registry host when it has a '.' or ':' or is localhost.
    if components.len() > 1 {
        let first = components[0];
        if first.contains('.') || first.contains(':') || first == "localhost" {
            let host = first.split(':').next().unwrap_or_default();
            let port_ok = first.split_once(':').is_none_or(|(_, port)| {
                !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit())
            });
            if host.is_empty()
                || !port_ok
                || !host.split('.').all(|l| {
                    !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                })
            {
                return Err(format!(
                    "{image:?}: {first:?} is not a registry host[:port]."
                ));
            }
            components.remove(0);
        }
    }
    for component in components {
        let bytes = component.as_bytes();
        let edge = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
        let valid = bytes.first().is_some_and(edge)
            && bytes.last().is_some_and(edge)
            && bytes
                .iter()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(b));
        if !valid {
            return Err(format!(
                "{image:?}: the repository path must be lowercase letters, digits and '.', '_', '-' (the part {component:?} is not)."
            ));
        }
    }
    Ok(())
}

/// A DNS-1123 label (namespaces, most object names): at most 63 lowercase letters, digits and
/// '-', starting and ending with a letter or digit.
pub fn validate_dns_label(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("Give a name.".into());
    }
    if name.len() > 63 || !is_dns_label(name) {
        return Err(format!(
            "{name:?}: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit."
        ));
    }
    Ok(())
}

/// A DNS-1035 label (Service names): a DNS-1123 label that starts with a letter.
pub fn validate_dns1035_label(name: &str) -> Result<(), String> {
    validate_dns_label(name)?;
    if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Err(format!("{name:?}: start with a lowercase letter."));
    }
    Ok(())
}

/// A DNS-1123 subdomain (ConfigMap, Secret, claim and StorageClass names): dot-separated
/// labels, at most 253 characters.
pub fn validate_dns_subdomain(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("Give a name.".into());
    }
    if name.len() > 253 || !name.split('.').all(is_dns_label) {
        return Err(format!(
            "{name:?}: use lowercase letters, digits, '-' and '.', starting and ending with a letter or digit."
        ));
    }
    Ok(())
}

/// An environment variable name: letters, digits, '_', '-', '.', not starting with a digit.
pub fn validate_env_name(name: &str) -> Result<(), String> {
    let valid = !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
    if valid {
        Ok(())
    } else {
        Err(format!(
            "{name:?}: use letters, digits, '_', '-' and '.', not starting with a digit."
        ))
    }
}

/// A ConfigMap or Secret key: letters, digits, '-', '_', '.', at most 253 characters.
pub fn validate_config_key(key: &str) -> Result<(), String> {
    let valid = !key.is_empty()
        && key.len() <= 253
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
    if valid {
        Ok(())
    } else {
        Err(format!("{key:?}: use letters, digits, '-', '_' and '.'."))
    }
}

/// The value of a Kubernetes quantity (`500m`, `0.5`, `128Mi`, `1Gi`, `2G`, `1e3`) in base
/// units (cores, bytes), or why it is not one.
pub fn parse_quantity(text: &str) -> Result<f64, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+' || c == '-'))
        .unwrap_or(text.len());
    let (number, suffix) = text.split_at(split);
    let factor = match suffix {
        "" => 1.0,
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "Ki" => 1024.0,
        "Mi" => 1024.0_f64.powi(2),
        "Gi" => 1024.0_f64.powi(3),
        "Ti" => 1024.0_f64.powi(4),
        "Pi" => 1024.0_f64.powi(5),
        s if s.starts_with(['e', 'E']) => match s[1..].parse::<i32>() {
            Ok(exp) => 10f64.powi(exp),
            Err(_) => return Err(not_a_quantity(text)),
        },
        _ => return Err(not_a_quantity(text)),
    };
    match number.parse::<f64>() {
        Ok(n) if n >= 0.0 && n.is_finite() => Ok(n * factor),
        Ok(_) => Err(format!("{text:?} must not be negative.")),
        Err(_) => Err(not_a_quantity(text)),
    }
}

fn not_a_quantity(text: &str) -> String {
    format!("{text:?} is not a quantity: write it like 500m or 0.5 (CPU), 256Mi or 1Gi (memory).")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_keys_follow_qualified_names() {
        for good in [
            "app",
            "app.kubernetes.io/name",
            "node-role.kubernetes.io/control-plane",
            "a_b.c",
            "x",
        ] {
            assert!(validate_label_key(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "-app",
            "app-",
            "has space",
            "Example.com/app",
            "/app",
            "example.com/",
            &"a".repeat(64),
        ] {
            assert!(validate_label_key(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn label_values_may_be_empty_but_not_odd() {
        assert!(validate_label_value("").is_ok());
        assert!(validate_label_value("v1.2_3-x").is_ok());
        assert!(validate_label_value("a/b").is_err());
        assert!(validate_label_value("-x").is_err());
        assert!(validate_label_value(&"a".repeat(64)).is_err());
    }

    #[test]
    fn dns_names_and_env_names() {
        assert!(validate_dns_label("web-1").is_ok());
        assert!(validate_dns_label("Web").is_err());
        assert!(validate_dns1035_label("1web").is_err());
        assert!(validate_dns_subdomain("my.config-1").is_ok());
        assert!(validate_dns_subdomain("my..config").is_err());
        assert!(validate_env_name("DB_HOST").is_ok());
        assert!(validate_env_name("1X").is_err());
        assert!(validate_config_key("app.conf").is_ok());
        assert!(validate_config_key("a/b").is_err());
    }

    #[test]
    fn quantities_read_in_base_units() {
        assert_eq!(parse_quantity("500m"), Ok(0.5));
        assert_eq!(parse_quantity("2"), Ok(2.0));
        assert_eq!(parse_quantity("1Gi"), Ok(1024.0 * 1024.0 * 1024.0));
        assert_eq!(parse_quantity("1e3"), Ok(1000.0));
        assert!(parse_quantity("lots").is_err());
        assert!(parse_quantity("1Xi").is_err());
        assert!(parse_quantity("-1").is_err());
    }

    #[test]
    fn image_references_follow_the_distribution_grammar() {
        for good in [
            "nginx",
            "nginx:1.27",
            "library/nginx:1.27-alpine",
            "registry.example.com:5000/team/app:v2",
            "localhost/app",
            "ghcr.io/org/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        ] {
            assert!(validate_image(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            " ",
            "nginx 1.27",
            "Nginx",
            "nginx:",
            "nginx:-x",
            "nginx@sha256:xyz",
            "registry.example.com:port/app",
            "team//app",
        ] {
            assert!(validate_image(bad).is_err(), "{bad:?}");
        }
    }
}
