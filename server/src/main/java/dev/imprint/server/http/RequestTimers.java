package dev.imprint.server.http;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * The {@code imprint.http.requests} timers, one per method, route template and status, built
 * and registered once so that a request costs one map lookup instead of a builder and a
 * registry lookup. Every label takes a bounded set of values, so no client can make series
 * grow: the method is one of {@link #METHODS} or {@code other}, the route a declared template
 * or {@code unmatched}, the status one of {@link #STATUSES} or its class ({@code 4xx}).
 */
final class RequestTimers {
  /** Methods named as they are; any other is {@code other}. */
  static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE",
      "OPTIONS");
  /** Statuses named as they are; any other is named by its class. */
  static final Set<Integer> STATUSES = Set.of(200, 201, 204, 304, 400, 401, 403, 404, 405, 408,
      409, 413, 414, 415, 422, 429, 431, 500, 503);
  /**
   * More keys than any real server has (routes are templates, statuses few); past it a
   * request is timed through the registry without caching, so the map cannot grow unbounded.
   */
  static final int MAX_CACHED = 2048;

  private record Key(String method, String route, String status) {}

  private final MeterRegistry registry;
  private final ConcurrentMap<Key, Timer> timers = new ConcurrentHashMap<>();

  RequestTimers(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Records one request of {@code nanos}. */
  void record(String method, String route, int status, long nanos) {
    Key key = new Key(METHODS.contains(method) ? method : "other", route,
        STATUSES.contains(status) ? Integer.toString(status) : (status / 100) + "xx");
    Timer t = timers.get(key);
    if (t == null) {
      t = timers.size() < MAX_CACHED ? timers.computeIfAbsent(key, this::register)
          : register(key);
    }
    t.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** How many timers are cached (for tests). */
  int cached() {
    return timers.size();
  }

  private Timer register(Key k) {
    return Timer.builder("imprint.http.requests").description("HTTP requests by route and status")
        .tag("method", k.method()).tag("route", k.route())
        .tag("status", k.status())
        .publishPercentileHistogram(false)
        .register(registry);
  }
}
