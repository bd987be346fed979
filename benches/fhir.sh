#!/usr/bin/env bash
# Batch scoring of FHIR QuestionnaireResponses against native intakes, as
# JSON Lines on standard input: the same fictional intakes both ways
# (`placement sample`, then `placement convert --to fhir`). Prints intakes
# per second for each, and PASS when responses are scored at least half as
# fast per intake as native intakes (docs/performance.md). Each figure is
# the best of ROUNDS runs (5), native and responses taking turns.
#
#   bash benches/fhir.sh            # 100,000 intakes
#   QUICK=1 bash benches/fhir.sh    # 10,000
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-100000}
[ -n "${QUICK:-}" ] && N=10000
cargo build --release --quiet --bin placement
BIN=target/release/placement
DATA=target/bench-data
mkdir -p "$DATA"
NATIVE="$DATA/fhir-native-$N.jsonl"
FHIR="$DATA/fhir-responses-$N.jsonl"
[ -s "$NATIVE" ] || "$BIN" sample --count "$N" --seed 7 > "$NATIVE"
[ -s "$FHIR" ] || "$BIN" convert - --to fhir < "$NATIVE" > "$FHIR"

# Best wall time of ROUNDS runs each, native and responses taking turns, so
# that the machine's drift from one minute to the next touches both alike.
ROUNDS=${ROUNDS:-5}
once() { # wall time of one run, in seconds
  local s e
  s=$(date +%s.%N)
  "$BIN" score - --format jsonl < "$1" > /dev/null || [ $? -eq 1 ]
  e=$(date +%s.%N)
  echo "$e - $s" | bc -l
}
tn=""; tf=""
for _ in $(seq "$ROUNDS"); do
  t=$(once "$NATIVE"); if [ -z "$tn" ] || (( $(echo "$t < $tn" | bc -l) )); then tn=$t; fi
  t=$(once "$FHIR"); if [ -z "$tf" ] || (( $(echo "$t < $tf" | bc -l) )); then tf=$t; fi
done
rn=$(echo "$N / $tn" | bc -l)
rf=$(echo "$N / $tf" | bc -l)
ratio=$(echo "$rf / $rn" | bc -l)
printf 'native JSON Lines:          %8.0f intakes/s (%.2f s for %d; %s bytes)\n' "$rn" "$tn" "$N" "$(stat -c %s "$NATIVE")"
printf 'QuestionnaireResponse JSONL: %8.0f intakes/s (%.2f s for %d; %s bytes)\n' "$rf" "$tf" "$N" "$(stat -c %s "$FHIR")"
printf 'responses / native speed:   %.2f  ' "$ratio"
if (( $(echo "$ratio >= 0.5" | bc -l) )); then echo PASS; else echo "FAIL (target: at least 0.5)"; fi
