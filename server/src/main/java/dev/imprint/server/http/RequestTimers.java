package dev.imprint.server.http;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * The {@code imprint.http.requests} timers, one per method, route template and status, built
 * and registered once so that a request costs one map lookup instead of a builder and a
 * registry lookup.
 */
final class RequestTimers {
  /**
   * More keys than any real server has (routes are templates, statuses few); past it a
   * request is timed through the registry without caching, so the map cannot grow unbounded.
   */
  static final int MAX_CACHED = 2048;

  private record Key(String method, String route, int status) {}

  private final MeterRegistry registry;
  private final ConcurrentMap<Key, Timer> timers = new ConcurrentHashMap<>();

  RequestTimers(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Records one request of {@code nanos}. */
  void record(String method, String route, int status, long nanos) {
    Key key = new Key(method, route, status);
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
        .tag("status", Integer.toString(k.status()))
        .publishPercentileHistogram(false)
        .register(registry);
  }
}
