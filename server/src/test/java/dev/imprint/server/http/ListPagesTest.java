package dev.imprint.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imprint.server.testing.Stores;
import dev.imprint.server.testing.TestServer;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code GET /v1/tokens} and {@code GET /v1/findings} page like the other lists: {@code limit}
 * (1 to 200, default 50), {@code cursor}, {@code items} and {@code next}; pages follow a unique
 * key, so items added while a client pages never show twice or hide one that was there.
 */
class ListPagesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String C1 = "3f9a1c2e4b5d6f708192a3b4c5d6e7f809a1b2c3";
  @TempDir Path dir;

  private static JsonNode get(TestServer s, String path) throws Exception {
    HttpResponse<String> res = s.send("GET", path, s.adminToken(), null);
    assertThat(res.statusCode()).as(path + " " + res.body()).isEqualTo(200);
    return JSON.readTree(res.body());
  }

  private static String code(TestServer s, String path, int status) throws Exception {
    HttpResponse<String> res = s.send("GET", path, s.adminToken(), null);
    assertThat(res.statusCode()).as(res.body()).isEqualTo(status);
    return JSON.readTree(res.body()).get("code").asText();
  }

  private static String q(String cursor) {
    return URLEncoder.encode(cursor, StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void tokensPageNewestFirstWithoutRepeatsOrGapsWhileNewOnesAreCreated(Stores.Kind kind)
      throws Exception {
    try (TestServer s = TestServer.start(kind, dir)) {
      for (int i = 0; i < 11; i++) {
        assertThat(s.send("POST", "/v1/tokens", s.adminToken(),
            "{\"role\":\"auditor\",\"description\":\"t" + i + "\"}").statusCode()).isEqualTo(201);
      }
      JsonNode all = get(s, "/v1/tokens?limit=200");
      assertThat(all.get("items")).hasSize(12);
      assertThat(all.get("next").isNull()).isTrue();
      assertThat(get(s, "/v1/tokens").get("items")).hasSize(12);

      List<String> seen = new ArrayList<>();
      JsonNode page = get(s, "/v1/tokens?limit=5");
      int pages = 1;
      page.get("items").forEach(t -> seen.add(t.get("id").asText()));
      while (!page.get("next").isNull()) {
        s.send("POST", "/v1/tokens", s.adminToken(), "{\"role\":\"auditor\"}");
        page = get(s, "/v1/tokens?limit=5&cursor=" + q(page.get("next").asText()));
        page.get("items").forEach(t -> seen.add(t.get("id").asText()));
        pages++;
      }
      List<String> before = new ArrayList<>();
      all.get("items").forEach(t -> before.add(t.get("id").asText()));
      assertThat(seen).containsExactlyElementsOf(before);
      assertThat(pages).isEqualTo(3);

      assertThat(code(s, "/v1/tokens?limit=0", 400)).isEqualTo("request.limit_invalid");
      assertThat(code(s, "/v1/tokens?limit=201", 400)).isEqualTo("request.limit_invalid");
      assertThat(code(s, "/v1/tokens?limit=x", 400)).isEqualTo("request.limit_invalid");
      assertThat(code(s, "/v1/tokens?cursor=bm9wZQ", 400)).isEqualTo("request.cursor_invalid");
    }
  }

  private static String report(int findings, String message) {
    StringBuilder b = new StringBuilder("{\"schemaVersion\":1,\"findings\":[");
    for (int i = 0; i < findings; i++) {
      b.append(i == 0 ? "" : ",").append("{\"ruleId\":\"IMP-").append(i)
          .append("\",\"severity\":\"low\",\"path\":\"f").append(i).append("\",\"line\":")
          .append(i + 1).append(",\"message\":\"").append(message).append("\"}");
    }
    return b.append("]}").toString();
  }

  private static void upload(TestServer s, String repo, String commit, String report) {
    upload(s, repo, commit, report, "");
  }

  /** An upload; {@code extra} adds fields to the body (an admin's replacement, say). */
  private static void upload(TestServer s, String repo, String commit, String report,
      String extra) {
    HttpResponse<String> res = s.send("POST", "/v1/findings", s.adminToken(),
        "{\"repository\":\"" + repo + "\",\"commit\":\"" + commit + "\",\"report\":" + report
            + extra + "}");
    assertThat(res.statusCode()).as(res.body()).isBetween(200, 201);
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void findingsPageInReportOrderAndACursorKeepsToItsUpload(Stores.Kind kind) throws Exception {
    try (TestServer s = TestServer.start(kind, dir)) {
      upload(s, "acme/pages", C1, report(123, "first"));
      JsonNode first = get(s, "/v1/findings?repository=acme/pages");
      assertThat(first.get("items")).hasSize(50);
      assertThat(first.get("total").asInt()).isEqualTo(123);

      Set<Integer> lines = new HashSet<>();
      List<Integer> order = new ArrayList<>();
      JsonNode page = get(s, "/v1/findings?repository=acme/pages&commit=" + C1 + "&limit=40");
      int pages = 1;
      page.get("items").forEach(f -> order.add(f.get("line").asInt()));
      String latestCommit = "bb" + C1.substring(2);
      while (!page.get("next").isNull()) {
        if (pages == 1) {
          upload(s, "acme/pages", latestCommit, report(3, "newer commit"));
        }
        page = get(s, "/v1/findings?repository=acme/pages&limit=40&cursor="
            + q(page.get("next").asText()));
        assertThat(page.get("commit").asText()).isEqualTo(C1);
        page.get("items").forEach(f -> order.add(f.get("line").asInt()));
        pages++;
      }
      lines.addAll(order);
      assertThat(order).hasSize(123).isSorted();
      assertThat(lines).hasSize(123);
      assertThat(pages).isEqualTo(4);
      assertThat(get(s, "/v1/findings?repository=acme/pages").get("commit").asText())
          .isEqualTo(latestCommit);

      String next = get(s, "/v1/findings?repository=acme/pages&commit=" + C1 + "&limit=10")
          .get("next").asText();
      upload(s, "acme/pages", C1, report(20, "replaced"),
          ",\"replace\":true,\"reason\":\"rescanned with a newer rule set\"");
      assertThat(code(s, "/v1/findings?repository=acme/pages&cursor=" + q(next), 409))
          .isEqualTo("finding.report_replaced");
      assertThat(code(s, "/v1/findings?repository=acme/pages&commit=" + latestCommit
          + "&cursor=" + q(next), 400)).isEqualTo("request.cursor_invalid");
      assertThat(code(s, "/v1/findings?repository=acme/pages&limit=201", 400))
          .isEqualTo("request.limit_invalid");
      assertThat(code(s, "/v1/findings?repository=acme/pages&cursor=eA", 400))
          .isEqualTo("request.cursor_invalid");
    }
  }
}
