package dev.imprint.server.hostile;

import static dev.imprint.server.hostile.Hostile.json;
import static dev.imprint.server.hostile.Hostile.problem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imprint.server.testing.Stores;
import dev.imprint.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every free-text field of every route refuses control characters, line separators, bidi
 * controls and lone surrogates with a problem naming the field and the code point but never the
 * value; lengths are counted in code points.
 */
class FreeTextTest {
  private static final String COMMIT = "3f9a1c2e4b5d6f708192a3b4c5d6e7f809a1b2c3";
  private static final String MARKER = "SENTINEL";
  /** NUL, TAB, LF, CR, ESC, DEL, C1 NEL and CSI, line separator, and the bidi controls. */
  private static final int[] REFUSED = {0x00, 0x09, 0x0a, 0x0d, 0x1b, 0x7f, 0x85, 0x9b, 0x2028,
      0x2029, 0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067,
      0x2068, 0x2069};
  private static final String DIGEST = "sha256:" + "c".repeat(64);
  private static final String ID = "spiffe://imprint.local/text/api";

  @TempDir static Path dir;
  static TestServer server;
  static String admin;
  static String identityId;

  /** One free-text field: the route, the field's name in problems, a body holding a value. */
  record Field(String method, String path, String name, Function<String, String> body) {}

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(Stores.Kind.SQLITE, dir);
    admin = server.adminToken();
    HttpResponse<String> id = json(server.url(), "POST", "/v1/identities", admin,
        "{\"spiffeId\":\"" + ID + "\",\"kind\":\"workload\",\"owner\":\"payments\"}");
    assertThat(id.statusCode()).as(id.body()).isEqualTo(201);
    identityId = Hostile.JSON.readTree(id.body()).get("id").asText();
    HttpResponse<String> img = json(server.url(), "POST", "/v1/images", admin,
        "{\"repository\":\"registry.example/text/api\",\"digest\":\"" + DIGEST
            + "\",\"identity\":\"" + ID + "\"}");
    assertThat(img.statusCode()).as(img.body()).isEqualTo(201);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String quoted(String s) {
    return JsonNodeFactory.instance.textNode(s).toString();
  }

  private static String finding(String field, String v) {
    ObjectNode f = JsonNodeFactory.instance.objectNode().put("ruleId", "IMP-X")
        .put("severity", "low").put("path", "Dockerfile");
    f.put(field, v);
    return "{\"repository\":\"acme/text\",\"commit\":\"" + commitFor(field) + "\",\"report\":"
        + "{\"schemaVersion\":1,\"findings\":[" + f + "]}}";
  }

  private static String inventory(String field, String v) {
    ObjectNode i = JsonNodeFactory.instance.objectNode().put("id", "k8s:sa").put("kind",
        "kubernetes-service-account").put("name", "sa");
    i.putObject("location").put("path", "a.yaml").put("line", 1);
    if (field.equals("details")) {
      i.putArray("details").add(v);
    } else {
      i.put(field, v);
    }
    return "{\"repository\":\"acme/text\",\"commit\":\"" + commitFor("inventory." + field)
        + "\",\"report\":{\"schemaVersion\":1,\"findings\":[]},\"inventory\":{\"schemaVersion\":1,"
        + "\"identities\":[" + i + "],\"links\":[]}}";
  }

  /** A commit of its own per field: a commit's findings are stored once. */
  private static String commitFor(String field) {
    return String.format(Locale.ROOT, "%08x", field.hashCode()) + COMMIT.substring(8);
  }

  static List<Field> fields() {
    String identity = "/v1/identities/" + identityId;
    String image = "/v1/images/" + DIGEST;
    return List.of(
        new Field("POST", "/v1/tokens", "description",
            v -> "{\"role\":\"auditor\",\"description\":" + quoted(v) + "}"),
        new Field("POST", "/v1/identities", "owner", v -> "{\"spiffeId\":"
            + "\"spiffe://imprint.local/text/new\",\"kind\":\"workload\",\"owner\":"
            + quoted(v) + "}"),
        new Field("PATCH", identity, "environment", v -> "{\"environment\":" + quoted(v) + "}"),
        new Field("PATCH", identity, "description", v -> "{\"description\":" + quoted(v) + "}"),
        new Field("PATCH", identity, "label 'team'",
            v -> "{\"labels\":{\"team\":" + quoted(v) + "}}"),
        new Field("POST", identity + "/disable", "reason", v -> "{\"reason\":" + quoted(v) + "}"),
        new Field("POST", "/v1/images", "provenance.builder", v -> "{\"repository\":"
            + "\"registry.example/text/api\",\"digest\":\"sha256:" + "d".repeat(64)
            + "\",\"identity\":\"" + ID + "\",\"provenance\":{\"builder\":" + quoted(v) + "}}"),
        new Field("POST", image + "/reject", "reason", v -> "{\"reason\":" + quoted(v) + "}"),
        new Field("POST", "/v1/findings", "findings[0].message", v -> finding("message", v)),
        new Field("POST", "/v1/findings", "findings[0].title", v -> finding("title", v)),
        new Field("POST", "/v1/findings", "findings[0].path", v -> finding("path", v)),
        new Field("POST", "/v1/findings", "reason", v -> "{\"repository\":\"acme/text\","
            + "\"commit\":\"" + commitFor("reason") + "\",\"report\":{\"schemaVersion\":1,"
            + "\"findings\":[]},\"replace\":true,\"reason\":" + quoted(v) + "}"),
        new Field("POST", "/v1/findings", "inventory.identities[0].name",
            v -> inventory("name", v)),
        new Field("POST", "/v1/findings", "inventory.identities[0].details[0]",
            v -> inventory("details", v)));
  }

  @Test
  void everyFreeTextFieldRefusesEveryControlAndBidiCharacterNamingFieldAndCodePoint() {
    int checked = 0;
    for (Field f : fields()) {
      for (int cp : REFUSED) {
        String value = "ok " + MARKER + new String(Character.toChars(cp)) + " tail";
        HttpResponse<String> res = json(server.url(), f.method(), f.path(), admin,
            f.body().apply(value));
        JsonNode p = problem(res, 400);
        String detail = p.get("detail").asText();
        assertThat(detail).as(f + " U+" + Integer.toHexString(cp))
            .contains(f.name()).contains(String.format(Locale.ROOT, "U+%04X", cp))
            .doesNotContain(MARKER);
        assertThat(res.body()).doesNotContain(MARKER);
        checked++;
      }
    }
    assertThat(checked).isEqualTo(fields().size() * REFUSED.length);
  }

  @Test
  void theSameFieldsAcceptOrdinaryTextInAnyScript() {
    for (Field f : fields()) {
      if (f.path().endsWith("/reject")) {
        continue; // a move happens once; its refusals above prove the check
      }
      HttpResponse<String> res = json(server.url(), f.method(), f.path(), admin,
          f.body().apply("Zahlungsdienst \u00e9quipe \u652f\u4ed8 \ud83d\ude00 "
              + "\u05e9\u05dc\u05d5\u05dd"));
      assertThat(res.statusCode()).as(f + " " + res.body()).isBetween(200, 201);
      if (f.path().equals("/v1/identities") || f.path().endsWith("/disable")) {
        cleanUp(f);
      }
    }
  }

  private static void cleanUp(Field f) {
    if (f.path().endsWith("/disable")) {
      json(server.url(), "POST", "/v1/identities/" + identityId + "/enable", admin, "{}");
    }
  }

  @Test
  void lengthsAreCountedInCodePointsNotUtf16Units() {
    String emoji = "\ud83d\ude00";
    HttpResponse<String> fits = json(server.url(), "POST", "/v1/tokens", admin,
        "{\"role\":\"auditor\",\"description\":\"" + emoji.repeat(200) + "\"}");
    assertThat(fits.statusCode()).as(fits.body()).isEqualTo(201);
    JsonNode p = problem(json(server.url(), "POST", "/v1/tokens", admin,
        "{\"role\":\"auditor\",\"description\":\"" + emoji.repeat(201) + "\"}"), 400);
    assertThat(p.get("code").asText()).isEqualTo("token.description_too_long");
    assertThat(p.get("detail").asText()).contains("got 201");
    HttpResponse<String> owner = json(server.url(), "PATCH", "/v1/identities/" + identityId,
        admin, "{\"owner\":\"" + emoji.repeat(128) + "\"}");
    assertThat(owner.statusCode()).as(owner.body()).isEqualTo(200);
  }

  @Test
  void problemsUseEachRoutesStableCodes() {
    List<String> codes = new ArrayList<>();
    for (Field f : fields()) {
      codes.add(problem(json(server.url(), f.method(), f.path(), admin,
          f.body().apply("\u202e")), 400).get("code").asText());
    }
    assertThat(codes).containsExactly("token.description_invalid", "identity.owner_invalid",
        "identity.environment_invalid", "identity.description_invalid",
        "identity.label_invalid", "identity.reason_invalid", "image.provenance_invalid",
        "image.reason_invalid", "finding.report_invalid", "finding.report_invalid",
        "finding.report_invalid", "finding.reason_invalid", "inventory.invalid",
        "inventory.invalid");
  }

  @Test
  void refusedIdentifiersAreEchoedOnlyInPrintableFormAndShort() throws Exception {
    String escaped = java.net.URLEncoder.encode(MARKER + "\u001b[31m\u202e" + "x".repeat(5000),
        java.nio.charset.StandardCharsets.UTF_8);
    for (String path : List.of("/v1/identities?cursor=" + escaped,
        "/v1/images?status=" + escaped)) {
      HttpResponse<String> res = server.send("GET", path, admin, null);
      JsonNode p = problem(res, 400);
      String detail = p.get("detail").asText();
      assertThat(detail).as(path.substring(0, 20)).contains(MARKER).doesNotContain("\u001b")
          .doesNotContain("\u202e").doesNotContain("x".repeat(101));
      assertThat(detail.length()).as(path.substring(0, 20)).isLessThan(400);
    }
  }
}
