#!/usr/bin/env bash
# Print the size of the release WASM bundle, raw and gzipped (the goal is <= 600 KB gzipped).
set -euo pipefail
source "$(dirname "$0")/env.sh"
wasm="$LEPTOS_SITE_ROOT/pkg/capstan.wasm"
[ -f "$wasm" ] || wasm="$(ls "$LEPTOS_SITE_ROOT"/pkg/*.wasm | head -1)"
raw=$(stat -c %s "$wasm")
gz=$(gzip -9 -c "$wasm" | wc -c)
printf '[wasm] %s: %d KB raw, %d KB gzip (goal <= 600 KB gzip)\n' "$(basename "$wasm")" $((raw/1024)) $((gz/1024))
