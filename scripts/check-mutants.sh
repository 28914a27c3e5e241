#!/usr/bin/env bash
# Run by `make test` after the tests: every Tests/Mutants/*.patch still applies to this tree, says what it
# breaks, and names a test filter that selects at least one built test. `make mutants` takes minutes per
# patch and is run by hand, so a refactor that moves a patched line would otherwise leave the suite broken
# until someone runs it (two patches stopped applying that way, unseen for a day).
#
# Usage: scripts/check-mutants.sh [swift test flags, e.g. -c release]   (the tests must be built with them)
set -u -o pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
flags=("$@")
[ ${#flags[@]} -eq 0 ] && flags=(-c release)

tests=$(OPENBLAS_NUM_THREADS=1 ${SWIFT:-swift} test "${flags[@]}" --skip-build --list-tests 2>/dev/null | grep -E '^[A-Za-z]+Tests\.')
[ -n "$tests" ] || { echo "check-mutants: no built tests to list (build them with swift test ${flags[*]} first)"; exit 2; }

bad=0; count=0
for p in Tests/Mutants/*.patch; do
  count=$((count + 1))
  name=$(basename "$p" .patch)
  filter=$(sed -n 's/^# filter: //p' "$p" | head -1)
  grep -q '^# mutant: ' "$p" || { echo "check-mutants: $name has no '# mutant:' line"; bad=1; }
  if [ -z "$filter" ] || ! grep -Eq -- "$filter" <<<"$tests"; then
    echo "check-mutants: $name: filter '$filter' matches no test"; bad=1
  fi
  err=$(git apply --check "$p" 2>&1) || { echo "check-mutants: $name does not apply to this tree: $(head -1 <<<"$err")"; bad=1; }
done
[ "$count" -gt 0 ] || { echo "check-mutants: no patches under Tests/Mutants"; exit 2; }
if [ "$bad" -ne 0 ]; then echo "check-mutants: re-make the patches above against the current sources (see README, mutant suite)"; exit 1; fi
echo "check-mutants: all $count mutant patches apply and name a test (make mutants runs them)"
