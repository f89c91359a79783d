#!/usr/bin/env bash
# Trains the class-data-sharing archives that make `imprint` start fast, beside the product jar:
#   imprint.jsa         short commands, trained by `rules`
#   imprint-server.jsa  `server` and `demo`, trained by a demo run (server start, migrations,
#                       Jetty, the API client and the scanner)
#   native/             SQLite's JDBC native library, copied out of the jar once (the driver
#                       otherwise copies it to the temporary directory and compares the copy on
#                       every start)
# then touches imprint.cds-trained. The build runs it right after it shades the jar (cli/pom.xml),
# so the archives always match the jar they were made from; the launcher runs it again after a
# JDK update. A dynamic archive made from another jar is not merely useless: the JVM then drops
# class-data sharing altogether, the JDK's own archive included.
# Failing to make an archive is not an error: the launcher then starts without it.
# Usage: train-cds.sh JAR EXAMPLES_DIR
set -uo pipefail
jar="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"   # absolute: the archive records the path
examples="$2"
out="$(dirname "$jar")"
jsa="$out/imprint.jsa"
server_jsa="$out/imprint-server.jsa"
native="$out/native"
marker="$out/imprint.cds-trained"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

rm -f "$jsa" "$server_jsa" "$marker"
# Each archive is trained with the collector its commands run with (see the launcher).
if ! java -XX:ArchiveClassesAtExit="$jsa" -XX:+UseSerialGC -Xss4m -Xshare:auto -jar "$jar" \
    rules >"$log" 2>&1; then
  echo "imprint: could not train the short commands' start-up archive; they start without it:" >&2
  tail -n 5 "$log" >&2
  rm -f "$jsa"
fi
if ! java -XX:ArchiveClassesAtExit="$server_jsa" -Xss4m -Xshare:auto -jar "$jar" demo \
    --listen 127.0.0.1:0 --examples "$examples" --exit-when-ready >"$log" 2>&1; then
  echo "imprint: could not train the server's start-up archive; it starts without it:" >&2
  tail -n 5 "$log" >&2
  rm -f "$server_jsa"
fi
rm -rf "$native"
if folder="$(java -cp "$jar" org.sqlite.util.OSInfo 2>/dev/null)" && mkdir -p "$native" \
    && (cd "$native" && jar xf "$jar" "org/sqlite/native/$folder/libsqlitejdbc.so") \
    && mv "$native/org/sqlite/native/$folder/libsqlitejdbc.so" "$native/"; then
  rm -rf "$native/org"
else
  rm -rf "$native"
fi
touch "$marker"
