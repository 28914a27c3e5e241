#!/usr/bin/env bash
# `make notebooks` (and the last step of `make test`): sets up .venv-notebooks from the pinned
# notebooks/requirements.txt, writes the quick-mode records the notebooks read into one folder,
# then executes every notebooks/*.ipynb headlessly (scripts/run-notebooks.py). Fails on any cell
# error; skips with one line only when Python itself cannot be set up.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.build/release/workbench}
VENV=${VENV:-.venv-notebooks}
PY=${PYTHON:-python3}
OUT=notebooks/out
RESULTS=$OUT/results

skip() { echo "notebooks: SKIPPED, Python cannot be set up here: $1"; exit 0; }

command -v "$PY" >/dev/null 2>&1 || skip "no $PY on PATH (make test-deps installs python3-venv)"
mkdir -p "$OUT"
[ -x "$BIN" ] || { echo "notebooks: $BIN is missing; run make build" >&2; exit 1; }

# The venv (scripts/notebooks-venv.sh; current already when make test started it early) is set up in the
# background while the records are computed. On failure it leaves the reason in $OUT/venv.skip.
VENV="$VENV" PYTHON="$PY" bash scripts/notebooks-venv.sh &
venv_pid=$!

rm -rf "$RESULTS" && mkdir -p "$RESULTS"
start=$(date +%s)
# The records every notebook reads, in quick mode. The commands beside `verify all` take a few seconds
# of one core each; in two groups they use both cores when the tests' run has left the claims' records.
# The complexity table (about 5 s) goes alone; the other three together take about as long.
others_complexity() {
    "$BIN" bilevel --complexity --seeds 3 --budget 100000 --quiet --ascii --out "$RESULTS" >"$OUT/bilevel-complexity.txt" \
        || { echo "notebooks: workbench bilevel --complexity failed" >&2; return 1; }
}
others_rest() {
    "$BIN" bilevel --algo mrbo,vrbo,stocbio,aid-cg --quiet --ascii --out "$RESULTS" >"$OUT/bilevel.txt" \
        || { echo "notebooks: workbench bilevel failed" >&2; return 1; }
    "$BIN" prune --method snip,grasp,synflow,random,magnitude --sparsity 0.5,0.8,0.9,0.98 --net mlp:64,64 \
        --seeds 3 --epochs 8 --quiet --ascii --out "$RESULTS" >"$OUT/prune.txt" \
        || { echo "notebooks: workbench prune failed" >&2; return 1; }
    "$BIN" sparse-train --method static,set,rigl,snfs,gmp --sparsity 0.9,0.98 --dist er --set delta-t=20 \
        --seeds 2 --epochs 4 --json --quiet --out "$RESULTS" >"$RESULTS/sparse-train.json" \
        || { echo "notebooks: workbench sparse-train failed" >&2; return 1; }
}
others_complexity &
others_pid=$!
others_rest &
rest_pid=$!
# A claim that does not hold still writes its record (exit 1); the Swift tests judge verdicts, the
# notebooks only draw them. Under make test, the tests' own run of this command (same binary, same
# quick mode and seed, Tests/TestSupport/SharedVerifyAll.swift) left its records in
# $WORKBENCH_SHARED_RECORDS: they are drawn instead of computed a second time.
shared=${WORKBENCH_SHARED_RECORDS:-}
if [ -n "$shared" ] && [ -f "$shared/complete" ]; then
    cp "$shared"/records/*.json "$RESULTS"/ && cp "$shared/report.md" "$OUT/report.md" || exit 1
    status=$(cat "$shared/complete")
    echo "notebooks: quick claim records from the tests' verify-all run ($shared)"
else
    "$BIN" verify all --quick --quiet --out "$RESULTS" --report "$OUT/report.md" >"$OUT/verify.txt"
    status=$?
fi
wait $others_pid || exit 1
wait $rest_pid || exit 1
if [ $status -eq 1 ]; then echo "notebooks: note: a claim did not hold in quick mode (see $OUT/verify.txt)"
elif [ $status -ne 0 ]; then echo "notebooks: workbench verify all failed with status $status" >&2; exit 1; fi
wait $venv_pid
[ -f "$OUT/venv.skip" ] && skip "$(cat "$OUT/venv.skip")"
# What --save/--save-masks write must read back in Python with the reference package (#15); kept out of
# $RESULTS so the notebooks' globs never see its records.
"$VENV/bin/python" scripts/check-safetensors.py --bin "$BIN" --folder "$OUT/safetensors" \
    || { echo "notebooks: scripts/check-safetensors.py failed" >&2; exit 1; }
echo "notebooks: records written to $RESULTS in $(( $(date +%s) - start )) s"

# The kernels warn on stderr that they talk over local TCP; that line says nothing about the notebooks.
"$VENV/bin/python" scripts/run-notebooks.py --results "$RESULTS" --out "$OUT" 2> >(grep -v "Kernel is running over TCP" >&2)
