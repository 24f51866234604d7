#!/usr/bin/env python3
"""Judge a C/C++ source natively against a problem directory and print its score.

A cross-check for sieve's wasm judging: compiles with the host g++/gcc, runs every test with a CPU-time
limit, an address-space (memory) limit and an output-size limit, compares whitespace-separated tokens
(the Kattis default output validator / CSES exact-token checker), and scores like Kattis:

  * Kattis package (problem.yaml + data/sample + data/secret/<group>/ with testdata.yaml):
    a group scores its `accept_score` only if every test in it is accepted (grader_flags: min);
    total = sum over secret groups (samples score 0). A test shared by several groups (symlink) is run
    once and its result reused. Git "symlink stubs" (a text file holding the link target, as left by a
    checkout without symlink support) are followed too.
  * CSES-style directory (tests/N.in + tests/N.out): all-or-nothing, 100 if every test passes.

Limits: --tl / --ml override; otherwise problem.yaml `limits: time_limit` (s) and `limits: memory` (MB);
otherwise 1 s and 1024 MB. The stack limit is set to the memory limit (as most judges do).

Usage:
  judge_native.py PROBLEM_DIR SOURCE [--tl SEC] [--ml MB] [--measure] [--quiet] [--json]

  --measure  run every test even after a group already failed, and let slow runs continue up to
             --cap seconds so the real CPU time is reported (verdicts still use --tl).
  --quiet    print only the total score.
Exit status 0 when judging worked (whatever the score), 2 on usage/setup errors.
"""
import argparse
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time


def read_yaml(path):
    """Tiny YAML reader for problem.yaml/testdata.yaml (PyYAML if present, else key: value lines)."""
    try:
        import yaml  # type: ignore

        with open(path) as f:
            return yaml.safe_load(f) or {}
    except ImportError:
        pass
    out, stack = {}, [(-1, None)]
    with open(path) as f:
        for raw in f:
            line = raw.split("#", 1)[0].rstrip()
            if not line.strip():
                continue
            indent = len(line) - len(line.lstrip())
            key, _, val = line.strip().partition(":")
            while stack and stack[-1][0] >= indent:
                stack.pop()
            parent = out
            for _, k in stack[1:]:
                parent = parent.setdefault(k, {})
            val = val.strip()
            if val == "":
                stack.append((indent, key))
                parent.setdefault(key, {})
            else:
                try:
                    val = int(val)
                except ValueError:
                    try:
                        val = float(val)
                    except ValueError:
                        pass
                parent[key] = val
    return out


def natural_key(s):
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", s)]


def resolve_stub(path):
    """Follows real symlinks and git "symlink stubs": when a repository with symlinks is checked out
    without symlink support (core.symlinks=false, some copies/archives), each link becomes a small text
    file whose whole content is the relative target path (e.g. ../../secret/group1/001-g1-01.in)."""
    for _ in range(8):
        path = os.path.realpath(path)
        try:
            if os.path.getsize(path) > 1024:
                return path
            with open(path, "rb") as f:
                text = f.read().decode("utf-8", "replace").strip()
        except OSError:
            return path
        if not text or any(ch.isspace() for ch in text) or not re.search(r"\.(in|ans|out)$", text):
            return path
        target = os.path.join(os.path.dirname(path), text)
        if not os.path.isfile(target):
            return path
        path = target
    return os.path.realpath(path)


def tests_in(d, ans_ext):
    res = []
    for name in sorted(os.listdir(d), key=natural_key):
        if name.endswith(".in"):
            stem = name[:-3]
            ans = os.path.join(d, stem + ans_ext)
            if os.path.exists(ans):
                res.append((stem, resolve_stub(os.path.join(d, name)), resolve_stub(ans)))
    return res


def load_problem(pdir):
    """Returns (groups, limits) where groups = [(name, points, is_sample, [(stem, in, ans)])]."""
    limits = {}
    py = os.path.join(pdir, "problem.yaml")
    if os.path.exists(py):
        lim = (read_yaml(py) or {}).get("limits") or {}
        if isinstance(lim, dict):
            if "time_limit" in lim:
                limits["tl"] = float(lim["time_limit"])
            if "memory" in lim:
                limits["ml"] = int(lim["memory"])
    groups = []
    data = os.path.join(pdir, "data")
    if os.path.isdir(os.path.join(data, "secret")):
        sample = os.path.join(data, "sample")
        if os.path.isdir(sample):
            groups.append(("sample", 0, True, tests_in(sample, ".ans")))
        secret = os.path.join(data, "secret")
        subdirs = sorted(
            (d for d in os.listdir(secret) if os.path.isdir(os.path.join(secret, d))), key=natural_key
        )
        for d in subdirs:
            gdir = os.path.join(secret, d)
            td = os.path.join(gdir, "testdata.yaml")
            cfg = read_yaml(td) if os.path.exists(td) else {}
            pts = cfg.get("accept_score", 0)
            groups.append(("secret/" + d, float(pts), False, tests_in(gdir, ".ans")))
        direct = tests_in(secret, ".ans")
        if direct:
            td = os.path.join(secret, "testdata.yaml")
            cfg = read_yaml(td) if os.path.exists(td) else {}
            pts = cfg.get("accept_score", 100 if not subdirs else 0)
            groups.append(("secret", float(pts), False, direct))
    elif os.path.isdir(os.path.join(pdir, "tests")):
        groups.append(("all", 100.0, False, tests_in(os.path.join(pdir, "tests"), ".out")))
    else:
        raise SystemExit(f"{pdir}: neither data/secret (Kattis) nor tests/ (CSES) found")
    return groups, limits


def compile_source(src, workdir):
    exe = os.path.join(workdir, "prog")
    if src.endswith(".c"):
        cmd = ["gcc", "-O2", "-std=c17", "-o", exe, src, "-lm"]
    else:
        cmd = ["g++", "-O2", "-std=c++17", "-o", exe, src]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        return None, p.stderr
    return exe, ""


def run_one(exe, inp, tl, ml_mb, cap, out_limit_mb=64):
    """Runs exe < inp. Returns dict(verdict_hint, cpu, wall, rc, sig, out_path, maxrss_mb)."""
    out = tempfile.NamedTemporaryFile(prefix="jn_out_", delete=False)
    out.close()
    hard_cpu = max(cap, tl) + 1.0

    def limits():
        mem = ml_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
        resource.setrlimit(resource.RLIMIT_STACK, (mem, mem))
        c = int(hard_cpu) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (c, c + 1))
        fs = out_limit_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_FSIZE, (fs, fs))
        os.setsid()

    with open(inp, "rb") as fin, open(out.name, "wb") as fout:
        t0 = time.monotonic()
        p = subprocess.Popen([exe], stdin=fin, stdout=fout, stderr=subprocess.DEVNULL, preexec_fn=limits)
        killed = False
        while True:
            pid, status, ru = os.wait4(p.pid, os.WNOHANG)
            if pid != 0:
                break
            if time.monotonic() - t0 > hard_cpu * 2 + 2:  # wall safety net (machine may be loaded)
                try:
                    os.killpg(p.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                killed = True
                pid, status, ru = os.wait4(p.pid, 0)
                break
            time.sleep(0.005)
        wall = time.monotonic() - t0
        p.returncode = 0  # reaped by wait4 above; keep Popen from waiting again
    cpu = ru.ru_utime + ru.ru_stime
    sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else 0
    rc = os.WEXITSTATUS(status) if os.WIFEXITED(status) else -sig
    return dict(cpu=cpu, wall=wall, rc=rc, sig=sig, killed=killed, out=out.name, maxrss_mb=ru.ru_maxrss / 1024)


def tokens(path):
    with open(path, "rb") as f:
        return f.read().split()


def judge_test(exe, inp, ans, tl, ml, cap):
    r = run_one(exe, inp, tl, ml, cap)
    try:
        if r["killed"] or r["sig"] in (signal.SIGXCPU, signal.SIGKILL) and r["cpu"] >= tl or r["cpu"] > tl:
            v = "TLE"
        elif r["sig"] == signal.SIGXFSZ:
            v = "OLE"
        elif r["sig"] or r["rc"] != 0:
            v = "RE"
        elif tokens(r["out"]) != tokens(ans):
            v = "WA"
        else:
            v = "AC"
    finally:
        os.unlink(r["out"])
    r["verdict"] = v
    return r


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("problem")
    ap.add_argument("source")
    ap.add_argument("--tl", type=float, help="time limit in seconds (CPU)")
    ap.add_argument("--ml", type=int, help="memory limit in MB (address space)")
    ap.add_argument("--measure", action="store_true", help="run all tests, measure real CPU time up to --cap")
    ap.add_argument("--cap", type=float, default=None, help="CPU seconds after which a run is killed")
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()

    groups, lim = load_problem(a.problem)
    tl = a.tl if a.tl is not None else lim.get("tl", 1.0)
    ml = a.ml if a.ml is not None else lim.get("ml", 1024)
    cap = a.cap if a.cap is not None else (max(10 * tl, 10.0) if a.measure else tl * 1.5)

    work = tempfile.mkdtemp(prefix="judge_native_")
    try:
        exe, err = compile_source(os.path.abspath(a.source), work)
        report = {"source": a.source, "problem": a.problem, "tl": tl, "ml": ml, "groups": [], "total": 0.0}
        if exe is None:
            report["compile_error"] = err[-2000:]
            if a.json:
                print(json.dumps(report))
            elif a.quiet:
                print(0)
            else:
                print(f"CE\n{err[-2000:]}\nTOTAL 0")
            return 0
        cache = {}
        total = 0.0
        max_cpu_all = 0.0
        for name, pts, is_sample, tests in groups:
            ok = True
            first_fail = None
            max_cpu = 0.0
            ran = 0
            for stem, inp, ans in tests:
                key = os.path.realpath(inp)
                if key not in cache:
                    if not ok and not a.measure:
                        break  # on_reject: break
                    cache[key] = judge_test(exe, inp, ans, tl, ml, cap)
                r = cache[key]
                ran += 1
                max_cpu = max(max_cpu, r["cpu"])
                if r["verdict"] != "AC":
                    if ok:
                        first_fail = (stem, r["verdict"], r["cpu"])
                    ok = False
                    if not a.measure:
                        break
            got = pts if ok and tests else 0.0
            if not is_sample:
                total += got
            max_cpu_all = max(max_cpu_all, max_cpu)
            g = dict(group=name, points=pts, score=got, passed=ok, tests=len(tests), ran=ran, max_cpu=round(max_cpu, 3))
            if first_fail:
                g["first_fail"] = dict(test=first_fail[0], verdict=first_fail[1], cpu=round(first_fail[2], 3))
            report["groups"].append(g)
            if not a.quiet and not a.json:
                status = "AC" if ok else f"{first_fail[1]} on {first_fail[0]} (cpu {first_fail[2]:.2f}s)"
                print(f"{name:<16} {got:>5g}/{pts:<5g} {status:<48} tests {ran}/{len(tests)}  max cpu {max_cpu:.2f}s")
        report["total"] = total
        report["max_cpu"] = round(max_cpu_all, 3)
        if a.json:
            print(json.dumps(report))
        elif a.quiet:
            print(f"{total:g}")
        else:
            print(f"TOTAL {total:g}   (tl {tl:g}s, ml {ml} MB, max cpu {max_cpu_all:.2f}s)")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
