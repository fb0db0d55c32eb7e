#!/usr/bin/env bash
# Start the release server on a spare port with a throw-away data folder and a known admin
# password, run the Playwright stories (or, with --node, a benchmark script) against it, and
# stop it again.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
source scripts/env.sh
PORT="${CAPSTAN_E2E_PORT:-3217}"
DATA="$(mktemp -d "${TMPDIR:-/tmp}/capstan-e2e.XXXXXX")"
# mktemp makes it 0700; the embedded PostgreSQL runs as an unprivileged user and must reach it.
chmod 0755 "$DATA"
LOG="$DATA/server.log"
export CAPSTAN_ADMIN_PASSWORD="e2e-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export CAPSTAN_ADMIN_USER=admin
export CAPSTAN_URL="http://127.0.0.1:$PORT"
# The embedded sandbox's kubeconfig, which the cluster stories import as a second cluster.
export CAPSTAN_E2E_SANDBOX_KUBECONFIG="$DATA/sandbox/kubeconfig"
# The stories start and stop sandbox clusters of their own with this binary.
export CAPSTAN_SANDBOX_BIN="$CARGO_TARGET_DIR/release/capstan-sandbox"
# A short health cycle, so a stopped cluster turns unavailable within a story's time.
LEPTOS_ENV=PROD "$CARGO_TARGET_DIR/release/capstan" --addr "127.0.0.1:$PORT" --data-dir "$DATA" \
  --health-interval 5 >"$LOG" 2>&1 &
SERVER=$!
export CAPSTAN_E2E_SERVER_PID=$SERVER
cleanup() { kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; rm -rf "$DATA"; }
trap cleanup EXIT
for _ in $(seq 1 120); do
  curl -fsS "$CAPSTAN_URL/readyz" >/dev/null 2>&1 && break
  kill -0 "$SERVER" 2>/dev/null || { echo "server exited during start-up:"; cat "$LOG"; exit 1; }
  sleep 0.5
done
curl -fsS "$CAPSTAN_URL/readyz" >/dev/null || { echo "server not ready after 60 s:"; cat "$LOG"; exit 1; }
cd end2end
# `--node FILE`: run a Node script (a browser benchmark) against the same server instead.
if [ "${1:-}" = "--node" ]; then
  shift
  node "$@"
  exit 0
fi
# The output is kept so that, on failure, the failed stories are printed last (after the
# server log), where a CI summary that shows only the tail still names them.
OUT="$DATA/playwright.out"
if ! npx playwright test "$@" 2>&1 | tee "$OUT"; then
  echo "--- server log: warnings and errors (last 40) ---"; grep -v '"level":"INFO"' "$LOG" | tail -n 40 || true
  echo "--- failed stories ---"
  grep -E '✘|^\s+[0-9]+\) |Error:|expect\(|Timeout|failed|flaky' "$OUT" | tail -n 40
  exit 1
fi
