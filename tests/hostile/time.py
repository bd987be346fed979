"""Times every case of the hostile corpus (tests/hostile/expected.tsv), one
process per case, as docs/security.md reports it. Run from the repository
root after `cargo build`:  python3 tests/hostile/time.py [BINARY]"""
import os
import subprocess
import sys
import time

root = os.path.dirname(os.path.abspath(__file__))
binary = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "target/debug/placement")
times = []
for line in open(os.path.join(root, "expected.tsv")):
    if line.startswith("#") or not line.strip():
        continue
    path, how = line.split("\t")[:2]
    if how == "score":
        args = [binary, "score", "--format", "jsonl", path]
    else:
        args = [binary, "rules", "check", path, "--format", "json"]
    start = time.perf_counter()
    code = subprocess.run(args, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
    times.append((time.perf_counter() - start, path))
    if code not in (0, 1, 2):
        sys.exit(f"{path}: exit {code}")
times.sort()
print(
    f"{len(times)} cases; total {sum(t for t, _ in times):.2f} s; "
    f"median {times[len(times) // 2][0] * 1000:.1f} ms; "
    f"slowest {times[-1][1]} {times[-1][0] * 1000:.0f} ms"
)
