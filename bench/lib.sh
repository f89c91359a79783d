# shellcheck shell=bash
# shellcheck disable=SC2154  # $root: set by the script that sources this file
# Shared by the bench scripts (sourced, after they set $root): the benchmarks jar, built when any
# module's sources or POMs are newer than it, and the header lines every result file starts with.

# Prints the benchmarks jar's path, building it first when stale; $1 names the caller in messages.
bench_jar() {
  local jar="$root/bench/target/benchmarks.jar"
  if [ ! -f "$jar" ] || [ -n "$(find "$root"/*/src/main "$root/pom.xml" "$root"/*/pom.xml \
      -newer "$jar" -print -quit 2>/dev/null)" ]; then
    echo "$1: building bench/target/benchmarks.jar..." >&2
    (cd "$root" && mvn -q -B -DskipTests -pl bench -am package >&2)
  fi
  echo "$jar"
}

# The date, machine (cores, CPU, RAM, load average now) and Java lines of a result file.
bench_header() {
  echo "- date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "- machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)),"\
    "$(free -g | awk '/Mem:/ {print $2}') GiB RAM, load average before the run"\
    "$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- java: $(java -version 2>&1 | sed -n 1p)"
}

# The server-process switch, with SERVER_PROCESS=1: each scenario's server is the real
# `imprint server` in a JVM of its own. Not the default: a fresh server JVM per scenario spends
# most of a short warm-up compiling (measured 2026-12-07: 43 s of JIT time in its first 31 s, 58 s
# of CPU), so its CPU per request measured the JIT after a fixed short warm-up; in the load
# generator's JVM every scenario runs on code the ones before it compiled. The warm-up now runs
# until the server JVM's JIT is quiet (read over a bench-only JMX connection), which makes a
# separate server's rows warm too, at the price of a longer warm-up.
bench_server_args() {
  if [ -n "${SERVER_PROCESS:-}" ]; then
    echo "--server-process"
  fi
}

# With DRIVER=wrk: makes sure Debian's wrk (WRK_VERSION, the distribution's) is installed and
# prints the LoadGenerator option that drives the closed-loop rows with it.
bench_driver_args() {
  [ "${DRIVER:-java}" = wrk ] || return 0
  if ! command -v wrk >/dev/null 2>&1; then
    local version="${WRK_VERSION:-4.1.0-3+b2}" sudo=
    [ "$(id -u)" = 0 ] || sudo=sudo
    echo "bench: installing wrk $version (Debian package)..." >&2
    $sudo apt-get install -y --no-install-recommends "wrk=$version" >&2
  fi
  echo "--driver wrk"
}

# The warm-up and measurement switches every LoadGenerator run takes from the environment:
# WARMUP_MAX (cap of each warm-up stage that runs until the JIT is quiet, seconds),
# WARMUP_QUIET_PERCENT, WARMUP_QUIET_JIT_MS and WARMUP_QUIET_COMPILES (a quiet 2-s window:
# compilation time grew < that % of its total, the JIT compiler threads used < that many ms of
# CPU and made < that many compilations), WARMUP_CLIENTS and WARMUP_RATE (authz: the gentle
# stages' clients and their requests/s together), WARMUP_BURST (authz: seconds of the burst on
# every client between them; 0: none), ALLOC=1 (allocated bytes per request by thread group),
# OPEN_SPIN_US (open-loop spin window).
bench_load_args() {
  local a="--warmup-max ${WARMUP_MAX:-120}"
  a+="${WARMUP_QUIET_PERCENT:+ --warmup-quiet-percent $WARMUP_QUIET_PERCENT}"
  a+="${WARMUP_QUIET_JIT_MS:+ --warmup-quiet-jit-ms $WARMUP_QUIET_JIT_MS}"
  a+="${WARMUP_QUIET_COMPILES:+ --warmup-quiet-compiles $WARMUP_QUIET_COMPILES}"
  a+="${WARMUP_CLIENTS:+ --warmup-clients $WARMUP_CLIENTS}"
  a+="${WARMUP_RATE:+ --warmup-rate $WARMUP_RATE}"
  a+="${WARMUP_BURST:+ --warmup-burst $WARMUP_BURST}"
  a+="${ALLOC:+ --alloc}${OPEN_SPIN_US:+ --open-spin-us $OPEN_SPIN_US}"
  echo "$a"
}

# The JVM flags `./imprint server` gives a server on a machine with room for them (see the
# launcher and docs/server.md "JVM flags"), so that a server inside the load generator's JVM runs
# as the launcher would run it: no safepoint forced every second, a fixed 512 MiB young
# generation. BENCH_JAVA_OPTS comes after them and overrides them.
bench_server_jvm_opts() {
  echo "-XX:+UnlockDiagnosticVMOptions -XX:GuaranteedSafepointInterval=0 -Xmn512m"
}
