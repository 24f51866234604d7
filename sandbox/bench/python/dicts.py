# Dictionaries and strings: counting keys made of digits.
import sys

n = int(sys.stdin.readline())
counts = {}
for i in range(n):
    key = str(i * 7919 % 100003)
    counts[key] = counts.get(key, 0) + 1
best = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
print(len(counts), best[0], best[1])
