#!/usr/bin/env python3
"""Kattis input validator for Pair Sums: input on stdin, flags maxN=.. maxM=.. as arguments.
Exit 42 if valid, 43 otherwise."""
import re
import sys

flags = dict(a.split("=", 1) for a in sys.argv[1:] if "=" in a)
max_n = int(flags.get("maxN", 200000))
max_m = int(flags.get("maxM", 1500000000))
data = sys.stdin.buffer.read().decode("ascii")
m = re.fullmatch(r"(0|[1-9][0-9]*) (0|-?[1-9][0-9]*) (0|[1-9][0-9]*) (0|[1-9][0-9]*)\n", data)
if not m:
    sys.exit(43)
n, x, mm, s = map(int, m.groups())
ok = 1 <= n <= min(max_n, 200000) and abs(x) <= 3 * 10**9 and 1 <= mm <= min(max_m, 1500000000) and 0 <= s < 2**64
sys.exit(42 if ok else 43)
