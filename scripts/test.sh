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
cargo clippy --release --workspace --all-targets --locked -- -D warnings
cargo build --release --workspace --all-targets --locked

stop_cluster() { target/release/sieve db stop --data-dir target/sieve-test >/dev/null 2>&1 || true; }
trap stop_cluster EXIT
cargo test --release --workspace --locked -- --test-threads 2
