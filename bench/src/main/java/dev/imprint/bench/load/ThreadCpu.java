package dev.imprint.bench.load;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * CPU time by side in the load generator's one process: the clients' threads (the scenario's
 * driver threads and the HTTP client's own) apart from the server's (its request threads, its
 * group commit and every other Java thread). The JIT compiler's and the collector's
 * threads are not Java threads, and threads that end during a run lose their time: the rest of
 * the process's CPU time is theirs.
 */
final class ThreadCpu {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  /**
   * CPU nanoseconds of the load generator's driver threads, each adding its own as it ends (an
   * ended thread's time can no longer be read).
   */
  static final java.util.concurrent.atomic.AtomicLong DRIVERS =
      new java.util.concurrent.atomic.AtomicLong();

  /** CPU nanoseconds per live thread id, with the thread's name. */
  record Snapshot(Map<Long, Long> cpu, Map<Long, String> names, long drivers) {}

  /** The client and server CPU nanoseconds between two snapshots. */
  record Split(long clientNanos, long serverNanos) {}

  private ThreadCpu() {}

  /** The calling thread's CPU nanoseconds. */
  static long current() {
    return THREADS.getCurrentThreadCpuTime();
  }

  static Snapshot now() {
    Map<Long, Long> cpu = new HashMap<>();
    Map<Long, String> names = new HashMap<>();
    long[] ids = THREADS.getAllThreadIds();
    ThreadInfo[] infos = THREADS.getThreadInfo(ids);
    for (int i = 0; i < ids.length; i++) {
      long t = THREADS.getThreadCpuTime(ids[i]);
      if (t >= 0 && infos[i] != null) {
        cpu.put(ids[i], t);
        names.put(ids[i], infos[i].getThreadName());
      }
    }
    return new Snapshot(cpu, names, DRIVERS.get());
  }

  /** What each side used from {@code before} to {@code after}; {@code client} picks its threads. */
  static Split between(Snapshot before, Snapshot after, Predicate<String> client) {
    long c = after.drivers() - before.drivers();
    long s = 0;
    for (Map.Entry<Long, Long> e : after.cpu().entrySet()) {
      long used = e.getValue() - before.cpu().getOrDefault(e.getKey(), 0L);
      if (client.test(after.names().get(e.getKey()))) {
        c += used;
      } else {
        s += used;
      }
    }
    return new Split(c, s);
  }

  /**
   * CPU nanoseconds by group of threads from {@code before} to {@code after}: {@code client}
   * (what {@code client} picks), {@code requests} (the server's Jetty pool, named {@code qtp}),
   * {@code store} (the group commit's writer and the batched issuance and token-usage records),
   * and {@code other} (every other live Java thread); in that order.
   */
  static Map<String, Long> byGroup(Snapshot before, Snapshot after, Predicate<String> client) {
    Map<String, Long> out = new java.util.LinkedHashMap<>();
    out.put("client", after.drivers() - before.drivers());
    out.put("requests", 0L);
    out.put("store", 0L);
    out.put("other", 0L);
    for (Map.Entry<Long, Long> e : after.cpu().entrySet()) {
      long used = e.getValue() - before.cpu().getOrDefault(e.getKey(), 0L);
      String n = after.names().get(e.getKey());
      String group = client.test(n) ? "client" : n.startsWith("qtp") ? "requests"
          : n.startsWith("imprint-writer") || n.startsWith("imprint-issuance-log")
              || n.startsWith("imprint-token-usage") ? "store" : "other";
      out.merge(group, used, Long::sum);
    }
    return out;
  }

  /** The threads of the clients of scenario {@code name}: its drivers and the HTTP client's. */
  static Predicate<String> clientOf(String name) {
    return n -> n.startsWith(name + "-") || n.startsWith("HttpClient")
        || n.startsWith(LoadClient.THREAD_PREFIX) || n.startsWith(LoadClient.ASYNC_THREAD_PREFIX);
  }
}
