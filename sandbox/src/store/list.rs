//! Lists with selectors and `limit`/`continue` paging.
//!
//! A continue token records the key of the last object returned and the resourceVersion of the first page;
//! the next page is a range query starting after that key, so paging through 150 000 pods never re-scans
//! what was already returned. Later pages show current data (the API server would serve the first page's
//! snapshot) but report the first page's resourceVersion, so a watch started from it misses nothing.

use std::ops::Bound;
use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use bytes::Bytes;
use serde_json::{Value, json};

use super::stored::Stored;
use super::{GroupResource, ObjectKey, Store, Table};
use crate::error::SandboxError;
use crate::selectors::{FieldSelector, LabelSelector};

/// A list request.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    /// Only objects in this namespace (`None`: all namespaces, or a cluster-scoped type).
    pub namespace: Option<String>,
    /// `labelSelector`.
    pub labels: LabelSelector,
    /// `fieldSelector`.
    pub fields: FieldSelector,
    /// `limit` (0 or `None`: everything).
    pub limit: Option<usize>,
    /// `continue` token from the previous page.
    pub continue_token: Option<String>,
}

/// One page of a list: parsed objects, or their JSON bytes for the REST API (see [`Store::list_json`]).
#[derive(Debug, Clone)]
pub struct ListPage<T = Arc<Value>> {
    /// The objects, ordered by namespace then name.
    pub items: Vec<T>,
    /// `metadata.resourceVersion` of the list.
    pub resource_version: u64,
    /// `metadata.continue`, when more items remain.
    pub continue_token: Option<String>,
    /// `metadata.remainingItemCount`: only without selectors, as upstream.
    pub remaining_item_count: Option<u64>,
}

/// Iterates a table in key order, restricted to one namespace when given.
pub(crate) fn scan<'a>(
    table: &'a Table,
    namespace: Option<&'a str>,
) -> Box<dyn Iterator<Item = (&'a ObjectKey, &'a Stored)> + 'a> {
    scan_from(table, namespace, Bound::Unbounded)
}

fn scan_from<'a>(
    table: &'a Table,
    namespace: Option<&'a str>,
    after: Bound<ObjectKey>,
) -> Box<dyn Iterator<Item = (&'a ObjectKey, &'a Stored)> + 'a> {
    match namespace {
        Some(ns) => {
            let start = match after {
                Bound::Unbounded => Bound::Included((ns.to_string(), String::new())),
                other => other,
            };
            Box::new(
                table
                    .objects
                    .range((start, Bound::Unbounded))
                    .take_while(move |(k, _)| k.0 == ns),
            )
        }
        None => Box::new(table.objects.range((after, Bound::Unbounded))),
    }
}

/// `n` counts the items returned so far, so `remainingItemCount` needs no scan.
fn encode_token(rv: u64, last: &ObjectKey, n: u64) -> String {
    URL_SAFE_NO_PAD.encode(json!({"rv": rv, "ns": last.0, "name": last.1, "n": n}).to_string())
}

fn token_count(token: &str) -> u64 {
    URL_SAFE_NO_PAD
        .decode(token.trim_end_matches('='))
        .ok()
        .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
        .and_then(|v| v.get("n").and_then(Value::as_u64))
        .unwrap_or(0)
}

fn decode_token(token: &str) -> Result<(u64, ObjectKey), SandboxError> {
    let bad = || SandboxError::BadRequest("continue key is not valid".into());
    let bytes = URL_SAFE_NO_PAD
        .decode(token.trim_end_matches('='))
        .map_err(|_| bad())?;
    let v: Value = serde_json::from_slice(&bytes).map_err(|_| bad())?;
    let rv = v.get("rv").and_then(Value::as_u64).ok_or_else(bad)?;
    let ns = v.get("ns").and_then(Value::as_str).ok_or_else(bad)?;
    let name = v.get("name").and_then(Value::as_str).ok_or_else(bad)?;
    Ok((rv, (ns.to_string(), name.to_string())))
}

impl Store {
    /// A page of objects matching the query. Unknown types give 404.
    pub fn list_page(&self, key: &GroupResource, q: &ListQuery) -> Result<ListPage, SandboxError> {
        self.page(key, q, Stored::value)
    }

    /// Like [`Store::list_page`] but each item is the object's JSON as stored: a list response can
    /// copy it straight into the body without building a tree.
    pub fn list_json(
        &self,
        key: &GroupResource,
        q: &ListQuery,
    ) -> Result<ListPage<Bytes>, SandboxError> {
        self.page(key, q, |o| o.json().clone())
    }

    fn page<T>(
        &self,
        key: &GroupResource,
        q: &ListQuery,
        item: impl Fn(&Stored) -> T,
    ) -> Result<ListPage<T>, SandboxError> {
        let st = self.read();
        let table = st
            .tables
            .get(key)
            .ok_or_else(|| SandboxError::not_found(key.to_string(), ""))?;
        let (rv, after) = match q.continue_token.as_deref().filter(|t| !t.is_empty()) {
            Some(token) => {
                let (rv, last) = decode_token(token)?;
                (rv, Bound::Excluded(last))
            }
            None => (st.rv, Bound::Unbounded),
        };
        let ns = q.namespace.as_deref();
        let limit = q.limit.filter(|l| *l > 0).unwrap_or(usize::MAX);
        let filtered = !q.labels.is_empty() || !q.fields.requirements.is_empty();

        // metadata.name=x needs no scan at all.
        if let (Some(name), Some(ns)) = (q.fields.exact_name(), ns) {
            let items = table
                .objects
                .get(&(ns.to_string(), name.to_string()))
                .filter(|o| o.matches(&(ns.to_string(), name.to_string()), &q.labels, &q.fields))
                .map(&item)
                .into_iter()
                .collect();
            return Ok(ListPage {
                items,
                resource_version: rv,
                continue_token: None,
                remaining_item_count: None,
            });
        }

        let matching =
            scan_from(table, ns, after).filter(|(k, o)| o.matches(k, &q.labels, &q.fields));
        let mut items = Vec::new();
        let mut last_key = None;
        let mut more_after = false;
        for (k, o) in matching {
            if items.len() == limit {
                more_after = true;
                break;
            }
            items.push(item(o));
            last_key = Some(k.clone());
        }
        let (continue_token, remaining_item_count) = match (more_after, last_key) {
            (true, Some(k)) => {
                let returned =
                    q.continue_token.as_deref().map_or(0, token_count) + items.len() as u64;
                let remaining = (!filtered).then(|| {
                    let in_scope = match ns {
                        None => table.objects.len() as u64,
                        Some(_) => scan(table, ns).count() as u64,
                    };
                    in_scope.saturating_sub(returned)
                });
                (Some(encode_token(rv, &k, returned)), remaining)
            }
            _ => (None, None),
        };
        Ok(ListPage {
            items,
            resource_version: rv,
            continue_token,
            remaining_item_count,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continue_tokens_round_trip() {
        let key = ("ns".to_string(), "pod-1".to_string());
        let token = encode_token(42, &key, 500);
        assert_eq!(decode_token(&token).ok(), Some((42, key)));
        assert_eq!(token_count(&token), 500);
        assert!(decode_token("not a token").is_err());
    }
}
