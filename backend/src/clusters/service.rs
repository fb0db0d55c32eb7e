//! The cluster operations server functions and REST handlers call: list, get, test, import,
//! update, delete, sync, and registering the default cluster at start-up.

use chrono::Utc;
use model::FieldError;
use model::auth::UserInfo;
use model::clusters::{
    ClusterInfo, ClusterSettings, ClusterSource, ClusterUpdate, ConnectionTest, ContextImport,
    Environment, KubeconfigContext, NewCluster,
};
use uuid::Uuid;

use super::kubeconfig::{self, ClusterCredentials};
use super::registry::ClusterRegistry;
use super::rows::{self, ClusterChanges, ClusterRow, NewClusterRow};
use super::{ClusterError, connect, health};
use crate::audit::{self, AuditEvent};
use crate::client::ClientInfo;

/// Audit actions of this module.
pub mod actions {
    pub const IMPORT: &str = "cluster.import";
    pub const UPDATE: &str = "cluster.update";
    pub const DELETE: &str = "cluster.delete";
    pub const SYNC: &str = "cluster.sync";
    pub const REGISTER_DEFAULT: &str = "cluster.register_default";
}

const MAX_NAME: usize = 63;
const MAX_DESCRIPTION: usize = 500;

fn require_admin(user: &UserInfo) -> Result<(), ClusterError> {
    if user.is_admin {
        Ok(())
    } else {
        Err(ClusterError::AdminRequired)
    }
}

/// Every cluster, the default first, then by name.
pub async fn list(registry: &ClusterRegistry) -> Result<Vec<ClusterInfo>, ClusterError> {
    let mut conn = registry.db().get().await?;
    let found = rows::list(&mut conn).await?;
    Ok(found.into_iter().map(|(row, by)| row.to_info(by)).collect())
}

/// One cluster.
pub async fn get(registry: &ClusterRegistry, id: Uuid) -> Result<ClusterInfo, ClusterError> {
    let (row, by) = find(registry, id).await?;
    Ok(row.to_info(by))
}

async fn find(
    registry: &ClusterRegistry,
    id: Uuid,
) -> Result<(ClusterRow, Option<String>), ClusterError> {
    let mut conn = registry.db().get().await?;
    rows::find(&mut conn, id)
        .await?
        .ok_or_else(|| ClusterError::NotFound(id.to_string()))
}

/// Parses a cluster id from text (URL segment or server-function argument).
pub fn parse_id(id: &str) -> Result<Uuid, ClusterError> {
    Uuid::parse_str(id.trim()).map_err(|_| ClusterError::NotFound(id.to_string()))
}

/// The contexts of a pasted kubeconfig, for the import form.
pub fn list_contexts(kubeconfig_text: &str) -> Result<Vec<KubeconfigContext>, ClusterError> {
    Ok(kubeconfig::list_contexts(kubeconfig_text)?)
}

/// Reads credentials from a source; invalid input is an error, not a failed connection.
pub fn credentials_from(source: &ClusterSource) -> Result<ClusterCredentials, ClusterError> {
    Ok(match source {
        ClusterSource::Kubeconfig {
            kubeconfig,
            context,
        } => kubeconfig::credentials_from_kubeconfig(kubeconfig, context.as_deref())?,
        ClusterSource::Token {
            server,
            token,
            ca_pem,
            insecure_skip_tls_verify,
        } => kubeconfig::credentials_from_token(
            server,
            token,
            ca_pem.as_deref(),
            *insecure_skip_tls_verify,
        )?,
    })
}

/// Connects with `source` and reports what was found, saving nothing. Admins only: it makes the
/// server dial the given address.
pub async fn test_connection(
    user: &UserInfo,
    source: &ClusterSource,
) -> Result<ConnectionTest, ClusterError> {
    require_admin(user)?;
    let creds = credentials_from(source)?;
    Ok(connect::test(&creds).await)
}

/// Checks names, descriptions and colours; returns every problem at once.
pub fn validate_settings(settings: &ClusterSettings) -> Result<(), ClusterError> {
    let mut fields = Vec::new();
    if let Some(message) = name_problem(&settings.name) {
        fields.push(FieldError {
            field: "name".into(),
            message,
        });
    }
    if settings.description.chars().count() > MAX_DESCRIPTION {
        fields.push(FieldError {
            field: "description".into(),
            message: format!("Keep the description under {MAX_DESCRIPTION} characters."),
        });
    }
    if !colour_is_valid(&settings.colour) {
        fields.push(FieldError {
            field: "colour".into(),
            message: "Use a colour like #1f6feb, or leave it empty.".into(),
        });
    }
    if fields.is_empty() {
        Ok(())
    } else {
        Err(ClusterError::Invalid(fields))
    }
}

fn name_problem(name: &str) -> Option<String> {
    let ok_chars = name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.'));
    let starts_well = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric());
    if name.is_empty() {
        Some("Enter a name.".into())
    } else if name.len() > MAX_NAME || !ok_chars || !starts_well {
        Some(format!(
            "Use up to {MAX_NAME} lower-case letters, digits, '-', '_' or '.', starting with a letter or digit."
        ))
    } else {
        None
    }
}

fn colour_is_valid(colour: &str) -> bool {
    colour.is_empty()
        || (colour.len() == 7
            && colour.starts_with('#')
            && colour[1..].chars().all(|c| c.is_ascii_hexdigit()))
}

fn normalise(settings: &ClusterSettings) -> ClusterSettings {
    ClusterSettings {
        name: settings.name.trim().to_string(),
        description: settings.description.trim().to_string(),
        colour: settings.colour.trim().to_lowercase(),
        ..settings.clone()
    }
}

fn audit_event(
    user: &UserInfo,
    client: &ClientInfo,
    action: &str,
    cluster: &str,
    detail: serde_json::Value,
) -> AuditEvent {
    AuditEvent {
        user_id: Uuid::parse_str(&user.id).ok(),
        username: Some(user.username.clone()),
        action: action.into(),
        cluster: Some(cluster.to_string()),
        detail,
        ip: Some(client.ip_text()),
        request_id: client.request_id.clone(),
        ..Default::default()
    }
}

/// Adds one cluster (admins only). Its health is checked in the background right after.
pub async fn create(
    registry: &ClusterRegistry,
    user: &UserInfo,
    client: &ClientInfo,
    new: NewCluster,
) -> Result<ClusterInfo, ClusterError> {
    require_admin(user)?;
    let settings = normalise(&new.settings);
    validate_settings(&settings)?;
    let creds = credentials_from(&new.source)?;
    let created = insert(registry, user, client, &settings, &creds).await?;
    Ok(created)
}

/// Adds several contexts of one kubeconfig (admins only). Everything is validated before the
/// first insert, so a bad entry adds nothing.
pub async fn import(
    registry: &ClusterRegistry,
    user: &UserInfo,
    client: &ClientInfo,
    kubeconfig_text: &str,
    contexts: Vec<ContextImport>,
) -> Result<Vec<ClusterInfo>, ClusterError> {
    require_admin(user)?;
    if contexts.is_empty() {
        return Err(ClusterError::Invalid(vec![FieldError {
            field: "contexts".into(),
            message: "Choose at least one context to import.".into(),
        }]));
    }
    // Malformed YAML is reported once, before any per-context message.
    kubeconfig::parse(kubeconfig_text)?;
    let mut prepared = Vec::with_capacity(contexts.len());
    let mut names = std::collections::HashSet::new();
    for entry in &contexts {
        let settings = normalise(&entry.settings);
        validate_settings(&settings)?;
        if !names.insert(settings.name.clone()) {
            return Err(ClusterError::NameTaken(settings.name));
        }
        let creds = kubeconfig::credentials_from_kubeconfig(kubeconfig_text, Some(&entry.context))?;
        prepared.push((settings, creds));
    }
    {
        let mut conn = registry.db().get().await?;
        for (settings, _) in &prepared {
            if rows::find_by_name(&mut conn, &settings.name)
                .await?
                .is_some()
            {
                return Err(ClusterError::NameTaken(settings.name.clone()));
            }
        }
    }
    let mut created = Vec::with_capacity(prepared.len());
    for (settings, creds) in &prepared {
        created.push(insert(registry, user, client, settings, creds).await?);
    }
    Ok(created)
}

async fn insert(
    registry: &ClusterRegistry,
    user: &UserInfo,
    client: &ClientInfo,
    settings: &ClusterSettings,
    creds: &ClusterCredentials,
) -> Result<ClusterInfo, ClusterError> {
    let id = Uuid::new_v4();
    let sealed = registry.seal(id, creds)?;
    let mut conn = registry.db().get().await?;
    if rows::find_by_name(&mut conn, &settings.name)
        .await?
        .is_some()
    {
        return Err(ClusterError::NameTaken(settings.name.clone()));
    }
    let row = rows::insert(
        &mut conn,
        &NewClusterRow {
            id,
            name: &settings.name,
            description: &settings.description,
            environment: settings.environment.as_str(),
            colour: &settings.colour,
            read_only: settings.read_only,
            keep_ended_logs: settings.keep_ended_logs,
            server_url: &creds.server_url,
            auth_kind: creds.auth_kind.as_str(),
            credentials: &sealed,
            created_by: Uuid::parse_str(&user.id).ok(),
            is_default: false,
        },
    )
    .await
    .map_err(|e| unique_violation_as_taken(e, &settings.name))?;
    drop(conn);
    audit::record(
        registry.db(),
        audit_event(
            user,
            client,
            actions::IMPORT,
            &row.name,
            serde_json::json!({
                "id": row.id.to_string(),
                "server": row.server_url,
                "context": creds.context,
                "environment": row.environment,
                "read_only": row.read_only,
                "keep_ended_logs": row.keep_ended_logs,
            }),
        ),
    )
    .await?;
    after_change(registry, &row);
    Ok(row.to_info(Some(user.username.clone())))
}

fn unique_violation_as_taken(e: diesel::result::Error, name: &str) -> ClusterError {
    use diesel::result::{DatabaseErrorKind, Error};
    match e {
        Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
            ClusterError::NameTaken(name.to_string())
        }
        other => other.into(),
    }
}

/// Rebuilds the client and checks health in the background, so the list soon shows real status.
fn after_change(registry: &ClusterRegistry, row: &ClusterRow) {
    let registry = registry.clone();
    let row = row.clone();
    tokio::spawn(async move {
        if let Err(err) = registry.rebuild(&row).await {
            tracing::warn!(cluster = %row.name, error = %err, "cannot build the cluster client");
        }
        if let Err(err) = health::check_one(&registry, &row).await {
            tracing::warn!(cluster = %row.name, error = %err, "cannot record cluster health");
        }
    });
}

/// Changes settings and/or replaces credentials (admins only).
pub async fn update(
    registry: &ClusterRegistry,
    user: &UserInfo,
    client: &ClientInfo,
    id: Uuid,
    update: ClusterUpdate,
) -> Result<ClusterInfo, ClusterError> {
    require_admin(user)?;
    let (current, by) = find(registry, id).await?;
    let merged = normalise(&ClusterSettings {
        name: update.name.clone().unwrap_or_else(|| current.name.clone()),
        description: update
            .description
            .clone()
            .unwrap_or_else(|| current.description.clone()),
        environment: update.environment.unwrap_or_else(|| current.environment()),
        colour: update
            .colour
            .clone()
            .unwrap_or_else(|| current.colour.clone()),
        read_only: update.read_only.unwrap_or(current.read_only),
        keep_ended_logs: update.keep_ended_logs.unwrap_or(current.keep_ended_logs),
    });
    validate_settings(&merged)?;
    let creds = update.source.as_ref().map(credentials_from).transpose()?;
    let sealed = creds.as_ref().map(|c| registry.seal(id, c)).transpose()?;
    let changes = ClusterChanges {
        name: Some(&merged.name),
        description: Some(&merged.description),
        environment: Some(merged.environment.as_str()),
        colour: Some(&merged.colour),
        read_only: Some(merged.read_only),
        keep_ended_logs: Some(merged.keep_ended_logs),
        server_url: creds.as_ref().map(|c| c.server_url.as_str()),
        auth_kind: creds.as_ref().map(|c| c.auth_kind.as_str()),
        credentials: sealed.as_deref(),
        updated_at: Some(Utc::now()),
    };
    let mut conn = registry.db().get().await?;
    let row = rows::update(&mut conn, id, &changes)
        .await
        .map_err(|e| unique_violation_as_taken(e, &merged.name))?;
    drop(conn);
    // Never the credentials themselves: only that they were replaced.
    let changed: Vec<&str> = [
        ("name", current.name != row.name),
        ("description", current.description != row.description),
        ("environment", current.environment != row.environment),
        ("colour", current.colour != row.colour),
        ("read_only", current.read_only != row.read_only),
        (
            "keep_ended_logs",
            current.keep_ended_logs != row.keep_ended_logs,
        ),
        ("credentials", sealed.is_some()),
    ]
    .into_iter()
    .filter_map(|(field, changed)| changed.then_some(field))
    .collect();
    audit::record(
        registry.db(),
        audit_event(
            user,
            client,
            actions::UPDATE,
            &row.name,
            serde_json::json!({ "id": id.to_string(), "changed": changed, "previous_name": current.name }),
        ),
    )
    .await?;
    if sealed.is_some() {
        after_change(registry, &row);
    } else {
        registry.remove(id);
    }
    Ok(row.to_info(by))
}

/// Deletes a cluster's registration (admins only) once its name is typed as confirmation.
pub async fn delete(
    registry: &ClusterRegistry,
    user: &UserInfo,
    client: &ClientInfo,
    id: Uuid,
    confirm_name: &str,
) -> Result<(), ClusterError> {
    require_admin(user)?;
    let (row, _) = find(registry, id).await?;
    if confirm_name.trim() != row.name {
        return Err(ClusterError::ConfirmationMismatch {
            expected: row.name,
            typed: confirm_name.to_string(),
        });
    }
    let mut conn = registry.db().get().await?;
    rows::delete(&mut conn, id).await?;
    drop(conn);
    registry.remove(id);
    audit::record(
        registry.db(),
        audit_event(
            user,
            client,
            actions::DELETE,
            &row.name,
            serde_json::json!({ "id": id.to_string(), "server": row.server_url }),
        ),
    )
    .await?;
    Ok(())
}

/// Checks one cluster now ("sync now") and returns it with fresh health. Any signed-in user.
pub async fn sync(
    registry: &ClusterRegistry,
    user: &UserInfo,
    client: &ClientInfo,
    id: Uuid,
) -> Result<ClusterInfo, ClusterError> {
    let (row, _) = find(registry, id).await?;
    let update = health::check_one(registry, &row).await?;
    audit::record(
        registry.db(),
        audit_event(
            user,
            client,
            actions::SYNC,
            &row.name,
            serde_json::json!({ "id": id.to_string(), "status": update.status }),
        ),
    )
    .await?;
    get(registry, id).await
}

/// Registers (or refreshes) the default cluster at start-up from a kubeconfig: inserted the first
/// time as a development cluster, its credentials replaced on later starts, settings the users
/// changed kept.
pub async fn register_default(
    registry: &ClusterRegistry,
    name: &str,
    kubeconfig_text: &str,
) -> Result<ClusterInfo, ClusterError> {
    let creds = kubeconfig::credentials_from_kubeconfig(kubeconfig_text, None)?;
    let mut conn = registry.db().get().await?;
    let row = match rows::find_by_name(&mut conn, name).await? {
        Some(existing) => {
            let sealed = registry.seal(existing.id, &creds)?;
            rows::update(
                &mut conn,
                existing.id,
                &ClusterChanges {
                    server_url: Some(&creds.server_url),
                    auth_kind: Some(creds.auth_kind.as_str()),
                    credentials: Some(&sealed),
                    updated_at: Some(Utc::now()),
                    ..Default::default()
                },
            )
            .await?
        }
        None => {
            let id = Uuid::new_v4();
            let sealed = registry.seal(id, &creds)?;
            rows::insert(
                &mut conn,
                &NewClusterRow {
                    id,
                    name,
                    description: "The built-in sandbox cluster",
                    environment: Environment::Development.as_str(),
                    colour: "",
                    read_only: false,
                    keep_ended_logs: true,
                    server_url: &creds.server_url,
                    auth_kind: creds.auth_kind.as_str(),
                    credentials: &sealed,
                    created_by: None,
                    is_default: true,
                },
            )
            .await?
        }
    };
    rows::make_default(&mut conn, row.id).await?;
    drop(conn);
    audit::record(
        registry.db(),
        AuditEvent {
            action: actions::REGISTER_DEFAULT.into(),
            cluster: Some(row.name.clone()),
            detail: serde_json::json!({ "id": row.id.to_string(), "server": row.server_url }),
            ..Default::default()
        },
    )
    .await?;
    after_change(registry, &row);
    get(registry, row.id).await
}
