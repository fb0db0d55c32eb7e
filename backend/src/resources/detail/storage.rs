//! Claims, volumes and storage classes: sizes, access modes, and the links between them.

use model::detail::{FieldValue, ObjectDetail};
use model::resources::Tone;
use serde_json::Value;

use super::fields::{Facts, arr, b, obj_ref, pairs, s};

fn access_modes(v: &Value, pointer: &str) -> Vec<FieldValue> {
    arr(v, pointer)
        .iter()
        .filter_map(Value::as_str)
        .map(FieldValue::code)
        .collect()
}

fn phase(f: &mut Facts, v: &Value) {
    let phase = s(v, "/status/phase");
    let tone = match phase {
        "Bound" => Tone::Good,
        "Available" | "Released" => Tone::Neutral,
        "Pending" => Tone::Warning,
        "Lost" | "Failed" => Tone::Bad,
        _ => Tone::Neutral,
    };
    if !phase.is_empty() {
        f.add("phase", "Phase", vec![FieldValue::status(phase, tone)]);
    }
}

pub(super) fn claim(d: &mut ObjectDetail, v: &Value) {
    let mut f = Facts::default();
    phase(&mut f, v);
    let volume = s(v, "/spec/volumeName");
    f.link(
        "volume",
        "Volume",
        volume,
        obj_ref("persistentvolumes", None, volume),
    );
    f.code("capacity", "Capacity", s(v, "/status/capacity/storage"));
    f.code(
        "requested",
        "Requested",
        s(v, "/spec/resources/requests/storage"),
    );
    f.add(
        "access_modes",
        "Access modes",
        access_modes(v, "/spec/accessModes"),
    );
    let class = s(v, "/spec/storageClassName");
    f.link(
        "storage_class",
        "Storage class",
        class,
        obj_ref("storageclasses.storage.k8s.io", None, class),
    );
    f.text("volume_mode", "Volume mode", s(v, "/spec/volumeMode"));
    if let Some(source) = v.pointer("/spec/dataSource") {
        f.code(
            "data_source",
            "Data source",
            format!("{}/{}", s(source, "/kind"), s(source, "/name")),
        );
    }
    d.summary.extend(f.fields);
}

pub(super) fn volume(d: &mut ObjectDetail, v: &Value) {
    let mut f = Facts::default();
    phase(&mut f, v);
    f.text("reason", "Reason", s(v, "/status/reason"));
    f.code("capacity", "Capacity", s(v, "/spec/capacity/storage"));
    f.add(
        "access_modes",
        "Access modes",
        access_modes(v, "/spec/accessModes"),
    );
    f.text(
        "reclaim_policy",
        "Reclaim policy",
        s(v, "/spec/persistentVolumeReclaimPolicy"),
    );
    let class = s(v, "/spec/storageClassName");
    f.link(
        "storage_class",
        "Storage class",
        class,
        obj_ref("storageclasses.storage.k8s.io", None, class),
    );
    let claim_ns = s(v, "/spec/claimRef/namespace");
    let claim = s(v, "/spec/claimRef/name");
    if !claim.is_empty() {
        f.link(
            "claim",
            "Claim",
            &format!("{claim_ns}/{claim}"),
            obj_ref("persistentvolumeclaims", Some(claim_ns), claim),
        );
    }
    f.text("volume_mode", "Volume mode", s(v, "/spec/volumeMode"));
    // The source is the one spec key that is not a common field.
    const COMMON: &[&str] = &[
        "capacity",
        "accessModes",
        "persistentVolumeReclaimPolicy",
        "storageClassName",
        "claimRef",
        "volumeMode",
        "nodeAffinity",
        "mountOptions",
        "volumeAttributesClassName",
    ];
    if let Some((kind, source)) = v
        .pointer("/spec")
        .and_then(Value::as_object)
        .and_then(|m| m.iter().find(|(k, _)| !COMMON.contains(&k.as_str())))
    {
        let detail = match kind.as_str() {
            "csi" => s(source, "/driver").to_string(),
            "hostPath" | "local" => s(source, "/path").to_string(),
            "nfs" => format!("{}:{}", s(source, "/server"), s(source, "/path")),
            _ => String::new(),
        };
        let text = if detail.is_empty() {
            kind.clone()
        } else {
            format!("{kind} {detail}")
        };
        f.code("source", "Source", text);
    }
    d.summary.extend(f.fields);
}

pub(super) fn class(d: &mut ObjectDetail, v: &Value) {
    let mut f = Facts::default();
    f.code("provisioner", "Provisioner", s(v, "/provisioner"));
    f.text(
        "reclaim_policy",
        "Reclaim policy",
        match s(v, "/reclaimPolicy") {
            "" => "Delete",
            p => p,
        },
    );
    f.text(
        "binding_mode",
        "Volume binding mode",
        match s(v, "/volumeBindingMode") {
            "" => "Immediate",
            m => m,
        },
    );
    f.flag(
        "allow_expansion",
        "Allows expansion",
        Some(b(v, "/allowVolumeExpansion").unwrap_or(false)),
    );
    let default = s(
        v,
        "/metadata/annotations/storageclass.kubernetes.io~1is-default-class",
    ) == "true";
    f.flag("default_class", "Default class", Some(default));
    f.map("parameters", "Parameters", pairs(v, "/parameters"));
    d.summary.extend(f.fields);
}
