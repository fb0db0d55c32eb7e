//! Start-up scenarios: the small demo cluster, and clusters at scale inserted in bulk.

pub mod demo;
pub mod nodes;
pub mod scale;
pub mod shop;

use crate::SandboxError;
use crate::hooks::Scenario;
use crate::store::Store;

/// Seeds `scenario` into `store`.
pub fn apply(store: &Store, scenario: &Scenario) -> Result<(), SandboxError> {
    match scenario {
        Scenario::Empty => {}
        Scenario::Demo => demo::apply(store),
        Scenario::Scale { nodes, pods } => scale::apply(store, *nodes, *pods),
    }
    Ok(())
}
