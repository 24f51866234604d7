#!/usr/bin/env python3
"""Posts every bundled example candidate to a running sieve service, follows the judging over
server-sent events, and prints each candidate's points on the hidden tests next to the score its
expected.tsv gives. Standard library only."""
import json
import sys
import urllib.request
from pathlib import Path

base = sys.argv[1].rstrip("/")


def call(method, path, body=None, ctype="application/json"):
    req = urllib.request.Request(base + path, data=body, method=method,
                                 headers={"content-type": ctype} if body is not None else {})
    with urllib.request.urlopen(req) as resp:
        return json.load(resp)


problems = {p["slug"]: p["id"] for p in call("GET", "/v1/problems")["problems"]}
rows = []
for problem_dir in sorted(Path("examples").iterdir()):
    table = problem_dir / "submissions" / "expected.tsv"
    if not table.exists() or problem_dir.name not in problems:
        continue
    pid = problems[problem_dir.name]
    lines, expected = [], []
    for line in table.read_text().splitlines()[1:]:
        file, score = line.split("\t")[:2]
        lang = "c" if file.endswith(".c") else "cpp"
        source = (problem_dir / "submissions" / file).read_text()
        lines.append(json.dumps({"source": source, "language": lang,
                                 "idempotency_key": f"demo/{file}", "tags": {"file": file}}))
        expected.append((file, score))
    posted = call("POST", f"/v1/problems/{pid}/candidates?judge=public,generated,hidden",
                  "\n".join(lines).encode(), "application/x-ndjson")["candidates"]
    with urllib.request.urlopen(base + f"/v1/problems/{pid}/events") as events:
        for raw in events:
            line = raw.decode().strip()
            if line.startswith("data:"):
                progress = json.loads(line[5:])
                if progress["done"] and progress["built"] >= len(posted):
                    break
    for (file, score), c in zip(expected, posted):
        view = call("GET", f"/v1/candidates/{c['id']}")
        got = view["points"].get("hidden")
        shown = "CE" if view["build"] and not view["build"]["ok"] else f"{got:g}" if got is not None else "-"
        rows.append((problem_dir.name, file, score, shown))

print(f"{'problem':<10} {'candidate':<48} {'expected':>9} {'sieve':>9}")
for r in rows:
    print(f"{r[0]:<10} {r[1]:<48} {r[2]:>9} {r[3]:>9}")

# What the dashboard shows next to the judging: one selection per problem, and the contest
# replayed at several K with the published strategies, random and the oracle.
contest = next((c for c in call("GET", "/v1/contests")["contests"] if c["name"] == "examples"), None)
if contest:
    for pid in contest["problems"]:
        call("POST", f"/v1/problems/{pid}/selections",
             json.dumps({"strategy": "sieve", "k": 5}).encode())
    print()
    print(f"{'K':>3} {'strategy':<10} {'mean points':>12} {'oracle':>8}")
    for k in (1, 2, 5, 10):
        sim = call("POST", f"/v1/contests/{contest['id']}/simulations", json.dumps({
            "strategies": ["random", "filter", "alphacode", "o1ioi", "sieve"], "k": k,
            "seeds": 20}).encode())
        report = call("GET", f"/v1/simulations/{sim['id']}")["report"]
        oracle = sum(p["oracle"] for p in report["problems"])
        names = [s["strategy"] for s in report["problems"][0]["strategies"]] if report["problems"] else []
        for name in names:
            total = sum(s["mean"] for p in report["problems"] for s in p["strategies"] if s["strategy"] == name)
            print(f"{k:>3} {name:<10} {total:>12.1f} {oracle:>8.1f}")
    print(f"\ndashboard: {base}/contests/{contest['id']}")
