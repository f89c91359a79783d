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
jar="$here/target/benchmarks.jar"
cd "$root"

if [ ! -f "$jar" ] || [ -n "$(find server/src/main bench/src/main -newer "$jar" -print -quit)" ]; then
  echo "audit-check: building bench/target/benchmarks.jar..." >&2
  mvn -q -B -DskipTests -pl bench -am package >&2
fi

mkdir -p "$here/results"
out="$here/results/audit-check-latest.md"
{
  echo "# Audit integrity check"
  echo
  echo "- date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "- machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)),"\
    "$(free -g | awk '/Mem:/ {print $2}') GiB RAM, load average before the run"\
    "$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- java: $(java -version 2>&1 | sed -n 1p)"
  echo "- command: \`ENTRIES=$entries EVERY=$every bench/audit-check.sh $*\`"
  echo
  java -Xmx2g ${BENCH_JAVA_OPTS:-} -cp "$jar" dev.imprint.bench.load.AuditCheck \
    --entries "$entries" --every "$every" "$@" 2>/dev/null
} | tee "$out"
echo "audit-check: wrote $out" >&2
