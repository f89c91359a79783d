#!/usr/bin/env bash
# End-to-end scan benchmark through the REAL command line (./imprint), beside two baselines:
# `grep -rc AKIA` (the floor: read every byte once) and secretlint (a popular secret scanner).
# The corpus generator writes where it planted every fake secret; each scanner's output is
# checked against that list (dev.imprint.bench.PlantedSecrets), so a tool that skips work cannot
# look faster: Imprint's figures are reported only when it found every planted secret, and
# secretlint's recall (planted secrets it found) is reported beside its time.
#
#   bench/scan-bench.sh                  # 20,000 files, seed 42
#   FILES=5000 SEED=7 bench/scan-bench.sh
#   SKIP_SECRETLINT=1 bench/scan-bench.sh
#   SECRETLINT_TIMEOUT=1800 bench/scan-bench.sh   # give secretlint 30 minutes on the full corpus
#
# Prints a Markdown table to stdout and writes it to bench/results/latest.md. The corpus goes to
# bench/corpus/ (gitignored); secretlint is installed into bench/.tools/node_modules (gitignored) with
# `npm ci` from the committed package.json and package-lock.json.
# Takes about 3-8 minutes on 2 cores; secretlint is stopped after SECRETLINT_TIMEOUT seconds.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
files="${FILES:-20000}"
seed="${SEED:-42}"
large="${LARGE:-12}"
subset_files="${SUBSET_FILES:-1000}"
sl_timeout="${SECRETLINT_TIMEOUT:-300}"
corpus="$here/corpus"
results="$here/results"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cd "$root"

log() { echo "scan-bench: $*" >&2; }

if [ ! -x /usr/bin/time ]; then
  log "GNU time (/usr/bin/time) is needed for peak RSS; install it (apt-get install time)"
  exit 2
fi

# 1. The product jar (the launcher builds it when stale) and the benchmarks jar.
log "building the product jar (./imprint --version)..."
./imprint --version >&2
log "building the bench jar..."
if ! mvn -q -B -o -pl bench -am package -DskipTests >"$tmp/mvn.log" 2>&1; then
  mvn -q -B -pl bench -am package -DskipTests >"$tmp/mvn.log" 2>&1 || {
    cat "$tmp/mvn.log" >&2
    exit 2
  }
fi
bench_jar="$here/target/benchmarks.jar"

# 2. The corpus (regenerated each run: same seed, same bytes) and a typical-file subset.
log "generating $files files (seed $seed) into $corpus..."
rm -rf "$corpus"
java -cp "$bench_jar" dev.imprint.bench.CorpusGenerator \
  --out "$corpus" --files "$files" --seed "$seed" --large "$large" \
  --planted "$tmp/corpus.planted.tsv" >/dev/null
subset="$tmp/subset"
java -cp "$bench_jar" dev.imprint.bench.CorpusGenerator \
  --out "$subset" --files "$subset_files" --seed "$seed" --large 0 \
  --planted "$tmp/subset.planted.tsv" >/dev/null
planted_of() { if [ "$1" = "$corpus" ]; then echo "$tmp/corpus.planted.tsv"; else echo "$tmp/subset.planted.tsv"; fi; }

# check_imprint DIR / check_secretlint DIR: "FOUND TOTAL [missed e.g. ...]" for the last run.
check_imprint() {
  java -cp "$bench_jar" dev.imprint.bench.PlantedSecrets --planted "$(planted_of "$1")" \
    --root "$1" --imprint "$tmp/report.json"
}
check_secretlint() {
  java -cp "$bench_jar" dev.imprint.bench.PlantedSecrets --planted "$(planted_of "$1")" \
    --root "$1" --secretlint "$tmp/out.txt"
}

count_files() { find "$1" -type f | wc -l; }
count_bytes() { find "$1" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }'; }

rows=()
# measure NAME CORPUS EXPECTED_CODES CHECK POLICY COMMAND...: wall time, CPU, peak RSS via GNU
# time. CHECK is check_imprint, check_secretlint or - (no check); with POLICY "all" the figures
# are withheld unless every planted secret was found, with "recall" they are shown beside it.
measure() {
  local name="$1" dir="$2" ok_codes="$3" check="$4" policy="$5"
  shift 5
  local n bytes start end code
  n="$(count_files "$dir")"
  bytes="$(count_bytes "$dir")"
  log "running $name on $n files..."
  start="$(date +%s.%N)"
  set +e
  /usr/bin/time -v -o "$tmp/time.txt" "$@" >"$tmp/out.txt" 2>"$tmp/err.txt"
  code=$?
  set -e
  end="$(date +%s.%N)"
  local rss user sys note=""
  rss="$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tmp/time.txt")"
  user="$(awk -F': ' '/User time/ {print $2}' "$tmp/time.txt")"
  sys="$(awk -F': ' '/System time/ {print $2}' "$tmp/time.txt")"
  if [ "$code" = 124 ] && [ "$1" = timeout ]; then
    note="stopped by the time limit; did not finish, so the true rates are lower"
  elif ! [[ ",$ok_codes," == *",$code,"* ]]; then
    note="unexpected exit $code: $(head -c 200 "$tmp/err.txt" | tr '\n|' '  ')"
  fi
  local found="" total="" recall="n/a" withhold=0 checked
  if [ "$check" != "-" ]; then
    if [ "$code" = 124 ] && [ "$1" = timeout ]; then
      # A tool stopped by the time limit wrote no complete report: its recall is not known.
      recall="not known (stopped)"
    elif checked="$("$check" "$dir" 2>"$tmp/check.err")"; then
      found="$(echo "$checked" | awk '{print $1}')"
      total="$(echo "$checked" | awk '{print $2}')"
      recall="$found of $total"
      if [ "$found" != "$total" ]; then
        note="${note:+$note; }$(echo "$checked" | cut -d' ' -f3- | tr '|' ' ')"
      fi
    else
      recall="unreadable output"
      note="${note:+$note; }its output could not be checked: $(head -c 120 "$tmp/check.err" | tr '\n|' '  ')"
    fi
    if [ "$policy" = all ] && [ "$found" != "$total" -o -z "$total" ]; then
      withhold=1
      note="${note:+$note; }figures withheld: not every planted secret was found"
    fi
  fi
  rows+=("$(awk -v name="$name" -v n="$n" -v b="$bytes" -v s="$start" -v e="$end" \
    -v rss="${rss:-0}" -v u="${user:-0}" -v sy="${sys:-0}" -v code="$code" -v note="$note" \
    -v recall="$recall" -v withhold="$withhold" \
    'BEGIN { w = e - s; cpu = u + sy; mb = b / 1048576;
      lt = (code == 124 ? "<" : "");
      if (withhold == 1) {
        printf "| %s | %d | %.1f | - | - | - | - | - | - | %s | %d (%s) |", name, n, mb, recall,
          code, note
      } else {
        printf "| %s | %d | %.1f | %.2f | %s%.0f | %s%.1f | %.2f | %s%.0f | %.0f | %s | %d%s |",
          name, n, mb, w, lt, n / w, lt, mb / w, cpu, lt, (cpu > 0 ? n / cpu : 0), rss / 1024,
          recall, code, (note == "" ? "" : " (" note ")")
      }
    }')")
  cp "$tmp/out.txt" "$tmp/last-$(echo "$name" | tr -c 'a-zA-Z0-9' '_').out"
}

# 3. Imprint through the real CLI; JSON report to a file when the CLI has --format/--output.
imprint_cmd=(./imprint scan --format json --output "$tmp/report.json")
if ! ./imprint scan --help 2>/dev/null | grep -q -- '--format'; then
  imprint_cmd=(./imprint scan)
  log "this build of imprint has no --format/--output; measuring the text report instead"
fi
# Warm the class-data-sharing archive and the page cache once, unmeasured.
"${imprint_cmd[@]}" "$subset" >/dev/null 2>&1 || true
find "$corpus" -type f -exec cat {} + >/dev/null

measure "imprint scan (subset)" "$subset" "0,1" check_imprint all "${imprint_cmd[@]}" "$subset"
measure "imprint scan" "$corpus" "0,1" check_imprint all "${imprint_cmd[@]}" "$corpus"
imprint_summary="$(tail -n 1 "$tmp/out.txt" 2>/dev/null || true)"
measure "grep -rc AKIA (floor)" "$corpus" "0,1" - - grep -rc AKIA "$corpus"

# 4. secretlint from npm, configured in a temp dir.
sl_note=""
sl_bin="$here/.tools/node_modules/.bin/secretlint"
if [ -n "${SKIP_SECRETLINT:-}" ]; then
  sl_note="secretlint skipped (SKIP_SECRETLINT set)"
elif ! command -v npm >/dev/null 2>&1; then
  sl_note="secretlint not run: npm is not installed"
else
  if [ ! -x "$sl_bin" ]; then
    # pinned by the committed package.json and package-lock.json; node_modules is not committed
    log "installing secretlint into bench/.tools (npm ci, pinned by its lockfile)..."
    (cd "$here/.tools" && npm ci --silent --no-audit --no-fund) >&2 || true
  fi
  if [ -x "$sl_bin" ]; then
    echo '{"rules":[{"id":"@secretlint/secretlint-rule-preset-recommend"}]}' \
      >"$tmp/.secretlintrc.json"
    sl_version="$("$sl_bin" --version 2>/dev/null || echo unknown)"
    measure "secretlint $sl_version (subset)" "$subset" "0,1" check_secretlint recall \
      timeout "$sl_timeout" "$sl_bin" --secretlintrc "$tmp/.secretlintrc.json" \
      --format json "$subset/**/*"
    measure "secretlint $sl_version" "$corpus" "0,1" check_secretlint recall \
      timeout "$sl_timeout" "$sl_bin" --secretlintrc "$tmp/.secretlintrc.json" \
      --format json "$corpus/**/*"
    if [[ "${rows[-1]}" == *"stopped by the time limit"* ]]; then
      sl_note="secretlint was stopped after ${sl_timeout}s on the full corpus (exit 124)"
    fi
  else
    sl_note="secretlint not run: npm install failed (no registry access?)"
  fi
fi

# 5. Start-up: median of 10 runs of ./imprint --version.
times=()
for _ in 1 2 3 4 5 6 7 8 9 10; do
  s="$(date +%s%N)"
  ./imprint --version >/dev/null
  e="$(date +%s%N)"
  times+=("$(( (e - s) / 1000000 ))")
done
startup_ms="$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print (a[5]+a[6])/2}')"

cores="$(nproc)"
total_files="$(count_files "$corpus")"
{
  echo "## Imprint scan benchmark ($(date -u +%Y-%m-%dT%H:%MZ), $cores cores, $(java -version 2>&1 | sed -n 1p))"
  echo
  echo "Corpus: $total_files files, seed $seed, $large large files (1-3 MiB), generated by"
  echo "dev.imprint.bench.CorpusGenerator; subset: $subset_files typical files, same seed."
  echo "Command: \`${imprint_cmd[*]} <corpus>\`"
  echo
  echo "| tool | files | MiB | wall s | files/s | MiB/s | CPU s | files per CPU-s | peak RSS MiB | planted secrets found | exit |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
  printf '%s\n' "${rows[@]}"
  echo
  echo "\`./imprint --version\` start-up, median of 10 runs: ${startup_ms} ms"
  [ -n "$imprint_summary" ] && echo "imprint said: \`$imprint_summary\`"
  [ -n "$sl_note" ] && echo "Note: $sl_note"
  echo
  echo "Files per CPU-second is files / (user + system time): the per-core rate. Planted secrets"
  echo "found: of the fake secrets the generator planted (its list of file and line), how many the"
  echo "tool reported at their line; Imprint's figures are withheld unless it found all of them."
} >"$tmp/table.md"
mkdir -p "$results"
cp "$tmp/table.md" "$results/latest.md"
cat "$tmp/table.md"
