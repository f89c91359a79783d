package dev.imprint.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imprint.server.testing.TestServer;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** An estate made over the real API, and a cookie-carrying HTTP client for the console. */
final class ConsoleFixture {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String API = "spiffe://imprint.local/payments/api";
  private static final HttpClient CLIENT = HttpClient.newBuilder()
      .followRedirects(HttpClient.Redirect.NEVER).build();
  private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
  private static final Pattern SESSION = Pattern.compile(ConsoleRoutes.COOKIE + "=([^;]*)");

  private ConsoleFixture() {}

  static JsonNode json(HttpResponse<String> res) {
    try {
      return JSON.readTree(res.body());
    } catch (Exception e) {
      throw new IllegalStateException(res.body(), e);
    }
  }

  static String digest(String name) {
    try {
      return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(name.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Creates a token of {@code role} (bound to {@code identity} when not null). */
  static String token(TestServer s, String role, String identity) {
    HttpResponse<String> res = s.send("POST", "/v1/tokens", s.adminToken(), "{\"role\":\""
        + role + "\"" + (identity == null ? "" : ",\"identity\":\"" + identity + "\"") + "}");
    assertThat(res.statusCode()).as(res.body()).isEqualTo(201);
    return json(res).get("token").asText();
  }

  /** The identity {@link #API} and image {@code digest} registered for it by its pipeline. */
  static void estate(TestServer s, String digest) {
    HttpResponse<String> id = s.send("POST", "/v1/identities", s.adminToken(), "{\"spiffeId\":\""
        + API + "\",\"kind\":\"workload\",\"owner\":\"team\",\"environment\":\"prod\"}");
    assertThat(id.statusCode()).as(id.body()).isIn(200, 201);
    register(s, digest);
  }

  static void register(TestServer s, String digest) {
    HttpResponse<String> img = s.send("POST", "/v1/images", token(s, "pipeline", API),
        "{\"repository\":\"registry.example/payments/api\",\"tag\":\"1.4.2\",\"digest\":\""
            + digest + "\",\"identity\":\"" + API + "\",\"provenance\":{\"sourceRepository\":"
            + "\"github.com/acme/pay\",\"commit\":\"3f9a1c2\",\"pipelineRun\":\"run-7\","
            + "\"builder\":\"github-actions\"}}");
    assertThat(img.statusCode()).as(img.body()).isEqualTo(201);
  }

  /**
   * Raises two alerts about {@code spiffeId} the way production does: its approved image is
   * retired, then five workloads still present join tokens for it and are refused (a retired
   * image still attesting, high; join tokens refused again and again, medium).
   */
  static void retiredStillAttesting(TestServer s, String spiffeId) {
    HttpResponse<String> id = s.send("POST", "/v1/identities", s.adminToken(), "{\"spiffeId\":\""
        + spiffeId + "\",\"kind\":\"workload\",\"owner\":\"team\",\"environment\":\"prod\"}");
    assertThat(id.statusCode()).as(id.body()).isEqualTo(201);
    String d = digest(spiffeId);
    HttpResponse<String> img = s.send("POST", "/v1/images", token(s, "pipeline", spiffeId),
        "{\"repository\":\"registry.example/alerting\",\"digest\":\"" + d + "\",\"identity\":\""
            + spiffeId + "\",\"provenance\":{\"sourceRepository\":\"github.com/acme/pay\","
            + "\"commit\":\"3f9a1c2\",\"pipelineRun\":\"run-7\",\"builder\":\"github-actions\"}}");
    assertThat(img.statusCode()).as(img.body()).isEqualTo(201);
    move(s, d, "approve", 200);
    List<String> joinTokens = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> jt = s.send("POST", "/v1/join-tokens", s.adminToken(),
          "{\"image\":\"" + d + "\",\"identity\":\"" + spiffeId + "\"}");
      assertThat(jt.statusCode()).as(jt.body()).isEqualTo(201);
      joinTokens.add(json(jt).get("token").asText());
    }
    move(s, d, "retire", 200);
    for (String t : joinTokens) {
      HttpResponse<String> r = s.send("POST", "/v1/attest/join-token", null,
          "{\"join_token\":\"" + t + "\",\"audience\":\"db\"}");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(409);
    }
  }

  private static void move(TestServer s, String digest, String move, int status) {
    HttpResponse<String> r = s.send("POST", "/v1/images/" + digest + "/" + move, s.adminToken(),
        "{\"reason\":\"console test\"}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
  }

  static String status(TestServer s, String digest) {
    return json(s.send("GET", "/v1/images/" + digest, s.adminToken(), null)).get("status")
        .asText();
  }

  /** A browser-like console client: keeps the session cookie, follows no redirects. */
  static final class Browser {
    private final String base;
    String cookie;

    Browser(String base) {
      this.base = base;
    }

    HttpResponse<String> get(String path) {
      return send(HttpRequest.newBuilder(URI.create(base + path)).GET(), Map.of());
    }

    HttpResponse<String> post(String path, Map<String, String> form) {
      return post(path, form, Map.of());
    }

    HttpResponse<String> post(String path, Map<String, String> form,
        Map<String, String> headers) {
      String body = form.entrySet().stream().map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
          .collect(Collectors.joining("&"));
      return send(HttpRequest.newBuilder(URI.create(base + path))
          .header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString(body)), headers);
    }

    /** Signs in with {@code token}; returns the answer to the sign-in form. */
    HttpResponse<String> login(String token) {
      HttpResponse<String> res = post("/login", Map.of("token", token));
      res.headers().allValues("Set-Cookie").forEach(c -> {
        Matcher m = SESSION.matcher(c);
        if (m.find()) {
          cookie = m.group(1).isEmpty() ? null : m.group(1);
        }
      });
      return res;
    }

    /** The CSRF token of the forms on {@code path}. */
    String csrf(String path) {
      HttpResponse<String> page = get(path);
      assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
      Matcher m = CSRF.matcher(page.body());
      assertThat(m.find()).as("a form with a CSRF token on " + path).isTrue();
      return m.group(1);
    }

    static Map<String, String> form(String... kv) {
      Map<String, String> m = new LinkedHashMap<>();
      for (int i = 0; i < kv.length; i += 2) {
        m.put(kv[i], kv[i + 1]);
      }
      return m;
    }

    private HttpResponse<String> send(HttpRequest.Builder b, Map<String, String> headers) {
      if (cookie != null) {
        b.header("Cookie", ConsoleRoutes.COOKIE + "=" + cookie);
      }
      headers.forEach(b::header);
      try {
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    private static String enc(String s) {
      return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
  }
}
