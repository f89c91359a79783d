package dev.imprint.bench.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A closed-loop throughput run with {@code wrk} (Debian's package; bench/server-bench.sh installs
 * it on demand): {@code clients} keep-alive connections from one event-loop thread, each with one
 * request in flight, the scenario's requests written out once into a Lua script. wrk costs a few
 * microseconds of CPU a request, so on a shared machine the server keeps the cores the Java
 * clients would take. Its latencies are from send to answer (closed loop): queueing at
 * saturation, not the tail an open loop measures.
 */
final class Wrk {
  /** Distinct requests written into the script at most (the authorize scenario has 1,000). */
  private static final int MAX_REQUESTS = 1_000;
  private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in ([\\d.]+)(us|ms|s|m)");
  private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");
  private static final Pattern SOCKET = Pattern.compile(
      "Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");
  private static final Pattern PERCENTILE = Pattern.compile("\\s(50|99)%\\s+([\\d.]+)(us|ms|s|m)");
  /** The children's user and system time bash's {@code times} prints on its second line. */
  private static final Pattern TIMES = Pattern.compile("(\\d+)m([\\d.]+)s (\\d+)m([\\d.]+)s");

  /** One wrk run: what it counted, its p50 and p99, and its own CPU time. */
  record Run(long requests, long errors, double seconds, double p50Millis, double p99Millis,
      long cpuNanos) {
    double perSecond() {
      return requests / seconds;
    }

    /** The run's row of the closed-loop table; {@code batches} may be null. */
    String row(String scenario, String store, int clients,
        dev.imprint.server.store.BatchSizes batches) {
      return String.format(Locale.ROOT, "| %s (wrk) | %s | %d | %d | %.0f | %.1f | %.1f | %d | %s |",
          scenario, store, clients, requests, perSecond(), p50Millis, p99Millis, errors,
          LoadGenerator.batchesCell(batches));
    }

    /** wrk's own CPU time per request (standard error, beside the server's). */
    String cpuLine(String what) {
      return String.format(Locale.ROOT, "cpu: %s: wrk %.0f us CPU per request", what,
          cpuNanos / 1e3 / Math.max(1, requests));
    }
  }

  private Wrk() {}

  /** {@code wrk} as found on the path, or a clear error saying how to get it. */
  static String command() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(dir, "wrk"))) {
        return Path.of(dir, "wrk").toString();
      }
    }
    throw new IllegalStateException("--driver wrk needs wrk on the PATH (Debian: apt-get install"
        + " wrk; bench/server-bench.sh installs it)");
  }

  /**
   * Runs wrk for {@code seconds} with {@code clients} connections, sending the requests {@code
   * scenario} makes for client 0 in turn; a status other than {@code expected}'s class (2xx or
   * 3xx, as wrk counts) or a socket error is an error.
   */
  static Run run(Scenario scenario, Target target, int clients, int seconds, Path dir)
      throws IOException, InterruptedException {
    Path script = dir.resolve("wrk-" + scenario.name() + ".lua");
    // the script holds bearer tokens: owner-only, deleted after the run
    Files.createFile(script, PosixFilePermissions.asFileAttribute(
        PosixFilePermissions.fromString("rw-------")));
    try {
      Files.writeString(script, lua(scenario, target));
      List<String> command = List.of("bash", "-c", "\"$0\" \"$@\"; rc=$?; times; exit $rc",
          command(), "-t", "1", "-c", Integer.toString(clients), "-d", seconds + "s",
          "--timeout", "60s", "--latency", "-s", script.toString(), target.url());
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.waitFor() != 0) {
        throw new IllegalStateException("wrk failed (exit " + p.exitValue() + "): " + out);
      }
      Run r = parse(out);
      if (r.errors() > 0) {
        out.lines().filter(l -> l.contains("Non-2xx") || l.contains("Socket errors"))
            .forEach(l -> System.err.println("wrk: " + scenario.name() + ": " + l.strip()));
      }
      return r;
    } finally {
      Files.deleteIfExists(script);
    }
  }

  /**
   * The Lua script: a single request set as wrk's static request (sent as the same bytes without
   * calling into Lua), or several, in turn, from {@code request()}.
   */
  static String lua(Scenario scenario, Target target) {
    java.util.Map<String, HttpRequest> distinct = new java.util.LinkedHashMap<>();
    for (int i = 0; i < MAX_REQUESTS; i++) {
      HttpRequest r = scenario.request(target, 0, i);
      distinct.putIfAbsent(raw(r), r);
    }
    StringBuilder s = new StringBuilder();
    if (distinct.size() == 1) {
      HttpRequest r = distinct.values().iterator().next();
      s.append("wrk.method = \"").append(r.method()).append("\"\n")
          .append("wrk.path = \"").append(luaEscape(r.uri().getRawPath())).append("\"\n");
      String contentType = LoadClient.copyHeaders(r, (name, v) -> s.append("wrk.headers[\"")
          .append(luaEscape(name)).append("\"] = \"").append(luaEscape(v)).append("\"\n"));
      if (contentType != null) {
        s.append("wrk.headers[\"Content-Type\"] = \"").append(luaEscape(contentType))
            .append("\"\n");
      }
      r.bodyPublisher().ifPresent(p -> s.append("wrk.body = \"").append(luaEscape(
          new String(LoadClient.read(p), StandardCharsets.ISO_8859_1))).append("\"\n"));
      return s.toString();
    }
    s.append("local requests = {\n");
    for (String r : distinct.keySet()) {
      s.append("  \"").append(luaEscape(r)).append("\",\n");
    }
    return s.append("}\nlocal n = #requests\nlocal i = 0\n")
        .append("request = function()\n  i = i % n + 1\n  return requests[i]\nend\n").toString();
  }

  /** {@code r} as the bytes of an HTTP/1.1 request on a keep-alive connection. */
  static String raw(HttpRequest r) {
    URI u = r.uri();
    StringBuilder s = new StringBuilder(r.method()).append(' ').append(u.getRawPath())
        .append(u.getRawQuery() == null ? "" : "?" + u.getRawQuery()).append(" HTTP/1.1\r\n")
        .append("Host: ").append(u.getHost()).append(':').append(u.getPort()).append("\r\n");
    String contentType = LoadClient.copyHeaders(r, (name, v) -> s.append(name).append(": ")
        .append(v).append("\r\n"));
    byte[] body = r.bodyPublisher().map(LoadClient::read).orElse(new byte[0]);
    if (r.bodyPublisher().isPresent()) {
      if (contentType != null) {
        s.append("Content-Type: ").append(contentType).append("\r\n");
      }
      s.append("Content-Length: ").append(body.length).append("\r\n");
    }
    return s.append("\r\n").append(new String(body, StandardCharsets.ISO_8859_1)).toString();
  }

  private static String luaEscape(String s) {
    StringBuilder out = new StringBuilder();
    for (char c : s.toCharArray()) {
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '"' -> out.append("\\\"");
        case '\r' -> out.append("\\r");
        case '\n' -> out.append("\\n");
        default -> {
          if (c < 0x20 || c > 0x7e) {
            out.append(String.format(Locale.ROOT, "\\%03d", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }

  /** Reads wrk's {@code --latency} report and bash's {@code times} after it. */
  static Run parse(String out) {
    Matcher m = REQUESTS.matcher(out);
    if (!m.find()) {
      throw new IllegalStateException("no request count in wrk's output: " + out);
    }
    long requests = Long.parseLong(m.group(1));
    double seconds = Double.parseDouble(m.group(2)) * unitMillis(m.group(3)) / 1e3;
    long errors = 0;
    Matcher e = NON_2XX.matcher(out);
    if (e.find()) {
      errors += Long.parseLong(e.group(1));
    }
    Matcher so = SOCKET.matcher(out);
    if (so.find()) {
      for (int g = 1; g <= 4; g++) {
        errors += Long.parseLong(so.group(g));
      }
    }
    double[] pct = {Double.NaN, Double.NaN};
    Matcher p = PERCENTILE.matcher(out);
    while (p.find()) {
      pct[p.group(1).equals("50") ? 0 : 1] = Double.parseDouble(p.group(2))
          * unitMillis(p.group(3));
    }
    List<long[]> times = new ArrayList<>();
    Matcher t = TIMES.matcher(out);
    while (t.find()) {
      times.add(new long[] {nanos(t.group(1), t.group(2)), nanos(t.group(3), t.group(4))});
    }
    if (times.size() < 2) {
      throw new IllegalStateException("no CPU times after wrk's output: " + out);
    }
    long[] children = times.get(times.size() - 1);
    return new Run(requests - errors, errors, seconds, pct[0], pct[1],
        children[0] + children[1]);
  }

  private static long nanos(String minutes, String seconds) {
    return (long) ((Long.parseLong(minutes) * 60 + Double.parseDouble(seconds)) * 1e9);
  }

  private static double unitMillis(String unit) {
    return switch (unit) {
      case "us" -> 1e-3;
      case "ms" -> 1;
      case "s" -> 1e3;
      case "m" -> 60e3;
      default -> throw new IllegalStateException("unknown unit in wrk's output: " + unit);
    };
  }
}
