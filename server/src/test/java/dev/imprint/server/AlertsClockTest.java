package dev.imprint.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imprint.server.alert.Alert;
import dev.imprint.server.alert.AlertState;
import dev.imprint.server.alert.Rules;
import dev.imprint.server.testing.MovableClock;
import dev.imprint.server.testing.Stores;
import dev.imprint.server.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The unused-grant detection in a real server whose clock the test moves: a grant applied
 * through the API and never used raises {@code authz.grant_unused} once the period has passed,
 * and not before.
 */
class AlertsClockTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir
  Path dir;

  static List<Stores.Kind> kinds() {
    return Stores.kinds().toList();
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void grantNeverUsedForThirtyDaysThenUnusedGrantAlerted(Stores.Kind kind) throws Exception {
    ServerConfig c = TestServer.config(dir, Stores.jdbcUrl(kind))
        .withCheckpointInterval(Duration.ZERO);
    MovableClock clock = new MovableClock();
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    try (ImprintServer s = ImprintServer.start(c, new PrintStream(console, true,
        StandardCharsets.UTF_8), clock)) {
      Matcher m = Pattern.compile("admin token: (\\S+)").matcher(console.toString(
          StandardCharsets.UTF_8));
      assertThat(m.find()).isTrue();
      String admin = m.group(1);
      String yaml = "apiVersion: imprint.dev/v1\nkind: Grants\ngrants:\n"
          + "  - id: api-reads-orders\n"
          + "    subject: spiffe://imprint.local/payments/api\n"
          + "    resource: topic:orders/*\n"
          + "    actions: [read]\n";
      HttpResponse<String> identity = HTTP.send(HttpRequest.newBuilder(URI.create(s.url()
          + "/v1/identities")).header("Authorization", "Bearer " + admin)
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
              "{\"spiffeId\":\"spiffe://imprint.local/payments/api\",\"kind\":\"workload\","
                  + "\"owner\":\"team\",\"environment\":\"prod\"}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(identity.statusCode()).as(identity.body()).isEqualTo(201);
      HttpResponse<String> applied = HTTP.send(HttpRequest.newBuilder(URI.create(s.url()
          + "/v1/grants")).header("Authorization", "Bearer " + admin)
          .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(
              "{\"files\":[{\"name\":\"grants/main.yaml\",\"content\":"
                  + JSON.writeValueAsString(yaml) + "}]}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(applied.statusCode()).as(applied.body()).isEqualTo(200);

      clock.advance(Duration.ofDays(29));
      assertThat(unusedGrantAlerts(s)).isEmpty();
      clock.advance(Duration.ofDays(2));
      s.alerts().evaluateNow();
      List<Alert> raised = unusedGrantAlerts(s);
      assertThat(raised).singleElement().satisfies(a -> {
        assertThat(a.subject()).isEqualTo("api-reads-orders");
        assertThat(a.evidence()).containsEntry("unusedDays", 31).containsEntry("uses", 0);
        assertThat(a.link()).isEqualTo("/v1/authz/unused");
        assertThat(a.state()).isEqualTo(AlertState.OPEN);
      });
      HttpResponse<String> listed = HTTP.send(HttpRequest.newBuilder(URI.create(s.url()
          + "/v1/alerts?state=open")).header("Authorization", "Bearer " + admin).build(),
          HttpResponse.BodyHandlers.ofString());
      JsonNode items = JSON.readTree(listed.body()).get("items");
      assertThat(items.toString()).contains("api-reads-orders");
    }
  }

  private static List<Alert> unusedGrantAlerts(ImprintServer s) {
    s.alerts().evaluateNow();
    return s.alerts().service().list(Optional.empty(), null, 200).items().stream()
        .filter(a -> a.rule().equals(Rules.GRANT_UNUSED)).toList();
  }
}
