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
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  /**
   * CPU nanoseconds of the load generator's driver threads, each adding its own as it ends (an
   * ended thread's time can no longer be read).
   */
  static final java.util.concurrent.atomic.AtomicLong DRIVERS =
      new java.util.concurrent.atomic.AtomicLong();
  /** Bytes the driver threads allocated, each adding its own as it ends, like {@link #DRIVERS}. */
  static final java.util.concurrent.atomic.AtomicLong DRIVERS_ALLOCATED =
      new java.util.concurrent.atomic.AtomicLong();
  /**
   * With {@code --alloc}: every run also reads each thread's allocated bytes
   * ({@code ThreadMXBean.getThreadAllocatedBytes}) and prints them per request by thread group.
   */
  static boolean allocation;

  /**
   * CPU nanoseconds and (with {@link #allocation}) allocated bytes per live thread id, with the
   * thread's name, and the driver threads' sums.
   */
  record Snapshot(Map<Long, Long> cpu, Map<Long, String> names, Map<Long, Long> allocated,
      long drivers, long driversAllocated) {}

  /** The client and server CPU nanoseconds between two snapshots. */
  record Split(long clientNanos, long serverNanos) {}

  private ThreadCpu() {}

  /** This JVM's thread bean. */
  static com.sun.management.ThreadMXBean local() {
    return THREADS;
  }

  /** The calling thread's CPU nanoseconds. */
  static long current() {
    return THREADS.getCurrentThreadCpuTime();
  }

  /** The bytes the calling thread has allocated so far. */
  static long currentAllocated() {
    return THREADS.getCurrentThreadAllocatedBytes();
  }

  /** Bytes the live threads {@code which} picks by name have allocated so far. */
  static long allocatedBy(Predicate<String> which) {
    long[] ids = THREADS.getAllThreadIds();
    ThreadInfo[] infos = THREADS.getThreadInfo(ids);
    long[] bytes = THREADS.getThreadAllocatedBytes(ids);
    long sum = 0;
    for (int i = 0; i < ids.length; i++) {
      sum += infos[i] != null && bytes[i] > 0 && which.test(infos[i].getThreadName()) ? bytes[i]
          : 0;
    }
    return sum;
  }

  static Snapshot now() {
    return of(THREADS, DRIVERS.get(), DRIVERS_ALLOCATED.get());
  }

  /** The threads of the JVM {@code bean} belongs to (another one's: {@code drivers} 0). */
  static Snapshot of(com.sun.management.ThreadMXBean bean, long drivers, long driversAllocated) {
    Map<Long, Long> cpu = new HashMap<>();
    Map<Long, String> names = new HashMap<>();
    Map<Long, Long> allocated = new HashMap<>();
    long[] ids = bean.getAllThreadIds();
    ThreadInfo[] infos = bean.getThreadInfo(ids);
    long[] bytes = allocation ? bean.getThreadAllocatedBytes(ids) : null;
    for (int i = 0; i < ids.length; i++) {
      long t = bean.getThreadCpuTime(ids[i]);
      if (t >= 0 && infos[i] != null) {
        cpu.put(ids[i], t);
        names.put(ids[i], infos[i].getThreadName());
        if (bytes != null && bytes[i] >= 0) {
          allocated.put(ids[i], bytes[i]);
        }
      }
    }
    return new Snapshot(cpu, names, allocated, drivers, driversAllocated);
  }

  /** What each side used from {@code before} to {@code after}; {@code client} picks its threads. */
  static Split between(Snapshot before, Snapshot after, Predicate<String> client) {
    Map<String, Long> g = byGroup(before, after, client, false);
    return new Split(g.get("client"), g.get("requests") + g.get("store") + g.get("other"));
  }

  /**
   * CPU nanoseconds (or, {@code bytes}, allocated bytes) by group of threads from {@code before}
   * to {@code after}: {@code client} (what {@code client} picks, and the ended driver threads),
   * {@code requests} (the server's Jetty pool, named {@code qtp}), {@code store} (the group
   * commit's writer and the batched issuance and token-usage records), and {@code other} (every
   * other live Java thread); in that order.
   */
  static Map<String, Long> byGroup(Snapshot before, Snapshot after, Predicate<String> client,
      boolean bytes) {
    Map<String, Long> out = new java.util.LinkedHashMap<>();
    out.put("client", bytes ? after.driversAllocated() - before.driversAllocated()
        : after.drivers() - before.drivers());
    out.put("requests", 0L);
    out.put("store", 0L);
    out.put("other", 0L);
    Map<Long, Long> was = bytes ? before.allocated() : before.cpu();
    for (Map.Entry<Long, Long> e : (bytes ? after.allocated() : after.cpu()).entrySet()) {
      long used = e.getValue() - was.getOrDefault(e.getKey(), 0L);
      out.merge(group(after.names().get(e.getKey()), client), used, Long::sum);
    }
    return out;
  }

  /** The group of the thread named {@code n} (see {@link #byGroup}). */
  static String group(String n, Predicate<String> client) {
    return client.test(n) ? "client" : n.startsWith("qtp") ? "requests"
        : n.startsWith("imprint-writer") || n.startsWith("imprint-issuance-log")
            || n.startsWith("imprint-token-usage") ? "store" : "other";
  }

  /** The threads of the clients of scenario {@code name}: its drivers and the HTTP client's. */
  static Predicate<String> clientOf(String name) {
    return n -> n.startsWith(name + "-") || LoadClient.isClientThread(n);
  }
}
