#!/usr/bin/env bash
# Prints the slowest test classes of the last run (surefire and failsafe reports), so a slow test
# is seen when it is added. Usage: scripts/slowest-tests.sh [N]   (default 10)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10}
shopt -s nullglob
reports=()
for f in target/surefire-reports/TEST-*.xml target/failsafe-reports/TEST-*.xml; do
  # A lane (src/test/java/io/keelson/lanes) reports the sum of its classes, which report on their own.
  case $f in *TEST-io.keelson.lanes.*) continue ;; esac
  reports+=("$f")
done
[ ${#reports[@]} -gt 0 ] || { echo "slowest-tests: no test reports under target/"; exit 0; }
# The <testsuite …> element of each report carries the class (name=) and its time (time=).
for f in "${reports[@]}"; do
  head -c 4000 "$f" | tr '\n' ' ' | grep -o '<testsuite [^>]*>' | head -1 |
    awk '{ name = ""; time = ""; tests = "";
           if (match($0, / name="[^"]*"/)) name = substr($0, RSTART + 7, RLENGTH - 8);
           if (match($0, / time="[^"]*"/)) time = substr($0, RSTART + 7, RLENGTH - 8);
           if (match($0, / tests="[^"]*"/)) tests = substr($0, RSTART + 8, RLENGTH - 9);
           gsub(",", "", time);
           printf "%10.1f s  %3s tests  %s\n", time, tests, name }'
done | sort -rn | awk -v n="$n" '
  { total += $1; lines[NR] = $0 }
  END { printf "Slowest %d test classes (of %d, %.0f s of class time in all):\n", (NR < n ? NR : n), NR, total;
        for (i = 1; i <= NR && i <= n; i++) print lines[i] }'
