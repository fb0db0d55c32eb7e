//! Generic REST verbs for every stored type: get, list, create, update, patch, delete, deletecollection.
//! Subresources go to `subresources.rs`, watches to `watch.rs`.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde_json::{Value, json};

use super::ApiState;
use super::body::{self, Representation, json_response};
use super::path::{self, Target};
use super::query::Params;
use crate::error::SandboxError;
use crate::hooks::SubresourceRequest;
use crate::store::{DeleteOutcome, ListPage, ListQuery, WriteOptions};

/// Largest request body accepted (a big ConfigMap is 1 MiB; leave room for YAML and JSON overhead).
const MAX_BODY: usize = 16 * 1024 * 1024;

/// Everything a REST handler needs about the request.
pub struct Ctx {
    pub state: ApiState,
    pub target: Target,
    pub params: Params,
    pub headers: HeaderMap,
    /// Warnings to return in `Warning` headers (e.g. unknown fields under fieldValidation=Warn).
    pub warnings: Vec<String>,
}

impl Ctx {
    /// Namespace (URL) as the store expects it.
    pub fn ns(&self) -> Option<&str> {
        self.target.namespace.as_deref()
    }

    /// The object name from the URL.
    pub fn name(&self) -> Result<&str, SandboxError> {
        self.target
            .name
            .as_deref()
            .ok_or(SandboxError::MethodNotSupported)
    }

    /// Write options from `fieldManager` (or the User-Agent, as the API server defaults it) and `dryRun`.
    pub fn write_options(&self) -> WriteOptions {
        let manager = self
            .params
            .get("fieldManager")
            .map(String::from)
            .or_else(|| {
                let ua = self
                    .headers
                    .get(header::USER_AGENT)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("unknown");
                Some(ua.split('/').next().unwrap_or("unknown").to_string())
            });
        WriteOptions {
            field_manager: manager,
            dry_run: self.params.dry_run(),
            ..WriteOptions::default()
        }
    }

    /// The stored object relabelled with the URL's version (multi-version CRDs share one storage).
    pub fn present(&self, obj: &Arc<Value>) -> Arc<Value> {
        if self.target.version == self.target.rt.version {
            return obj.clone();
        }
        let mut o = (**obj).clone();
        o["apiVersion"] = json!(self.target.rt.api_version_for(&self.target.version));
        Arc::new(o)
    }

    /// A JSON (or Table/metadata) response for one object.
    pub fn respond(&self, code: StatusCode, obj: &Arc<Value>) -> Response {
        let obj = self.present(obj);
        let body = match body::representation(&self.headers) {
            Representation::Table if code == StatusCode::OK => crate::table::table(
                &self.target.rt,
                std::slice::from_ref(&obj),
                json!({"resourceVersion": obj.pointer("/metadata/resourceVersion")}),
                &self.params,
            ),
            Representation::Metadata => partial_metadata(&obj),
            _ => (*obj).clone(),
        };
        self.with_warnings(json_response(code, &body))
    }

    /// Adds `Warning: 299 - "…"` headers.
    pub fn with_warnings(&self, mut resp: Response) -> Response {
        for w in &self.warnings {
            let text = format!("299 - \"{}\"", w.replace('"', "\\\""));
            if let Ok(v) = HeaderValue::from_str(&text) {
                resp.headers_mut().append(header::WARNING, v);
            }
        }
        resp
    }
}

fn partial_metadata(obj: &Value) -> Value {
    json!({"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": obj.get("metadata")})
}

/// Entry point for every `/api/v1/…` and `/apis/{g}/{v}/…` request.
pub async fn dispatch(State(state): State<ApiState>, req: Request) -> Response {
    match handle(state, req).await {
        Ok(resp) => resp,
        Err(err) => err.into_response(),
    }
}

async fn handle(state: ApiState, req: Request) -> Result<Response, SandboxError> {
    let target = path::parse(&state.store, req.uri().path())?;
    let params = Params::parse(req.uri().query());
    if let (Some(name), Some(sub)) = (&target.name, &target.subresource)
        && let Some(hook) = state
            .hooks
            .subresources
            .get(&(target.rt.group_resource(), sub.clone()))
            .cloned()
    {
        let sreq = SubresourceRequest {
            store: state.store.clone(),
            resource: target.rt.clone(),
            namespace: target.namespace.clone(),
            name: name.clone(),
            subresource: sub.clone(),
            request: req,
        };
        return Ok(hook(sreq).await);
    }
    if !target.rt.stored {
        return Err(SandboxError::NotFound {
            resource: String::new(),
            name: String::new(),
        });
    }
    let method = req.method().clone();
    let headers = req.headers().clone();
    let bytes = axum::body::to_bytes(req.into_body(), MAX_BODY)
        .await
        .map_err(|e| SandboxError::BadRequest(format!("reading the request body failed: {e}")))?;
    let is_watch = target.legacy_watch || params.flag("watch");
    let ctx = Ctx {
        state,
        target,
        params,
        headers,
        warnings: Vec::new(),
    };
    match (
        &method,
        ctx.target.name.is_some(),
        ctx.target.subresource.is_some(),
    ) {
        (_, true, true) => super::subresources::handle(ctx, &method, bytes).await,
        (&Method::GET, false, _) if is_watch => super::watch::serve(ctx),
        (&Method::GET, true, _) if is_watch => super::watch::serve(ctx),
        (&Method::GET, false, _) => list(&ctx),
        (&Method::GET, true, _) => get(&ctx),
        (&Method::POST, false, _) => create(ctx, &bytes),
        (&Method::PUT, true, _) => update(ctx, &bytes),
        (&Method::PATCH, true, _) => crate::patch::handle(ctx, &bytes),
        (&Method::DELETE, true, _) => delete(&ctx, &bytes),
        (&Method::DELETE, false, _) => delete_collection(&ctx, &bytes),
        _ => Err(SandboxError::MethodNotSupported),
    }
}

fn get(ctx: &Ctx) -> Result<Response, SandboxError> {
    let obj = ctx
        .state
        .store
        .get(&ctx.target.rt.group_resource(), ctx.ns(), ctx.name()?)?;
    Ok(ctx.respond(StatusCode::OK, &obj))
}

fn list(ctx: &Ctx) -> Result<Response, SandboxError> {
    let q = ListQuery {
        namespace: ctx.target.namespace.clone(),
        labels: ctx.params.labels()?,
        fields: ctx.params.fields()?,
        limit: ctx.params.number("limit")?.map(|l| l as usize),
        continue_token: ctx.params.get("continue").map(String::from),
    };
    let representation = body::representation(&ctx.headers);
    if representation == Representation::Object && ctx.target.version == ctx.target.rt.version {
        return list_as_stored(ctx, &q);
    }
    let page = ctx
        .state
        .store
        .list_page(&ctx.target.rt.group_resource(), &q)?;
    let meta = list_metadata(&page);
    let items: Vec<Arc<Value>> = page.items.iter().map(|o| ctx.present(o)).collect();
    let body = match representation {
        Representation::Table => crate::table::table(&ctx.target.rt, &items, meta, &ctx.params),
        Representation::Metadata => json!({
            "kind": "PartialObjectMetadataList", "apiVersion": "meta.k8s.io/v1", "metadata": meta,
            "items": items.iter().map(|o| partial_metadata(o)).collect::<Vec<_>>(),
        }),
        Representation::Object => {
            let list = ListBody {
                kind: format!("{}List", ctx.target.rt.kind),
                api_version: ctx.target.rt.api_version_for(&ctx.target.version),
                metadata: meta,
                items: items.iter().map(|o| &**o).collect(),
            };
            let bytes =
                serde_json::to_vec(&list).map_err(|e| SandboxError::Internal(e.to_string()))?;
            return Ok(([(header::CONTENT_TYPE, "application/json")], bytes).into_response());
        }
    };
    Ok(json_response(StatusCode::OK, &body))
}

/// `metadata` of a list response.
fn list_metadata<T>(page: &ListPage<T>) -> Value {
    let mut meta = json!({"resourceVersion": page.resource_version.to_string()});
    if let Some(c) = &page.continue_token {
        meta["continue"] = json!(c);
    }
    if let Some(n) = page.remaining_item_count {
        meta["remainingItemCount"] = json!(n);
    }
    meta
}

/// A plain JSON list whose items go out exactly as stored: their bytes are copied into the body, never
/// parsed, which keeps paging through 150 000 pods cheap.
fn list_as_stored(ctx: &Ctx, q: &ListQuery) -> Result<Response, SandboxError> {
    let page = ctx
        .state
        .store
        .list_json(&ctx.target.rt.group_resource(), q)?;
    let head = json!({
        "kind": format!("{}List", ctx.target.rt.kind),
        "apiVersion": ctx.target.rt.api_version_for(&ctx.target.version),
        "metadata": list_metadata(&page),
    });
    let mut bytes = serde_json::to_vec(&head).map_err(|e| SandboxError::Internal(e.to_string()))?;
    // Reopen the object to append `items` (the head always ends with its closing brace).
    bytes.pop();
    bytes.extend_from_slice(br#","items":["#);
    for (i, item) in page.items.iter().enumerate() {
        if i > 0 {
            bytes.push(b',');
        }
        bytes.extend_from_slice(item);
    }
    bytes.extend_from_slice(b"]}");
    Ok(([(header::CONTENT_TYPE, "application/json")], bytes).into_response())
}

/// Serialised straight from the shared objects: a 500-item page is not copied first.
#[derive(serde::Serialize)]
struct ListBody<'a> {
    kind: String,
    #[serde(rename = "apiVersion")]
    api_version: String,
    metadata: Value,
    items: Vec<&'a Value>,
}

/// Makes the body's namespace agree with the URL (fill in, or 400 on a mismatch) and checks the kind.
pub fn align_identity(ctx: &Ctx, obj: &mut Value) -> Result<(), SandboxError> {
    let rt = &ctx.target.rt;
    if let Some(kind) = obj.get("kind").and_then(Value::as_str)
        && !kind.is_empty()
        && kind != rt.kind
    {
        return Err(SandboxError::BadRequest(format!(
            "the API version in the data ({}) does not match the expected API version ({})",
            obj.get("apiVersion")
                .and_then(Value::as_str)
                .unwrap_or_default(),
            rt.api_version_for(&ctx.target.version)
        )));
    }
    let meta = crate::store::metadata_mut(obj);
    if rt.namespaced {
        let url_ns = ctx.ns().unwrap_or_default();
        match meta.get("namespace").and_then(Value::as_str) {
            Some(ns) if !ns.is_empty() && ns != url_ns => {
                return Err(SandboxError::BadRequest(
                    "the namespace of the provided object does not match the namespace sent on the request".into(),
                ));
            }
            _ => {
                meta.insert("namespace".into(), json!(url_ns));
            }
        }
    }
    if let Some(url_name) = &ctx.target.name {
        match meta.get("name").and_then(Value::as_str) {
            Some(n) if !n.is_empty() && n != url_name => {
                return Err(SandboxError::BadRequest(
                    "the name of the object does not match the name on the URL".into(),
                ));
            }
            _ => {
                meta.insert("name".into(), json!(url_name));
            }
        }
    }
    Ok(())
}

/// Strict/warn field validation, server-side defaults and semantic validation, in the API server's order.
pub fn admit(ctx: &mut Ctx, obj: &mut Value) -> Result<(), SandboxError> {
    let report = crate::openapi::check_fields(&ctx.state.store, &ctx.target.rt, obj);
    if let Some(error) = report.type_error(&ctx.target.rt, crate::store::name_of(obj)) {
        return Err(error);
    }
    let unknown = report.unknown;
    if !unknown.is_empty() {
        match ctx.params.get("fieldValidation").unwrap_or("Warn") {
            "Strict" => {
                let list: Vec<String> = unknown
                    .iter()
                    .map(|f| format!("unknown field \"{f}\""))
                    .collect();
                return Err(SandboxError::BadRequest(format!(
                    "strict decoding error: {}",
                    list.join(", ")
                )));
            }
            "Ignore" => {}
            _ => ctx
                .warnings
                .extend(unknown.iter().map(|f| format!("unknown field \"{f}\""))),
        }
    }
    crate::defaults::apply(&ctx.target.rt, obj);
    crate::validation::validate(&ctx.target.rt, obj)
}

fn create(mut ctx: Ctx, bytes: &Bytes) -> Result<Response, SandboxError> {
    let mut obj = body::decode_object(&ctx.headers, bytes)?;
    align_identity(&ctx, &mut obj)?;
    if ctx.target.rt.has_status()
        && let Some(o) = obj.as_object_mut()
    {
        // Status belongs to controllers: a create starts from the kind's initial status.
        o.remove("status");
    }
    crate::defaults::initial_status(&ctx.target.rt, &mut obj);
    admit(&mut ctx, &mut obj)?;
    let created =
        ctx.state
            .store
            .create(&ctx.target.rt.group_resource(), obj, &ctx.write_options())?;
    crate::crd::after_write(&ctx.state.store, &ctx.target.rt, &created);
    Ok(ctx.respond(StatusCode::CREATED, &created))
}

fn update(mut ctx: Ctx, bytes: &Bytes) -> Result<Response, SandboxError> {
    let mut obj = body::decode_object(&ctx.headers, bytes)?;
    align_identity(&ctx, &mut obj)?;
    admit(&mut ctx, &mut obj)?;
    let updated =
        ctx.state
            .store
            .update(&ctx.target.rt.group_resource(), obj, &ctx.write_options())?;
    crate::crd::after_write(&ctx.state.store, &ctx.target.rt, &updated);
    Ok(ctx.respond(StatusCode::OK, &updated))
}

/// Merges a `DeleteOptions` body (kubectl sends one) over the query parameters.
fn delete_options(ctx: &Ctx, bytes: &Bytes) -> Result<crate::store::DeleteOptions, SandboxError> {
    let mut opts = ctx.params.delete_options()?;
    if bytes.iter().any(|b| !b.is_ascii_whitespace()) {
        let b = body::parse_json(bytes)?;
        if let Some(p) = b.get("propagationPolicy").and_then(Value::as_str) {
            opts.propagation = crate::store::Propagation::parse(p)?;
        }
        if b.get("orphanDependents").and_then(Value::as_bool) == Some(true) {
            opts.propagation = crate::store::Propagation::Orphan;
        }
        if let Some(g) = b.get("gracePeriodSeconds").and_then(Value::as_i64) {
            opts.grace_period_seconds = Some(g);
        }
        if b.get("dryRun")
            .and_then(Value::as_array)
            .is_some_and(|d| d.iter().any(|x| x == "All"))
        {
            opts.dry_run = true;
        }
        opts.precondition_uid = b
            .pointer("/preconditions/uid")
            .and_then(Value::as_str)
            .map(String::from);
        opts.precondition_resource_version = b
            .pointer("/preconditions/resourceVersion")
            .and_then(Value::as_str)
            .map(String::from);
    }
    Ok(opts)
}

fn delete(ctx: &Ctx, bytes: &Bytes) -> Result<Response, SandboxError> {
    let opts = delete_options(ctx, bytes)?;
    let key = ctx.target.rt.group_resource();
    let outcome = ctx.state.store.delete(&key, ctx.ns(), ctx.name()?, &opts)?;
    if let DeleteOutcome::Deleted(obj) = &outcome {
        crate::crd::after_delete(&ctx.state.store, &ctx.target.rt, obj);
    }
    Ok(ctx.respond(StatusCode::OK, outcome.object()))
}

fn delete_collection(ctx: &Ctx, bytes: &Bytes) -> Result<Response, SandboxError> {
    let opts = delete_options(ctx, bytes)?;
    let key = ctx.target.rt.group_resource();
    let q = ListQuery {
        namespace: ctx.target.namespace.clone(),
        labels: ctx.params.labels()?,
        fields: ctx.params.fields()?,
        ..ListQuery::default()
    };
    let page = ctx.state.store.list_page(&key, &q)?;
    let mut items = Vec::new();
    for obj in &page.items {
        let ns = ctx
            .target
            .rt
            .namespaced
            .then(|| crate::store::namespace_of(obj));
        if let Ok(outcome) = ctx
            .state
            .store
            .delete(&key, ns, crate::store::name_of(obj), &opts)
        {
            if let DeleteOutcome::Deleted(o) = &outcome {
                crate::crd::after_delete(&ctx.state.store, &ctx.target.rt, o);
            }
            items.push(outcome.object().clone());
        }
    }
    let body = json!({
        "kind": format!("{}List", ctx.target.rt.kind),
        "apiVersion": ctx.target.rt.api_version_for(&ctx.target.version),
        "metadata": {"resourceVersion": ctx.state.store.resource_version().to_string()},
        "items": items.iter().map(|o| &**o).collect::<Vec<_>>(),
    });
    Ok(json_response(StatusCode::OK, &body))
}
