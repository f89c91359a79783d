#!/usr/bin/env bash
# Authorization decisions, in one run on one machine:
#   1. JMH: Imprint's embeddable decider in process with 10 and 10,000 grants (1,000 identities),
#      throughput and the p50/p99 of one decision (DecisionBenchmark);
#   2. the Cedar comparison: the same 10,000 grants translated to Cedar (CedarCorpus), Imprint's
#      decider timed over the shared request corpus, then cedar-wasm under Node over the same
#      requests (bench/cedar/cedar-bench.mjs) with the agreement of every decision;
#   3. over HTTP: POST /v1/authorize with a workload's JWT-SVID on SQLite and PostgreSQL
#      (LoadGenerator --scenario authz), two ways on each server: (a) saturation, CLIENTS
#      closed-loop clients (throughput, p50/p99: mostly queueing at saturation; CPU time and
#      allocation per decision on standard error); (b) a curve of offered rates, OPEN_FRACTION
#      (default 0.1,0.25,0.5) of (a)'s throughput or OPEN_RATE requests/s, from CLIENTS clients
#      in open loop, latency from each request's scheduled start (p50/p99/p99.9), each rate also
#      for a trivial authenticated call (the floor); then up to which rate p99 < 1 ms held.
#      The open loop is OPEN_DRIVER: nio (the default; one thread drives CLIENTS keep-alive
#      connections, non-blocking, see OpenDriver) or threads (a sender thread per client with a
#      blocking Apache connection, the earlier loop, kept for comparison); OPEN_DRIVER_PROCESS=1
#      runs the nio driver of each row in a JVM of its own. Each row reports the
#      rate offered and achieved, the driver's own lateness, its CPU time and allocation per
#      request and the collections during the row; a row whose driver fell behind (lateness p99
#      >= 0.1 ms, or under 99 % of the rate achieved while no request waited for a connection)
#      is listed as "driver could not offer the rate", neither held nor missed, unless its
#      whole rate went out and its p99 held the target anyway (the lateness only adds to it).
#      The latency target is judged on (b) (docs/performance.md says why): the verdict lists every
#      rate and store that held p99 < 1 ms and every one that did not. With SERVER_PROCESS=1
#      the server runs as `imprint server` in its own JVM, so its CPU time, collections and
#      safepoints are reported apart from the clients'. Before (a), each server is warmed in
#      stages: WARMUP_CLIENTS (default 8) clients at WARMUP_RATE (default 1000) requests/s in
#      all, authorize and the floor, for WARMUP seconds at least and then until its JIT is quiet
#      (WARMUP_MAX, default 120 s, at most; a quiet 2-s window: see lib.sh); then WARMUP_BURST
#      (default 2) seconds on all CLIENTS; then the few clients again until quiet. A store whose
#      last stage did not end quiet has its rows marked "warm-up not quiet", not judged. After
#      (a), the Java clients are closed and the rows are rehearsed unmeasured (the driver's
#      requests and connections, each rate in turn, floor and authorize) until the JIT is quiet
#      over a pass (REHEARSAL=0: not; the driver then warms briefly at the highest rate); a row
#      during which the server's JIT did more than a quiet warm-up window allows per 2 s is
#      "not judged". OPEN_POLL_PARK_US parks the nio driver between polls (default: it yields). Each
#      row also gives the server's own p50/p99/max from its request log and the JIT's CPU time
#      and compilations during it. ALLOC=1 adds allocation per request by thread group; OPEN_SPIN_US
#      the open-loop senders' spin window (default 50). DRIVER=wrk measures (a) with wrk
#      (installed on demand) instead of the Java clients; (b) stays Java's.
#
#   bench/authz-bench.sh                                 # everything
#   SKIP_HTTP=1 SKIP_JMH=1 bench/authz-bench.sh           # only the Cedar comparison
#   SKIP_HTTP=1 SKIP_CEDAR=1 bench/authz-bench.sh         # only the in-process JMH part
#
# Writes bench/results/authz-latest.md.
set -euo pipefail
if [ "${1:-}" = --help ] || [ "${1:-}" = -h ]; then
  # the comment above is the usage
  sed -n '2,/^set -euo pipefail$/{/^#/s/^# \{0,1\}//p}' "${BASH_SOURCE[0]}"
  exit 0
fi
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
clients="${CLIENTS:-64}"
seconds="${SECONDS_PER_RUN:-10}"
warmup="${WARMUP:-3}"
# Cedar evaluates every policy on every request: 10,000 policies cost milliseconds a decision
cedar_requests="${CEDAR_REQUESTS:-500}"
cd "$root"

# shellcheck source=bench/lib.sh
. "$here/lib.sh"
jar="$(bench_jar authz-bench)"
if [ -z "${SKIP_CEDAR:-}" ] && [ ! -d "$here/cedar/node_modules/@cedar-policy/cedar-wasm" ]; then
  echo "authz-bench: installing cedar-wasm (bench/cedar/package-lock.json)..." >&2
  (cd "$here/cedar" && npm ci --no-audit --no-fund >&2)
fi

mkdir -p "$here/results"
out="$here/results/authz-latest.md"
{
  echo "# Authorization decision benchmark"
  echo
  bench_header
  echo "- node: $(node --version)"
  echo
  if [ -z "${SKIP_JMH:-}" ]; then
    echo "## In process (JMH, DecisionBenchmark)"
    echo
    echo '```'
    java -jar "$jar" DecisionBenchmark -f 1 -wi "${JMH_WI:-3}" -i "${JMH_I:-5}" -tu us \
      -p grants=10,10000 2>&1 | sed -n '/^Benchmark/,$p'
    echo '```'
    echo
  fi
  if [ -z "${SKIP_CEDAR:-}" ]; then
    echo "## Imprint and Cedar on the same corpus (10,000 grants, $cedar_requests requests)"
    echo
    echo '```'
    java -cp "$jar" dev.imprint.bench.authz.CedarCorpus "$here/cedar/out" 10000 \
      "$cedar_requests"
    node "$here/cedar/cedar-bench.mjs" "$here/cedar/out"
    echo '```'
  fi
  echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
  if [ -z "${SKIP_HTTP:-}" ]; then
    echo
    echo "## Over HTTP (POST /v1/authorize, $clients clients)"
    echo
    echo "(a) saturation throughput, $clients closed-loop clients (each sends when its last"
    echo "request is answered; latency from send to answer):"
    echo
    [ -z "${SERVER_PROCESS:-}" ] || ./imprint --version >/dev/null
    # shellcheck disable=SC2046,SC2086  # the options are word lists
    java -Xss4m $(bench_server_jvm_opts) ${BENCH_JAVA_OPTS:-} -cp "$jar" dev.imprint.bench.load.LoadGenerator \
      $(bench_load_args) $(bench_server_args) $(bench_driver_args) --scenario authz --clients "$clients" --seconds "$seconds" --warmup "$warmup" \
      --no-baseline ${STORE:+--store "$STORE"} --open-fraction "${OPEN_FRACTION:-0.1,0.25,0.5}" \
      ${OPEN_RATE:+--open-rate "$OPEN_RATE"} ${OPEN_DRIVER:+--open-driver "$OPEN_DRIVER"} \
      ${OPEN_DRIVER_PROCESS:+--open-driver-process} $([ "${REHEARSAL:-1}" != 0 ] || echo --no-rehearsal)
  fi
} | tee "$out"
echo "authz-bench: wrote $out" >&2
