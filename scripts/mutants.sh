#!/usr/bin/env bash
# The mutant suite (`make mutants`): each Tests/Mutants/*.patch is a small, plausible bug in the
# core mathematics or a safety mechanism. Each patch is applied in turn to a copy of the tree, the
# test filter named in its header is run, and the mutant counts as caught when a test fails (or the
# test process traps). Equivalent mutants (ones that cannot change behaviour) say so in their header
# and are left out of the score.
#
# Patch header lines (before the diff):
#   # mutant: one line saying what the bug is
#   # filter: the `swift test --filter` expression expected to catch it (must match at least one test)
#   # equivalent: why it cannot change behaviour   (optional; excludes it from the score)
#
# The copy lives in .build/mutants-tree and is kept between runs: only files that changed are
# copied in, so a second run rebuilds incrementally (`make clean` removes it). With
# MUTANTS_IN_PLACE=1 the patches are applied to this tree itself (which must have no changes in
# the patched files); an interrupted run restores them.
#
# Usage: scripts/mutants.sh [name-regex]   (e.g. `bootstrap|^recorder-`; exit 0 when the score is ≥ 90%, 2 on a broken patch)
set -u -o pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
only="${1:-}"
LOGS="${TMPDIR:-/tmp}/workbench-mutants"
mkdir -p "$LOGS"

if [ "${MUTANTS_IN_PLACE:-0}" = 1 ]; then
  WORK="$ROOT"
  patched_files() { sed -n 's|^+++ b/||p' "$1"; }
  for p in "$ROOT"/Tests/Mutants/*.patch; do
    for f in $(patched_files "$p"); do
      if ! git -C "$ROOT" diff --quiet HEAD -- "$f"; then
        echo "mutants: $f has uncommitted changes; commit them or run without MUTANTS_IN_PLACE"; exit 2
      fi
    done
  done
  restore() { git -C "$ROOT" checkout -q HEAD -- $(for p in "$ROOT"/Tests/Mutants/*.patch; do patched_files "$p"; done | sort -u); }
  trap restore EXIT INT TERM
  apply() { git -C "$ROOT" apply "$1"; }
  revert() { git -C "$ROOT" apply -R "$1"; }
else
  WORK="$ROOT/.build/mutants-tree"
  echo "mutants: syncing the tree into $WORK"
  mkdir -p "$WORK"
  # Copy only files whose bytes differ, so unchanged sources keep their timestamps and stay built.
  (cd "$ROOT" && git ls-files -co --exclude-standard) | while IFS= read -r f; do
    [ -f "$ROOT/$f" ] || continue
    if ! cmp -s "$ROOT/$f" "$WORK/$f"; then mkdir -p "$WORK/$(dirname "$f")" && cp -p "$ROOT/$f" "$WORK/$f"; fi
  done
  cd "$WORK" || exit 1
  [ -d .git ] || git init -q
  # Files deleted from the source tree must not linger in the copy.
  comm -23 <(git ls-files | sort) <(cd "$ROOT" && git ls-files -co --exclude-standard | sort) | while IFS= read -r f; do rm -f "$f"; done
  git add -A && git -c user.name=m -c user.email=m@m commit -q --allow-empty -m base
  apply() { git apply "$1"; }
  revert() { git checkout -q -- . && git clean -qfd -e .build; }
fi
cd "$WORK" || exit 1

# `swift test` builds with testable imports; `swift build --build-tests` does not, so the build the
# tests need is made (and the test list taken) through `swift test --list-tests`.
echo "mutants: building the unmutated tests once"
if ! OPENBLAS_NUM_THREADS=1 swift test -c release --list-tests >"$LOGS/base.log" 2>&1; then
  echo "mutants: the unmutated tree does not build (see $LOGS/base.log)"; exit 2
fi
grep -E '^[A-Za-z]+Tests\.' "$LOGS/base.log" >"$LOGS/tests.txt"

# Patches are run grouped by the file they change, so consecutive mutants of one module share its rebuilds.
patches=()
while IFS= read -r line; do patches+=("${line#* }"); done < <(
  for p in "$ROOT"/Tests/Mutants/*.patch; do echo "$(sed -n 's|^+++ b/||p' "$p" | head -1) $p"; done | sort)

caught=0; survived=0; equivalent=0; rows=()
for patch in "${patches[@]}"; do
  name="$(basename "$patch" .patch)"
  [ -n "$only" ] && ! [[ "$name" =~ $only ]] && continue
  filter="$(sed -n 's/^# filter: //p' "$patch" | head -1)"
  what="$(sed -n 's/^# mutant: //p' "$patch" | head -1)"
  equiv="$(sed -n 's/^# equivalent: //p' "$patch" | head -1)"
  # A filter that selects no test would let every mutant "survive" (or pass vacuously): refuse it.
  if [ -z "$filter" ] || ! grep -Eq -- "$filter" "$LOGS/tests.txt"; then
    echo "mutants: $name: filter '$filter' matches no test"; exit 2
  fi
  if ! apply "$patch" 2>"$LOGS/apply.log"; then
    echo "mutants: $name does not apply: $(head -1 "$LOGS/apply.log")"; exit 2
  fi
  start=$(date +%s)
  log="$LOGS/$name.log"
  if ! OPENBLAS_NUM_THREADS=1 swift test -c release --list-tests >"$log" 2>&1; then
    # A mutant that does not compile is not a test's catch: report it so the patch gets fixed.
    outcome="does-not-build"
  elif OPENBLAS_NUM_THREADS=1 timeout 900 swift test -c release --skip-build --filter "$filter" >>"$log" 2>&1; then
    outcome="survived"
  else
    rc=$?
    if [ "$rc" = 124 ]; then outcome="timeout"; else outcome="caught"; fi
  fi
  revert "$patch"
  secs=$(( $(date +%s) - start ))
  if [ -n "$equiv" ]; then
    equivalent=$((equivalent + 1)); outcome="equivalent ($outcome)"
  elif [ "$outcome" = caught ]; then caught=$((caught + 1))
  elif [ "$outcome" = survived ]; then survived=$((survived + 1))
  else echo "mutants: $name: $outcome (log $log)"; exit 2
  fi
  rows+=("$(printf '%-34s %-10s %5ss  %s' "$name" "$outcome" "$secs" "$what")")
  echo "${rows[-1]}"
done

total=$((caught + survived))
echo
printf '%-34s %-10s %6s  %s\n' mutant outcome time "what it breaks"
printf '%s\n' "${rows[@]}"
if [ "$total" -eq 0 ]; then echo "mutants: none run"; exit 2; fi
score=$((100 * caught / total))
echo "mutants: $caught caught, $survived survived, $equivalent equivalent (not scored): score $score%"
[ "$score" -ge 90 ]
