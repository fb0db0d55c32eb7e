#!/usr/bin/env bash
# Command 2: every test. Set-up, formatting and lints, Rust unit and integration tests (against
# a real PostgreSQL and the sandbox cluster), then the browser stories on desktop and phone.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
source scripts/env.sh
step() { printf '\n\033[1;34m[test] %s\033[0m\n' "$*"; }
t0=$(date +%s)

step "set-up"
bash scripts/setup.sh

step "format and lints"
cargo fmt --all --check
cargo clippy --workspace --all-targets --exclude frontend --features app/ssr -- -D warnings
cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

step "Rust tests"
cargo test --workspace --exclude frontend --features app/ssr

step "release build (server + optimised WASM)"
cargo leptos build --release
# The e2e stories start their own extra sandbox clusters to import.
cargo build --release -p sandbox --bin capstan-sandbox
bash scripts/wasm-size.sh

step "browser tests (Playwright, Debian's Chromium)"
bash scripts/e2e.sh

echo
echo "[test] all passed in $(( $(date +%s) - t0 )) s"
