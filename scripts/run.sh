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
# The embedded PostgreSQL runs as an unprivileged user when started by root, and that user must
# reach the data folder: a clone under /root (mode 0700) cannot hold it, so use /var/lib then.
if [ -z "${CAPSTAN_DATA_DIR:-}" ]; then
  CAPSTAN_DATA_DIR="$ROOT/.capstan"
  pg_user=capstan; id "$pg_user" >/dev/null 2>&1 || pg_user=postgres
  if [ "$(id -u)" = 0 ] && id "$pg_user" >/dev/null 2>&1 \
     && ! runuser -u "$pg_user" -- test -x "$ROOT" 2>/dev/null; then
    CAPSTAN_DATA_DIR=/var/lib/capstan
  fi
  export CAPSTAN_DATA_DIR
fi
exec "$CARGO_TARGET_DIR/release/capstan" --log-format "${CAPSTAN_LOG_FORMAT:-pretty}" "$@"
