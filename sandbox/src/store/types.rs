//! Resource types: what the store can hold and how discovery describes it.

use std::fmt;

/// Identifies a resource type independent of version: `("apps", "deployments")`, `("", "pods")`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GroupResource {
    /// API group, empty for the core (`v1`) group.
    pub group: String,
    /// Plural resource name as used in URLs, e.g. `pods`.
    pub resource: String,
}

impl GroupResource {
    /// Builds a key from group and plural.
    pub fn new(group: impl Into<String>, resource: impl Into<String>) -> Self {
        Self {
            group: group.into(),
            resource: resource.into(),
        }
    }

    /// Core-group shorthand: `GroupResource::core("pods")`.
    pub fn core(resource: impl Into<String>) -> Self {
        Self::new("", resource)
    }
}

impl fmt::Display for GroupResource {
    /// `pods` or `deployments.apps`: the form the API server uses in error messages.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.group.is_empty() {
            write!(f, "{}", self.resource)
        } else {
            write!(f, "{}.{}", self.resource, self.group)
        }
    }
}

/// One `additionalPrinterColumns` entry (CRDs) or a built-in column definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrinterColumn {
    /// Column header, e.g. `Ready`.
    pub name: String,
    /// Table column type: `string`, `integer`, `number`, `boolean`, `date`.
    pub type_: String,
    /// JSONPath into the object, e.g. `.spec.replicas` (CRDs only; built-ins compute cells in code).
    pub json_path: String,
    /// Column priority: 0 is shown by default, higher only with `-o wide`.
    pub priority: i64,
    /// Description shown in the Table's column definitions.
    pub description: String,
}

/// Everything the sandbox knows about one resource type.
#[derive(Debug, Clone)]
pub struct ResourceType {
    /// API group, empty for core.
    pub group: String,
    /// The storage (and preferred) version, e.g. `v1`.
    pub version: String,
    /// All served versions, preferred first. Objects are stored once and relabelled per version.
    pub versions: Vec<String>,
    /// Plural name, e.g. `deployments`.
    pub plural: String,
    /// Singular name, e.g. `deployment`.
    pub singular: String,
    /// Kind, e.g. `Deployment`.
    pub kind: String,
    /// Whether objects live in namespaces.
    pub namespaced: bool,
    /// Short names for kubectl, e.g. `deploy`.
    pub short_names: Vec<String>,
    /// Categories for kubectl, e.g. `all`.
    pub categories: Vec<String>,
    /// Verbs advertised in discovery.
    pub verbs: Vec<String>,
    /// Subresources advertised in discovery (`status`, `scale`, `log`, `exec`, `eviction`, `proxy`, …).
    pub subresources: Vec<String>,
    /// Printer columns for CRDs (built-in kinds have their columns in `table.rs`).
    pub printer_columns: Vec<PrinterColumn>,
    /// False for resources served by a hook rather than by the store (e.g. metrics.k8s.io): discovery lists
    /// them, the generic REST handlers do not serve them.
    pub stored: bool,
}

/// The verbs of an ordinary read-write resource.
pub const ALL_VERBS: [&str; 8] = [
    "create",
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "update",
    "watch",
];

impl ResourceType {
    /// A stored, read-write resource type with all verbs and no subresources; refine with the builder methods.
    pub fn new(group: &str, version: &str, plural: &str, kind: &str, namespaced: bool) -> Self {
        Self {
            group: group.into(),
            version: version.into(),
            versions: vec![version.into()],
            plural: plural.into(),
            singular: kind.to_ascii_lowercase(),
            kind: kind.into(),
            namespaced,
            short_names: Vec::new(),
            categories: Vec::new(),
            verbs: ALL_VERBS.iter().map(|v| v.to_string()).collect(),
            subresources: Vec::new(),
            printer_columns: Vec::new(),
            stored: true,
        }
    }

    /// Adds short names.
    pub fn short(mut self, names: &[&str]) -> Self {
        self.short_names.extend(names.iter().map(|s| s.to_string()));
        self
    }

    /// Adds categories (e.g. `all`).
    pub fn categories(mut self, cats: &[&str]) -> Self {
        self.categories.extend(cats.iter().map(|s| s.to_string()));
        self
    }

    /// Adds subresources.
    pub fn with_subresources(mut self, subs: &[&str]) -> Self {
        self.subresources.extend(subs.iter().map(|s| s.to_string()));
        self
    }

    /// Replaces the verbs.
    pub fn verbs(mut self, verbs: &[&str]) -> Self {
        self.verbs = verbs.iter().map(|s| s.to_string()).collect();
        self
    }

    /// The version-independent key.
    pub fn group_resource(&self) -> GroupResource {
        GroupResource::new(self.group.clone(), self.plural.clone())
    }

    /// `apiVersion` for a version: `v1` or `apps/v1`.
    pub fn api_version_for(&self, version: &str) -> String {
        if self.group.is_empty() {
            version.to_string()
        } else {
            format!("{}/{}", self.group, version)
        }
    }

    /// `apiVersion` of the storage version.
    pub fn api_version(&self) -> String {
        self.api_version_for(&self.version)
    }

    /// Whether the type has a `status` subresource (then writes to the main resource ignore status).
    pub fn has_status(&self) -> bool {
        self.subresources.iter().any(|s| s == "status")
    }

    /// Whether `version` is served for this type.
    pub fn serves(&self, version: &str) -> bool {
        self.versions.iter().any(|v| v == version)
    }

    /// `Deployment.apps`: the qualified kind used in 422 messages.
    pub fn qualified_kind(&self) -> String {
        if self.group.is_empty() {
            self.kind.clone()
        } else {
            format!("{}.{}", self.kind, self.group)
        }
    }
}
