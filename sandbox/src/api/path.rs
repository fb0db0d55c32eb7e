//! Turns a REST path into the resource it names:
//! `[/namespaces/{ns}]/{plural}[/{name}[/{subresource}[/{rest…}]]]` after `/api/v1` or `/apis/{g}/{v}`.

use crate::error::SandboxError;
use crate::store::{ResourceType, Store};

/// The resource a request addresses.
#[derive(Debug, Clone)]
pub struct Target {
    /// The resource type.
    pub rt: ResourceType,
    /// The API version in the URL (may differ from the storage version for multi-version CRDs).
    pub version: String,
    /// Namespace from the URL.
    pub namespace: Option<String>,
    /// Object name.
    pub name: Option<String>,
    /// Subresource (`status`, `scale`, `log`, …).
    pub subresource: Option<String>,
    /// Path after the subresource (`proxy/some/path`).
    pub rest: String,
    /// The deprecated `/watch/` path prefix was used.
    pub legacy_watch: bool,
}

/// `(group, version, remainder)` of an `/api/v1/…` or `/apis/{g}/{v}/…` path.
pub fn split_prefix(path: &str) -> Option<(String, String, String)> {
    if let Some(rest) = path.strip_prefix("/api/v1/") {
        return Some((String::new(), "v1".into(), rest.to_string()));
    }
    let rest = path.strip_prefix("/apis/")?;
    let mut parts = rest.splitn(3, '/');
    let group = parts.next()?.to_string();
    let version = parts.next()?.to_string();
    Some((group, version, parts.next().unwrap_or_default().to_string()))
}

fn unknown() -> SandboxError {
    SandboxError::NotFound {
        resource: String::new(),
        name: String::new(),
    }
}

/// Resolves a path against the registered types.
pub fn parse(store: &Store, path: &str) -> Result<Target, SandboxError> {
    let (group, version, rest) = split_prefix(path).ok_or_else(unknown)?;
    let mut segs: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    let legacy_watch = segs.first() == Some(&"watch");
    if legacy_watch {
        segs.remove(0);
    }
    let mut namespace = None;
    if segs.first() == Some(&"namespaces")
        && segs.len() >= 3
        && store.resolve(&group, &version, segs[2]).is_some()
    {
        namespace = Some(segs[1].to_string());
        segs.drain(..2);
    }
    let plural = segs.first().ok_or_else(unknown)?;
    let rt = store
        .resolve(&group, &version, plural)
        .ok_or_else(unknown)?;
    if rt.namespaced != namespace.is_some() && segs.len() > 1 {
        return Err(unknown());
    }
    Ok(Target {
        rt,
        version,
        namespace,
        name: segs.get(1).map(|s| s.to_string()),
        subresource: segs.get(2).map(|s| s.to_string()),
        rest: segs.get(3..).map(|r| r.join("/")).unwrap_or_default(),
        legacy_watch,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    type Parsed = (String, Option<String>, Option<String>, Option<String>);

    fn target(path: &str) -> Option<Parsed> {
        let store = Store::new();
        parse(&store, path)
            .ok()
            .map(|t| (t.rt.plural, t.namespace, t.name, t.subresource))
    }

    #[test]
    fn namespaced_and_cluster_paths_resolve() {
        let s = |x: &str| Some(x.to_string());
        assert_eq!(
            target("/api/v1/namespaces/default/pods"),
            Some(("pods".into(), s("default"), None, None))
        );
        assert_eq!(
            target("/api/v1/namespaces/default/pods/web/log"),
            Some(("pods".into(), s("default"), s("web"), s("log")))
        );
        assert_eq!(
            target("/api/v1/namespaces/default"),
            Some(("namespaces".into(), None, s("default"), None))
        );
        assert_eq!(
            target("/api/v1/namespaces/shop/status"),
            Some(("namespaces".into(), None, s("shop"), s("status")))
        );
        assert_eq!(
            target("/api/v1/pods"),
            Some(("pods".into(), None, None, None))
        );
        assert_eq!(
            target("/apis/apps/v1/namespaces/a/deployments/d/scale"),
            Some(("deployments".into(), s("a"), s("d"), s("scale")))
        );
        assert_eq!(target("/apis/apps/v1/nothings"), None);
    }
}
