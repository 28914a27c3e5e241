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
# The records beside the claims' (scripts/notebook-records.sh). Under make test an early run of it
# ($WORKBENCH_NOTEBOOK_RECORDS, started when the build ended) has left them; otherwise they are computed
# now, beside the claims' records.
early=${WORKBENCH_NOTEBOOK_RECORDS:-}
if [ -n "$early" ] && [ "$(cat "$early/complete" 2>/dev/null)" = 0 ]; then
    cp "$early"/results/* "$RESULTS"/ && cp "$early"/*.txt "$OUT"/ || exit 1
    others_pid=
    echo "notebooks: bilevel, prune and sparse-train records from make test's early run ($early)"
else
    BIN="$BIN" bash scripts/notebook-records.sh "$RESULTS" "$OUT/records-text" &
    others_pid=$!
fi
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
if [ -n "$others_pid" ]; then
    wait $others_pid || exit 1
    cp "$OUT"/records-text/*.txt "$OUT"/ || exit 1
fi
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
