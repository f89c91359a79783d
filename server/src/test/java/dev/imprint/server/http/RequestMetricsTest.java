package dev.imprint.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.server.testing.Stores;
import dev.imprint.server.testing.TestServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RequestMetricsTest {
  @TempDir Path dir;

  /** The request count of one method, route and status in a scrape (0 when absent). */
  static double count(String scrape, String method, String route, String status) {
    Matcher m = Pattern.compile("(?m)^imprint_http_requests_seconds_count\\{(.*)} (\\S+)$")
        .matcher(scrape);
    while (m.find()) {
      String labels = m.group(1);
      if (labels.contains("method=\"" + method + "\"")
          && labels.contains("route=\"" + route + "\"")
          && labels.contains("status=\"" + status + "\"")) {
        return Double.parseDouble(m.group(2));
      }
    }
    return 0;
  }

  @Test
  void eachRequestCountsOnceUnderItsMethodRouteTemplateAndStatus() {
    try (TestServer s = TestServer.start(Stores.Kind.SQLITE, dir)) {
      String admin = s.adminToken();
      s.send("GET", "/v1/tokens", admin, null);
      s.send("GET", "/v1/tokens", admin, null);
      s.send("GET", "/v1/tokens", null, null);
      s.send("GET", "/v1/identities/0123456789abcdef", admin, null);
      String first = s.send("GET", "/metrics", null, null).body();
      assertThat(count(first, "GET", "/v1/tokens", "200")).as(first).isEqualTo(2);
      assertThat(count(first, "GET", "/v1/tokens", "401")).as(first).isEqualTo(1);
      assertThat(count(first, "GET", "/v1/identities/{id}", "404")).as(first).isEqualTo(1);
      assertThat(first).contains("# TYPE imprint_http_requests_seconds summary")
          .contains("# HELP imprint_http_requests_seconds HTTP requests by route and status");

      s.send("GET", "/v1/tokens", admin, null);
      String second = s.send("GET", "/metrics", null, null).body();
      assertThat(count(second, "GET", "/v1/tokens", "200")).as(second).isEqualTo(3);
      assertThat(count(second, "GET", "/v1/tokens", "401")).isEqualTo(1);
      assertThat(count(second, "GET", "/metrics", "200")).isEqualTo(1);
    }
  }

  @Test
  void timersAreCachedPerKeyUpToTheBoundAndRequestsPastItStillCount() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    RequestTimers timers = new RequestTimers(registry);
    timers.record("GET", "/v1/tokens", 200, 1_000);
    timers.record("GET", "/v1/tokens", 200, 1_000);
    assertThat(timers.cached()).isEqualTo(1);
    for (int i = 0; i < RequestTimers.MAX_CACHED + 10; i++) {
      timers.record("GET", "/r" + i, 200, 1_000);
    }
    assertThat(timers.cached()).isEqualTo(RequestTimers.MAX_CACHED);
    String past = "/r" + (RequestTimers.MAX_CACHED + 5);
    timers.record("GET", past, 200, 1_000);
    String scrape = registry.scrape();
    assertThat(count(scrape, "GET", "/v1/tokens", "200")).isEqualTo(2);
    assertThat(count(scrape, "GET", past, "200")).isEqualTo(2);
  }

  @Test
  void unnamedMethodsAndStatusesShareTheirClassTimerAndNamedOnesKeepTheirOwn() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    RequestTimers timers = new RequestTimers(registry);
    timers.record("TRACE", "/v1/x", 418, 1_000);
    timers.record("PROPFIND", "/v1/x", 451, 1_000);
    timers.record("GET", "/v1/x", 404, 1_000);
    timers.record("GET", "/v1/x", 200, 1_000);
    timers.record("POST", "/v1/x", 200, 1_000);
    timers.record("GET", "/v1/y", 200, 1_000);
    timers.record("GET", "/v1/x", 1_200, 1_000);
    String scrape = registry.scrape();
    assertThat(count(scrape, "other", "/v1/x", "4xx")).as(scrape).isEqualTo(2);
    assertThat(count(scrape, "GET", "/v1/x", "404")).isEqualTo(1);
    assertThat(count(scrape, "GET", "/v1/x", "200")).isEqualTo(1);
    assertThat(count(scrape, "POST", "/v1/x", "200")).isEqualTo(1);
    assertThat(count(scrape, "GET", "/v1/y", "200")).isEqualTo(1);
    assertThat(count(scrape, "GET", "/v1/x", "12xx")).isEqualTo(1);
    assertThat(timers.cached()).isEqualTo(5);
  }

  @Test
  void recordingOnACachedTimerAllocatesNothing() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    RequestTimers timers = new RequestTimers(registry);
    String route = new String("/v1/svids/jwt");
    timers.record("POST", route, 200, 1_000);
    var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory
        .getThreadMXBean();
    long id = Thread.currentThread().getId();
    long before = threads.getThreadAllocatedBytes(id);
    for (int i = 0; i < 10_000; i++) {
      timers.record("POST", route, 200, 1_000);
    }
    long allocated = threads.getThreadAllocatedBytes(id) - before;
    // the old path built a key and a status string per call (over 400 KB for these calls)
    assertThat(allocated).as("bytes allocated by 10,000 records").isLessThan(10_000);
  }
}
