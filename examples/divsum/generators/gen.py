#!/usr/bin/env python3
"""Test data generator for Divisor Sums (deterministic).

Writes data/sample and data/secret/group{1,2,3} (.in files, testdata.yaml), makes later groups include
some earlier tests as relative symlinks (Kattis style), validates every input with
input_validators/validate.py, and produces every .ans with the reference solution
submissions/accepted/sqrt_blocks.cpp compiled natively (g++ -O2). Also cross-checks the answers of all
n <= 10^6 against a direct Python computation.

Run from anywhere:  python3 examples/divsum/generators/gen.py
"""
import os
import random
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "data")
REF = os.path.join(ROOT, "submissions", "accepted", "sqrt_blocks.cpp")
VALIDATOR = os.path.join(ROOT, "input_validators", "validate.py")

GROUPS = {  # name: (points, validator flags)
    "group1": (20, "maxN=1000"),
    "group2": (30, "maxN=10000000"),
    "group3": (50, ""),
}


def tests():
    rng = random.Random(20240611)
    g1 = [1, 2, 3, 10, 99, 100, 720, 1000]  # 100: perfect square
    g2 = [1001, 4096, 99991, 10**6, 2**22 + 1, rng.randint(5 * 10**6, 9 * 10**6), 9999991, 10**7]
    g3 = [
        10**7 + 1,
        2**31 - 1,  # still fits in int
        2**31,  # does not fit in int
        2**32 + 1,
        (10**6 - 1) ** 2,  # perfect square
        rng.randint(10**11, 10**12),
        2**39,
        10**12 - 1,
        10**12,  # perfect square, maximum
    ]
    return {"group1": g1, "group2": g2, "group3": g3}


SHARED = {  # later group -> earlier tests it includes (as symlinks)
    "group2": [("group1", 0), ("group1", 7)],
    "group3": [("group1", 1), ("group1", 5), ("group2", 3), ("group2", 7)],
}


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def main():
    # clean old test files (keep testdata.yaml files of sample/secret roots)
    for g in GROUPS:
        d = os.path.join(DATA, "secret", g)
        os.makedirs(d, exist_ok=True)
        for name in os.listdir(d):
            os.unlink(os.path.join(d, name))
    for name in os.listdir(os.path.join(DATA, "sample")):
        if name.endswith((".in", ".ans")):
            os.unlink(os.path.join(DATA, "sample", name))

    write(os.path.join(DATA, "sample", "1.in"), "5\n")
    write(os.path.join(DATA, "sample", "2.in"), "12\n")

    names = {}
    for g, ns in tests().items():
        pts, flags = GROUPS[g]
        lines = ["on_reject: break", f"accept_score: {pts}", f"range: 0 {pts}", "grader_flags: min"]
        if flags:
            lines.append(f"input_validator_flags: {flags}")
        write(os.path.join(DATA, "secret", g, "testdata.yaml"), "\n".join(lines) + "\n")
        names[g] = []
        for i, n in enumerate(ns, 1):
            stem = f"{g[-1]}{i:02d}-n{n}"
            names[g].append(stem)
            write(os.path.join(DATA, "secret", g, stem + ".in"), f"{n}\n")
            rc = subprocess.run([sys.executable, VALIDATOR] + flags.split(), input=f"{n}\n".encode()).returncode
            assert rc == 42, (g, n, rc)
    for g, refs in SHARED.items():
        for src_g, idx in refs:
            stem = names[src_g][idx]
            for ext in (".in", ".ans"):
                os.symlink(os.path.join("..", src_g, stem + ext), os.path.join(DATA, "secret", g, stem + ext))

    with tempfile.TemporaryDirectory() as tmp:
        exe = os.path.join(tmp, "ref")
        subprocess.run(["g++", "-O2", "-std=c++17", "-o", exe, REF], check=True)
        for d in [os.path.join(DATA, "sample")] + [os.path.join(DATA, "secret", g) for g in GROUPS]:
            for name in sorted(os.listdir(d)):
                p = os.path.join(d, name)
                if not name.endswith(".in") or os.path.islink(p):
                    continue
                with open(p) as f:
                    n = int(f.read())
                out = subprocess.run([exe], input=f"{n}\n", capture_output=True, text=True, check=True).stdout
                if n <= 10**6:  # independent cross-check
                    assert int(out) == sum(n // i for i in range(1, n + 1)), (n, out)
                write(p[:-3] + ".ans", out)
    print("ok")


if __name__ == "__main__":
    main()
