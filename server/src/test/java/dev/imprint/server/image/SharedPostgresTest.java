package dev.imprint.server.image;

import static dev.imprint.server.image.Estate.PROVENANCE;
import static dev.imprint.server.image.Estate.digest;
import static dev.imprint.server.image.Estate.json;
import static dev.imprint.server.image.Estate.ok;
import static dev.imprint.server.image.Estate.problem;
import static dev.imprint.server.image.Estate.register;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.server.ServerConfig;
import dev.imprint.server.testing.Stores;
import dev.imprint.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two server instances on one PostgreSQL: nothing that must agree lives in one process. */
class SharedPostgresTest {
  @TempDir Path dir;

  @Test
  void anImageRetiredThroughOneServerIsRetiredWhenReadThroughTheOtherAtOnce() {
    String url = Stores.jdbcUrl(Stores.Kind.POSTGRESQL);
    Path kek = sharedKek();
    try (TestServer a = start(url, dir.resolve("a"), kek);
        TestServer b = start(url, dir.resolve("b"), kek)) {
      assertThat(a.adminToken()).isNotNull();
      assertThat(b.adminToken()).as("one admin token for the shared store").isNull();
      String admin = a.adminToken();
      Estate.identity(a, ImageApiTest.API);
      String d = digest("shared");
      assertThat(register(a, d, ImageApiTest.API, PROVENANCE).statusCode()).isEqualTo(201);
      HttpResponse<String> again = b.send("POST", "/v1/images", admin, "{\"repository\":"
          + "\"registry.example/payments/api\",\"digest\":\"" + d + "\",\"identity\":\""
          + ImageApiTest.API + "\"}");
      assertThat(again.statusCode()).as("idempotent across servers").isEqualTo(200);
      ok(b.send("POST", "/v1/images/" + d + "/approve", admin, "{\"reason\":\"ok\"}"));
      ok(a.send("POST", "/v1/images/" + d + "/deploy", admin, null));
      ok(a.send("POST", "/v1/images/" + d + "/retire", admin, "{\"reason\":\"CVE-2026-1234\"}"));
      assertThat(json(b.send("GET", "/v1/images/" + d, admin, null)).get("status").asText())
          .isEqualTo("retired");
      problem(b.send("POST", "/v1/images/" + d + "/deploy", admin, null), 409,
          "image.illegal_transition", "is retired");
      assertThat(json(b.send("GET", "/v1/images/" + d, admin, null)).get("history"))
          .hasSize(4);
      assertThat(b.send("POST", "/v1/images/" + d + "/retire", admin, "{\"reason\":\"x\"}")
          .statusCode()).isEqualTo(409);
    }
  }

  /** Replicas on one store share the key-encryption key that wraps the audit signing key. */
  private Path sharedKek() {
    byte[] key = new byte[32];
    new java.security.SecureRandom().nextBytes(key);
    Path file = dir.resolve("kek");
    try {
      java.nio.file.Files.writeString(file, java.util.Base64.getEncoder().encodeToString(key));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return file;
  }

  private static TestServer start(String url, Path dir, Path kek) {
    ServerConfig c = ServerConfig.defaults().withListen("127.0.0.1:0");
    return TestServer.start(new ServerConfig(c.host(), c.port(), dir, url, c.trustDomain(), null,
        null, false, c.logFormat(), 64 * 1024).withKekFile(kek));
  }
}
