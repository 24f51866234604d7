#!/usr/bin/env bash
# Sets up the machine, builds sieve, starts the service with its own PostgreSQL (in .sieve/),
# runs sieve on the bundled examples and prints where the service is. The service keeps running
# until Ctrl-C; with --exit the script stops it after the run instead.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo build --release --locked -p sieve-cli
# Where cargo puts its output (CARGO_TARGET_DIR, relative to here, or ./target).
sieve="${CARGO_TARGET_DIR:-target}/release/sieve"
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

# Import the examples into the service's database, as one contest (a second run finds them).
for problem in examples/*/; do
  [ -f "$problem/problem.yaml" ] || continue
  "$sieve" import kattis "$problem" --contest examples 2>/dev/null | grep -E "^imported" \
    || echo "$(basename "$problem"): already imported"
done
# Generated tests for Pair Sums' first subtask, kept when both validators accept them (the
# strategies cluster candidates on them; a second run adds no duplicates).
"$sieve" tests generate pairsum --generator examples/pairsum/generators/random.cpp \
  --validator examples/pairsum/input_validators/group1.c \
  --validator examples/pairsum/input_validators/group1_tokens.cpp --count 12 --subtask group1 \
  | tail -1
# And for Guess the Number's second subtask: no answers needed, the interactor judges them.
"$sieve" tests generate guess --generator examples/guess/generators/random.cpp \
  --validator examples/guess/input_validators/guess.c --count 12 --subtask group2 | tail -1

# Post every bundled candidate to the service, follow the judging over server-sent events, and
# compare each one's points on the hidden tests with the score its expected.tsv gives; then a
# selection per problem and the contest replayed at several K. The last line is the dashboard.
echo "sieve is up at ${url} (health: ${url}healthz; log: $log)"
echo
python3 scripts/demo_judge.py "$url"
if [ "${1:-}" = "--exit" ]; then exit 0; fi
echo "(the service keeps running for the dashboard; Ctrl-C stops it)" >&2
wait "$server"
