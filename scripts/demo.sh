#!/usr/bin/env bash
# Sets up the machine, builds sieve, starts the service with its own PostgreSQL (in .sieve/),
# runs sieve on the bundled examples and prints where the service is. The service keeps running
# until Ctrl-C; with --exit the script stops it after the run instead.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo build --release --locked -p sieve-cli
sieve=target/release/sieve
addr="${SIEVE_ADDR:-127.0.0.1:8080}"

log=.sieve/serve.log
mkdir -p .sieve
# Local mode, explicitly: one user on loopback, no API keys (see `sieve keys create` otherwise).
"$sieve" serve --local --addr "$addr" >"$log" 2>&1 &
server=$!
stop() { kill -TERM "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; }
trap stop EXIT INT TERM
for _ in $(seq 1 120); do
  grep -q "sieve is serving on" "$log" && break
  kill -0 "$server" 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 0.5
done
url=$(grep -o "http://[^ ]*" "$log" | head -1)
curl -fsS "${url}readyz" >/dev/null

# Import the examples into the service's database (a second run finds them there).
for problem in examples/*/; do
  "$sieve" import kattis "$problem" 2>/dev/null | grep -E "^imported" \
    || echo "$(basename "$problem"): already imported"
done

# Judge every bundled candidate of the examples against its problem.
echo
printf "%-10s %-48s %9s %9s\n" problem candidate expected sieve
for problem in examples/*/; do
  name=$(basename "$problem")
  while IFS=$'\t' read -r file expected _; do
    [ "$file" = file ] && continue
    got=$("$sieve" judge --problem "$problem" --source "$problem/submissions/$file" 2>/dev/null \
      | sed -n 's/^total \([0-9.]*\) .*/\1/p')
    printf "%-10s %-48s %9s %9s\n" "$name" "$file" "$expected" "${got:-CE}"
  done < "$problem/submissions/expected.tsv"
done

echo
echo "sieve is up at ${url} (health: ${url}healthz; log: $log)"
if [ "${1:-}" = "--exit" ]; then exit 0; fi
echo "Press Ctrl-C to stop."
wait "$server"
