#!/usr/bin/env bash
# Browser benchmark of live lists: change in the cluster → row updated in Chromium, and scrolling
# 1 000 live rows (end2end/bench/live-latency.mjs). Needs the release build (`cargo leptos build
# --release`). BENCH_RATE (changes/s, default 1000) and BENCH_SECONDS (default 10) tune it.
set -euo pipefail
cd "$(dirname "$0")/.."
exec bash scripts/e2e.sh --node bench/live-latency.mjs
