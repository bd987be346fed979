#!/bin/sh
# Fills fuzz/corpus/<target>/ with seed inputs from the repository (the
# corpora are not committed). Run from the repository root:  sh fuzz/seed.sh
set -eu
P=${PLACEMENT:-target/debug/placement}
mkdir -p fuzz/corpus/rules_load fuzz/corpus/cond_parse fuzz/corpus/intake_parse fuzz/corpus/intake_fast fuzz/corpus/response_fast
cp rules/*.yaml tests/fixtures/mini/*.yaml tests/fixtures/broken/*.yaml fuzz/corpus/rules_load/
# Conditions: every `when:` / `ask_when:` value of the default rule set.
n=0
grep -ho '\(ask_\)\?when: .*' rules/*.yaml | sed 's/^[a-z_]*when: //' | while IFS= read -r c; do
  n=$((n + 1)); printf '%s' "$c" > "fuzz/corpus/cond_parse/when-$n"
done
cp examples/intakes/* fuzz/corpus/intake_parse/
cp examples/intakes/* fuzz/corpus/intake_fast/
if [ -x "$P" ]; then
  "$P" sample -n 20 --format jsonl | split -l 1 - fuzz/corpus/intake_fast/sample-
  "$P" sample -n 5 --format yaml --out fuzz/corpus/intake_parse/ >/dev/null
  "$P" sample -n 5 --format yaml --out fuzz/corpus/intake_fast/ >/dev/null
  # QuestionnaireResponses: every example's, and sampled ones, one per file
  # (run response_fast with -dict=fuzz/response_fast.dict).
  for f in examples/intakes/*; do
    "$P" convert "$f" --to fhir > "fuzz/corpus/response_fast/$(basename "$f").json"
  done
  "$P" sample -n 30 --seed 3 --format jsonl | "$P" convert - --to fhir | split -l 1 - fuzz/corpus/response_fast/sample-
fi
if [ -d tests/hostile ]; then
  cp tests/hostile/intake/* fuzz/corpus/intake_parse/
  cp tests/hostile/intake/* fuzz/corpus/intake_fast/
fi
