package dev.imprint.bench.load;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The server's own time for the requests of one measured row, beside the client's latency, so
 * that a missed target can be put on the server or on what lies between (the network stack, the
 * wait for a core, the driver): read from the server's request log, one INFO line per request
 * ({@code 2026-12-07T09:15:02.417Z INFO  imprint.request - POST /v1/authorize 200 0.3ms
 * token=...}), the lines of one method and route logged from the row's start on. The server's
 * request timers cannot give it: they keep a count, a sum and a decaying maximum, no histogram
 * from which a percentile of one interval could be taken.
 *
 * <p>The duration is the one the request log states: from the server's handling of the request
 * to its answer, in tenths of a millisecond (the text line's resolution). It does not include the
 * time the request waited in the kernel or for a free request thread before that, which the
 * client's latency does. The log is written by a writer thread at least every 200 ms, so a row's
 * last lines reach the file after its last answer: they are waited for, up to a bound (a line
 * the server dropped under load never comes; the cell then says how many lines of how many
 * answers it has).
 */
final class ServerTimes {
  /** How long a row waits at most for its last lines to reach the file. */
  static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);
  /** A text log line's time, as the server prints it (fixed width: its text sorts as time). */
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern(
      "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

  private ServerTimes() {}

  /**
   * Where a row starts in the log: the file, its length then and the time (a line logged before
   * it, of a request answered before the row, may still reach the file after the mark: its time
   * leaves it out).
   */
  record Mark(Path log, long offset, String since) {
    static Mark at(Path log, long offset, long epochMillis) {
      return new Mark(log, offset, TIME.format(Instant.ofEpochMilli(epochMillis)));
    }
  }

  /**
   * A row's server-side durations (sorted, nanoseconds) from {@code lines} log lines, of
   * {@code expected} answers.
   */
  record Stats(long lines, long expected, long[] sortedNanos) {
    /** The {@code p}-th percentile in ms (NaN without lines). */
    double percentile(double p) {
      return LoadGenerator.percentile(sortedNanos, p);
    }

    /** p50 / p99 / max in ms, and how many lines of how many answers when some are missing. */
    String cell() {
      if (lines == 0) {
        return "no lines";
      }
      return String.format(Locale.ROOT, "%.1f / %.1f / %.1f%s", percentile(50), percentile(99),
          percentile(100), lines >= expected ? "" : String.format(Locale.ROOT,
              " (%d lines of %d answers)", lines, expected));
    }
  }

  /** The cell of {@code s}, "-" when the server logs no requests. */
  static String cell(Stats s) {
    return s == null ? "-" : s.cell();
  }

  /** The mark before a row on {@code server}, null when it logs no requests (or no file). */
  static Mark mark(BenchServer server) throws IOException {
    Path log = server.requestLog();
    if (log == null || !Files.isRegularFile(log)) {
      return null;
    }
    return Mark.at(log, Files.size(log), System.currentTimeMillis());
  }

  /**
   * The durations of the {@code method} {@code route} lines logged since {@code mark} (null: no
   * log, null back), read until there are {@code expected} of them or {@code waitNanos} passed.
   */
  static Stats read(Mark mark, String method, String route, long expected, long waitNanos)
      throws IOException, InterruptedException {
    if (mark == null) {
      return null;
    }
    String needle = " - " + method + " " + route + " ";
    long deadline = System.nanoTime() + waitNanos;
    long[] nanos = new long[(int) Math.min(1 << 24, Math.max(16, expected))];
    int n = 0;
    // from the byte before the mark: a mark inside a line skips that line's rest
    long pos = Math.max(0, mark.offset() - 1);
    boolean lineStart = mark.offset() == 0;
    try (FileChannel f = FileChannel.open(mark.log(), StandardOpenOption.READ)) {
      while (true) {
        long size = f.size();
        if (size > pos) {
          ByteBuffer b = ByteBuffer.allocate((int) Math.min(size - pos, 64L << 20));
          f.read(b, pos);
          String text = new String(b.array(), 0, b.position(), StandardCharsets.ISO_8859_1);
          int end = text.lastIndexOf('\n') + 1;
          int from = 0;
          if (!lineStart && end > 0) {
            from = text.indexOf('\n') + 1;
            lineStart = true;
          }
          if (end > from) {
            for (String line : text.substring(from, end).split("\n")) {
              long d = duration(line, mark.since(), needle);
              if (d >= 0) {
                if (n == nanos.length) {
                  nanos = Arrays.copyOf(nanos, 2 * n);
                }
                nanos[n++] = d;
              }
            }
          }
          pos += end;
        }
        if (n >= expected || System.nanoTime() - deadline >= 0) {
          break;
        }
        Thread.sleep(50);
      }
    }
    long[] sorted = Arrays.copyOf(nanos, n);
    Arrays.sort(sorted);
    return new Stats(n, expected, sorted);
  }

  /**
   * The duration in ns of a text request log line of {@code needle} (" - METHOD ROUTE ") logged
   * at {@code since} or later; -1 for any other line.
   */
  static long duration(String line, String since, String needle) {
    if (line.length() < since.length()
        || line.substring(0, since.length()).compareTo(since) < 0) {
      return -1;
    }
    int at = line.indexOf(needle);
    if (at < 0) {
      return -1;
    }
    // "200 0.3ms token=...": the status, then the duration
    int status = at + needle.length();
    int ms = line.indexOf(' ', status) + 1;
    int unit = ms <= 0 ? -1 : line.indexOf("ms", ms);
    if (unit < 0) {
      return -1;
    }
    try {
      return Math.round(Double.parseDouble(line.substring(ms, unit)) * 1e6);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
