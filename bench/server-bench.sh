#!/usr/bin/env bash
# Control-plane load benchmark: a real server on SQLite and on a genuine PostgreSQL (embedded,
# durable commits), N concurrent HTTP clients per scenario (LoadClient), throughput, p50/p99 latency
# and the units per group commit; audit appends on PostgreSQL alternated with their like-for-like
# baseline (one connection inserting audit-sized rows in batches of the sizes the group commit
# formed), --runs times (default 3), with the median and spread of the ratio; then PostgreSQL's
# own insert rate (plain JDBC, single-row and batched) for the other scenarios.
#
#   bench/server-bench.sh                      # 16 clients, 10 s per run after a warm-up
#                                              # of 3 s at least, until the JIT is quiet
#   CLIENTS=8 SECONDS_PER_RUN=5 bench/server-bench.sh --store sqlite --scenario token-create
#   bench/server-bench.sh --scenario audit-append --store postgresql --runs 5   # the yardstick
#   DRIVER=wrk CLIENTS=16,64 bench/server-bench.sh --scenario identity   # issue 10's ratio
#
# Each scenario's server runs inside the load generator's JVM, warmed by the scenarios before it;
# SERVER_PROCESS=1 runs it as `imprint server` in its own JVM, and SERVER_JAVA_OPTS adds JVM
# options to that one. Every row's warm-up lasts WARMUP seconds at least and then goes on until
# two consecutive 2-s windows were quiet: the server JVM's JIT compilation time grew < 1 %
# (WARMUP_QUIET_PERCENT) of its total, its JIT compiler threads used < 50 ms of CPU
# (WARMUP_QUIET_JIT_MS) and made < 10 compilations (WARMUP_QUIET_COMPILES), WARMUP_MAX seconds
# at most (default 120); each warm-up's windows are
# listed after the tables. ALLOC=1 adds allocated bytes per request by thread group. DRIVER=wrk
# drives the closed-loop rows with wrk (installed on demand from Debian's packages) instead of
# Java clients.
#
# Extra arguments go to dev.imprint.bench.load.LoadGenerator. Prints Markdown tables and writes
# them, with the machine and the command, to bench/results/server-latest.md.
set -euo pipefail
if [ "${1:-}" = --help ] || [ "${1:-}" = -h ]; then
  # the comment above is the usage
  sed -n '2,/^set -euo pipefail$/{/^#/s/^# \{0,1\}//p}' "${BASH_SOURCE[0]}"
  exit 0
fi
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
clients="${CLIENTS:-16}"
seconds="${SECONDS_PER_RUN:-10}"
warmup="${WARMUP:-3}"
cd "$root"

# shellcheck source=bench/lib.sh
. "$here/lib.sh"
jar="$(bench_jar server-bench)"
[ -z "${SERVER_PROCESS:-}" ] || ./imprint --version >/dev/null   # the launcher builds its jar once
driver_args="$(bench_driver_args)"

mkdir -p "$here/results"
out="$here/results/server-latest.md"
{
  echo "# Control-plane load benchmark"
  echo
  bench_header
  echo "- command: \`CLIENTS=$clients SECONDS_PER_RUN=$seconds WARMUP=$warmup${WARMUP_MAX:+ WARMUP_MAX=$WARMUP_MAX}${WARMUP_QUIET_PERCENT:+ WARMUP_QUIET_PERCENT=$WARMUP_QUIET_PERCENT}${WARMUP_QUIET_JIT_MS:+ WARMUP_QUIET_JIT_MS=$WARMUP_QUIET_JIT_MS}${ALLOC:+ ALLOC=$ALLOC}${DRIVER:+ DRIVER=$DRIVER}${SERVER_PROCESS:+ SERVER_PROCESS=$SERVER_PROCESS} bench/server-bench.sh $*\`"
  [ -z "$driver_args" ] || echo "- wrk: $(dpkg-query -W -f '${Version}' wrk 2>/dev/null || echo '?')"
  echo
  # shellcheck disable=SC2046
  java -Xss4m $(bench_server_jvm_opts) ${BENCH_JAVA_OPTS:-} -cp "$jar" dev.imprint.bench.load.LoadGenerator --clients "$clients" \
    --seconds "$seconds" --warmup "$warmup" $(bench_load_args) $(bench_server_args) $driver_args \
    "$@"
} | tee "$out"
echo "server-bench: wrote $out" >&2
