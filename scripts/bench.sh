#!/usr/bin/env bash
# `make bench`: sets up .venv-bench from the pinned bench/requirements.txt (rebuilt only when the file's
# sha256 changes, as scripts/run-notebooks.sh does for .venv-notebooks), runs the numpy anchors under
# bench/ with one BLAS thread, then the workbench's benchmarks, which print one table per area with
# both figures side by side. When Python cannot be set up it says so in one line and the workbench
# figures print alone.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.build/release/workbench-bench}
VENV=${VENV:-.venv-bench}
PY=${PYTHON:-python3}
OUT=${BENCH_OUT:-.build/bench}
ANCHORS=$OUT/anchors.txt

[ -x "$BIN" ] || { echo "bench: $BIN is missing; run swift build -c release --product workbench-bench" >&2; exit 1; }
mkdir -p "$OUT"
# One thread per job, as the workbench runs (bench/common.py sets the same defaults).
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1

setup_venv() {
    command -v "$PY" >/dev/null 2>&1 || { echo "no $PY on PATH (apt package python3-venv)"; return 1; }
    local want
    want=$(sha256sum bench/requirements.txt | cut -d' ' -f1)
    if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$VENV/.requirements.sha256" 2>/dev/null)" != "$want" ]; then
        local start
        start=$(date +%s)
        rm -rf "$VENV"
        "$PY" -m venv "$VENV" >"$OUT/venv.log" 2>&1 \
            || { rm -rf "$VENV"; echo "$PY -m venv failed (apt package python3-venv; see $OUT/venv.log)"; return 1; }
        "$VENV/bin/pip" install -q --disable-pip-version-check -r bench/requirements.txt >>"$OUT/venv.log" 2>&1 \
            || { rm -rf "$VENV"; echo "pip could not install bench/requirements.txt (offline? see $OUT/venv.log)"; return 1; }
        echo "$want" >"$VENV/.requirements.sha256"
        echo "bench: created $VENV in $(( $(date +%s) - start )) s" >&2
    fi
}

if reason=$(setup_venv); then
    : >"$ANCHORS"
    failed=""
    for script in limits greedy mlp; do
        echo "bench: numpy anchor bench/$script.py" >&2
        "$VENV/bin/python" "bench/$script.py" >>"$ANCHORS" 2>"$OUT/$script.err" || failed="$failed $script"
    done
    echo "bench: numpy anchors of this run:" >&2
    sed 's/^/  /' "$ANCHORS" >&2
    if [ -n "$failed" ]; then
        echo "bench: anchor script(s) failed:$failed (see $OUT/*.err); their figures are missing below" >&2
    fi
    exec "$BIN" --anchors "$ANCHORS"
else
    echo "bench: numpy anchors NOT measured: $reason"
    exec "$BIN" --no-anchors "Python could not be set up here: $reason"
fi
