# shellcheck shell=bash
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
