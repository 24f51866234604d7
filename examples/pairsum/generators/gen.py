#!/usr/bin/env python3
"""Test data generator for Pair Sums (deterministic).

Writes data/sample and data/secret/group{1,2,3} (.in + testdata.yaml), links some earlier tests into
later groups as relative symlinks (Kattis style), validates each input with input_validators/validate.py,
computes every answer twice -- with a Python reference (sort + two pointers) and with
submissions/accepted/sort_two_pointers.cpp compiled natively -- and writes the .ans files.

Most tests choose X = a_p + a_q for some p != q (exact ties, so "< X" instead of "<= X" fails), and the
big groups contain answers above 2^31 (int counters overflow) and |X| > 2^31 (X does not fit in int).

Run from anywhere:  python3 examples/pairsum/generators/gen.py
"""
import os
import random
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "data")
REF = os.path.join(ROOT, "submissions", "accepted", "sort_two_pointers.cpp")
VALIDATOR = os.path.join(ROOT, "input_validators", "validate.py")
MASK = 2**64 - 1

GROUPS = {"group1": (20, "maxN=2000 maxM=1000000"), "group2": (30, "maxM=1000000"), "group3": (50, "")}


def sequence(n, m, s):
    a = []
    for _ in range(n):
        s = (s * 6364136223846793005 + 1442695040888963407) & MASK
        a.append((s >> 33) % (2 * m + 1) - m)
    return a


def count_pairs(a, x):
    b = sorted(a)
    i, j, cnt = 0, len(b) - 1, 0
    while i < j:
        if b[i] + b[j] <= x:
            cnt += j - i
            i += 1
        else:
            j -= 1
    return cnt


def tie_x(n, m, s, q1, q2):
    """X = b[i] + b[j] for the sorted sequence b, i != j at quantiles q1, q2 (an exact tie)."""
    b = sorted(sequence(n, m, s))
    i = min(n - 1, int(q1 * n))
    j = min(n - 1, int(q2 * n))
    if i == j:
        j = i - 1 if i > 0 else i + 1
    return b[i] + b[j]


def specs():
    rng = random.Random(424242)
    seed = lambda: rng.randrange(2**64)
    g1, g2, g3 = [], [], []
    # group 1: n <= 2000, M <= 1e6
    g1.append((1, 0, 5, seed()))
    s = seed(); g1.append((2, tie_x(2, 7, s, 0, 1), 7, s))
    s = seed(); g1.append((10, tie_x(10, 3, s, 0.3, 0.6), 3, s))
    s = seed(); g1.append((2000, tie_x(2000, 10**6, s, 0.5, 0.5), 10**6, s))
    s = seed(); g1.append((2000, -2 * 10**6, 10**6, s))
    s = seed(); g1.append((2000, 2 * 10**6, 10**6, s))
    s = seed(); g1.append((1500, 0, 1, s))
    s = seed(); g1.append((1999, tie_x(1999, 999999, s, 0.1, 0.2), 999999, s))
    # group 2: M <= 1e6, n up to 2e5 (answers above 2^31)
    s = seed(); g2.append((200000, tie_x(200000, 10**6, s, 0.5, 0.5), 10**6, s))
    s = seed(); g2.append((200000, 2 * 10**6, 10**6, s))
    s = seed(); g2.append((200000, 0, 1, s))
    s = seed(); g2.append((199999, tie_x(199999, 10**6, s, 0.0, 0.001), 10**6, s))
    s = seed(); g2.append((123456, tie_x(123456, 500000, s, 0.7, 0.8), 500000, s))
    s = seed(); g2.append((200000, tie_x(200000, 10**6, s, 0.9, 0.95), 10**6, s))
    s = seed(); g2.append((100000, 3, 10, s))
    s = seed(); g2.append((65536, tie_x(65536, 2, s, 0.5, 0.6), 2, s))
    # group 3: M up to 1.5e9, |X| up to 3e9
    B = 1500000000
    s = seed(); g3.append((200000, tie_x(200000, B, s, 0.9, 0.95), B, s))  # X > 2^31
    s = seed(); g3.append((200000, 3 * 10**9, B, s))  # every pair
    s = seed(); g3.append((200000, -3 * 10**9, B, s))  # no pair
    s = seed(); g3.append((200000, tie_x(200000, B, s, 0.02, 0.05), B, s))  # X < -2^31
    s = seed(); g3.append((200000, tie_x(200000, 10**9, s, 0.5, 0.5), 10**9, s))
    s = seed(); g3.append((200000, 0, B, s))
    s = seed(); g3.append((1000, tie_x(1000, B, s, 0.99, 0.999), B, s))
    g3.append((200000, tie_x(200000, B, MASK, 0.6, 0.7), B, MASK))  # S = 2^64 - 1
    s = seed(); g3.append((2, tie_x(2, B, s, 0, 1), B, s))
    return {"group1": g1, "group2": g2, "group3": g3}


SHARED = {"group2": [("group1", 3), ("group1", 5)], "group3": [("group1", 2), ("group1", 6), ("group2", 0), ("group2", 1)]}


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def main():
    for g in GROUPS:
        d = os.path.join(DATA, "secret", g)
        os.makedirs(d, exist_ok=True)
        for name in os.listdir(d):
            os.unlink(os.path.join(d, name))
    for name in os.listdir(os.path.join(DATA, "sample")):
        if name.endswith((".in", ".ans")):
            os.unlink(os.path.join(DATA, "sample", name))
    expected = {}
    samples = [(5, 0, 9, 2), (6, -1, 10**9, 123456789)]
    for i, t in enumerate(samples, 1):
        p = os.path.join(DATA, "sample", f"{i}.in")
        write(p, " ".join(map(str, t)) + "\n")
        expected[p] = count_pairs(sequence(t[0], t[2], t[3]), t[1])
    names = {}
    for g, ts in specs().items():
        pts, flags = GROUPS[g]
        lines = ["on_reject: break", f"accept_score: {pts}", f"range: 0 {pts}", "grader_flags: min"]
        if flags:
            lines.append(f"input_validator_flags: {flags}")
        write(os.path.join(DATA, "secret", g, "testdata.yaml"), "\n".join(lines) + "\n")
        names[g] = []
        for i, (n, x, m, s) in enumerate(ts, 1):
            stem = f"{g[-1]}{i:02d}-n{n}-m{m}"
            names[g].append(stem)
            text = f"{n} {x} {m} {s}\n"
            p = os.path.join(DATA, "secret", g, stem + ".in")
            write(p, text)
            rc = subprocess.run([sys.executable, VALIDATOR] + flags.split(), input=text.encode()).returncode
            assert rc == 42, (g, stem, rc)
            expected[p] = count_pairs(sequence(n, m, s), x)
    for g, refs in SHARED.items():
        for src_g, idx in refs:
            stem = names[src_g][idx]
            for ext in (".in", ".ans"):
                os.symlink(os.path.join("..", src_g, stem + ext), os.path.join(DATA, "secret", g, stem + ext))
    with tempfile.TemporaryDirectory() as tmp:
        exe = os.path.join(tmp, "ref")
        subprocess.run(["g++", "-O2", "-std=c++17", "-o", exe, REF], check=True)
        for p, want in sorted(expected.items()):
            with open(p) as f:
                out = subprocess.run([exe], stdin=f, capture_output=True, text=True, check=True).stdout
            assert int(out) == want, (p, out, want)
            write(p[:-3] + ".ans", out)
    big = [p for p, v in expected.items() if v > 2**31 - 1]
    print(f"ok: {len(expected)} tests, {len(big)} with answers > 2^31-1")


if __name__ == "__main__":
    main()
