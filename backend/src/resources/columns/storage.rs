//! Config maps, secrets (key counts only, never values), disruption budgets and storage.

use model::resources::{Column, ColumnType, Tone};
use serde_json::Value;

use super::{Obj, Projector, arr, col, count_keys, or_none, s};

fn text(id: &str, title: &str) -> Column {
    col(id, title, ColumnType::Text, 0)
}

fn age() -> Column {
    col("age", "Age", ColumnType::Age, 0)
}

pub(super) fn columns(p: &Projector) -> Vec<Column> {
    match p {
        Projector::ConfigMap => vec![col("data", "Data", ColumnType::Number, 0), age()],
        Projector::Secret => vec![
            text("type", "Type"),
            col("data", "Data", ColumnType::Number, 0),
            age(),
        ],
        Projector::PodDisruptionBudget => vec![
            text("min_available", "Min available"),
            text("max_unavailable", "Max unavailable"),
            col(
                "allowed_disruptions",
                "Allowed disruptions",
                ColumnType::Number,
                0,
            ),
            age(),
        ],
        Projector::PersistentVolume => vec![
            text("capacity", "Capacity"),
            text("access_modes", "Access modes"),
            text("reclaim_policy", "Reclaim policy"),
            col("status", "Status", ColumnType::Status, 0),
            text("claim", "Claim"),
            text("storage_class", "Storage class"),
            text("reason", "Reason"),
            age(),
            col("volume_mode", "Volume mode", ColumnType::Text, 1),
        ],
        Projector::PersistentVolumeClaim => vec![
            col("status", "Status", ColumnType::Status, 0),
            text("volume", "Volume"),
            text("capacity", "Capacity"),
            text("access_modes", "Access modes"),
            text("storage_class", "Storage class"),
            age(),
            col("volume_mode", "Volume mode", ColumnType::Text, 1),
        ],
        _ => vec![
            text("provisioner", "Provisioner"),
            text("reclaim_policy", "Reclaim policy"),
            text("volume_binding_mode", "Volume binding mode"),
            text("allow_volume_expansion", "Allow volume expansion"),
            age(),
        ],
    }
}

pub(super) fn cells(p: &Projector, o: &Obj) -> (Vec<String>, Tone) {
    let d = o.data;
    let age = o.created_cell();
    match p {
        Projector::ConfigMap => (
            vec![
                (count_keys(d, "/data") + count_keys(d, "/binaryData")).to_string(),
                age,
            ],
            Tone::Neutral,
        ),
        // Only the number of keys: a secret's row must never carry its values.
        Projector::Secret => (
            vec![
                s(d, "/type").to_string(),
                count_keys(d, "/data").to_string(),
                age,
            ],
            Tone::Neutral,
        ),
        Projector::PodDisruptionBudget => (
            vec![
                int_or_string(d.pointer("/spec/minAvailable")),
                int_or_string(d.pointer("/spec/maxUnavailable")),
                int_or_string(d.pointer("/status/disruptionsAllowed")),
                age,
            ],
            Tone::Neutral,
        ),
        Projector::PersistentVolume => {
            let phase = s(d, "/status/phase").to_string();
            let claim = match (
                s(d, "/spec/claimRef/namespace"),
                s(d, "/spec/claimRef/name"),
            ) {
                (_, "") => String::new(),
                (ns, name) => format!("{ns}/{name}"),
            };
            let tone = volume_tone(&phase);
            (
                vec![
                    s(d, "/spec/capacity/storage").to_string(),
                    access_modes(d, "/spec/accessModes"),
                    s(d, "/spec/persistentVolumeReclaimPolicy").to_string(),
                    phase,
                    claim,
                    s(d, "/spec/storageClassName").to_string(),
                    s(d, "/status/reason").to_string(),
                    age,
                    s(d, "/spec/volumeMode").to_string(),
                ],
                tone,
            )
        }
        Projector::PersistentVolumeClaim => {
            let phase = s(d, "/status/phase").to_string();
            let tone = volume_tone(&phase);
            (
                vec![
                    phase,
                    s(d, "/spec/volumeName").to_string(),
                    s(d, "/status/capacity/storage").to_string(),
                    access_modes(d, "/status/accessModes"),
                    s(d, "/spec/storageClassName").to_string(),
                    age,
                    s(d, "/spec/volumeMode").to_string(),
                ],
                tone,
            )
        }
        _ => (
            vec![
                s(d, "/provisioner").to_string(),
                match s(d, "/reclaimPolicy") {
                    "" => "Delete".into(),
                    r => r.to_string(),
                },
                match s(d, "/volumeBindingMode") {
                    "" => "Immediate".into(),
                    m => m.to_string(),
                },
                (d.pointer("/allowVolumeExpansion").and_then(Value::as_bool) == Some(true))
                    .to_string(),
                age,
            ],
            Tone::Neutral,
        ),
    }
}

fn volume_tone(phase: &str) -> Tone {
    match phase {
        "Bound" => Tone::Good,
        "Available" | "Released" => Tone::Neutral,
        "Pending" => Tone::Warning,
        _ => Tone::Bad,
    }
}

fn int_or_string(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => "N/A".into(),
    }
}

fn access_modes(d: &Value, pointer: &str) -> String {
    or_none(
        arr(d, pointer)
            .iter()
            .filter_map(Value::as_str)
            .map(|m| match m {
                "ReadWriteOnce" => "RWO",
                "ReadOnlyMany" => "ROX",
                "ReadWriteMany" => "RWX",
                "ReadWriteOncePod" => "RWOP",
                other => other,
            })
            .collect::<Vec<_>>()
            .join(","),
    )
}
