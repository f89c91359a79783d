package dev.imprint.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imprint.server.ImprintServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code --http-client} kind sends the scenario's method, headers and body to a real
 * server on port 0 and reports the status it answered, request after request on one client.
 */
class LoadClientTest {
  @TempDir Path dir;

  @Test
  void everyKindSendsTheRequestAsDescribedAndReturnsTheStatus() throws Exception {
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    try (ImprintServer server = ImprintServer.start(LoadGenerator.config(dir, null),
        new PrintStream(console, true, StandardCharsets.UTF_8))) {
      Matcher m = Pattern.compile("admin token: (\\S+)")
          .matcher(console.toString(StandardCharsets.UTF_8));
      assertThat(m.find()).isTrue();
      Target t = new Target(server.url(), m.group(1));
      // a POST with a body and a bearer token: created with the admin token, refused without
      var create = t.postJson("/v1/tokens", t.adminToken(), "{\"role\":\"pipeline\"}");
      var anonymous = t.postJson("/v1/tokens", null, "{\"role\":\"pipeline\"}");
      var malformed = t.postJson("/v1/tokens", t.adminToken(), "{\"role\":");
      for (LoadClient.Kind kind : LoadClient.Kind.values()) {
        try (LoadClient c = new LoadClient(kind, 2)) {
          for (int i = 0; i < 3; i++) {
            assertThat(c.send(i % 2, create)).as(kind.wire()).isEqualTo(201);
            assertThat(c.send(i % 2, anonymous)).as(kind.wire()).isEqualTo(401);
            assertThat(c.send(i % 2, malformed)).as(kind.wire()).isEqualTo(400);
          }
        }
      }
    }
  }

  @Test
  void kindsAreNamedAsTheOptionTakesThem() {
    for (LoadClient.Kind kind : LoadClient.Kind.values()) {
      assertThat(LoadClient.Kind.parse(kind.wire())).isEqualTo(kind);
    }
    assertThat(LoadClient.Kind.parse("apache-async")).isEqualTo(LoadClient.Kind.APACHE_ASYNC);
    assertThatThrownBy(() -> LoadClient.Kind.parse("okhttp"))
        .hasMessageContaining("apache, apache-async, jetty or jdk");
  }
}
