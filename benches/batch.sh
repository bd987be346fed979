#!/usr/bin/env bash
# Whole-run batch benchmarks for `placement score`, each beside a parse-only
# baseline (benches/parse_baseline.rs: read the same input, deserialize each
# intake into serde_json::Value maps, one thread) in the same run.
#
#   bash benches/batch.sh            # full run: 200,000 and 2,000,000 JSON Lines, 10,000 YAML files
#   QUICK=1 bash benches/batch.sh    # a smaller run (20,000 / 2,000) to try it out
#
# Needs GNU time (/usr/bin/time, Debian package `time`) for peak RSS.
# Results: a table on stdout; the figures in docs/performance.md come from it.
set -euo pipefail
cd "$(dirname "$0")/.."

N_JSONL=${N_JSONL:-200000}
N_BIG=${N_BIG:-2000000}
N_YAML=${N_YAML:-10000}
if [ "${QUICK:-0}" = 1 ]; then N_JSONL=20000; N_BIG=100000; N_YAML=2000; fi
DATA=${DATA:-target/bench-data}
mkdir -p "$DATA"

if [ ! -x /usr/bin/time ]; then
  echo "GNU time is needed for peak RSS: apt-get install time" >&2
  exit 2
fi

echo "building (release) ..." >&2
cargo build --release --quiet
BASELINE=$(cargo bench --bench parse_baseline --no-run --message-format=json 2>/dev/null \
  | python3 -c 'import json,sys
for l in sys.stdin:
    m = json.loads(l)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "parse_baseline" and m.get("executable"):
        print(m["executable"])' | tail -1)
BIN=target/release/placement

# Test data: synthetic, fictional intakes from the default rule set.
if [ ! -s "$DATA/intakes-$N_JSONL.jsonl" ]; then
  echo "generating $N_JSONL intakes ..." >&2
  "$BIN" sample --count "$N_JSONL" --seed 7 --format jsonl > "$DATA/intakes-$N_JSONL.jsonl"
fi
if [ ! -s "$DATA/intakes-$N_BIG.jsonl" ]; then
  echo "generating $N_BIG intakes ..." >&2
  "$BIN" sample --count "$N_BIG" --seed 8 --format jsonl > "$DATA/intakes-$N_BIG.jsonl"
fi
if [ ! -d "$DATA/yaml-$N_YAML" ] || [ "$(ls "$DATA/yaml-$N_YAML" | wc -l)" -ne "$N_YAML" ]; then
  echo "generating $N_YAML YAML files ..." >&2
  rm -rf "$DATA/yaml-$N_YAML"
  "$BIN" sample --count "$N_YAML" --seed 9 --format yaml --out "$DATA/yaml-$N_YAML"
fi

# run LABEL STDIN_FILE COMMAND... -> prints "LABEL wall_s rss_kib"
run() {
  local label=$1 input=$2; shift 2
  local t
  t=$(mktemp)
  # Warm the page cache so every run reads from memory.
  if [ "$input" != - ]; then cat "$input" > /dev/null; fi
  if [ "$input" = - ]; then
    /usr/bin/time -v -o "$t" "$@" > /dev/null 2>/dev/null
  else
    /usr/bin/time -v -o "$t" "$@" < "$input" > /dev/null 2>/dev/null
  fi
  local wall rss
  wall=$(python3 - "$t" <<'PY'
import sys
for line in open(sys.argv[1]):
    if "Elapsed (wall clock)" in line:
        v = line.rsplit(" ", 1)[1].strip()
        parts = [float(p) for p in v.split(":")]
        s = 0.0
        for p in parts:
            s = s * 60 + p
        print(f"{s:.3f}")
PY
)
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$t")
  rm -f "$t"
  echo "$label $wall $rss"
}

best() { # best of 3 by wall time
  local out best_line="" best_wall=999999
  for _ in 1 2 3; do
    out=$(run "$@")
    w=$(echo "$out" | awk '{print $2}')
    if python3 -c "import sys; sys.exit(0 if float('$w') < float('$best_wall') else 1)"; then best_wall=$w; best_line=$out; fi
  done
  echo "$best_line"
}

J="$DATA/intakes-$N_JSONL.jsonl"
B="$DATA/intakes-$N_BIG.jsonl"
Y="$DATA/yaml-$N_YAML"
results=$(mktemp)
{
  best "baseline-jsonl" "$J" "$BASELINE" jsonl
  best "score-jsonl" "$J" "$BIN" score - --format jsonl --no-summary
  best "score-csv" "$J" "$BIN" score - --format csv --no-summary
  run "big-baseline" "$B" "$BASELINE" jsonl
  run "big-jsonl" "$B" "$BIN" score - --format jsonl --no-summary
  run "big-csv" "$B" "$BIN" score - --format csv --no-summary
  best "baseline-yaml" - "$BASELINE" dir "$Y"
  best "score-yaml" - "$BIN" score "$Y" --format jsonl --no-summary
} > "$results"

ONE=$(find "$Y" -name "*.yaml" -print -quit)
single=$(python3 - "$BIN" "$ONE" <<'PY'
import subprocess, sys, time
runs = []
for _ in range(30):
    t = time.perf_counter()
    subprocess.run([sys.argv[1], "score", sys.argv[2], "--format", "json"], stdout=subprocess.DEVNULL, check=False)
    runs.append(time.perf_counter() - t)
runs.sort()
print(f"{runs[len(runs)//2]*1000:.2f}")
PY
)

python3 - "$results" "$N_JSONL" "$N_BIG" "$N_YAML" "$single" <<'PY'
import sys
rows = {}
for line in open(sys.argv[1]):
    label, wall, rss = line.split()
    rows[label] = (float(wall), int(rss))
n, big, ny, single = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
def line(label, count, base):
    wall, rss = rows[label]
    rate = count / wall if wall > 0 else float("inf")
    ratio = wall / rows[base][0] if base else None
    r = f"{ratio:.2f}" if ratio is not None else "-"
    print(f"| {label:<15} | {count:>9} | {wall:>8.3f} | {rate:>12,.0f} | {r:>17} | {rss/1024:>8.1f} |")
print("| run             |   intakes |   wall s | intakes/s    | ratio to baseline | RSS MiB  |")
print("|-----------------|-----------|----------|--------------|-------------------|----------|")
line("baseline-jsonl", n, None)
line("score-jsonl", n, "baseline-jsonl")
line("score-csv", n, "baseline-jsonl")
line("big-baseline", big, None)
line("big-jsonl", big, "big-baseline")
line("big-csv", big, "big-baseline")
line("baseline-yaml", ny, None)
line("score-yaml", ny, "baseline-yaml")
print(f"\none intake (placement score one.yaml, median of 30 runs): {single:.2f} ms")
ok = True
def check(cond, what):
    global ok
    print(("PASS " if cond else "FAIL ") + what)
    ok = ok and cond
check(n / rows["score-jsonl"][0] >= 100_000, "JSON Lines >= 100,000 intakes/s")
check(rows["score-jsonl"][0] <= 0.65 * rows["baseline-jsonl"][0], "JSON Lines wall <= 0.65 x baseline")
check(ny / rows["score-yaml"][0] >= 10_000, "YAML folder >= 10,000 files/s")
for k in ("score-jsonl", "score-csv", "big-jsonl", "big-csv"):
    check(rows[k][1] < 64 * 1024, f"{k} peak RSS < 64 MiB")
check(single < 10.0, "one intake < 10 ms")
PY
rm -f "$results"
