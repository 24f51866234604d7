#!/usr/bin/env python3
"""Kattis input validator for Divisor Sums: input on stdin, flags (e.g. maxN=1000) as arguments.
Exit 42 if valid, 43 otherwise."""
import re
import sys

flags = dict(a.split("=", 1) for a in sys.argv[1:] if "=" in a)
max_n = int(flags.get("maxN", 10**12))
data = sys.stdin.buffer.read().decode("ascii")
m = re.fullmatch(r"([1-9][0-9]*)\n", data)
if not m or not (1 <= int(m.group(1)) <= max_n):
    sys.exit(43)
sys.exit(42)
