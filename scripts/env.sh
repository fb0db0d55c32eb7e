# Shared environment for the run and test scripts: caches live outside the clone so that
# rebuilds after a fresh clone are incremental.
CAPSTAN_CACHE="${CAPSTAN_CACHE:-$HOME/.cache/capstan}"
export CAPSTAN_CACHE
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$CAPSTAN_CACHE/target}"
export PATH="$CAPSTAN_CACHE/tools/bin:$HOME/.cargo/bin:$PATH"
# Incremental caches grow without bound across fresh clones and CI runs; full rebuilds of our
# own crates are quick enough.
export CARGO_INCREMENTAL=0
export npm_config_cache="${npm_config_cache:-$CAPSTAN_CACHE/npm}"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
# The site (WASM, JS, CSS) cargo-leptos writes and the server serves.
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-$CARGO_TARGET_DIR/site}"
export LEPTOS_OUTPUT_NAME=capstan
export LEPTOS_SITE_PKG_DIR=pkg
# wasm-opt keeps the 3.7 MB name section unless told to strip it (it halves the gzip size).
export LEPTOS_WASM_OPT_FEATURES="-Oz,--enable-bulk-memory,--enable-nontrapping-float-to-int,--strip-debug,--strip-producers"
