//! Claims and volumes, as the PersistentVolume controller and a dynamic provisioner (kind's local-path)
//! handle them: a Pending PersistentVolumeClaim of an existing StorageClass gets a PersistentVolume
//! `pvc-<claim uid>` of the requested size, and both become Bound. A claim without a class is given the
//! default class (the one annotated `storageclass.kubernetes.io/is-default-class`), as the controller does
//! since Kubernetes 1.28; with no default class it stays Pending. When a claim is deleted, its volume
//! follows its reclaim policy: `Delete` removes it, `Retain` leaves it `Released`.

use serde_json::{Value, json};

use super::{Key, KeyMapper, Reconciler, own_key};
use crate::behaviour::events::{EventRecorder, EventType};
use crate::behaviour::object::{self, kinds};
use crate::selectors::LabelSelector;
use crate::store::{DeleteOptions, GroupResource, Store, WriteOptions};

const MANAGER: &str = "persistentvolume-controller";
const DEFAULT_CLASS: &str = "storageclass.kubernetes.io/is-default-class";

/// Binds every PersistentVolumeClaim it can, provisioning its volume.
pub struct VolumeBinder {
    store: Store,
    recorder: EventRecorder,
}

impl VolumeBinder {
    pub fn new(store: Store) -> Self {
        Self {
            recorder: EventRecorder::new(store.clone(), MANAGER),
            store,
        }
    }

    pub fn watches() -> Vec<(GroupResource, KeyMapper)> {
        vec![(kinds::persistent_volume_claims(), own_key)]
    }

    fn default_class(&self) -> Option<String> {
        self.store
            .list(&kinds::storage_classes(), None, &LabelSelector::default())
            .iter()
            .find(|c| {
                c.pointer("/metadata/annotations")
                    .and_then(|a| a.get(DEFAULT_CLASS))
                    .and_then(Value::as_str)
                    == Some("true")
            })
            .map(|c| object::name(c).to_owned())
    }

    fn bind(&self, claim: &Value) {
        let named = object::str_at(claim, "/spec/storageClassName").filter(|c| !c.is_empty());
        let Some(class_name) = named.map(str::to_owned).or_else(|| self.default_class()) else {
            self.recorder.record(
                claim,
                EventType::Normal,
                "FailedBinding",
                "no persistent volumes available for this claim and no storage class is set",
            );
            return;
        };
        let Ok(class) = self.store.get(&kinds::storage_classes(), None, &class_name) else {
            self.recorder.record(
                claim,
                EventType::Warning,
                "ProvisioningFailed",
                &format!("storageclass.storage.k8s.io \"{class_name}\" not found"),
            );
            return;
        };
        let provisioner = object::str_at(&class, "/provisioner")
            .unwrap_or("rancher.io/local-path")
            .to_owned();
        let (ns, name, uid) = (
            object::namespace(claim),
            object::name(claim),
            object::uid(claim),
        );
        let volume_name = format!("pvc-{uid}");
        let size = object::str_at(claim, "/spec/resources/requests/storage")
            .map(str::to_owned)
            .or_else(|| {
                claim
                    .pointer("/spec/resources/requests/storage")
                    .map(Value::to_string)
            })
            .unwrap_or_else(|| "1Gi".to_owned());
        let access_modes = claim
            .pointer("/spec/accessModes")
            .cloned()
            .unwrap_or_else(|| json!(["ReadWriteOnce"]));
        let volume = json!({
            "apiVersion": "v1",
            "kind": "PersistentVolume",
            "metadata": {
                "name": volume_name,
                "annotations": {"pv.kubernetes.io/provisioned-by": provisioner},
            },
            "spec": {
                "capacity": {"storage": size},
                "accessModes": access_modes,
                "persistentVolumeReclaimPolicy": object::str_at(&class, "/reclaimPolicy").unwrap_or("Delete"),
                "storageClassName": class_name,
                "volumeMode": object::str_at(claim, "/spec/volumeMode").unwrap_or("Filesystem"),
                "claimRef": {
                    "apiVersion": "v1", "kind": "PersistentVolumeClaim",
                    "namespace": ns, "name": name, "uid": uid,
                    "resourceVersion": object::str_at(claim, "/metadata/resourceVersion"),
                },
                "hostPath": {"path": format!("/var/local-path-provisioner/{volume_name}_{ns}_{name}"), "type": "DirectoryOrCreate"},
            },
            "status": {"phase": "Bound"},
        });
        let manager = WriteOptions::manager(MANAGER);
        let created = self
            .store
            .create(&kinds::persistent_volumes(), volume, &manager);
        if created.is_err()
            && self
                .store
                .get(&kinds::persistent_volumes(), None, &volume_name)
                .is_err()
        {
            return;
        }
        let bound = self.store.modify(
            &kinds::persistent_volume_claims(),
            Some(ns),
            name,
            |stored| {
                if object::uid(stored) != uid {
                    return Err(crate::SandboxError::BadRequest("claim was replaced".into()));
                }
                stored["spec"]["storageClassName"] = json!(class_name);
                stored["spec"]["volumeName"] = json!(volume_name);
                if !stored["metadata"]["annotations"].is_object() {
                    stored["metadata"]["annotations"] = json!({});
                }
                let annotations = &mut stored["metadata"]["annotations"];
                annotations["pv.kubernetes.io/bind-completed"] = json!("yes");
                annotations["pv.kubernetes.io/bound-by-controller"] = json!("yes");
                annotations["volume.kubernetes.io/storage-provisioner"] = json!(provisioner);
                stored["status"] = json!({
                    "phase": "Bound",
                    "accessModes": access_modes,
                    "capacity": {"storage": size},
                });
                Ok(())
            },
            &manager,
        );
        if bound.is_ok() && created.is_ok() {
            self.recorder.record(
                claim,
                EventType::Normal,
                "ProvisioningSucceeded",
                &format!("Successfully provisioned volume {volume_name}"),
            );
        }
    }

    /// The claim named by `key` is gone: its volumes follow their reclaim policy.
    fn release(&self, key: &Key) {
        let volumes = self.store.list(
            &kinds::persistent_volumes(),
            None,
            &LabelSelector::default(),
        );
        let claimed = volumes.iter().filter(|v| {
            object::str_at(v, "/spec/claimRef/namespace") == Some(key.0.as_str())
                && object::str_at(v, "/spec/claimRef/name") == Some(key.1.as_str())
                && object::str_at(v, "/status/phase") == Some("Bound")
        });
        // A claim of the same name may exist again: only the volume of the claim that went is released.
        let current = self
            .store
            .get(&kinds::persistent_volume_claims(), Some(&key.0), &key.1)
            .ok()
            .map(|c| object::uid(&c).to_owned());
        for volume in claimed {
            if current.as_deref() == object::str_at(volume, "/spec/claimRef/uid") {
                continue;
            }
            if object::str_at(volume, "/spec/persistentVolumeReclaimPolicy") == Some("Delete") {
                let _ = self.store.delete(
                    &kinds::persistent_volumes(),
                    None,
                    object::name(volume),
                    &DeleteOptions::default(),
                );
            } else {
                let _ = self.store.modify(
                    &kinds::persistent_volumes(),
                    None,
                    object::name(volume),
                    |stored| {
                        stored["status"] = json!({"phase": "Released"});
                        Ok(())
                    },
                    &WriteOptions::manager(MANAGER),
                );
            }
        }
    }
}

impl Reconciler for VolumeBinder {
    fn reconcile(&mut self, key: &Key) {
        match self
            .store
            .get(&kinds::persistent_volume_claims(), Some(&key.0), &key.1)
        {
            Err(_) => self.release(key),
            Ok(claim) if object::is_deleting(&claim) => {}
            Ok(claim) if object::str_at(&claim, "/status/phase") == Some("Bound") => {}
            Ok(claim) => {
                self.release(key);
                self.bind(&claim);
            }
        }
    }

    fn all_keys(&self) -> Vec<Key> {
        self.store
            .list(
                &kinds::persistent_volume_claims(),
                None,
                &LabelSelector::default(),
            )
            .iter()
            .filter(|c| object::str_at(c, "/status/phase") != Some("Bound"))
            .map(|c| (object::namespace(c).to_owned(), object::name(c).to_owned()))
            .collect()
    }
}
