//! Containerised apps made from a form ([`model::apps::AppSpec`]): preview the YAML, create
//! (every object dry-run first, then created in order: claims, Deployment, Service), update with
//! the same form, start (the replicas a stop left), stop (scale to 0), restart, delete with or
//! without the Service and claims, and list them.
//!
//! Policy: the form is validated before the cluster is asked (the same rules the browser runs);
//! creation reuses the object machinery, so read-only clusters refuse and each object is audited
//! as `resource.create`; the app-level actions are audited as `app.*`. Only Deployments that
//! carry `capstan.io/app` are apps: the console never takes over objects it did not make.

pub mod manifest;

use std::time::{Duration, Instant};

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{PersistentVolumeClaim, Service};
use kube::api::{Api, ListParams, Patch};
use model::FieldError;
use model::apps::{APP_LABEL, AppDeletion, AppOutcome, AppSpec, AppSummary, MANAGED_BY, validate};
use model::objects::{DeleteOptions, DocumentResult, ObjectRef};
use model::operations::{OperationOutcome, WorkloadRef};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::clusters::ClusterRegistry;
use crate::operations::{Operation, workloads};
use crate::resources::ResourceError;
use crate::resources::objects::target::{Target, Write, within, write};
use crate::resources::objects::{self, Actor, CreateRequest};

pub use manifest::{LAST_REPLICAS, SPEC_ANNOTATION};

/// Audit action names of this module.
pub mod actions {
    pub const UPDATE: &str = "app.update";
    pub const START: &str = "app.start";
    pub const STOP: &str = "app.stop";
}

/// How long "wait until running" waits.
pub const WAIT_FOR_RUNNING: Duration = Duration::from_secs(90);

const DEPLOYMENTS: &str = "deployments.apps";

fn checked(spec: &AppSpec) -> Result<AppSpec, ResourceError> {
    let mut spec = spec.clone();
    spec.name = spec.name.trim().to_string();
    spec.namespace = spec.namespace.trim().to_string();
    spec.image = spec.image.trim().to_string();
    let errors = validate(&spec);
    if errors.is_empty() {
        Ok(spec)
    } else {
        Err(ResourceError::InvalidRequest(errors))
    }
}

/// The objects the form stands for, as multi-document YAML.
pub fn preview(spec: &AppSpec) -> Result<String, ResourceError> {
    Ok(manifest::build(&checked(spec)?).to_yaml())
}

/// Creates the app's objects; all are dry-run first and nothing is created unless all pass.
/// With `wait`, answers once every replica is ready (or [`WAIT_FOR_RUNNING`] has passed).
pub async fn create(
    registry: &ClusterRegistry,
    actor: &Actor<'_>,
    cluster: Uuid,
    spec: &AppSpec,
    wait: bool,
) -> Result<AppOutcome, ResourceError> {
    let spec = checked(spec)?;
    let text = manifest::build(&spec).to_yaml();
    let documents = objects::create(
        registry,
        actor,
        cluster,
        CreateRequest {
            yaml: &text,
            default_namespace: Some(&spec.namespace),
            dry_run: false,
            only_kind: None,
            pin_namespace: true,
        },
    )
    .await?;
    let done = documents
        .iter()
        .all(|d| d.result == DocumentResult::Created);
    if !done {
        return Ok(AppOutcome {
            done,
            message: format!(
                "App {} was not created: see the object that failed.",
                spec.name
            ),
            documents,
            running: None,
        });
    }
    let running = if wait && spec.replicas > 0 {
        Some(wait_until_running(registry, cluster, &spec).await?)
    } else {
        None
    };
    let message = match running {
        Some(true) => format!("App {} created and running.", spec.name),
        Some(false) => format!(
            "App {} created, but not every replica was ready within {} s.",
            spec.name,
            WAIT_FOR_RUNNING.as_secs()
        ),
        None => format!("App {} created.", spec.name),
    };
    Ok(AppOutcome {
        done,
        message,
        documents,
        running,
    })
}

async fn wait_until_running(
    registry: &ClusterRegistry,
    cluster: Uuid,
    spec: &AppSpec,
) -> Result<bool, ResourceError> {
    let client = registry.client(cluster).await?;
    let api: Api<Deployment> = Api::namespaced(client, &spec.namespace);
    let deadline = Instant::now() + WAIT_FOR_RUNNING;
    while Instant::now() < deadline {
        if let Ok(Ok(d)) = within(registry, cluster, api.get(&spec.name)).await
            && d.status.as_ref().and_then(|s| s.ready_replicas) == Some(spec.replicas)
        {
            return Ok(true);
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    Ok(false)
}

fn deployment_ref(namespace: &str, name: &str) -> ObjectRef {
    ObjectRef {
        kind: DEPLOYMENTS.into(),
        namespace: Some(namespace.into()),
        name: name.into(),
    }
}

/// The live Deployment of app `name`, refused when Capstan did not make it.
async fn live_app(op: &Operation<'_>) -> Result<Value, ResourceError> {
    let live = op.target.fetch_existing(op.registry, op.cluster).await?;
    let label = live
        .pointer(&format!(
            "/metadata/labels/{}",
            APP_LABEL.replace('/', "~1")
        ))
        .and_then(Value::as_str);
    if label != Some(op.target.name.as_str()) {
        return Err(ResourceError::InvalidRequest(vec![FieldError {
            field: "name".into(),
            message: format!(
                "{} was not made as an app by Capstan; change it on its own pages instead.",
                op.describe()
            ),
        }]));
    }
    Ok(live)
}

/// Replaces the app's objects with what the form now says: the Deployment (same name), the
/// Service created, updated or removed as exposure changed, new claims created.
pub async fn update(
    registry: &ClusterRegistry,
    actor: &Actor<'_>,
    cluster: Uuid,
    spec: &AppSpec,
) -> Result<AppOutcome, ResourceError> {
    let spec = checked(spec)?;
    let object = deployment_ref(&spec.namespace, &spec.name);
    let op = Operation::start(
        registry,
        actor,
        cluster,
        &object,
        &[DEPLOYMENTS],
        actions::UPDATE,
    )
    .await?;
    let outcome = async {
        op.writable()?;
        let manifests = manifest::build(&spec);
        let client = &op.target.client;
        // The replace carries the resourceVersion just read; the cluster's controllers update
        // the Deployment's status all the time, so a conflict is read again and retried.
        let mut attempts = 0;
        loop {
            attempts += 1;
            let live = live_app(&op).await?;
            let mut deployment = manifests.deployment.clone();
            deployment["metadata"]["resourceVersion"] = live["metadata"]["resourceVersion"].clone();
            // A stopped app keeps the replicas to start with.
            if let Some(last) = live.pointer(&format!(
                "/metadata/annotations/{}",
                LAST_REPLICAS.replace('/', "~1")
            )) {
                deployment["metadata"]["annotations"][LAST_REPLICAS] = last.clone();
            }
            let written = write(
                client,
                &op.target.entry.resource,
                Some(&spec.namespace),
                Write::Replace(&spec.name),
                &deployment,
                false,
            )
            .await;
            match written {
                Ok(_) => break,
                Err(kube::Error::Api(status)) if status.code == 409 && attempts < 5 => continue,
                Err(e) => return Err(op.target.failure(registry, cluster, "update", &e).await),
            }
        }
        let services: Api<Service> = Api::namespaced(client.clone(), &spec.namespace);
        let existing = op.call("read the Service of", services.get_opt(&spec.name)).await?;
        match (&manifests.service, existing) {
            (Some(wanted), Some(_)) => {
                let patch = json!({ "metadata": { "labels": wanted["metadata"]["labels"] }, "spec": wanted["spec"] });
                op.call(
                    "update the Service of",
                    services.patch(&spec.name, &workloads::params(), &Patch::Merge(&patch)),
                )
                .await?;
            }
            (Some(wanted), None) => {
                let service: Service = serde_json::from_value(wanted.clone())
                    .map_err(|e| crate::operations::invalid("ports", e.to_string()))?;
                op.call(
                    "create the Service of",
                    services.create(&Default::default(), &service),
                )
                .await?;
            }
            (None, Some(s)) if owned(s.metadata.labels.as_ref(), &spec.name) => {
                op.call(
                    "delete the Service of",
                    services.delete(&spec.name, &Default::default()),
                )
                .await?;
            }
            (None, _) => {}
        }
        let claims: Api<PersistentVolumeClaim> =
            Api::namespaced(client.clone(), &spec.namespace);
        for claim in &manifests.claims {
            let name = claim["metadata"]["name"].as_str().unwrap_or_default();
            if op.call("read a claim of", claims.get_opt(name)).await?.is_none() {
                let claim: PersistentVolumeClaim = serde_json::from_value(claim.clone())
                    .map_err(|e| crate::operations::invalid("volumes", e.to_string()))?;
                op.call("create a claim of", claims.create(&Default::default(), &claim))
                    .await?;
            }
        }
        Ok(())
    }
    .await;
    op.finish(
        outcome,
        |()| json!({ "image": spec.image, "replicas": spec.replicas }),
    )
    .await?;
    Ok(AppOutcome {
        done: true,
        message: format!("App {} updated.", spec.name),
        documents: Vec::new(),
        running: None,
    })
}

fn owned(labels: Option<&std::collections::BTreeMap<String, String>>, app: &str) -> bool {
    labels.is_some_and(|l| {
        l.get(APP_LABEL).map(String::as_str) == Some(app)
            && l.get("app.kubernetes.io/managed-by").map(String::as_str) == Some(MANAGED_BY)
    })
}

/// Stops the app: its replica count is kept in an annotation and set to 0.
pub async fn stop(
    registry: &ClusterRegistry,
    actor: &Actor<'_>,
    cluster: Uuid,
    namespace: &str,
    name: &str,
) -> Result<OperationOutcome, ResourceError> {
    let object = deployment_ref(namespace, name);
    let op = Operation::start(
        registry,
        actor,
        cluster,
        &object,
        &[DEPLOYMENTS],
        actions::STOP,
    )
    .await?;
    let outcome = async {
        op.writable()?;
        let live = live_app(&op).await?;
        let replicas = live
            .pointer("/spec/replicas")
            .and_then(Value::as_i64)
            .unwrap_or(1);
        let mut patch = json!({ "spec": { "replicas": 0 } });
        if replicas > 0 {
            patch["metadata"] = json!({ "annotations": { LAST_REPLICAS: replicas.to_string() } });
        }
        op.call(
            "stop",
            op.target
                .api()
                .patch(&op.target.name, &workloads::params(), &Patch::Merge(&patch)),
        )
        .await?;
        Ok(replicas)
    }
    .await;
    let replicas = op
        .finish(outcome, |replicas| json!({ "from": replicas }))
        .await?;
    Ok(OperationOutcome {
        message: format!("App {name} stopped (it ran {replicas} replicas)."),
    })
}

/// Starts a stopped app with the replicas it had (its form's count when it never stopped).
pub async fn start(
    registry: &ClusterRegistry,
    actor: &Actor<'_>,
    cluster: Uuid,
    namespace: &str,
    name: &str,
) -> Result<OperationOutcome, ResourceError> {
    let object = deployment_ref(namespace, name);
    let op = Operation::start(
        registry,
        actor,
        cluster,
        &object,
        &[DEPLOYMENTS],
        actions::START,
    )
    .await?;
    let outcome = async {
        op.writable()?;
        let live = live_app(&op).await?;
        let replicas = start_replicas(&live);
        let patch = json!({ "spec": { "replicas": replicas } });
        op.call(
            "start",
            op.target
                .api()
                .patch(&op.target.name, &workloads::params(), &Patch::Merge(&patch)),
        )
        .await?;
        Ok(replicas)
    }
    .await;
    let replicas = op
        .finish(outcome, |replicas| json!({ "to": replicas }))
        .await?;
    Ok(OperationOutcome {
        message: format!("App {name} started with {replicas} replicas."),
    })
}

fn start_replicas(live: &Value) -> i64 {
    let annotation = |key: &str| {
        live.pointer(&format!("/metadata/annotations/{}", key.replace('/', "~1")))
            .and_then(Value::as_str)
    };
    annotation(LAST_REPLICAS)
        .and_then(|n| n.parse::<i64>().ok())
        .or_else(|| {
            annotation(SPEC_ANNOTATION)
                .and_then(|s| serde_json::from_str::<AppSpec>(s).ok())
                .map(|s| i64::from(s.replicas))
        })
        .filter(|n| *n > 0)
        .unwrap_or(1)
}

/// Restarts the app's pods (as `kubectl rollout restart`).
pub async fn restart(
    registry: &ClusterRegistry,
    actor: &Actor<'_>,
    cluster: Uuid,
    namespace: &str,
    name: &str,
) -> Result<OperationOutcome, ResourceError> {
    let workload = WorkloadRef {
        kind: DEPLOYMENTS.into(),
        namespace: namespace.into(),
        name: name.into(),
    };
    workloads::restart(registry, actor, cluster, &workload).await
}

/// Deletes the app's Deployment, and unless kept its Service and the claims Capstan made.
pub async fn delete(
    registry: &ClusterRegistry,
    actor: &Actor<'_>,
    cluster: Uuid,
    namespace: &str,
    name: &str,
    what: AppDeletion,
) -> Result<OperationOutcome, ResourceError> {
    let object = deployment_ref(namespace, name);
    let target = Target::resolve(registry, cluster, &object).await?;
    let live = target.fetch_existing(registry, cluster).await?;
    if live
        .pointer(&format!(
            "/metadata/labels/{}",
            APP_LABEL.replace('/', "~1")
        ))
        .and_then(Value::as_str)
        != Some(name)
    {
        return Err(crate::operations::invalid(
            "name",
            format!("Deployment {name} was not made as an app by Capstan."),
        ));
    }
    let confirm = DeleteOptions {
        confirm: Some(name.into()),
        ..DeleteOptions::default()
    };
    let mut gone = vec![format!("Deployment {name}")];
    objects::delete(registry, actor, cluster, &object, &confirm).await?;
    let client = target.client.clone();
    if !what.keep_service {
        let services: Api<Service> = Api::namespaced(client.clone(), namespace);
        let service = match within(registry, cluster, services.get_opt(name)).await? {
            Ok(s) => s,
            Err(e) => return Err(target.failure(registry, cluster, "read", &e).await),
        };
        if service.is_some_and(|s| owned(s.metadata.labels.as_ref(), name)) {
            let object = ObjectRef {
                kind: "services".into(),
                namespace: Some(namespace.into()),
                name: name.into(),
            };
            objects::delete(registry, actor, cluster, &object, &confirm).await?;
            gone.push(format!("Service {name}"));
        }
    }
    if !what.keep_claims {
        let claims: Api<PersistentVolumeClaim> = Api::namespaced(client, namespace);
        let selector = format!("{APP_LABEL}={name},app.kubernetes.io/managed-by={MANAGED_BY}");
        let listed = match within(
            registry,
            cluster,
            claims.list(&ListParams::default().labels(&selector)),
        )
        .await?
        {
            Ok(list) => list.items,
            Err(e) => {
                return Err(target
                    .failure(registry, cluster, "list the claims of", &e)
                    .await);
            }
        };
        for claim in listed {
            let claim_name = claim.metadata.name.unwrap_or_default();
            let object = ObjectRef {
                kind: "persistentvolumeclaims".into(),
                namespace: Some(namespace.into()),
                name: claim_name.clone(),
            };
            let confirm = DeleteOptions {
                confirm: Some(claim_name.clone()),
                ..DeleteOptions::default()
            };
            objects::delete(registry, actor, cluster, &object, &confirm).await?;
            gone.push(format!("PersistentVolumeClaim {claim_name}"));
        }
    }
    Ok(OperationOutcome {
        message: format!("Deleted {}.", gone.join(", ")),
    })
}

/// The apps in `namespace` (or every namespace).
pub async fn list(
    registry: &ClusterRegistry,
    cluster: Uuid,
    namespace: Option<&str>,
) -> Result<Vec<AppSummary>, ResourceError> {
    let client = registry.client(cluster).await?;
    let deployments: Api<Deployment> = match namespace {
        Some(ns) => Api::namespaced(client.clone(), ns),
        None => Api::all(client.clone()),
    };
    let selector = format!("{APP_LABEL},app.kubernetes.io/managed-by={MANAGED_BY}");
    let params = ListParams::default().labels(&selector);
    let listed = match within(registry, cluster, deployments.list(&params)).await? {
        Ok(list) => list.items,
        Err(e) => {
            return Err(
                crate::resources::cluster_failure(registry, cluster, DEPLOYMENTS, &e).await,
            );
        }
    };
    let services: Api<Service> = match namespace {
        Some(ns) => Api::namespaced(client, ns),
        None => Api::all(client),
    };
    let exposed = match within(registry, cluster, services.list(&params)).await? {
        Ok(list) => list.items,
        Err(e) => {
            return Err(crate::resources::cluster_failure(registry, cluster, "services", &e).await);
        }
    };
    let mut apps: Vec<AppSummary> = listed
        .into_iter()
        .filter_map(|d| summary(d, &exposed))
        .collect();
    apps.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
    Ok(apps)
}

/// One app.
pub async fn get(
    registry: &ClusterRegistry,
    cluster: Uuid,
    namespace: &str,
    name: &str,
) -> Result<AppSummary, ResourceError> {
    list(registry, cluster, Some(namespace))
        .await?
        .into_iter()
        .find(|a| a.name == name)
        .ok_or_else(|| ResourceError::NotFound {
            kind: "App".into(),
            name: name.into(),
        })
}

fn summary(d: Deployment, services: &[Service]) -> Option<AppSummary> {
    let annotations = d.metadata.annotations.clone().unwrap_or_default();
    let spec: AppSpec = serde_json::from_str(annotations.get(SPEC_ANNOTATION)?).ok()?;
    let name = d.metadata.name.clone()?;
    let namespace = d.metadata.namespace.clone().unwrap_or_default();
    let desired = d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
    let live = serde_json::to_value(&d).unwrap_or(Value::Null);
    let service = services
        .iter()
        .find(|s| {
            s.metadata.name.as_deref() == Some(name.as_str())
                && s.metadata.namespace.as_deref() == Some(namespace.as_str())
        })
        .and_then(|s| {
            let spec = s.spec.as_ref()?;
            let ports: Vec<String> = spec
                .ports
                .iter()
                .flatten()
                .map(|p| match p.node_port {
                    Some(node) => format!(
                        "{}:{node}/{}",
                        p.port,
                        p.protocol.clone().unwrap_or_default()
                    ),
                    None => format!("{}/{}", p.port, p.protocol.clone().unwrap_or_default()),
                })
                .collect();
            Some(format!(
                "{} {}",
                spec.type_.clone().unwrap_or_else(|| "ClusterIP".into()),
                ports.join(",")
            ))
        });
    let image = d
        .spec
        .as_ref()
        .and_then(|s| s.template.spec.as_ref())
        .and_then(|p| p.containers.first())
        .and_then(|c| c.image.clone())
        .unwrap_or_default();
    Some(AppSummary {
        image,
        desired,
        ready: d
            .status
            .as_ref()
            .and_then(|s| s.ready_replicas)
            .unwrap_or(0),
        last_replicas: i32::try_from(start_replicas(&live)).unwrap_or(1),
        service,
        name,
        namespace,
        spec: AppSpec {
            replicas: desired,
            ..spec
        },
    })
}
