#!/usr/bin/env bash
# Installs what sieve needs on Debian 12 and is idempotent: the clang/wasi toolchain that compiles
# candidates to wasm32-wasi, PostgreSQL's server binaries (sieve starts its own cluster), and
# Chromium (the dashboard's browser tests drive it headless).
# Uses sudo only when not root; installs nothing that is already there.
set -euo pipefail

packages=(clang lld llvm-14 wasi-libc libc++-dev-wasm32 libc++abi-14-dev-wasm32 libclang-rt-dev-wasm32 g++ util-linux curl chromium fonts-dejavu-core)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Any PostgreSQL server version will do; install Debian's default only when none is present.
if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null && ! command -v initdb >/dev/null; then
  missing+=(postgresql)
fi

if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "setup: installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

command -v cargo >/dev/null || { echo "setup: Rust (cargo) is required: https://rustup.rs" >&2; exit 1; }
