package dev.imprint.server.http;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The {@code imprint.http.requests} timers, one per method, route template and status, built
 * and registered once so that a request costs one map lookup by its route and an array read,
 * and allocates nothing. Every label takes a bounded set of values, so no client can make series
 * grow: the method is one of {@link #METHODS} or {@code other}, the route a declared template
 * or {@code unmatched}, the status one of {@link #STATUSES} or its class ({@code 4xx}).
 */
final class RequestTimers {
  /** Methods named as they are; any other is {@code other}. */
  static final List<String> METHODS = List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE",
      "OPTIONS");
  /** Statuses named as they are; any other is named by its class. */
  static final List<Integer> STATUSES = List.of(200, 201, 204, 304, 400, 401, 403, 404, 405, 408,
      409, 413, 414, 415, 422, 429, 431, 500, 503);
  /**
   * More timers than any real server has (routes are templates, statuses few); past it a
   * request is timed through the registry without caching, so the cache cannot grow unbounded.
   */
  static final int MAX_CACHED = 2048;

  /** Status classes {@code 0xx} to {@code 9xx}; a status past 999 is not cached. */
  private static final int CLASSES = 10;
  private static final int STATUS_SLOTS = STATUSES.size() + CLASSES;
  private static final int SLOTS = (METHODS.size() + 1) * STATUS_SLOTS;
  /** The slot of each status 0..999: its own when named, else its class's. */
  private static final int[] STATUS_SLOT = new int[CLASSES * 100];

  static {
    for (int s = 0; s < STATUS_SLOT.length; s++) {
      int named = STATUSES.indexOf(s);
      STATUS_SLOT[s] = named >= 0 ? named : STATUSES.size() + s / 100;
    }
  }

  private final MeterRegistry registry;
  /** Per route template, its timers by method and status slot, each filled on first use. */
  private final ConcurrentMap<String, AtomicReferenceArray<Timer>> routes =
      new ConcurrentHashMap<>();
  private final AtomicInteger cached = new AtomicInteger();

  RequestTimers(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Records one request of {@code nanos}. */
  void record(String method, String route, int status, long nanos) {
    timer(method, route, status).record(nanos, TimeUnit.NANOSECONDS);
  }

  /** How many timers are cached (for tests). */
  int cached() {
    return cached.get();
  }

  private Timer timer(String method, String route, int status) {
    if (status < 0 || status >= STATUS_SLOT.length) {
      return register(method, route, status);
    }
    int slot = methodIndex(method) * STATUS_SLOTS + STATUS_SLOT[status];
    AtomicReferenceArray<Timer> timers = routes.get(route);
    Timer t = timers == null ? null : timers.get(slot);
    if (t != null) {
      return t;
    }
    t = register(method, route, status);
    if (cached.get() >= MAX_CACHED) {
      return t;
    }
    if (timers == null) {
      timers = routes.computeIfAbsent(route, r -> new AtomicReferenceArray<>(SLOTS));
    }
    // the registry gives every caller of one label set the same timer, so a lost race is harmless
    if (timers.compareAndSet(slot, null, t)) {
      cached.incrementAndGet();
    }
    return t;
  }

  private static int methodIndex(String method) {
    int i = METHODS.indexOf(method);
    return i >= 0 ? i : METHODS.size();
  }

  private Timer register(String method, String route, int status) {
    String statusLabel = STATUSES.contains(status) ? Integer.toString(status)
        : (status / 100) + "xx";
    return Timer.builder("imprint.http.requests").description("HTTP requests by route and status")
        .tag("method", METHODS.contains(method) ? method : "other").tag("route", route)
        .tag("status", statusLabel)
        .publishPercentileHistogram(false)
        .register(registry);
  }
}
