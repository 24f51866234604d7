#!/usr/bin/env bash
# Sets up the machine, builds sieve, and runs the whole test suite against real PostgreSQL
# (a private cluster under target/sieve-test, stopped at the end) and the real wasm toolchain.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

export SQLX_OFFLINE=true          # queries are checked against the committed .sqlx/
export CARGO_TERM_COLOR=never
export CARGO_INCREMENTAL=0        # a one-off build: incremental state only costs disk (1.7 GB) and time

cargo fmt --all -- --check
# One build of the workspace: clippy runs as the compiler of sieve's own crates during the release
# build (dependencies are compiled once, by rustc), and its warnings fail it as
# `cargo clippy -- -D warnings` would; the tests then reuse every artifact.
RUSTC_WORKSPACE_WRAPPER="$(rustup which clippy-driver 2>/dev/null || command -v clippy-driver)"
export RUSTC_WORKSPACE_WRAPPER
export RUSTFLAGS="${RUSTFLAGS:-} -D warnings"
cargo build --release --workspace --all-targets --locked

# Where cargo puts its output (CARGO_TARGET_DIR, relative to here, or ./target).
target_dir="${CARGO_TARGET_DIR:-target}"
stop_cluster() { "$target_dir/release/sieve" db stop --data-dir "$target_dir/sieve-test" >/dev/null 2>&1 || true; }
trap stop_cluster EXIT
cargo test --release --workspace --locked -- --test-threads 2
