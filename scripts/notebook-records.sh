#!/usr/bin/env bash
# The records the notebooks read beside the claims' (`verify all`): one bilevel complexity table, one bilevel
# comparison, one pruning comparison and one sparse-training comparison, in quick settings.
#
#   scripts/notebook-records.sh RESULTS TEXT
#
# writes the records into RESULTS and each command's printed table into TEXT/<command>.txt, then TEXT/complete
# holding the exit status (0, or 1 naming the failed command on stderr). run-notebooks.sh runs it itself, or,
# under `make test` (WORKBENCH_NOTEBOOK_RECORDS), copies what make test's early run left: that run starts when
# the build ends, at the lowest priority, so it takes only the CPU the tests leave idle.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.build/release/workbench}
RESULTS=${1:?usage: notebook-records.sh RESULTS TEXT}
TEXT=${2:?usage: notebook-records.sh RESULTS TEXT}
mkdir -p "$RESULTS" "$TEXT" && rm -f "$TEXT/complete"
[ -x "$BIN" ] || { echo "notebooks: $BIN is missing; run make build" >&2; echo 1 >"$TEXT/complete"; exit 1; }

# A few seconds of one core each; in two groups they use both cores. The complexity table (about 5 s)
# goes alone; the other three together take about as long.
complexity() {
    "$BIN" bilevel --complexity --seeds 3 --budget 100000 --quiet --ascii --out "$RESULTS" >"$TEXT/bilevel-complexity.txt" \
        || { echo "notebooks: workbench bilevel --complexity failed" >&2; return 1; }
}
rest() {
    "$BIN" bilevel --algo mrbo,vrbo,stocbio,aid-cg --quiet --ascii --out "$RESULTS" >"$TEXT/bilevel.txt" \
        || { echo "notebooks: workbench bilevel failed" >&2; return 1; }
    "$BIN" prune --method snip,grasp,synflow,random,magnitude --sparsity 0.5,0.8,0.9,0.98 --net mlp:64,64 \
        --seeds 3 --epochs 8 --quiet --ascii --out "$RESULTS" >"$TEXT/prune.txt" \
        || { echo "notebooks: workbench prune failed" >&2; return 1; }
    "$BIN" sparse-train --method static,set,rigl,snfs,gmp --sparsity 0.9,0.98 --dist er --set delta-t=20 \
        --seeds 2 --epochs 4 --json --quiet --out "$RESULTS" >"$RESULTS/sparse-train.json" \
        || { echo "notebooks: workbench sparse-train failed" >&2; return 1; }
}
complexity &
complexity_pid=$!
rest &
rest_pid=$!
status=0
wait $complexity_pid || status=1
wait $rest_pid || status=1
echo $status >"$TEXT/complete"
exit $status
