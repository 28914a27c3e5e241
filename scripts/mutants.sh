#!/usr/bin/env bash
# The mutant suite (`make mutants`): each Tests/Mutants/*.patch is a small, plausible bug in the
# core mathematics or a safety mechanism. Each patch is applied in turn to ONE temporary copy of
# the tree (so builds stay incremental), the test filter named in its header is run, and the
# mutant counts as caught when that run fails. Equivalent mutants (ones that cannot change
# behaviour) say so in their header and are left out of the score.
#
# Patch header lines (before the diff):
#   # mutant: one line saying what the bug is
#   # filter: the `swift test --filter` expression expected to catch it
#   # equivalent: why it cannot change behaviour   (optional; excludes it from the score)
#
# Usage: scripts/mutants.sh [name-substring]   (exit 0 when the score is ≥ 90%)
set -u -o pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$(mktemp -d /tmp/workbench-mutants.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
only="${1:-}"

echo "mutants: copying the tree to $WORK"
# Tracked and untracked-but-not-ignored files, plus the build cache when there is one.
(cd "$ROOT" && git ls-files -co --exclude-standard -z | xargs -0 tar -cf - 2>/dev/null) | tar -xf - -C "$WORK"
[ -d "$ROOT/.build" ] && cp -a "$ROOT/.build" "$WORK/.build"
cd "$WORK" || exit 1
git init -q && git add -A && git -c user.name=m -c user.email=m@m commit -qm base

echo "mutants: building the unmutated tests once"
if ! OPENBLAS_NUM_THREADS=1 swift build -c release --build-tests >/tmp/mutants-base.log 2>&1; then
  echo "mutants: the unmutated tree does not build (see /tmp/mutants-base.log)"; exit 2
fi

caught=0; survived=0; equivalent=0; rows=()
for patch in "$ROOT"/Tests/Mutants/*.patch; do
  name="$(basename "$patch" .patch)"
  [ -n "$only" ] && [[ "$name" != *"$only"* ]] && continue
  filter="$(sed -n 's/^# filter: //p' "$patch" | head -1)"
  what="$(sed -n 's/^# mutant: //p' "$patch" | head -1)"
  equiv="$(sed -n 's/^# equivalent: //p' "$patch" | head -1)"
  if ! git apply "$patch" 2>/tmp/mutants-apply.log; then
    echo "mutants: $name does not apply: $(head -1 /tmp/mutants-apply.log)"; exit 2
  fi
  start=$(date +%s)
  if OPENBLAS_NUM_THREADS=1 timeout 900 swift test -c release --filter "$filter" >"/tmp/mutants-$name.log" 2>&1; then
    outcome="survived"
  else
    # A mutant that does not compile is not a test's catch: report it so the patch gets fixed.
    if grep -q "error: " "/tmp/mutants-$name.log" && ! grep -q "Test run with\|Executed" "/tmp/mutants-$name.log"; then
      outcome="does-not-build"
    else
      outcome="caught"
    fi
  fi
  git checkout -q -- . && git clean -qfd -e .build
  secs=$(( $(date +%s) - start ))
  if [ -n "$equiv" ]; then
    equivalent=$((equivalent + 1)); outcome="equivalent ($outcome)"
  elif [ "$outcome" = caught ]; then caught=$((caught + 1))
  elif [ "$outcome" = survived ]; then survived=$((survived + 1))
  else echo "mutants: $name: $outcome (log /tmp/mutants-$name.log)"; exit 2
  fi
  rows+=("$(printf '%-34s %-22s %5ss  %s' "$name" "$outcome" "$secs" "$what")")
  echo "${rows[-1]}"
done

total=$((caught + survived))
echo
printf '%-34s %-22s %6s  %s\n' mutant outcome time "what it breaks"
printf '%s\n' "${rows[@]}"
if [ "$total" -eq 0 ]; then echo "mutants: none run"; exit 2; fi
score=$((100 * caught / total))
echo "mutants: $caught caught, $survived survived, $equivalent equivalent (not scored): score $score%"
[ "$score" -ge 90 ]
