#!/usr/bin/env bash
# Refreshes .sqlx/ (the offline query metadata) from a migrated database on the private cluster.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -p sieve-cli --locked
target_dir="${CARGO_TARGET_DIR:-target}"
sieve="$target_dir/release/sieve"
url=$("$sieve" db url --data-dir "$target_dir/sqlx-prepare")
# `sieve db url` only creates the database; apply the migrations through a short serve-less run.
DATABASE_URL="$url" "$sieve" db migrate
rm -rf .sqlx && mkdir .sqlx
touch crates/store/src/lib.rs
DATABASE_URL="$url" SQLX_OFFLINE_DIR="$PWD/.sqlx" cargo build --release --workspace --all-targets
"$sieve" db stop --data-dir "$target_dir/sqlx-prepare"
echo "refreshed $(ls .sqlx | wc -l) queries in .sqlx/"
