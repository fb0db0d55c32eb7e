//! Coverage-guided fuzzing of the kubeconfig reader: any bytes a user could paste or upload
//! must give contexts or an error, never a panic, a hang or unbounded memory.
//!
//! `cargo +nightly fuzz run kubeconfig --fuzz-dir backend/fuzz -- -max_total_time=300`
//! (cargo-fuzz: `cargo install cargo-fuzz`). The stable property tests in
//! `backend/tests/kubeconfig_fuzz.rs` cover the same entry points in the test command.

#![no_main]

use backend::clusters::kubeconfig::{credentials_from_kubeconfig, list_contexts};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(contexts) = list_contexts(&text) {
        for context in &contexts {
            let _ = credentials_from_kubeconfig(&text, Some(&context.name));
        }
    }
    let _ = credentials_from_kubeconfig(&text, None);
});
