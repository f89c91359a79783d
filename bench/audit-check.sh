#!/usr/bin/env bash
# What the audit log's integrity check costs on a large log: the full check at server start and
# the check before each signing, on SQLite and on a genuine PostgreSQL (embedded, durable).
#
#   bench/audit-check.sh                          # 1,000,000 entries, a checkpoint every 10,000
#   ENTRIES=100000 bench/audit-check.sh --store sqlite
#
# Extra arguments go to dev.imprint.bench.load.AuditCheck. Prints a Markdown table and writes
# it, with the machine and the command, to bench/results/audit-check-latest.md.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
entries="${ENTRIES:-1000000}"
every="${EVERY:-10000}"
cd "$root"

# shellcheck source=bench/lib.sh
. "$here/lib.sh"
jar="$(bench_jar audit-check)"

mkdir -p "$here/results"
out="$here/results/audit-check-latest.md"
{
  echo "# Audit integrity check"
  echo
  bench_header
  echo "- command: \`ENTRIES=$entries EVERY=$every bench/audit-check.sh $*\`"
  echo
  java -Xmx2g ${BENCH_JAVA_OPTS:-} -cp "$jar" dev.imprint.bench.load.AuditCheck \
    --entries "$entries" --every "$every" "$@" 2>/dev/null
} | tee "$out"
echo "audit-check: wrote $out" >&2
