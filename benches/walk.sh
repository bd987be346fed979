#!/usr/bin/env bash
# Folder walks (docs/performance.md, "Folder walks"): `placement score` on a
# folder with 40,000 subfolders, and on a chain of folders 3,000 deep.
# Usage: bash benches/walk.sh   (BIN=path/to/placement to use another build)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-target/release/placement}
[ -x "$BIN" ] || cargo build --release --locked
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
INTAKE=$PWD/examples/intakes/01-outpatient-alcohol.yaml
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# 40,000 empty subfolders side by side, one intake in the last.
mkdir "$T/wide"
(cd "$T/wide" && seq -f '%05g' 0 39999 | xargs mkdir)
cp "$INTAKE" "$T/wide/39999/"

# 3,000 folders one inside the other, an intake at depth 1,000. Made in
# one process with relative paths: the full path passes Linux's PATH_MAX
# (4,096 bytes) near depth 2,040, and a shell loop forking at that depth
# takes minutes.
mkdir "$T/deep"
python3 - "$T/deep" "$INTAKE" <<'PY'
import os, shutil, sys
os.chdir(sys.argv[1])
for i in range(1, 3001):
    os.mkdir("d")
    os.chdir("d")
    if i == 1000:
        shutil.copy(sys.argv[2], ".")
PY

TIMEFORMAT='%R s'
for tree in wide deep; do
  for run in 1 2 3; do
    echo -n "$tree, run $run: "
    { time "$BIN" score --format jsonl "$T/$tree" > "$T/out.jsonl" 2> /dev/null || true; } 2>&1 | tr -d '\n'
    echo ", $(wc -l < "$T/out.jsonl") record(s), codes: $(grep -o '"code":"[a-z-]*"' "$T/out.jsonl" | tr '\n' ' ')"
  done
done
