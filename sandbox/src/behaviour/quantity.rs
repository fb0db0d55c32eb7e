//! Parsing of Kubernetes resource quantities ("250m", "1.5", "128Mi", "2G", "1e3") into the integer units the
//! scheduler and the metrics code add up: millicores for CPU, bytes for memory, plain counts for the rest.

/// Parses a quantity into thousandths of its unit (so "250m" → 250, "2" → 2000, "1Ki" → 1 024 000).
/// Returns `None` for text that is not a quantity; callers treat that as zero, as an unparsable request
/// would have been rejected by validation on a real cluster.
pub fn parse_milli(text: &str) -> Option<i128> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+' || c == '-'))
        .unwrap_or(text.len());
    let (number, suffix) = text.split_at(split);
    let (mantissa_milli, exponent) = match suffix {
        "" => (1000.0, 0),
        "m" => (1.0, 0),
        "k" => (1000.0, 3),
        "M" => (1000.0, 6),
        "G" => (1000.0, 9),
        "T" => (1000.0, 12),
        "P" => (1000.0, 15),
        "E" => (1000.0, 18),
        "Ki" => (1000.0 * 1024.0, 0),
        "Mi" => (1000.0 * 1024f64.powi(2), 0),
        "Gi" => (1000.0 * 1024f64.powi(3), 0),
        "Ti" => (1000.0 * 1024f64.powi(4), 0),
        "Pi" => (1000.0 * 1024f64.powi(5), 0),
        "Ei" => (1000.0 * 1024f64.powi(6), 0),
        s if s.starts_with(['e', 'E']) => (1000.0, s[1..].parse::<i32>().ok()?),
        _ => return None,
    };
    let value: f64 = number.parse().ok()?;
    let milli = value * mantissa_milli * 10f64.powi(exponent);
    milli.is_finite().then(|| milli.ceil() as i128)
}

/// CPU in millicores.
pub fn cpu_millis(text: &str) -> i64 {
    parse_milli(text).map_or(0, |m| m.clamp(0, i64::MAX as i128) as i64)
}

/// Memory (or any byte-sized quantity, or a plain count) in whole units.
pub fn whole_units(text: &str) -> i64 {
    parse_milli(text).map_or(0, |m| {
        (m.div_euclid(1000) + i128::from(m.rem_euclid(1000) != 0)).clamp(0, i64::MAX as i128) as i64
    })
}

/// Renders millicores the way metrics-server does ("12m", "1500m").
pub fn format_cpu_millis(millis: i64) -> String {
    format!("{millis}m")
}

/// Renders bytes as Ki the way metrics-server does ("123456Ki").
pub fn format_memory_bytes(bytes: i64) -> String {
    format!("{}Ki", bytes / 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_quantities_become_millicores() {
        assert_eq!(cpu_millis("250m"), 250);
        assert_eq!(cpu_millis("2"), 2000);
        assert_eq!(cpu_millis("0.5"), 500);
        assert_eq!(cpu_millis("nonsense"), 0);
    }

    #[test]
    fn memory_quantities_become_bytes() {
        assert_eq!(whole_units("128Mi"), 128 * 1024 * 1024);
        assert_eq!(whole_units("1G"), 1_000_000_000);
        assert_eq!(whole_units("1e3"), 1000);
        assert_eq!(whole_units("512"), 512);
        assert_eq!(whole_units("1"), 1);
    }
}
