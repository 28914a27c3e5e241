#!/usr/bin/env bash
# Sets up .venv-notebooks from the pinned notebooks/requirements.txt, unless it is already current.
# run-notebooks.sh calls it; `make test` also starts it in the background while Swift builds and tests
# run, since it is mostly download and unpacking. On failure it leaves the reason in notebooks/out/venv.skip
# (run-notebooks.sh then skips the notebooks with that line) and exits 0.
set -uo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv-notebooks}
PY=${PYTHON:-python3}
OUT=notebooks/out
mkdir -p "$OUT"
# Two setups at once (make test's early one and run-notebooks.sh's) would both rebuild the venv: one waits.
exec 9>"$OUT/.venv.lock"
flock 9
rm -f "$OUT/venv.skip"
command -v "$PY" >/dev/null 2>&1 || { echo "no $PY on PATH (make test-deps installs python3-venv)" >"$OUT/venv.skip"; exit 0; }
want=$(sha256sum notebooks/requirements.txt | cut -d' ' -f1)
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$VENV/.requirements.sha256" 2>/dev/null)" != "$want" ]; then
    start=$(date +%s)
    rm -rf "$VENV"
    "$PY" -m venv "$VENV" >"$OUT/venv.log" 2>&1 \
        || { rm -rf "$VENV"; echo "$PY -m venv failed (apt package python3-venv; see $OUT/venv.log)" >"$OUT/venv.skip"; exit 0; }
    # --no-compile: byte-compiling every installed module took about 5 s of CPU; Python compiles the few the
    # notebooks import when they first do.
    "$VENV/bin/pip" install -q --no-compile --disable-pip-version-check -r notebooks/requirements.txt >>"$OUT/venv.log" 2>&1 \
        || { rm -rf "$VENV"; echo "pip could not install notebooks/requirements.txt (offline? see $OUT/venv.log)" >"$OUT/venv.skip"; exit 0; }
    echo "$want" >"$VENV/.requirements.sha256"
    echo "notebooks: created $VENV in $(( $(date +%s) - start )) s"
fi
