//! Addresses of the resource browser's pages, so every page links to objects the same way.
//!
//! An object lives at `/clusters/{id}/resources/{kind}/{namespace}/{name}`; cluster-scoped kinds
//! use `-` for the namespace (never a valid namespace name, so the two cannot clash).

/// The namespace segment of cluster-scoped objects.
pub const CLUSTER_SCOPE: &str = "-";

/// The list of `kind` in `cluster`.
pub fn list_href(cluster: &str, kind: &str) -> String {
    format!("/clusters/{cluster}/resources/{kind}")
}

/// The detail page of one object.
pub fn object_href(cluster: &str, kind: &str, namespace: Option<&str>, name: &str) -> String {
    let ns = namespace.filter(|n| !n.is_empty()).unwrap_or(CLUSTER_SCOPE);
    format!("/clusters/{cluster}/resources/{kind}/{ns}/{name}")
}

/// The YAML view/editor of one object.
pub fn yaml_href(cluster: &str, kind: &str, namespace: Option<&str>, name: &str) -> String {
    format!("{}/yaml", object_href(cluster, kind, namespace, name))
}

/// The page that creates objects from YAML: `kind` preselects a template and `namespace` is
/// the default for documents that name none.
pub fn create_href(cluster: &str, kind: &str, namespace: Option<&str>) -> String {
    let mut href = format!("/clusters/{cluster}/create?kind={kind}");
    if let Some(ns) = namespace {
        href.push_str("&ns=");
        href.push_str(ns);
    }
    href
}

/// The namespace of a route's namespace segment (None for cluster-scoped objects).
pub fn namespace_of(segment: &str) -> Option<String> {
    (segment != CLUSTER_SCOPE && !segment.is_empty()).then(|| segment.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaced_and_cluster_scoped_objects_have_distinct_addresses() {
        assert_eq!(
            object_href("c1", "pods", Some("shop"), "web-0"),
            "/clusters/c1/resources/pods/shop/web-0"
        );
        assert_eq!(
            yaml_href("c1", "nodes", None, "node-1"),
            "/clusters/c1/resources/nodes/-/node-1/yaml"
        );
        assert_eq!(
            create_href("c1", "deployments.apps", Some("shop")),
            "/clusters/c1/create?kind=deployments.apps&ns=shop"
        );
        assert_eq!(namespace_of("-"), None);
        assert_eq!(namespace_of("shop").as_deref(), Some("shop"));
    }
}
