#!/usr/bin/env bash
# Measures how long `imprint server` takes from launch to /readyz answering 200, on a fresh data
# directory (first start: migrations run, admin token made) and on an existing one (restart).
# Prints each run and the median of each kind. Usage: bench/server-start.sh [RUNS] (default 7).
# IMPRINT_LAUNCHER overrides the command (default: ./imprint, which uses the CDS archives).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-7}"
launcher="${IMPRINT_LAUNCHER:-$here/imprint}"
port="${IMPRINT_BENCH_PORT:-17878}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

"$launcher" --version >/dev/null   # builds the jar and the archives if needed

now_ms() { date +%s%3N; }

# CPU time (user + system, all threads) the JVM has used so far, in ms: unlike wall time it does
# not grow when other processes compete for the cores.
cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{print int(($14 + $15) * 1000 / hz)}' "/proc/$1/stat"; }

# True when GET /readyz answers 200. Bash's own /dev/tcp and a read with a timeout poll without
# starting a process each time (a curl every 10 ms would take much of a core from the server).
exec {nap}<> <(:)
ready() {
  local fd status
  exec {fd}<>"/dev/tcp/127.0.0.1/$port" || return 1
  printf 'GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&"$fd"
  read -r -t 2 -u "$fd" _ status _ || status=
  exec {fd}>&-
  [ "$status" = 200 ]
}

one_start() {  # $1 = data dir; prints "wall-ms cpu-ms" to readyz 200
  local data="$1" start pid ms cpu
  start="$(now_ms)"
  "$launcher" server --listen "127.0.0.1:$port" --data-dir "$data" >"$work/out" 2>"$work/err" &
  pid=$!
  until ready 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "server exited early:" >&2; cat "$work/err" >&2; exit 1
    fi
    read -r -t 0.005 -u "$nap" || true
  done
  ms=$(( $(now_ms) - start ))
  cpu="$(cpu_ms "$pid")"
  kill -TERM "$pid"; wait "$pid" || true
  echo "$ms $cpu"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}'; }

fw=(); fc=(); aw=(); ac=()
for i in $(seq 1 "$runs"); do
  rm -rf "$work/data"
  read -r w c < <(one_start "$work/data"); fw+=("$w"); fc+=("$c")
  read -r w c < <(one_start "$work/data"); aw+=("$w"); ac+=("$c")
  echo "run $i: first start ${fw[-1]} ms (cpu ${fc[-1]} ms), restart ${aw[-1]} ms (cpu ${ac[-1]} ms)"
done
m() { printf '%s\n' "$@" | median; }
echo "median of $runs, launch to /readyz 200: first start $(m "${fw[@]}") ms" \
  "(cpu $(m "${fc[@]}") ms), restart $(m "${aw[@]}") ms (cpu $(m "${ac[@]}") ms);" \
  "load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
