//! Query-string parameters of REST calls.

use crate::error::SandboxError;
use crate::selectors::{FieldSelector, LabelSelector};
use crate::store::{DeleteOptions, Propagation};

/// Decoded query pairs (kept as a list: `command=` repeats for exec).
#[derive(Debug, Clone, Default)]
pub struct Params(pub Vec<(String, String)>);

impl Params {
    /// Parses a raw query string.
    pub fn parse(raw: Option<&str>) -> Self {
        Self(
            form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
                .into_owned()
                .collect(),
        )
    }

    /// First value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// `key=true|1` (absent → false).
    pub fn flag(&self, key: &str) -> bool {
        matches!(self.get(key), Some("true" | "1" | "True"))
    }

    /// `dryRun=All`.
    pub fn dry_run(&self) -> bool {
        self.0.iter().any(|(k, v)| k == "dryRun" && v == "All")
    }

    /// `labelSelector`.
    pub fn labels(&self) -> Result<LabelSelector, SandboxError> {
        LabelSelector::parse(self.get("labelSelector").unwrap_or_default())
    }

    /// `fieldSelector`.
    pub fn fields(&self) -> Result<FieldSelector, SandboxError> {
        FieldSelector::parse(self.get("fieldSelector").unwrap_or_default())
    }

    /// An unsigned integer parameter.
    pub fn number(&self, key: &str) -> Result<Option<u64>, SandboxError> {
        self.get(key)
            .filter(|v| !v.is_empty())
            .map(|v| {
                v.parse::<u64>()
                    .map_err(|_| SandboxError::BadRequest(format!("invalid {key}: {v}")))
            })
            .transpose()
    }

    /// Delete options from the query (a body, if any, is merged by the caller).
    pub fn delete_options(&self) -> Result<DeleteOptions, SandboxError> {
        let mut opts = DeleteOptions {
            dry_run: self.dry_run(),
            ..DeleteOptions::default()
        };
        if let Some(p) = self.get("propagationPolicy") {
            opts.propagation = Propagation::parse(p)?;
        }
        if self.get("orphanDependents") == Some("true") {
            opts.propagation = Propagation::Orphan;
        }
        if let Some(g) = self.get("gracePeriodSeconds") {
            opts.grace_period_seconds = g.parse().ok();
        }
        Ok(opts)
    }
}
