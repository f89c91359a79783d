#!/usr/bin/env bash
# Precision benchmark (issue 11): scans the labelled corpus in
# scan/src/test/resources/labelled/bench/ with the real Scanner and scores every rule family
# (true and false positives, misses, precision overall and at high/critical, recall).
#
#   bench/precision.sh
#
# Runs PrecisionBenchmarkTest and writes bench/results/precision-latest.md (the table, the
# misses, the false positives and the command). The exit status is the test's: non-zero while a
# target is missed (a labelled class not found, or high+critical precision under 95 %).
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
results="$here/results"
mkdir -p "$results"
table="$(mktemp)"
log="$(mktemp)"
trap 'rm -f "$table" "$log"' EXIT
cd "$root"

cmd=(mvn -q -B -ntp -o -pl scan -am test -Dtest=PrecisionBenchmarkTest
  -Dsurefire.failIfNoSpecifiedTests=false "-Dprecision.report=$table")
echo "precision-bench: ${cmd[*]}" >&2
"${cmd[@]}" >"$log" 2>&1
status=$?
if [ ! -s "$table" ]; then
  cat "$log" >&2
  echo "precision-bench: the test wrote no table (build or test error above)" >&2
  exit 2
fi
{
  echo "# Precision benchmark"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD)."
  echo "Command: \`bench/precision.sh\` (runs \`mvn -pl scan -am test"
  echo "-Dtest=PrecisionBenchmarkTest -Dprecision.report=FILE\`). Targets: every labelled"
  echo "class found; precision at high and critical >= 95 %. Test status: $([ $status -eq 0 ] \
    && echo passed || echo "failed (a target is missed)")."
  echo
  cat "$table"
} >"$results/precision-latest.md"
cat "$results/precision-latest.md"
exit $status
