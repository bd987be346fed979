#!/usr/bin/env bash
# Byte-for-byte comparison of the public output of two builds of `placement`.
#
#   bash scripts/compare-outputs.sh OLD_BINARY NEW_BINARY
#
# Runs every command (score, explain, assess --answers, rules check, test,
# show, schema, diff, fmt, sample, completions, help) on the examples, the
# test fixtures and the hostile-input corpus with each binary, and compares
# stdout, stderr, exit code and every file written. Intake files written by
# `assess` hold the time they were written, and the summary of `score`
# says how long it took; those timestamps and timings are the only things
# replaced before comparing. Exits 0 when the two builds agree, 1 with
# the differences otherwise.
#
# Made for changes that must not change behaviour (a refactor, a dependency
# bump): build the old commit's binary first, e.g.
#   git worktree add /tmp/old <rev> && cargo build --release --manifest-path /tmp/old/Cargo.toml
set -uo pipefail

if [ $# -ne 2 ]; then
    echo "usage: $0 OLD_BINARY NEW_BINARY" >&2
    exit 2
fi
repo="$(cd "$(dirname "$0")/.." && pwd)"
old="$(realpath "$1")"
new="$(realpath "$2")"
work="$(mktemp -d)"
# COMPARE_KEEP=1 keeps the outputs for reading (the folder is printed)
if [ -n "${COMPARE_KEEP:-}" ]; then
    echo "outputs in $work" >&2
else
    trap 'rm -rf "$work"' EXIT
fi

# The commands, one per line, run from the repository's root with `$P` for
# the binary. Each runs with stdin from /dev/null unless it says otherwise.
commands() {
    local f d
    # score: every example and every hostile intake, in every format
    for f in examples/intakes/* tests/hostile/intake/*; do
        echo "\$P score --format json '$f'"
        echo "\$P explain '$f'"
    done
    for f in tests/fixtures/mini-intakes/*.* tests/fixtures/mini-intakes/invalid/*; do
        echo "\$P --rules tests/fixtures/mini score --format json '$f'"
        echo "\$P --rules tests/fixtures/mini explain '$f'"
    done
    for fmt in table json jsonl csv markdown; do
        echo "\$P score --format $fmt --summary --threads 1 examples/intakes"
        echo "\$P score --format $fmt --no-summary --threads 2 tests/hostile/intake"
    done
    echo "\$P score --format jsonl --fail-fast --threads 1 tests/hostile/intake"
    echo "\$P --rules tests/fixtures/mini score --format json --threads 1 tests/fixtures/mini-intakes"
    echo "\$P --rules tests/fixtures/wide score --format jsonl --threads 1 examples/intakes"
    echo "\$P score --format jsonl --output out/scores.jsonl --threads 1 examples/intakes"
    echo "\$P score --format json --output /dev/null examples/intakes"
    echo "\$P score --format table --color always --threads 1 examples/intakes"
    echo "\$P explain --color always examples/intakes/06-php-depression-critical-flag.yaml"
    echo "\$P --rules tests/fixtures/mini explain tests/fixtures/mini-intakes/01-light.yaml"
    # sample, and sample read back by score (stdin)
    for fmt in yaml json jsonl; do
        echo "\$P sample --count 1000 --seed 7 --format $fmt"
    done
    echo "\$P sample --count 200 --seed 3 --out out/samples"
    echo "\$P sample --count 1000 --seed 11 --format jsonl | \$P score --format jsonl --summary -"
    echo "\$P --rules tests/fixtures/wide sample --count 300 --seed 5 --format jsonl | \$P --rules tests/fixtures/wide score --format csv -"
    # assess with nothing left to ask (no terminal needed)
    for f in examples/intakes/*; do
        echo "\$P assess --answers '$f' --out 'out/$(basename "$f" | sed 's/\.json$/.yaml/')' --assessor staff-1"
    done
    echo "\$P assess --answers examples/intakes/07-incomplete-in-progress.yaml --out out/needs-terminal.yaml"
    # rules: the default set, the fixtures and every hostile rule set
    for d in "" "--rules rules" "--rules tests/fixtures/mini" "--rules tests/fixtures/wide" "--rules tests/fixtures/cost" "--rules tests/fixtures/broken"; do
        for fmt in human json github sarif; do
            echo "\$P $d rules check --format $fmt"
        done
        echo "\$P $d rules check --strict --format json"
        echo "\$P $d rules show"
        echo "\$P $d rules show --format json"
        echo "\$P $d rules schema"
        echo "\$P $d rules schema --intake"
        echo "\$P $d rules schema --tests"
    done
    for f in tests/hostile/rules/*; do
        echo "\$P rules check --format human '$f'"
        echo "\$P rules check --format json '$f'"
        echo "\$P --rules '$f' score --format json examples/intakes/01-outpatient-alcohol.yaml"
    done
    for fmt in human json junit github; do
        echo "\$P rules test --format $fmt rules"
        echo "\$P rules test --format $fmt --min-coverage 100 rules"
    done
    echo "\$P rules test --run 'withdrawal' rules"
    echo "\$P rules test --format json tests/fixtures/mini"
    echo "\$P rules diff --intakes examples/intakes rules tests/fixtures/wide"
    echo "\$P rules diff --format json --exit-code --intakes examples/intakes --intakes tests/hostile/intake rules tests/fixtures/wide"
    echo "\$P rules fmt --check rules"
    echo "\$P rules fmt --check tests/fixtures/wide"
    echo "cp -r tests/fixtures/wide out/wide && \$P rules fmt out/wide && cat out/wide/*.yaml"
    # completions, help, version and argument errors
    for sh in bash zsh fish elvish powershell; do
        echo "\$P completions $sh"
    done
    echo "\$P --help"
    echo "\$P --version"
    for c in assess score explain sample completions rules "rules check" "rules test" "rules show" "rules schema" "rules diff" "rules fmt"; do
        echo "\$P $c --help"
    done
    echo "\$P score --format nope examples/intakes"
    echo "\$P score does-not-exist.yaml"
    echo "\$P --rules does-not-exist score examples/intakes"
    echo "\$P frobnicate"
}

# run BIN DIR: every command in a fresh copy of the repository's inputs
run() {
    local bin="$1" out="$2" i=0 cmd
    mkdir -p "$out"
    local cwd="$work/cwd"
    while IFS= read -r cmd; do
        i=$((i + 1))
        rm -rf "$cwd" && mkdir -p "$cwd/out"
        ln -s "$repo/examples" "$repo/tests" "$repo/rules" "$cwd/"
        (cd "$cwd" && P="$bin" COLUMNS=100 bash -c "$cmd" \
            </dev/null >"$out/$i.stdout" 2>"$out/$i.stderr"; echo $? >"$out/$i.rc")
        # every file the command wrote, timestamps of intake files replaced
        (cd "$cwd/out" && find . -type f | sort | while read -r f; do
            echo "== $f"
            sed -E 's/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:?[0-9]{2}:?[0-9]{2}Z/<time>/g' "$f"
        done) >"$out/$i.files"
        sed -i -E -e "s#$bin#\$P#g" -e '/elapsed|intakes per second/s/[0-9][0-9.]*/<n>/g' \
            "$out/$i.stdout" "$out/$i.stderr"
        # a summary table's column widths follow its timings: squeeze them
        if grep -q 'intakes per second' "$out/$i.stderr"; then
            sed -i -E 's/ +/ /g; s/[─═┄]+/-/g' "$out/$i.stderr"
        fi
        echo "$cmd" >"$out/$i.command"
    done <"$work/commands"
}

cd "$repo"
commands >"$work/commands"
echo "$(wc -l <"$work/commands") commands, each run with both binaries" >&2
run "$old" "$work/old"
run "$new" "$work/new"

differ=0
for rc in "$work"/old/*.rc; do
    n="$(basename "$rc" .rc)"
    for part in stdout stderr rc files; do
        if ! cmp -s "$work/old/$n.$part" "$work/new/$n.$part"; then
            differ=$((differ + 1))
            echo "DIFFERS ($part): $(cat "$work/old/$n.command")"
            diff "$work/old/$n.$part" "$work/new/$n.$part" | head -20
        fi
    done
done
if [ "$differ" -eq 0 ]; then
    echo "identical: stdout, stderr, exit code and files written of all $(wc -l <"$work/commands") commands"
    exit 0
fi
echo "$differ outputs differ" >&2
exit 1
