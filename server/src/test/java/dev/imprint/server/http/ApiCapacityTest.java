package dev.imprint.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.server.ImprintServer;
import dev.imprint.server.ServerWithRoutes;
import dev.imprint.server.testing.HeldRoutes;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Probes never wait for a place among the API's: with every API place held by a request that has
 * not finished, {@code /healthz}, {@code /readyz} and {@code /metrics} are answered before any of
 * those is let go. Decided by order, not by time: a probe that waited for a place would get one
 * only when the test lets a request go, or a 503 once {@link ApiCapacity#MAX_WAIT} has passed.
 */
class ApiCapacityTest {
  @TempDir Path dir;

  @Test
  void probesAreAnsweredWhileEveryApiPlaceIsHeld() throws Exception {
    HeldRoutes held = new HeldRoutes();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImprintServer server = ServerWithRoutes.start(TestServer.config(dir, null),
        new PrintStream(out, true, StandardCharsets.UTF_8), List.of(held));
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    List<CompletableFuture<HttpResponse<String>>> holding = new ArrayList<>();
    try {
      Matcher m = Pattern.compile("admin token: (\\S+)").matcher(out.toString(
          StandardCharsets.UTF_8));
      assertThat(m.find()).isTrue();
      HttpRequest slow = HttpRequest.newBuilder(URI.create(server.url() + "/test/slow"))
          .header("Authorization", "Bearer " + m.group(1)).build();
      for (int i = 0; i < ApiCapacity.MAX_REQUESTS; i++) {
        holding.add(client.sendAsync(slow, HttpResponse.BodyHandlers.ofString()));
      }
      assertThat(held.entered(ApiCapacity.MAX_REQUESTS)).as("every API place taken").isTrue();

      for (String probe : ApiCapacity.RESERVED) {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(
            URI.create(server.url() + probe)).timeout(Duration.ofMinutes(2)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(probe + ": " + r.body()).isEqualTo(200);
      }
      assertThat(holding).as("the API places were all still held").noneMatch(
          CompletableFuture::isDone);
    } finally {
      held.release();
      for (CompletableFuture<HttpResponse<String>> h : holding) {
        h.get(2, TimeUnit.MINUTES);
      }
      server.close();
    }
  }
}
