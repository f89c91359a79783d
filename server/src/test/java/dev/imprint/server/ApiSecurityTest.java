package dev.imprint.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imprint.server.auth.Role;
import dev.imprint.server.http.Api;
import dev.imprint.server.testing.Stores;
import dev.imprint.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Walks every declared route: no token gives 401, every role the route does not admit 403. */
class ApiSecurityTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern PARAM = Pattern.compile("\\{[^}]+}");
  private static final List<String> PUBLIC_ALLOWED =
      List.of("/healthz", "/readyz", "/metrics", "/v1/openapi.json", "/.well-known/", "/v1/bundle",
          "/v1/jwks");
  /** POSTs that carry their own credential (a join token, a workload session), not a token. */
  private static final List<String> SELF_AUTHENTICATED =
      List.of("/v1/attest/join-token", "/v1/svid/renew", "/v1/attest/k8s", "/v1/authorize");

  @TempDir static Path dir;
  static TestServer server;
  static Map<Role, String> tokens = new EnumMap<>(Role.class);

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(Stores.Kind.SQLITE, dir);
    for (Role r : Role.values()) {
      HttpResponse<String> res = server.send("POST", "/v1/tokens", server.adminToken(),
          "{\"role\":\"" + r.wire() + "\"}");
      assertThat(res.statusCode()).isEqualTo(201);
      tokens.put(r, JSON.readTree(res.body()).get("token").asText());
    }
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void everyProtectedRouteRefusesAMissingTokenWith401() throws Exception {
    for (Api.Route r : protectedRoutes()) {
      HttpResponse<String> res = server.send(r.method(), concrete(r), null, body(r));
      assertThat(res.statusCode()).as(r.toString()).isEqualTo(401);
      assertThat(res.headers().firstValue("WWW-Authenticate")).as(r.toString()).isPresent();
      assertThat(problem(res).get("code").asText()).isEqualTo("auth.token_missing");
    }
  }

  @Test
  void everyProtectedRouteRefusesAForgedTokenWith401() throws Exception {
    String forged = "imp_0123456789abcdef_" + "A".repeat(43);
    for (Api.Route r : protectedRoutes()) {
      HttpResponse<String> res = server.send(r.method(), concrete(r), forged, body(r));
      assertThat(res.statusCode()).as(r.toString()).isEqualTo(401);
      assertThat(problem(res).get("code").asText()).isEqualTo("auth.token_invalid");
    }
  }

  @Test
  void everyProtectedRouteRefusesEachRoleItDoesNotAdmitWith403() throws Exception {
    int checked = 0;
    for (Api.Route r : protectedRoutes()) {
      for (Role role : Role.values()) {
        if (r.roles().contains(role)) {
          continue;
        }
        HttpResponse<String> res = server.send(r.method(), concrete(r), tokens.get(role), body(r));
        assertThat(res.statusCode()).as(r + " as " + role).isEqualTo(403);
        assertThat(problem(res).get("code").asText()).isEqualTo("auth.role_forbidden");
        checked++;
      }
    }
    assertThat(checked).isPositive();
  }

  @Test
  void onlyHealthMetricsAndPublicTrustDocumentsArePublic() {
    List<Api.Route> open = server.server().routes().stream().filter(Api.Route::isPublic).toList();
    assertThat(open).isNotEmpty();
    for (Api.Route r : open) {
      if (r.method().equals("GET")) {
        assertThat(PUBLIC_ALLOWED).as(r.path()).anyMatch(p -> r.path().startsWith(p));
      } else {
        assertThat(SELF_AUTHENTICATED).as(r.method() + " " + r.path()).contains(r.path());
      }
    }
  }

  @Test
  void selfAuthenticatedPostsRefuseAMissingOrForgedCredentialWith401() throws Exception {
    int checked = 0;
    for (Api.Route r : server.server().routes()) {
      if (!r.isPublic() || r.method().equals("GET")) {
        continue;
      }
      HttpResponse<String> none = server.send("POST", r.path(), null, "{}");
      assertThat(none.statusCode()).as(r.path()).isEqualTo(401);
      HttpResponse<String> forged = server.send("POST", r.path(),
          "imp_0123456789abcdef_" + "A".repeat(43), r.path().equals("/v1/attest/k8s")
              ? "{\"token\":\"eyJhbGciOiJSUzI1NiIsImtpZCI6ImsifQ.e30.AAAA\"}"
              : "{\"join_token\":\"imj_0123456789abcdef_" + "A".repeat(43) + "\"}");
      assertThat(forged.statusCode()).as(r.path()).isEqualTo(r.path().contains("renew")
          ? 401 : 401);
      assertThat(problem(forged).get("code").asText()).isIn("join_token.invalid",
          "svid.session_invalid", "attest.token_claims_invalid", "auth.token_invalid");
      checked++;
    }
    assertThat(checked).isEqualTo(SELF_AUTHENTICATED.size());
  }

  @Test
  void theAdmissionRoleReachesTheAdmissionWebhooksAndNothingElse() {
    // beyond the routes every token may call (SVID validation)
    List<String> reachable = server.server().routes().stream()
        .filter(r -> r.roles().contains(Role.ADMISSION))
        .filter(r -> r.roles().size() < Role.values().length)
        .map(r -> r.method() + " " + r.path()).toList();
    assertThat(reachable).containsExactlyInAnyOrder("POST /v1/admission/validate",
        "POST /v1/admission/mutate");
  }

  @Test
  void everyRouteIsDocumentedInTheOpenApiDocument() throws Exception {
    JsonNode doc = JSON.readTree(server.send("GET", "/v1/openapi.json", null, null).body());
    for (Api.Route r : server.server().routes()) {
      JsonNode op = doc.path("paths").path(r.path()).path(r.method().toLowerCase(java.util.Locale.ROOT));
      assertThat(op.isMissingNode()).as("OpenAPI operation for " + r).isFalse();
    }
  }

  private static List<Api.Route> protectedRoutes() {
    List<Api.Route> routes = server.server().routes().stream().filter(r -> !r.isPublic()).toList();
    assertThat(routes).isNotEmpty();
    return routes;
  }

  private static String concrete(Api.Route r) {
    return PARAM.matcher(r.path()).replaceAll("x");
  }

  private static String body(Api.Route r) {
    return r.method().equals("POST") || r.method().equals("PUT") || r.method().equals("PATCH")
        ? "{}" : null;
  }

  private static JsonNode problem(HttpResponse<String> res) throws Exception {
    assertThat(res.headers().firstValue("Content-Type")).hasValueSatisfying(
        ct -> assertThat(ct).startsWith("application/problem+json"));
    return JSON.readTree(res.body());
  }
}
