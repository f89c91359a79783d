package dev.imprint.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.server.ImprintServer;
import dev.imprint.server.ServerConfig;
import dev.imprint.server.ServerWithRoutes;
import dev.imprint.server.auth.Role;
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
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every request goes through, and what it no longer does: no servlet session exists on any
 * route (API calls carry bearer tokens; the console keeps its own cookie session, tested by the
 * console tests), so nothing looks for or sets a session cookie.
 */
class RequestPathTest {
  private static final HttpClient CLIENT = HttpClient.newHttpClient();
  @TempDir Path dir;

  @Test
  void noRouteCanOpenAServletSessionAndNoSessionCookieIsEverSet() throws Exception {
    ApiModule probe = new ApiModule() {
      @Override
      public void routes(Api api) {
        api.publicGet("/test/session", ctx -> {
          String answer = ctx.req().getSession(false) == null ? "none" : "session";
          try {
            ctx.req().getSession(true);
            answer += ", opened";
          } catch (IllegalStateException e) {
            answer += ", refused";
          }
          ctx.result(answer);
        });
        api.get("/test/session-api", ctx -> ctx.result(
            ctx.req().getSession(false) == null ? "none" : "session"), Role.ADMIN);
      }

      @Override
      public String openApiFragment() {
        return "openapi/test-session.json";
      }
    };
    ServerConfig c = TestServer.config(dir, Stores.jdbcUrl(Stores.Kind.SQLITE));
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    try (ImprintServer s = ServerWithRoutes.start(c, new PrintStream(console, true,
        StandardCharsets.UTF_8), List.of(probe))) {
      Matcher m = Pattern.compile("admin token: (\\S+)").matcher(console.toString(
          StandardCharsets.UTF_8));
      assertThat(m.find()).isTrue();
      HttpResponse<String> open = CLIENT.send(HttpRequest.newBuilder(URI.create(s.url()
          + "/test/session")).header("Cookie", "JSESSIONID=node0abc.node0").build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(open.body()).isEqualTo("none, refused");
      assertThat(open.headers().allValues("Set-Cookie")).isEmpty();
      HttpResponse<String> api = CLIENT.send(HttpRequest.newBuilder(URI.create(s.url()
          + "/test/session-api")).header("Authorization", "Bearer " + m.group(1))
          .header("Cookie", "JSESSIONID=node0abc.node0").build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(api.statusCode()).isEqualTo(200);
      assertThat(api.body()).isEqualTo("none");
      assertThat(api.headers().allValues("Set-Cookie")).isEmpty();
    }
  }
}
