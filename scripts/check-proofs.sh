#!/usr/bin/env bash
# Machine-check the Coq proofs under proofs/coq (run as `make proofs`).
#
#  1. refuses unfinished or assumed statements in the sources (the keywords are
#     listed below in FORBIDDEN_*);
#  2. compiles every proofs/coq/*.v with coqc, in dependency order (coqdep -sort),
#     under the logical prefix Greedy, in a temporary copy (nothing is written
#     into the repository);
#  3. runs `Print Assumptions` on every main result (declared Theorem or
#     Corollary) and on one tuple of all Theorem/Lemma/Corollary/Proposition/
#     Fact/Remark proofs, and requires "Closed under the global context" or only
#     the axioms that the standard library's Reals rest on (ALLOWED below).
#
# Exit 0: all checked. Exit 1: a check failed (last line says which).
# Exit 3: coqc is not installed.
set -u -o pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="$ROOT/proofs/coq"
PREFIX=Greedy

# Axioms Coq 8.16's Reals library itself depends on (R is built on classical
# Dedekind cuts; exp/ln use excluded middle). Nothing else is accepted.
ALLOWED=(
  Coq.Reals.ClassicalDedekindReals.sig_forall_dec
  Coq.Reals.ClassicalDedekindReals.sig_not_dec
  Coq.Logic.FunctionalExtensionality.functional_extensionality_dep
  Coq.Logic.Classical_Prop.classic
)

start_ns=$(date +%s%N)
elapsed() { awk -v a="$start_ns" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f s", (b - a) / 1e9 }'; }
fail() { echo "check-proofs: FAIL: $* ($(elapsed))"; exit 1; }

if ! command -v coqc >/dev/null 2>&1; then
  echo "check-proofs: coqc not found; install Coq first (apt-get install coq)"
  exit 3
fi

shopt -s nullglob
cd "$DIR" || fail "no directory $DIR"
files=( *.v )
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
[ ${#files[@]} -gt 0 ] || fail "no .v files in proofs/coq"

# 1. Source-level guard (Print Assumptions below is the authoritative check).
FORBIDDEN_UNFINISHED='\b(Admitted|admit|Admit|give_up)\b'
FORBIDDEN_DECL='^[[:space:]]*(#\[[^]]*\][[:space:]]*)?((Local|Global|Polymorphic|Monomorphic|Private)[[:space:]]+)*(Axiom|Axioms|Parameter|Parameters|Conjecture|Hypothesis|Hypotheses|Variable|Variables|Context)\b'
FORBIDDEN_UNSAFE='Unset[[:space:]]+(Guard|Positivity|Universe)[[:space:]]+Checking|Type-In-Type|Bypass_check'
if hits=$(grep -nE "$FORBIDDEN_UNFINISHED" "${files[@]}"); then
  echo "$hits"; fail "unfinished proof (admit) in proofs/coq"
fi
if hits=$(grep -nE "$FORBIDDEN_DECL" "${files[@]}"); then
  echo "$hits"; fail "global assumption declared in proofs/coq"
fi
if hits=$(grep -nE "$FORBIDDEN_UNSAFE" "${files[@]}"); then
  echo "$hits"; fail "kernel check switched off in proofs/coq"
fi

# 2. Compile in dependency order, in a copy.
mkdir "$tmp/src" && cp -- "${files[@]}" "$tmp/src/" || fail "cannot copy proofs/coq to $tmp"
cd "$tmp/src" || fail "cannot enter $tmp/src"
order=$(coqdep -sort -Q . "$PREFIX" "${files[@]}") || fail "coqdep could not order proofs/coq/*.v"
compiled=0
for f in $order; do
  f=${f#./}
  if ! out=$(coqc -Q . "$PREFIX" "$f" 2>&1); then
    echo "$out"
    fail "coqc rejected proofs/coq/$f"
  fi
  [ -n "$out" ] && echo "$out"
  compiled=$((compiled + 1))
done

# 3. Print Assumptions: each main result, then all lemmas at once (one pass
#    over the library instead of one per lemma, which costs ~0.7 s each).
gen="$tmp/CheckAssumptions.v"
names=()
for f in $order; do
  f=${f#./}
  mod=${f%.v}
  echo "Require $PREFIX.$mod." >>"$gen"
  while read -r kind name; do
    names+=("$PREFIX.$mod.$name")
    case $kind in
      Theorem|Corollary)
        echo "Goal True. idtac \"@@LEMMA $kind $PREFIX.$mod.$name\". Abort." >>"$gen"
        echo "Print Assumptions $PREFIX.$mod.$name." >>"$gen" ;;
    esac
  done < <(sed -nE "s/^[[:space:]]*(Theorem|Lemma|Corollary|Proposition|Fact|Remark)[[:space:]]+([A-Za-z0-9_']+).*/\1 \2/p" "$f")
done
[ ${#names[@]} -gt 0 ] || fail "no lemmas found in proofs/coq"
tuple=$(printf '%s, ' "${names[@]}")
echo "Definition all_lemmas := (${tuple%, }, tt)." >>"$gen"
echo "Goal True. idtac \"@@LEMMA All all_${#names[@]}_lemmas\". Abort." >>"$gen"
echo "Print Assumptions all_lemmas." >>"$gen"
if ! report=$(cd "$tmp" && coqc -Q "$tmp/src" "$PREFIX" "$gen" 2>&1); then
  echo "$report"
  fail "Print Assumptions run failed"
fi

# Parse: after each marker, either "Closed under the global context" or an
# "Axioms:" block whose names start in column 0 (types are indented).
# Any other unindented line (e.g. "Section Variables:", "Constants/Inductives
# relying on type-in-type:") is reported as a disallowed assumption.
verdict=$(awk -v allowed="${ALLOWED[*]}" '
  function ok(n,   i) {
    for (i in A) if (A[i] == n || substr(A[i], length(A[i]) - length(n)) == "." n) return 1
    return 0
  }
  function flush() {
    if (lemma == "") return
    if (!closed && !seen) { bad = bad " " lemma "(no-report)" }
    printf "  %-52s %s\n", lemma, (closed ? "closed" : uses)
  }
  BEGIN { split(allowed, A, " "); bad = "" }
  /^@@LEMMA / { flush(); kind = $2; lemma = $3; closed = 0; seen = 0; uses = ""; next }
  /^Closed under the global context/ { closed = 1; next }
  /^Axioms:/ { next }
  /^[^ \t]/ {
    n = $1; sub(/:$/, "", n)
    if (lemma == "") next
    seen = 1
    if (!ok(n)) { bad = bad " " lemma ":" n; next }
    short = n; sub(/^.*\./, "", short)
    uses = (uses == "" ? short : uses ", " short)
    next
  }
  END { flush(); if (bad != "") printf "@@BAD%s\n", bad }
' <<<"$report")

echo "check-proofs: axioms used (Print Assumptions):"
grep -v '^@@' <<<"$verdict"
if bad=$(grep '^@@BAD' <<<"$verdict"); then
  echo "$report"
  fail "assumption outside the Reals stdlib allowlist:${bad#@@BAD}"
fi
echo "check-proofs: OK: $compiled files compiled, ${#names[@]} lemmas checked, no admits, only Reals stdlib axioms ($(elapsed))"
