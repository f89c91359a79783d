package dev.imprint.server.hostile;

import static dev.imprint.server.hostile.Hostile.json;
import static dev.imprint.server.hostile.Hostile.problem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.imprint.server.image.ImagePolicy;
import dev.imprint.server.svid.SvidConfig;
import dev.imprint.server.testing.Stores;
import dev.imprint.server.testing.TestServer;
import dev.imprint.server.text.FreeText;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Values a caller got wrong and that a problem's {@code detail} (or a configuration error) shows
 * back are made printable and bounded: no control character, ANSI escape, line break or bidi
 * control reaches a terminal or a log through them, and a 10 kB value is cut.
 */
class EchoedValuesTest {
  @TempDir static Path dir;
  static TestServer server;
  static String admin;

  /** An ANSI colour escape, a CR/LF header injection, a bidi override, NUL, and 10 kB. */
  static List<String> hostile() {
    return List.of("\u001b[31mred\u001b[0m", "x\r\nInjected: yes", "abc\u202edcba",
        "nul\u0000byte", "A".repeat(10_000) + "\u001b");
  }

  @BeforeAll
  static void start() {
    server = TestServer.start(Stores.Kind.SQLITE, dir);
    admin = server.adminToken();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** The text shows {@code value} only as printable and bounded. */
  static void safe(String text, String value) {
    assertThat(text).as("a value shown back").isNotNull();
    assertThat(text.codePoints().filter(cp -> !FreeText.allowed(cp)).toArray())
        .as("refused code points in: %s", text.length() > 300 ? text.substring(0, 300) : text)
        .isEmpty();
    assertThat(text.length()).as("bounded").isLessThan(1_000);
    if (value.length() > 200) {
      assertThat(text).doesNotContain(value.substring(0, 200));
    }
  }

  /**
   * Posts {@code body}, which carries {@code value} where the route expects something else, and
   * checks that the 400 problem has {@code code} and shows the value only printable and bounded.
   */
  private static void refusedShowingSafely(String value, String code, String path, String body)
      throws Exception {
    var p = problem(json(server.url(), "POST", path, admin, body), 400);
    assertThat(p.get("code").asText()).isEqualTo(code);
    safe(p.get("detail").asText(), value);
  }

  private static String quoted(String s) {
    return JsonNodeFactory.instance.textNode(s).toString();
  }

  @ParameterizedTest
  @MethodSource("hostile")
  void aTokenForAnIdentityOnARoleWithoutOne(String v) throws Exception {
    refusedShowingSafely(v, "token.identity_not_allowed", "/v1/tokens",
        "{\"role\":\"auditor\",\"identity\":" + quoted(v) + "}");
  }

  @ParameterizedTest
  @MethodSource("hostile")
  void aTokenForAnUnknownIdentity(String v) throws Exception {
    refusedShowingSafely(v, "token.identity_unknown", "/v1/tokens",
        "{\"role\":\"pipeline\",\"identity\":" + quoted(v) + "}");
  }

  @ParameterizedTest
  @MethodSource("hostile")
  void anImageForAnUnknownIdentity(String v) throws Exception {
    refusedShowingSafely(v, "image.identity_unknown", "/v1/images",
        "{\"repository\":\"registry.example/echo/api\",\"digest\":\"sha256:" + "d".repeat(64)
            + "\",\"identity\":" + quoted(v) + "}");
  }

  @ParameterizedTest
  @MethodSource("hostile")
  void anAuditQueryParameterThatIsNotANumber(String value) throws Exception {
    // a request target past 8 kB is Jetty's 414 before any route runs
    String v = value.length() > 2_000 ? value.substring(0, 2_000) + "\u001b" : value;
    var r = server.send("GET", "/v1/audit/proof/inclusion?index="
        + URLEncoder.encode(v, StandardCharsets.UTF_8), admin, null);
    var p = problem(r, 400);
    assertThat(p.get("code").asText()).isEqualTo("audit.parameter_invalid");
    safe(p.get("detail").asText(), v);
  }

  @ParameterizedTest
  @MethodSource("hostile")
  void anImagePolicyWithABadValue(String v) {
    String yaml = "version: " + quoted(v) + "\n";
    assertThatThrownBy(() -> ImagePolicy.parse(yaml, "policy.yaml"))
        .isInstanceOf(IllegalArgumentException.class)
        .satisfies(e -> safe(e.getMessage(), v));
    String level = "version: 1\nfindings:\n  denyAtOrAbove: " + quoted(v) + "\n";
    assertThatThrownBy(() -> ImagePolicy.parse(level, "policy.yaml"))
        .isInstanceOf(IllegalArgumentException.class)
        .satisfies(e -> safe(e.getMessage(), v));
  }

  @ParameterizedTest
  @MethodSource("hostile")
  void anIssuerUrlThatIsNotOne(String v) {
    assertThatThrownBy(() -> SvidConfig.defaults().withIssuerUrl("https://" + v).validate())
        .isInstanceOf(IllegalArgumentException.class)
        .satisfies(e -> safe(e.getMessage(), v));
  }
}
