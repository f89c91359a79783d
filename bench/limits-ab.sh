#!/usr/bin/env bash
# The cost of the input limits alone (issue 9): token creation on SQLite with the limits on (the
# product as it ships) and off (no request-body budget, no minimum request data rate: a server
# only the benchmark can start), same build, a fresh JVM per run, on and off alternated so that
# drift in the machine's load hits both alike. Prints every run, the median and spread of each,
# and the ratio of the medians (off / on: 1.00 means the limits cost nothing measurable).
#
#   bench/limits-ab.sh                 # 5 runs each, 16 clients, 10 s after 5 s of warm-up
#   RUNS=3 SECONDS_PER_RUN=3 WARMUP=2 bench/limits-ab.sh      # a smoke run
#   SCENARIO=image-register bench/limits-ab.sh
#
# BENCH_JAVA_OPTS adds JVM options to every run. Writes the table to
# bench/results/limits-ab-latest.md.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
runs="${RUNS:-5}"
clients="${CLIENTS:-16}"
seconds="${SECONDS_PER_RUN:-10}"
warmup="${WARMUP:-5}"
scenario="${SCENARIO:-token-create}"
cd "$root"

# shellcheck source=bench/lib.sh
. "$here/lib.sh"
jar="$(bench_jar limits-ab)"

one() {  # $@: extra LoadGenerator options; prints req/s of the scenario's row
  # shellcheck disable=SC2086
  java -Xss4m $(bench_server_jvm_opts) ${BENCH_JAVA_OPTS:-} -cp "$jar" dev.imprint.bench.load.LoadGenerator \
    --clients "$clients" --seconds "$seconds" --warmup "$warmup" --scenario "$scenario" \
    --store sqlite --no-baseline "$@" 2>/dev/null \
    | awk -F'|' -v s="$scenario" '$2 ~ " " s " " {gsub(/ /, "", $6); print $6; exit}'
}

stats() {  # median and spread (min-max) of the numbers on stdin
  sort -n | awk '{a[NR]=$1} END {
    m = (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2
    printf "%.1f %.1f %.1f\n", m, a[1], a[NR]}'
}

mkdir -p "$here/results"
out="$here/results/limits-ab-latest.md"
on=(); off=()
{
  echo "# Input limits A/B: $scenario, SQLite, $clients clients"
  echo
  bench_header
  echo "- command: \`RUNS=$runs CLIENTS=$clients SECONDS_PER_RUN=$seconds WARMUP=$warmup" \
    "SCENARIO=$scenario bench/limits-ab.sh\`"
  echo
  echo "| run | limits on req/s | limits off req/s |"
  echo "|---|---|---|"
  for i in $(seq 1 "$runs"); do
    # alternate which goes first, so neither always runs on the warmer machine
    if (( i % 2 )); then
      a="$(one)"; b="$(one --no-input-limits)"
    else
      b="$(one --no-input-limits)"; a="$(one)"
    fi
    if [ -z "$a" ] || [ -z "$b" ]; then
      echo "limits-ab: run $i printed no $scenario row; run LoadGenerator by hand to see why" >&2
      exit 1
    fi
    on+=("$a"); off+=("$b")
    echo "| $i | $a | $b |"
  done
  read -r mon lon hon < <(printf '%s\n' "${on[@]}" | stats)
  read -r moff loff hoff < <(printf '%s\n' "${off[@]}" | stats)
  echo
  echo "- limits on: median $mon req/s (spread $lon-$hon)"
  echo "- limits off: median $moff req/s (spread $loff-$hoff)"
  # a difference of the medians smaller than the spreads' overlap is not a measured cost
  awk -v a="$mon" -v b="$moff" -v lon="$lon" -v hon="$hon" -v loff="$loff" -v hoff="$hoff" '
    BEGIN {
      printf "- ratio off/on of the medians: %.3f (medians %.1f %% apart)\n", b / a, (1 - a / b) * 100
      if (loff <= hon && lon <= hoff) {
        print "- the two spreads overlap: the difference is within the run-to-run spread, not a measured cost"
      } else {
        print "- the two spreads do not overlap: the difference is larger than the run-to-run spread"
      }
    }'
} | tee "$out"
echo "limits-ab: wrote $out" >&2
