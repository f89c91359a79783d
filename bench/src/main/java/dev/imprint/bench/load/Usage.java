package dev.imprint.bench.load;

import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * What a measured run cost each side: CPU time (the server's process and the load generator's
 * when the server runs apart, each side's threads when they share one JVM) and the pauses of
 * each JVM. Unlike req/s these hardly depend on what else the machine runs, so they are what an
 * A/B on a busy machine compares.
 */
record Usage(boolean separate, long processNanos, long serverProcessNanos,
    ThreadCpu.Split split, Map<String, Long> groups, BenchServer.Pauses server,
    BenchServer.Pauses client, long preemptions, Map<String, Long> allocated) {

  /**
   * The counters at the start of a run; {@code serverThreads}: the separate server JVM's threads
   * (with {@code --alloc} and its MXBeans reachable; else null).
   */
  record Mark(long process, long serverProcess, ThreadCpu.Snapshot threads,
      BenchServer.Pauses server, BenchServer.Pauses client, long preemptions,
      ThreadCpu.Snapshot serverThreads) {
    /** What was used from this mark until now. */
    Usage until(BenchServer s, Predicate<String> clientThreads) {
      ThreadCpu.Snapshot t = ThreadCpu.now();
      return new Usage(s.separate(), LoadGenerator.processCpuNanos() - process,
          s.cpuNanos() - serverProcess, ThreadCpu.between(threads, t, clientThreads),
          ThreadCpu.byGroup(threads, t, clientThreads, false), s.pauses().since(server),
          BenchServer.Pauses.ofThisJvm().since(client), s.preemptions() - preemptions,
          allocatedSince(s, t, clientThreads));
    }

    /**
     * With {@code --alloc}, the bytes each thread group allocated since this mark: the client
     * group from this JVM, the server's groups from the server's JVM (this one when it shares
     * it); null without the switch or when a separate server's threads cannot be read.
     */
    private Map<String, Long> allocatedSince(BenchServer s, ThreadCpu.Snapshot now,
        Predicate<String> clientThreads) {
      if (!ThreadCpu.allocation) {
        return null;
      }
      Map<String, Long> here = ThreadCpu.byGroup(threads, now, clientThreads, true);
      if (!s.separate()) {
        return here;
      }
      if (serverThreads == null) {
        return null;
      }
      Map<String, Long> there = ThreadCpu.byGroup(serverThreads, ThreadCpu.of(s.threads(), 0, 0),
          n -> false, true);
      there.put("client", here.get("client"));
      return there;
    }
  }

  static Mark mark(BenchServer s) {
    BenchServer.Pauses server = s.pauses();
    BenchServer.Pauses client = s.separate() ? BenchServer.Pauses.ofThisJvm() : server;
    ThreadCpu.Snapshot serverThreads = ThreadCpu.allocation && s.separate()
        && s.threads() != null ? ThreadCpu.of(s.threads(), 0, 0) : null;
    return new Mark(LoadGenerator.processCpuNanos(), s.cpuNanos(), ThreadCpu.now(), server,
        client, s.preemptions(), serverThreads);
  }

  /**
   * With {@code --alloc}, the line of KiB allocated per request by each thread group, beside the
   * CPU lines; empty without.
   */
  String allocationLine(String what, long requests) {
    if (allocated == null) {
      return ThreadCpu.allocation ? String.format(Locale.ROOT, "%nalloc: %s: the server JVM's"
          + " threads cannot be read", what) : "";
    }
    StringBuilder b = new StringBuilder();
    allocated.forEach((g, bytes) -> b.append(String.format(Locale.ROOT, " %s %.1f KiB,", g,
        bytes / 1024.0 / Math.max(1, requests))));
    b.setLength(b.length() - 1);
    return String.format(Locale.ROOT, "%nalloc: %s: allocated per request by thread group"
        + " (ThreadMXBean, live threads; the drivers add theirs as they end):%s", what, b);
  }

  /** The server's CPU microseconds per request (its process, or its threads in a shared JVM). */
  double serverMicros(long requests) {
    return (separate ? serverProcessNanos : split.serverNanos()) / 1e3 / requests;
  }

  /** The load generator's CPU microseconds per request (its process, or its client threads). */
  double clientMicros(long requests) {
    return (separate ? processNanos : split.clientNanos()) / 1e3 / requests;
  }

  /**
   * {@link #lines(String, long)}, then the KiB the server's threads allocated per request,
   * {@code serverKib}, on a line of its own, unless {@code --alloc}'s line already gives it by
   * thread group (or it is NaN: not known).
   */
  String lines(String what, long requests, double serverKib) {
    return lines(what, requests) + (ThreadCpu.allocation || Double.isNaN(serverKib) ? ""
        : String.format(Locale.ROOT, "%ncpu: %s: %.1f KiB allocated per request by the server's"
            + " threads", what, serverKib));
  }

  /** The lines printed to standard error after a run of {@code requests} requests. */
  String lines(String what, long requests) {
    double n = requests == 0 ? Double.NaN : requests;
    if (separate) {
      return String.format(Locale.ROOT, "cpu: %s, server in its own JVM: server process %.0f us"
          + " CPU per request; load generator process %.0f us (client threads %.0f us)%n"
          + "gc: %s: server JVM %d collections / %.0f ms, %d safepoints / %.0f ms in all;"
          + " load generator JVM %d collections / %.0f ms%n"
          + "preempted: %s: the server's threads lost a core they could still use %.2f times"
          + " per request (involuntary context switches)", what, serverProcessNanos / 1e3 / n,
          processNanos / 1e3 / n, split.clientNanos() / 1e3 / n, what, server.collections(),
          server.collectionMillis(), server.safepoints(), server.safepointMillis(),
          client.collections(), client.collectionMillis(), what, preemptions / n)
          + allocationLine(what, requests);
    }
    StringBuilder byGroup = new StringBuilder();
    groups.forEach((g, ns) -> byGroup.append(String.format(Locale.ROOT, " %s %.0f us,", g,
        ns / 1e3 / n)));
    return String.format(Locale.ROOT, "cpu: %s: %.0f us CPU per request (client threads %.0f us,"
        + " server threads %.0f us, JIT compiler, GC and ended threads %.0f us)%n"
        + "cpu: %s by thread group:%s JIT, GC and ended threads %.0f us%n"
        + "gc: %s: one JVM for server and clients, %d collections / %.0f ms", what,
        processNanos / 1e3 / n, split.clientNanos() / 1e3 / n, split.serverNanos() / 1e3 / n,
        (processNanos - split.clientNanos() - split.serverNanos()) / 1e3 / n, what, byGroup,
        (processNanos - groups.values().stream().mapToLong(Long::longValue).sum()) / 1e3 / n,
        what, server.collections(), server.collectionMillis()) + allocationLine(what, requests);
  }
}
