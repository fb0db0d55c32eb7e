//! CronJob actions: run now (a Job from the CronJob's template, owned by it, as `kubectl create
//! job --from=cronjob/…`), and suspend or resume its schedule.

use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};
use kube::api::{Api, Patch, PostParams};
use model::objects::ObjectRef;
use model::operations::{OperationOutcome, TriggeredJob};
use serde_json::{Value, json};
use uuid::Uuid;

use super::workloads::params;
use super::{Operation, actions};
use crate::clusters::ClusterRegistry;
use crate::resources::ResourceError;
use crate::resources::objects::Actor;
use crate::resources::objects::target::FIELD_MANAGER;

pub const CRONJOBS: &str = "cronjobs.batch";

fn cronjob(namespace: &str, name: &str) -> ObjectRef {
    ObjectRef {
        kind: CRONJOBS.into(),
        namespace: Some(namespace.into()),
        name: name.into(),
    }
}

/// The Job's name: the CronJob's (cut to leave room) and `-manual-` and a short random suffix,
/// within the 63 characters a Job's pods' labels allow.
fn job_name(cronjob: &str) -> String {
    let suffix: String = {
        use rand::Rng;
        let mut rng = rand::rng();
        (0..5)
            .map(|_| char::from(b"bcdfghjklmnpqrstvwxz2456789"[rng.random_range(0..27)]))
            .collect()
    };
    let base: String = cronjob.chars().take(63 - 8 - 6).collect();
    format!("{}-manual-{suffix}", base.trim_end_matches('-'))
}

/// Creates a Job from the CronJob's template now.
pub async fn trigger(
    registry: &ClusterRegistry,
    actor: &Actor<'_>,
    cluster: Uuid,
    namespace: &str,
    name: &str,
) -> Result<TriggeredJob, ResourceError> {
    let op = Operation::start(
        registry,
        actor,
        cluster,
        &cronjob(namespace, name),
        &[CRONJOBS],
        actions::TRIGGER,
    )
    .await?;
    let outcome = async {
        op.writable()?;
        let namespace = op.target.namespace.clone().unwrap_or_default();
        let cronjobs: Api<CronJob> = Api::namespaced(op.target.client.clone(), &namespace);
        let live = op.call("read", cronjobs.get(&op.target.name)).await?;
        let template = live
            .spec
            .as_ref()
            .map(|s| s.job_template.clone())
            .unwrap_or_default();
        let template_meta = template.metadata.unwrap_or_default();
        let mut annotations = template_meta.annotations.unwrap_or_default();
        annotations.insert("cronjob.kubernetes.io/instantiate".into(), "manual".into());
        let job = Job {
            metadata: ObjectMeta {
                name: Some(job_name(&op.target.name)),
                namespace: Some(namespace.clone()),
                labels: template_meta.labels,
                annotations: Some(annotations),
                owner_references: Some(vec![OwnerReference {
                    api_version: "batch/v1".into(),
                    kind: "CronJob".into(),
                    name: op.target.name.clone(),
                    uid: live.metadata.uid.clone().unwrap_or_default(),
                    controller: Some(true),
                    block_owner_deletion: Some(true),
                }]),
                ..ObjectMeta::default()
            },
            spec: template.spec,
            status: None,
        };
        let jobs: Api<Job> = Api::namespaced(op.target.client.clone(), &namespace);
        let post = PostParams {
            dry_run: false,
            field_manager: Some(FIELD_MANAGER.into()),
        };
        let created = op
            .call("create a Job from", jobs.create(&post, &job))
            .await?;
        Ok(TriggeredJob {
            namespace,
            job: created.metadata.name.unwrap_or_default(),
            message: String::new(),
        })
    }
    .await;
    let mut job = op.finish(outcome, |job| json!({ "job": job.job })).await?;
    job.message = format!("Job {} started from {}.", job.job, op.describe());
    Ok(job)
}

/// Suspends (or resumes) the CronJob's schedule; running Jobs are left alone.
pub async fn set_suspended(
    registry: &ClusterRegistry,
    actor: &Actor<'_>,
    cluster: Uuid,
    namespace: &str,
    name: &str,
    suspended: bool,
) -> Result<OperationOutcome, ResourceError> {
    let action = if suspended {
        actions::SUSPEND
    } else {
        actions::UNSUSPEND
    };
    let op = Operation::start(
        registry,
        actor,
        cluster,
        &cronjob(namespace, name),
        &[CRONJOBS],
        action,
    )
    .await?;
    let outcome = async {
        op.writable()?;
        let patch = json!({ "spec": { "suspend": Value::Bool(suspended) } });
        op.call(
            if suspended { "suspend" } else { "resume" },
            op.target
                .api()
                .patch(&op.target.name, &params(), &Patch::Merge(&patch)),
        )
        .await?;
        Ok(())
    }
    .await;
    op.finish(outcome, |()| json!({})).await?;
    Ok(OperationOutcome {
        message: if suspended {
            format!(
                "{} suspended: no Jobs start on schedule until it is resumed.",
                op.describe()
            )
        } else {
            format!("{} resumed: Jobs start on schedule again.", op.describe())
        },
    })
}

/// Deletes the CronJob's finished Jobs (complete or failed) and their pods; running ones stay.
/// Each deletion is audited as `resource.delete`.
pub async fn delete_finished(
    registry: &ClusterRegistry,
    actor: &Actor<'_>,
    cluster: Uuid,
    namespace: &str,
    name: &str,
) -> Result<OperationOutcome, ResourceError> {
    let target = crate::resources::objects::target::Target::resolve(
        registry,
        cluster,
        &cronjob(namespace, name),
    )
    .await?;
    let live = target.fetch_existing(registry, cluster).await?;
    let uid = live
        .pointer("/metadata/uid")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let jobs: Api<Job> = Api::namespaced(target.client.clone(), namespace);
    let listed = match crate::resources::objects::target::within(
        registry,
        cluster,
        jobs.list(&kube::api::ListParams::default()),
    )
    .await?
    {
        Ok(list) => list.items,
        Err(e) => {
            return Err(target
                .failure(registry, cluster, "list the Jobs of", &e)
                .await);
        }
    };
    let finished: Vec<String> = listed
        .into_iter()
        .filter(|j| {
            j.metadata
                .owner_references
                .iter()
                .flatten()
                .any(|o| o.uid == uid)
        })
        .filter(|j| {
            j.status
                .as_ref()
                .and_then(|s| s.conditions.as_ref())
                .is_some_and(|cs| {
                    cs.iter().any(|c| {
                        (c.type_ == "Complete" || c.type_ == "Failed") && c.status == "True"
                    })
                })
        })
        .filter_map(|j| j.metadata.name)
        .collect();
    for job in &finished {
        let object = ObjectRef {
            kind: "jobs.batch".into(),
            namespace: Some(namespace.into()),
            name: job.clone(),
        };
        let options = model::objects::DeleteOptions {
            confirm: Some(job.clone()),
            ..Default::default()
        };
        crate::resources::objects::delete(registry, actor, cluster, &object, &options).await?;
    }
    Ok(OperationOutcome {
        message: match finished.len() {
            0 => format!("CronJob {name} has no finished Jobs."),
            n => format!("Deleted {n} finished Job(s) of CronJob {name}."),
        },
    })
}
