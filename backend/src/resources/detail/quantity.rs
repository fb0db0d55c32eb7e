//! Kubernetes quantities (`250m`, `1.5`, `128Mi`, `2G`, `1e3`) read as numbers and written back
//! the way people read them, for a node's requested resources against what it can allocate.

use std::collections::BTreeMap;

use serde_json::Value;

use super::fields::{arr, pairs, s};

/// The value of a quantity in base units (cores, bytes, counts); None when it cannot be read.
pub(super) fn parse(text: &str) -> Option<f64> {
    let text = text.trim();
    let split = text
        .find(|c: char| c.is_ascii_alphabetic() && c != 'e' && c != 'E')
        .unwrap_or(text.len());
    let (number, suffix) = text.split_at(split);
    let number: f64 = number.parse().ok()?;
    let factor = match suffix {
        "" => 1.0,
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "Ki" => 1024.0,
        "Mi" => 1024f64.powi(2),
        "Gi" => 1024f64.powi(3),
        "Ti" => 1024f64.powi(4),
        "Pi" => 1024f64.powi(5),
        _ => return None,
    };
    Some(number * factor)
}

/// A sum of `resource` in the unit people read it in: cores or millicores for CPU, binary
/// units for bytes, whole numbers otherwise.
pub(super) fn format(resource: &str, value: f64) -> String {
    if resource == "cpu" {
        let millis = (value * 1000.0).round() as i64;
        return if millis % 1000 == 0 {
            (millis / 1000).to_string()
        } else {
            format!("{millis}m")
        };
    }
    if resource == "memory"
        || resource.starts_with("ephemeral-storage")
        || resource.starts_with("hugepages-")
    {
        let units = [("Ti", 4), ("Gi", 3), ("Mi", 2), ("Ki", 1)];
        for (unit, power) in units {
            let size = 1024f64.powi(power);
            if value >= size {
                let n = value / size;
                return if (n - n.round()).abs() < 0.05 {
                    format!("{}{unit}", n.round() as i64)
                } else {
                    format!("{n:.1}{unit}")
                };
            }
        }
    }
    format!("{}", value.round() as i64)
}

/// What the pods still running on a node request, per resource (the scheduler's sum: all
/// containers, or the largest init container if that is more); `pods` counts them.
pub(super) fn requested(pods: &[Value]) -> BTreeMap<String, f64> {
    let mut total: BTreeMap<String, f64> = BTreeMap::new();
    for pod in pods {
        if matches!(s(pod, "/status/phase"), "Succeeded" | "Failed") {
            continue;
        }
        *total.entry("pods".into()).or_default() += 1.0;
        let mut containers: BTreeMap<String, f64> = BTreeMap::new();
        for c in arr(pod, "/spec/containers") {
            for (k, v) in pairs(c, "/resources/requests") {
                *containers.entry(k).or_default() += parse(&v).unwrap_or(0.0);
            }
        }
        for c in arr(pod, "/spec/initContainers") {
            for (k, v) in pairs(c, "/resources/requests") {
                let value = parse(&v).unwrap_or(0.0);
                let entry = containers.entry(k).or_default();
                *entry = entry.max(value);
            }
        }
        for (k, v) in containers {
            *total.entry(k).or_default() += v;
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn quantities_parse_in_base_units() {
        assert_eq!(parse("250m"), Some(0.25));
        assert_eq!(parse("2"), Some(2.0));
        assert_eq!(parse("128Mi"), Some(128.0 * 1024.0 * 1024.0));
        assert_eq!(parse("1G"), Some(1e9));
        assert_eq!(parse("1e3"), Some(1000.0));
        assert_eq!(parse("lots"), None);
    }

    #[test]
    fn sums_read_like_kubectl_describe() {
        assert_eq!(format("cpu", 1.35), "1350m");
        assert_eq!(format("cpu", 2.0), "2");
        assert_eq!(format("memory", 384.0 * 1024.0 * 1024.0), "384Mi");
        assert_eq!(format("memory", 2.5 * 1024f64.powi(3)), "2.5Gi");
        assert_eq!(format("nvidia.com/gpu", 1.0), "1");
    }

    #[test]
    fn requests_of_running_pods_add_up() {
        let pod = |phase: &str, cpu: &str| {
            json!({"status": {"phase": phase}, "spec": {
                "containers": [{"resources": {"requests": {"cpu": cpu, "memory": "64Mi"}}}, {"resources": {"requests": {"cpu": cpu}}}],
                "initContainers": [{"resources": {"requests": {"cpu": "1"}}}],
            }})
        };
        let total = requested(&[
            pod("Running", "100m"),
            pod("Succeeded", "4"),
            pod("Pending", "600m"),
        ]);
        assert_eq!(total["pods"], 2.0);
        // 200m < the 1-core init container; 1200m > it.
        assert!((total["cpu"] - 2.2).abs() < 1e-9);
        assert_eq!(total["memory"], 2.0 * 64.0 * 1024.0 * 1024.0);
    }
}
