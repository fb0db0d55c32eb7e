//! The sandbox cluster: a loopback server speaking the Kubernetes HTTP API (issue 4), so kubectl, kube-rs
//! and the Python client work against it unchanged.
//!
//! Embed it with [`start`]:
//! ```no_run
//! # async fn demo() -> Result<(), sandbox::SandboxError> {
//! let sandbox = sandbox::start(sandbox::SandboxConfig::default()).await?;
//! println!("{}", sandbox.kubeconfig_yaml());
//! sandbox.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! Layout: [`store`] is the object store (the etcd and generic registry); [`api`] the HTTP routes; the
//! modules beside it hold one concern each (selectors, patches, apply, tables, OpenAPI, TLS, protobuf,
//! defaults, validation, CRDs, faults). `behaviour/` (controllers, scheduler, kubelet) plugs in through
//! [`hooks`].

pub mod api;
pub mod apply;
pub mod behaviour;
pub mod crd;
pub mod defaults;
pub mod error;
pub mod faults;
pub mod hooks;
pub mod kubeconfig;
pub mod managed;
pub mod openapi;
pub mod patch;
pub mod protobuf;
pub mod selectors;
pub mod server;
pub mod store;
pub mod strategic;
pub mod table;
pub mod tls;
pub mod validation;

pub use error::{Cause, SandboxError};
pub use faults::Faults;
pub use hooks::{Hooks, Scenario};
pub use server::{SandboxConfig, SandboxHandle, start};
pub use store::Store;
