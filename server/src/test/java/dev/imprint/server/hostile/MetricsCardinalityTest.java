package dev.imprint.server.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.server.testing.Stores;
import dev.imprint.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No client can make {@code /metrics} grow: invented methods, paths and statuses all land in a
 * few bounded series ({@code other}, {@code unmatched}, a status class), never new ones each.
 */
class MetricsCardinalityTest {
  private static final Pattern SERIES =
      Pattern.compile("(?m)^imprint_http_requests_seconds_count\\{(.*)} \\S+$");
  private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");
  @TempDir Path dir;

  private static Set<String> series(TestServer s) {
    Set<String> out = new TreeSet<>();
    Matcher m = SERIES.matcher(s.send("GET", "/metrics", null, null).body());
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  private static String raw(TestServer s, String method, String path) {
    return Hostile.raw(s.url(), (method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Authorization: Bearer " + s.adminToken() + "\r\nConnection: close\r\n\r\n")
        .getBytes(StandardCharsets.ISO_8859_1), Duration.ofSeconds(20));
  }

  @Test
  void inventedMethodsAndPathsCreateNoNewSeries() {
    try (TestServer s = TestServer.start(Stores.Kind.SQLITE, dir)) {
      s.send("GET", "/v1/tokens", s.adminToken(), null);
      for (int i = 0; i < 20; i++) {
        raw(s, "BREW" + i, "/v1/tokens");
        raw(s, "GET", "/v1/nothing/" + i);
        raw(s, "PROPFIND" + i, "/invented/" + i);
      }
      Set<String> first = series(s);
      for (int i = 20; i < 60; i++) {
        raw(s, "BREW" + i, "/v1/tokens");
        raw(s, "GET", "/v1/nothing/" + i);
        raw(s, "PROPFIND" + i, "/invented/" + i);
        raw(s, "X" + i, "/healthz");
      }
      Set<String> second = series(s);
      assertThat(second).as("series after 160 more invented requests")
          .hasSizeLessThanOrEqualTo(first.size() + 3);
      int checked = 0;
      for (String labels : second) {
        Matcher m = LABEL.matcher(labels);
        while (m.find()) {
          String value = m.group(2);
          switch (m.group(1)) {
            case "method" -> assertThat(value).isIn("GET", "HEAD", "POST", "PUT", "PATCH",
                "DELETE", "OPTIONS", "other");
            case "route" -> assertThat(value).doesNotContain("nothing").doesNotContain("invented")
                .matches("unmatched|/[A-Za-z0-9/{}._-]*");
            case "status" -> assertThat(value).matches("\\d{3}|\\dxx");
            default -> { }
          }
          checked++;
        }
      }
      assertThat(checked).isPositive();
      assertThat(String.join("\n", second)).doesNotContain("BREW").doesNotContain("PROPFIND");
    }
  }
}
