//! One object of any kind against a real sandbox cluster and a real PostgreSQL: YAML with and
//! without managed fields, Secret values hidden and kept, dry runs whose refusals point at lines,
//! conflicts, all-or-nothing creation from multi-document YAML, deletion with each propagation
//! policy, typed confirmations, read-only clusters and the audit rows all of it leaves.

use std::time::{Duration, Instant};

use backend::ClientInfo;
use backend::clusters::{self, ClusterRegistry};
use backend::crypto::SecretKey;
use backend::db::models::audit_events::{self, AuditEventRow};
use backend::db::testing::TestDb;
use backend::resources::objects::{self, Actor, CreateRequest, Edit};
use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::core::v1::{ConfigMap, Namespace, Secret};
use kube::Client;
use kube::api::{Api, ListParams, Patch, PatchParams, PostParams};
use model::auth::UserInfo;
use model::clusters::{ClusterSettings, ClusterSource, Environment, NewCluster};
use model::objects::{
    DeleteOptions, DocumentResult, ObjectRef, Propagation, SECRET_PLACEHOLDER, SaveOutcome,
};
use model::{AppError, ErrorKind};
use sandbox::{SandboxConfig, SandboxHandle, Scenario};
use serde_json::{Value, json};
use uuid::Uuid;

struct Env {
    db: TestDb,
    sandbox: SandboxHandle,
    registry: ClusterRegistry,
    cluster: Uuid,
    kube: Client,
    user: UserInfo,
    client: ClientInfo,
}

impl Env {
    async fn new() -> Env {
        let db = TestDb::new().await;
        let registry = ClusterRegistry::new(db.pool.clone(), SecretKey::generate());
        let sandbox = sandbox::start(SandboxConfig {
            scenario: Scenario::Empty,
            ..SandboxConfig::default()
        })
        .await
        .expect("sandbox starts");
        let user = db.user("operator", true).await;
        let client = ClientInfo {
            ip: None,
            user_agent: None,
            request_id: Some("req-objects".into()),
        };
        let cluster = register(
            &registry,
            &sandbox,
            &user,
            &client,
            "dev",
            Environment::Development,
            false,
        )
        .await;
        let kube = registry.client(cluster).await.expect("client");
        Env {
            db,
            sandbox,
            registry,
            cluster,
            kube,
            user,
            client,
        }
    }

    /// Registers the sandbox again, under `name`.
    async fn register(&self, name: &str, environment: Environment, read_only: bool) -> Uuid {
        register(
            &self.registry,
            &self.sandbox,
            &self.user,
            &self.client,
            name,
            environment,
            read_only,
        )
        .await
    }

    fn actor(&self) -> Actor<'_> {
        Actor {
            user: &self.user,
            client: &self.client,
        }
    }

    async fn yaml(&self, object: &ObjectRef, managed_fields: bool) -> model::objects::ObjectYaml {
        objects::get_yaml(&self.registry, self.cluster, object, managed_fields)
            .await
            .unwrap_or_else(|e| panic!("get {object:?}: {e}"))
    }

    async fn save(
        &self,
        object: &ObjectRef,
        yaml: &str,
        version: &str,
        dry_run: bool,
    ) -> SaveOutcome {
        self.save_in(self.cluster, object, yaml, version, dry_run)
            .await
            .unwrap_or_else(|e| panic!("save {object:?}: {e}"))
    }

    async fn save_in(
        &self,
        cluster: Uuid,
        object: &ObjectRef,
        yaml: &str,
        version: &str,
        dry_run: bool,
    ) -> Result<SaveOutcome, AppError> {
        let edit = Edit {
            object,
            yaml,
            resource_version: version,
            dry_run,
        };
        objects::save_yaml(&self.registry, &self.actor(), cluster, edit)
            .await
            .map_err(AppError::from)
    }

    async fn create(&self, yaml: &str, dry_run: bool) -> Vec<model::objects::CreatedDocument> {
        let request = CreateRequest {
            yaml,
            default_namespace: Some("default"),
            dry_run,
            only_kind: None,
            pin_namespace: false,
        };
        objects::create(&self.registry, &self.actor(), self.cluster, request)
            .await
            .unwrap_or_else(|e| panic!("create: {e}"))
    }

    async fn delete(
        &self,
        cluster: Uuid,
        object: &ObjectRef,
        options: DeleteOptions,
    ) -> Result<model::objects::DeleteOutcome, AppError> {
        objects::delete(&self.registry, &self.actor(), cluster, object, &options)
            .await
            .map_err(AppError::from)
    }

    async fn audit(&self) -> Vec<AuditEventRow> {
        let mut conn = self.db.pool.get().await.expect("conn");
        audit_events::latest(&mut conn, 200)
            .await
            .expect("audit rows")
    }

    async fn deployment(&self, name: &str) {
        let deployment: Deployment = serde_json::from_value(json!({
            "metadata": {"name": name, "namespace": "default"},
            "spec": {
                "replicas": 1,
                "selector": {"matchLabels": {"app": name}},
                "template": {
                    "metadata": {"labels": {"app": name}},
                    "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]},
                },
            },
        }))
        .expect("deployment");
        Api::<Deployment>::namespaced(self.kube.clone(), "default")
            .create(&PostParams::default(), &deployment)
            .await
            .expect("create deployment");
    }

    /// The ReplicaSets of deployment `app`, once its controller made one.
    async fn replicasets(&self, app: &str) -> Vec<ReplicaSet> {
        let api = Api::<ReplicaSet>::namespaced(self.kube.clone(), "default");
        let params = ListParams::default().labels(&format!("app={app}"));
        eventually(|| async {
            let list = api.list(&params).await.expect("list replicasets").items;
            (!list.is_empty()).then_some(list)
        })
        .await
    }
}

async fn register(
    registry: &ClusterRegistry,
    sandbox: &SandboxHandle,
    user: &UserInfo,
    client: &ClientInfo,
    name: &str,
    environment: Environment,
    read_only: bool,
) -> Uuid {
    let info = clusters::create(
        registry,
        user,
        client,
        NewCluster {
            settings: ClusterSettings {
                name: name.into(),
                environment,
                read_only,
                ..Default::default()
            },
            source: ClusterSource::Kubeconfig {
                kubeconfig: sandbox.kubeconfig_yaml().to_string(),
                context: None,
            },
        },
    )
    .await
    .expect("register cluster");
    clusters::parse_id(&info.id).expect("id")
}

fn object(kind: &str, namespace: Option<&str>, name: &str) -> ObjectRef {
    ObjectRef {
        kind: kind.into(),
        namespace: namespace.map(str::to_string),
        name: name.into(),
    }
}

/// The 1-based line of the first line of `text` that starts with `prefix`.
fn line_of(text: &str, prefix: &str) -> u32 {
    let index = text
        .lines()
        .position(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no line starts with {prefix:?} in\n{text}"));
    u32::try_from(index + 1).expect("line")
}

/// Polls `check` until it gives a value, for up to ten seconds.
async fn eventually<T, F, Fut>(check: F) -> T
where
    F: Fn() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(Instant::now() < deadline, "the condition never held");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn issues(outcome: &SaveOutcome) -> &[model::objects::YamlIssue] {
    match outcome {
        SaveOutcome::Invalid { issues } => issues,
        other => panic!("expected issues, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn yaml_leaves_managed_fields_out_unless_asked() {
    let env = Env::new().await;
    let config: ConfigMap = serde_json::from_value(json!({
        "metadata": {"name": "settings"}, "data": {"mode": "fast", "script": "line 1\nline 2\n"},
    }))
    .expect("configmap");
    let params = PostParams {
        field_manager: Some("tests".into()),
        ..PostParams::default()
    };
    let created = Api::<ConfigMap>::namespaced(env.kube.clone(), "default")
        .create(&params, &config)
        .await
        .expect("create");
    let cm = object("configmaps", Some("default"), "settings");

    let plain = env.yaml(&cm, false).await;
    assert!(plain.managed_fields_hidden && !plain.secret_values_hidden);
    assert!(!plain.yaml.contains("managedFields"), "{}", plain.yaml);
    assert!(plain.yaml.contains("mode: fast"), "{}", plain.yaml);
    assert!(plain.yaml.contains("script: |\n"), "{}", plain.yaml);
    assert_eq!(
        Some(plain.resource_version.as_str()),
        created.metadata.resource_version.as_deref()
    );
    assert_eq!(plain.kind.kind, "ConfigMap");

    let full = env.yaml(&cm, true).await;
    assert!(!full.managed_fields_hidden);
    assert!(full.yaml.contains("managedFields:"), "{}", full.yaml);

    let missing = objects::get_yaml(
        &env.registry,
        env.cluster,
        &object("configmaps", Some("default"), "nope"),
        false,
    )
    .await
    .map_err(AppError::from)
    .expect_err("missing object");
    assert_eq!(
        (missing.kind, missing.code.as_str()),
        (ErrorKind::NotFound, "resource.not_found")
    );
    assert!(
        missing.message.contains("ConfigMap nope"),
        "{}",
        missing.message
    );
    let unscoped = objects::get_yaml(
        &env.registry,
        env.cluster,
        &object("configmaps", None, "settings"),
        false,
    )
    .await
    .map_err(AppError::from)
    .expect_err("namespace missing");
    assert_eq!(unscoped.fields[0].field, "namespace");
}

#[tokio::test(flavor = "multi_thread")]
async fn secret_values_never_reach_the_yaml_and_survive_a_save() {
    let env = Env::new().await;
    let secret: Secret = serde_json::from_value(json!({
        "metadata": {"name": "db", "annotations": {
            "kubectl.kubernetes.io/last-applied-configuration": "{\"data\":{\"password\":\"czNjcjN0\"}}"
        }},
        "data": {"password": "czNjcjN0", "user": "YWRtaW4="},
    }))
    .expect("secret");
    let api = Api::<Secret>::namespaced(env.kube.clone(), "default");
    api.create(&PostParams::default(), &secret)
        .await
        .expect("create");
    let db = object("secrets", Some("default"), "db");

    let shown = env.yaml(&db, true).await;
    assert!(shown.secret_values_hidden && shown.yaml.contains("managedFields"));
    for value in ["czNjcjN0", "YWRtaW4="] {
        assert!(!shown.yaml.contains(value), "{}", shown.yaml);
    }
    let shown = env.yaml(&db, false).await;
    for value in ["czNjcjN0", "YWRtaW4="] {
        assert!(!shown.yaml.contains(value), "{}", shown.yaml);
    }
    assert!(shown.yaml.contains(SECRET_PLACEHOLDER), "{}", shown.yaml);

    // Add a label and a key; leave the hidden values as they are.
    let edited = shown
        .yaml
        .replacen("metadata:\n", "metadata:\n  labels:\n    team: data\n", 1)
        .replacen("data:\n", "data:\n  port: NTQzMg==\n", 1);
    let saved = env.save(&db, &edited, &shown.resource_version, false).await;
    let SaveOutcome::Saved { object: after } = saved else {
        panic!("expected saved, got {saved:?}");
    };
    assert!(!after.yaml.contains("czNjcjN0") && after.secret_values_hidden);
    let live = api.get("db").await.expect("live");
    let data = live.data.expect("data");
    assert_eq!(data["password"].0, b"s3cr3t");
    assert_eq!(data["user"].0, b"admin");
    assert_eq!(data["port"].0, b"5432");
    assert_eq!(live.metadata.labels.expect("labels")["team"], "data");
    assert!(
        live.metadata.annotations.expect("annotations")
            ["kubectl.kubernetes.io/last-applied-configuration"]
            .contains("czNjcjN0")
    );

    // A renamed key still holding the placeholder has no value to keep: refused on its line.
    let renamed = after.yaml.replacen("  password: ", "  passwd: ", 1);
    let outcome = env.save(&db, &renamed, &after.resource_version, true).await;
    let found = issues(&outcome);
    assert_eq!(found[0].field.as_deref(), Some("data[passwd]"));
    assert_eq!(found[0].line, Some(line_of(&renamed, "  passwd: ")));

    // The audit row says what happened, never the values.
    let rows = env.audit().await;
    let update = rows
        .iter()
        .find(|r| r.action == "resource.update")
        .expect("update audited");
    assert_eq!(
        (
            update.result.as_str(),
            update.resource_kind.as_deref(),
            update.resource_name.as_deref()
        ),
        ("success", Some("secrets"), Some("db"))
    );
    assert!(!update.detail.to_string().contains("czNjcjN0"));
}

#[tokio::test(flavor = "multi_thread")]
async fn dry_runs_validate_and_place_refusals_on_their_lines() {
    let env = Env::new().await;
    env.deployment("web").await;
    let web = object("deployments.apps", Some("default"), "web");
    let shown = env.yaml(&web, false).await;

    // A value of the wrong type: the cluster's 400 names spec.replicas.
    let bad = shown
        .yaml
        .replacen("  replicas: 1\n", "  replicas: many\n", 1);
    assert_ne!(bad, shown.yaml);
    let outcome = env.save(&web, &bad, &shown.resource_version, true).await;
    let found = issues(&outcome);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].field.as_deref(), Some("spec.replicas"));
    assert_eq!(found[0].line, Some(line_of(&bad, "  replicas: many")));

    // A required value left empty: the 422 cause names the container's image.
    let no_image = shown.yaml.replacen("image: nginx:1.27", "image: \"\"", 1);
    let outcome = env
        .save(&web, &no_image, &shown.resource_version, true)
        .await;
    let found = issues(&outcome);
    assert_eq!(
        found[0].field.as_deref(),
        Some("spec.template.spec.containers[0].image")
    );
    let image_line = no_image
        .lines()
        .position(|l| l.ends_with("image: \"\""))
        .expect("image line");
    assert_eq!(found[0].line, u32::try_from(image_line + 1).ok());

    // A misspelt field is refused (strict validation), on its line.
    let typo = shown
        .yaml
        .replacen("  replicas: 1\n", "  replicas: 1\n  replicsa: 2\n", 1);
    let outcome = env.save(&web, &typo, &shown.resource_version, true).await;
    let found = issues(&outcome);
    assert_eq!(found[0].field.as_deref(), Some("spec.replicsa"));
    assert_eq!(found[0].line, Some(line_of(&typo, "  replicsa")));

    // Broken YAML never reaches the cluster.
    let broken = format!("{}\n  oops: [\n", shown.yaml);
    let outcome = env.save(&web, &broken, &shown.resource_version, true).await;
    assert!(issues(&outcome)[0].line.is_some());

    // Another object's identity is refused on the line of the key.
    let renamed = shown.yaml.replacen("  name: web\n", "  name: other\n", 1);
    let outcome = env
        .save(&web, &renamed, &shown.resource_version, true)
        .await;
    let found = issues(&outcome);
    assert_eq!(found[0].field.as_deref(), Some("metadata.name"));
    assert_eq!(found[0].line, Some(line_of(&renamed, "  name: other")));

    // A valid dry run says what would be stored and stores nothing.
    let yaml = eventually(|| async {
        let fresh = env.yaml(&web, false).await;
        let three = fresh.yaml.replacen("  replicas: 1\n", "  replicas: 3\n", 1);
        match env.save(&web, &three, &fresh.resource_version, true).await {
            SaveOutcome::Valid { yaml } => Some(yaml),
            // The controller wrote status meanwhile.
            SaveOutcome::Conflict { .. } => None,
            other => panic!("expected valid, got {other:?}"),
        }
    })
    .await;
    assert!(yaml.contains("  replicas: 3\n") && !yaml.contains("managedFields"));
    let live = Api::<Deployment>::namespaced(env.kube.clone(), "default")
        .get("web")
        .await
        .expect("live");
    assert_eq!(live.spec.and_then(|s| s.replicas), Some(1));
    // Dry runs change nothing, so they leave no audit row.
    assert!(
        !env.audit()
            .await
            .iter()
            .any(|r| r.action == "resource.update")
    );

    // The deployment controller keeps writing status, so a save may meet a newer version.
    let saved = eventually(|| async {
        let fresh = env.yaml(&web, false).await;
        let three = fresh.yaml.replacen("  replicas: 1\n", "  replicas: 3\n", 1);
        match env.save(&web, &three, &fresh.resource_version, false).await {
            SaveOutcome::Saved { object } => Some(object),
            SaveOutcome::Conflict { .. } => None,
            other => panic!("expected saved, got {other:?}"),
        }
    })
    .await;
    assert!(saved.yaml.contains("  replicas: 3\n"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stale_save_is_a_conflict_that_keeps_both_versions() {
    let env = Env::new().await;
    env.deployment("api").await;
    let api_ref = object("deployments.apps", Some("default"), "api");
    let shown = env.yaml(&api_ref, false).await;
    // Someone else changes the object meanwhile.
    let patch = json!({"metadata": {"labels": {"changed-by": "someone-else"}}});
    Api::<Deployment>::namespaced(env.kube.clone(), "default")
        .patch("api", &PatchParams::default(), &Patch::Merge(&patch))
        .await
        .expect("patch");

    let mine = format!(
        "# my edit\n{}",
        shown.yaml.replacen("  replicas: 1\n", "  replicas: 2\n", 1)
    );
    let outcome = env
        .save(&api_ref, &mine, &shown.resource_version, false)
        .await;
    let SaveOutcome::Conflict {
        mine: kept,
        theirs,
        theirs_version,
    } = outcome
    else {
        panic!("expected a conflict, got {outcome:?}");
    };
    assert_eq!(kept, mine);
    assert!(theirs.contains("changed-by: someone-else"), "{theirs}");
    assert_ne!(theirs_version, shown.resource_version);
    assert!(!theirs_version.is_empty());
    let row = env
        .audit()
        .await
        .into_iter()
        .find(|r| r.action == "resource.update")
        .expect("audited");
    assert_eq!(row.result, "failure");
    assert_eq!(row.detail["reason"], "resource.conflict");
}

#[tokio::test(flavor = "multi_thread")]
async fn multi_document_creation_is_all_or_nothing() {
    let env = Env::new().await;
    let configmaps = Api::<ConfigMap>::namespaced(env.kube.clone(), "default");

    // One bad document: nothing is created, and the problem points into the second document.
    let text = "\
apiVersion: v1
kind: ConfigMap
metadata:
  name: first
data: {a: b}
---
# the broken one
apiVersion: apps/v1
kind: Deployment
metadata:
  name: broken
spec:
  selector: {matchLabels: {app: broken}}
  template:
    metadata: {labels: {app: broken}}
    spec:
      containers:
      - name: web
        image: \"\"
";
    let results = env.create(text, false).await;
    assert_eq!(results.len(), 2);
    assert_eq!(results[0].result, DocumentResult::Skipped);
    assert_eq!(results[1].line, line_of(text, "apiVersion: apps/v1"));
    let DocumentResult::Invalid { issues } = &results[1].result else {
        panic!("expected invalid, got {:?}", results[1]);
    };
    assert_eq!(issues[0].line, Some(line_of(text, "        image: \"\"")));
    assert!(configmaps.get_opt("first").await.expect("get").is_none());

    // A kind the cluster does not serve: an issue on its `kind:` line.
    let unknown = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n---\n\napiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n";
    let results = env.create(unknown, false).await;
    let DocumentResult::Invalid { issues } = &results[1].result else {
        panic!("expected invalid, got {:?}", results[1]);
    };
    assert_eq!(issues[0].line, Some(7));
    assert_eq!(issues[0].field.as_deref(), Some("kind"));

    // A dry run creates nothing but says what would be.
    let good = "\
---
apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: shop
  resourceVersion: \"12\"
data: {mode: fast}
---
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: cart
spec:
  replicas: 1
  selector: {matchLabels: {app: cart}}
  template:
    metadata: {labels: {app: cart}}
    spec:
      containers: [{name: cart, image: \"cart:1\"}]
";
    let results = env.create(good, true).await;
    assert!(
        results.iter().all(|r| r.result == DocumentResult::Created),
        "{results:?}"
    );
    assert!(
        Api::<Namespace>::all(env.kube.clone())
            .get_opt("shop")
            .await
            .expect("get")
            .is_none()
    );

    // For real: all three, in order; the Deployment goes to the default namespace.
    let results = env.create(good, false).await;
    assert!(
        results.iter().all(|r| r.result == DocumentResult::Created),
        "{results:?}"
    );
    let lines: Vec<u32> = results.iter().map(|r| r.line).collect();
    assert_eq!(lines, vec![2, 7, 16]);
    let cart = results[2].object.clone().expect("object");
    assert_eq!(cart, object("deployments.apps", Some("default"), "cart"));
    let settings = Api::<ConfigMap>::namespaced(env.kube.clone(), "shop")
        .get("settings")
        .await
        .expect("created in the new namespace");
    assert_eq!(settings.data.expect("data")["mode"], "fast");
    Api::<Deployment>::namespaced(env.kube.clone(), "default")
        .get("cart")
        .await
        .expect("deployment created");
    let created: Vec<String> = env
        .audit()
        .await
        .into_iter()
        .filter(|r| r.action == "resource.create" && r.result == "success")
        .filter_map(|r| r.resource_name)
        .collect();
    assert_eq!(created.len(), 3, "{created:?}");

    // The same again: every dry run finds its object there already, so nothing is tried.
    let results = env.create(good, false).await;
    assert!(
        results.iter().all(
            |r| matches!(&r.result, DocumentResult::Failed { code, .. } if code == "resource.already_exists")
        ),
        "{results:?}"
    );
    assert!(
        matches!(&results[2].result, DocumentResult::Failed { message, .. } if message == "Deployment cart already exists in namespace default."),
        "{results:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn deletion_follows_the_propagation_policy() {
    let env = Env::new().await;
    for name in ["bg", "orphan", "fg"] {
        env.deployment(name).await;
        env.replicasets(name).await;
    }
    let rs_api = Api::<ReplicaSet>::namespaced(env.kube.clone(), "default");
    let remaining = |app: &'static str| {
        let rs_api = rs_api.clone();
        async move {
            rs_api
                .list(&ListParams::default().labels(&format!("app={app}")))
                .await
                .expect("list")
                .items
        }
    };

    let done = env
        .delete(
            env.cluster,
            &object("deployments.apps", Some("default"), "bg"),
            DeleteOptions::default(),
        )
        .await
        .expect("delete");
    assert!(done.gone, "{done:?}");
    assert_eq!(done.message, "Deployment bg deleted.");
    eventually(|| async { remaining("bg").await.is_empty().then_some(()) }).await;

    let orphan = DeleteOptions {
        propagation: Propagation::Orphan,
        ..DeleteOptions::default()
    };
    let done = env
        .delete(
            env.cluster,
            &object("deployments.apps", Some("default"), "orphan"),
            orphan,
        )
        .await
        .expect("delete");
    assert!(
        done.gone && done.message.contains("dependents were kept"),
        "{done:?}"
    );
    // Give a garbage collector the time it would need to (wrongly) take them.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let kept = remaining("orphan").await;
    assert_eq!(kept.len(), 1);
    assert!(
        kept[0]
            .metadata
            .owner_references
            .as_ref()
            .is_none_or(Vec::is_empty)
    );

    let foreground = DeleteOptions {
        propagation: Propagation::Foreground,
        ..DeleteOptions::default()
    };
    let done = env
        .delete(
            env.cluster,
            &object("deployments.apps", Some("default"), "fg"),
            foreground,
        )
        .await
        .expect("delete");
    if !done.gone {
        assert_eq!(
            done.pending_finalizers,
            vec!["foregroundDeletion".to_string()]
        );
    }
    eventually(|| async { remaining("fg").await.is_empty().then_some(()) }).await;
    eventually(|| async {
        Api::<Deployment>::namespaced(env.kube.clone(), "default")
            .get_opt("fg")
            .await
            .expect("get")
            .is_none()
            .then_some(())
    })
    .await;

    let rows: Vec<AuditEventRow> = env
        .audit()
        .await
        .into_iter()
        .filter(|r| r.action == "resource.delete")
        .collect();
    assert_eq!(rows.len(), 3);
    assert!(
        rows.iter()
            .any(|r| r.detail["propagation"] == "orphan" && r.result == "success")
    );

    let negative = DeleteOptions {
        grace_period_seconds: Some(-5),
        ..DeleteOptions::default()
    };
    let kept_name = kept[0].metadata.name.clone().expect("name");
    let err = env
        .delete(
            env.cluster,
            &object("replicasets.apps", Some("default"), &kept_name),
            negative,
        )
        .await
        .expect_err("negative grace");
    assert_eq!(err.fields[0].field, "grace_period_seconds");
}

#[tokio::test(flavor = "multi_thread")]
async fn finalizers_and_namespaces_keep_objects_terminating() {
    let env = Env::new().await;
    let text = "\
apiVersion: v1
kind: Namespace
metadata: {name: hold}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: guarded
  namespace: hold
  finalizers: [example.com/cleanup]
";
    let results = env.create(text, false).await;
    assert!(
        results.iter().all(|r| r.result == DocumentResult::Created),
        "{results:?}"
    );

    let done = env
        .delete(
            env.cluster,
            &object("configmaps", Some("hold"), "guarded"),
            DeleteOptions::default(),
        )
        .await
        .expect("delete");
    assert!(!done.gone);
    assert_eq!(
        done.pending_finalizers,
        vec!["example.com/cleanup".to_string()]
    );
    assert!(
        done.message.contains("waiting for example.com/cleanup"),
        "{}",
        done.message
    );

    let ns = object("namespaces", None, "hold");
    let refused = env
        .delete(env.cluster, &ns, DeleteOptions::default())
        .await
        .expect_err("needs the name typed");
    assert_eq!(refused.code, "resource.confirmation_required");
    assert_eq!(refused.fields[0].field, "confirm");
    let wrong = DeleteOptions {
        confirm: Some("hol".into()),
        ..DeleteOptions::default()
    };
    assert!(env.delete(env.cluster, &ns, wrong).await.is_err());
    let typed = DeleteOptions {
        confirm: Some("hold".into()),
        ..DeleteOptions::default()
    };
    let done = env
        .delete(env.cluster, &ns, typed)
        .await
        .expect("delete namespace");
    assert!(!done.gone);
    assert!(
        done.message.starts_with("Namespace hold is terminating"),
        "{}",
        done.message
    );
    let phase = Api::<Namespace>::all(env.kube.clone())
        .get("hold")
        .await
        .expect("still there")
        .status
        .and_then(|s| s.phase);
    assert_eq!(phase.as_deref(), Some("Terminating"));
}

#[tokio::test(flavor = "multi_thread")]
async fn read_only_and_production_clusters_guard_changes() {
    let env = Env::new().await;
    env.deployment("web").await;
    let web = object("deployments.apps", Some("default"), "web");
    let shown = env.yaml(&web, false).await;
    let read_only = env.register("frozen", Environment::Development, true).await;

    // Reading works; every change is refused, dry runs included.
    objects::get_yaml(&env.registry, read_only, &web, false)
        .await
        .expect("reads are fine");
    for dry_run in [true, false] {
        let err = env
            .save_in(
                read_only,
                &web,
                &shown.yaml,
                &shown.resource_version,
                dry_run,
            )
            .await
            .expect_err("read-only");
        assert_eq!(
            (err.kind, err.code.as_str()),
            (ErrorKind::Forbidden, "cluster.read_only")
        );
    }
    let request = CreateRequest {
        yaml: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n",
        default_namespace: None,
        dry_run: false,
        only_kind: None,
        pin_namespace: false,
    };
    let err = objects::create(&env.registry, &env.actor(), read_only, request)
        .await
        .map_err(AppError::from)
        .expect_err("read-only");
    assert_eq!(err.code, "cluster.read_only");
    let err = env
        .delete(read_only, &web, DeleteOptions::default())
        .await
        .expect_err("read-only");
    assert_eq!(err.code, "cluster.read_only");
    assert!(
        Api::<Deployment>::namespaced(env.kube.clone(), "default")
            .get_opt("web")
            .await
            .expect("get")
            .is_some()
    );
    // The real attempts are audited as refused; the dry run is not.
    let refusals: Vec<(String, Value)> = env
        .audit()
        .await
        .into_iter()
        .filter(|r| r.cluster.as_deref() == Some("frozen") && r.action.starts_with("resource."))
        .map(|r| (format!("{} {}", r.action, r.result), r.detail))
        .collect();
    assert_eq!(refusals.len(), 3, "{refusals:?}");
    assert!(
        refusals
            .iter()
            .all(|(what, detail)| what.ends_with("failure")
                && detail["reason"] == "cluster.read_only")
    );

    // Production: any delete needs the name typed.
    let production = env.register("prod", Environment::Production, false).await;
    let err = env
        .delete(production, &web, DeleteOptions::default())
        .await
        .expect_err("confirmation");
    assert_eq!(err.code, "cluster.confirmation_required");
    let typed = DeleteOptions {
        confirm: Some("web".into()),
        ..DeleteOptions::default()
    };
    assert!(
        env.delete(production, &web, typed)
            .await
            .expect("typed")
            .gone
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unreachable_cluster_is_said_so() {
    let env = Env::new().await;
    let cm = object("configmaps", Some("default"), "anything");
    // Discovery is cached by now; the object itself still needs the cluster.
    let _ = objects::get_yaml(&env.registry, env.cluster, &cm, false).await;
    env.sandbox.shutdown().await;
    let err = objects::get_yaml(&env.registry, env.cluster, &cm, false)
        .await
        .map_err(AppError::from)
        .expect_err("cluster is down");
    assert_eq!(
        (err.kind, err.code.as_str()),
        (ErrorKind::Unavailable, "cluster.unreachable")
    );
    assert!(err.message.contains("dev"), "{}", err.message);
}
