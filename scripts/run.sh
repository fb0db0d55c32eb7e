#!/usr/bin/env bash
# Command 1: set up what is missing, build, and run the console with its embedded PostgreSQL
# (and the sandbox cluster). Flags are passed to the server, e.g. `--addr 127.0.0.1:8080`.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
source scripts/env.sh
bash scripts/setup.sh
echo "[run] building (release; the first build takes a while, later ones are incremental)"
cargo leptos build --release
export LEPTOS_ENV=PROD
exec "$CARGO_TARGET_DIR/release/capstan" --log-format "${CAPSTAN_LOG_FORMAT:-pretty}" "$@"
