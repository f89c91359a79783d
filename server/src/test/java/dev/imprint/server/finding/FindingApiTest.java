package dev.imprint.server.finding;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imprint.scan.ScanReport;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.Scanner;
import dev.imprint.scan.report.ReportOptions;
import dev.imprint.scan.report.Reporters;
import dev.imprint.server.testing.AuditActions;
import dev.imprint.server.testing.Stores;
import dev.imprint.server.testing.TestServer;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class FindingApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** A fake AWS secret access key: 40 characters, never leaves this test in clear. */
  private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ9mExAmPl";
  private static final String C1 = "3f9a1c2e4b5d6f708192a3b4c5d6e7f809a1b2c3";
  private static final String C2 = "aa9a1c2e4b5d6f708192a3b4c5d6e7f809a1b2c3";
  @TempDir Path dir;

  /** Scans a small tree holding a baked secret with the real scanner; the JSON report. */
  private String scanReport(Path root) throws Exception {
    Files.createDirectories(root);
    Files.writeString(root.resolve("Dockerfile"), "FROM python:3.12\n"
        + "ENV AWS_SECRET_ACCESS_KEY=" + SECRET + "\nCMD [\"python\", \"app.py\"]\n");
    ScanReport report = Scanner.create(ScanSettings.defaults()).scan(List.of(root));
    StringWriter out = new StringWriter();
    Reporters.forFormat("json", ReportOptions.defaults()).write(report, out);
    assertThat(out.toString()).doesNotContain(SECRET).contains("\"secret\"");
    return out.toString();
  }

  private static String upload(String repo, String commit, String report) {
    return "{\"repository\":\"" + repo + "\",\"commit\":\"" + commit + "\",\"report\":" + report
        + "}";
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void anUploadIsStoredPerCommitReplacedOnlyWithAReasonAndSummarisedPerRepository(Stores.Kind kind)
      throws Exception {
    try (TestServer s = TestServer.start(kind, dir)) {
      String report = scanReport(dir.resolve("src"));
      int total = JSON.readTree(report).get("findings").size();
      assertThat(total).isGreaterThan(1);
      HttpResponse<String> res = s.send("POST", "/v1/findings", s.adminToken(),
          upload("acme/payments", C1, report));
      assertThat(res.statusCode()).as(res.body()).isEqualTo(201);
      assertThat(JSON.readTree(res.body()).get("total").asInt()).isEqualTo(total);

      JsonNode got = JSON.readTree(s.send("GET", "/v1/findings?repository=acme/payments&commit="
          + C1, s.adminToken(), null).body());
      assertThat(got.get("items")).hasSize(total);
      JsonNode secret = null;
      for (JsonNode f : got.get("items")) {
        if (!f.get("secretRedacted").isNull()) {
          secret = f;
        }
      }
      assertThat(secret).isNotNull();
      // An AWS secret access key has no provider prefix: its redacted form shows none of it.
      assertThat(secret.get("secretRedacted").asText()).isEqualTo("********(40)");

      ObjectNode smaller = (ObjectNode) JSON.readTree(report);
      ((ArrayNode) smaller.get("findings")).remove(0);
      assertThat(s.send("POST", "/v1/findings", s.adminToken(), upload("acme/payments", C1,
          smaller.toString())).statusCode()).as("a different upload for a stored commit")
          .isEqualTo(409);
      String replace = upload("acme/payments", C1, smaller.toString());
      assertThat(s.send("POST", "/v1/findings", s.adminToken(), replace.substring(0,
          replace.length() - 1) + ",\"replace\":true,\"reason\":\"rescanned\"}").statusCode())
          .isEqualTo(201);
      s.send("POST", "/v1/findings", s.adminToken(), upload("acme/payments", C2,
          smaller.toString()));
      s.send("POST", "/v1/findings", s.adminToken(), upload("acme/billing", C2, report));
      assertThat(JSON.readTree(s.send("GET", "/v1/findings?repository=acme/payments&commit="
          + C1, s.adminToken(), null).body()).get("items")).hasSize(total - 1);

      JsonNode summary = JSON.readTree(s.send("GET", "/v1/findings/summary", s.adminToken(),
          null).body());
      assertThat(summary.get("items")).hasSize(2);
      JsonNode payments = summary.get("items").get(1);
      assertThat(payments.get("repository").asText()).isEqualTo("acme/payments");
      assertThat(payments.get("commits").asInt()).isEqualTo(2);
      assertThat(payments.get("total").asInt()).isEqualTo(total - 1);
      JsonNode page = JSON.readTree(s.send("GET", "/v1/findings/summary?limit=1",
          s.adminToken(), null).body());
      assertThat(page.get("items").get(0).get("repository").asText()).isEqualTo("acme/billing");
      assertThat(page.get("next").isNull()).isFalse();

      assertThat(AuditActions.entries(s.server().database()).stream()
          .filter(e -> e.get("action").asText().equals("findings.uploaded"))
          .map(e -> e.get("subject").asText() + " " + e.get("details").get("replaced")))
          .containsExactly("acme/payments@" + C1 + " false", "acme/payments@" + C1 + " true",
              "acme/payments@" + C2 + " false", "acme/billing@" + C2 + " false");
      assertThat(dump(s)).doesNotContain(SECRET).doesNotContain(SECRET.substring(4));
    }
  }

  @Test
  void theRawSecretIsNowhereInTheStoreFile() throws Exception {
    try (TestServer s = TestServer.start(Stores.Kind.SQLITE, dir)) {
      s.send("POST", "/v1/findings", s.adminToken(), upload("acme/payments", C1,
          scanReport(dir.resolve("src"))));
    }
    for (String name : List.of("imprint.db", "imprint.db-wal")) {
      Path f = dir.resolve(name);
      if (Files.exists(f)) {
        assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1))
            .doesNotContain(SECRET.substring(4));
      }
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void unredactedSecretsMalformedReportsAndOversizedBodiesAreRefused(Stores.Kind kind)
      throws Exception {
    try (TestServer s = TestServer.start(kind, dir)) {
      String admin = s.adminToken();
      String leaky = "{\"schemaVersion\":1,\"findings\":[{\"ruleId\":\"IMP-SECRET-001\","
          + "\"severity\":\"critical\",\"path\":\"a.env\",\"secret\":{\"redacted\":\"" + SECRET
          + "\",\"fingerprint\":\"8e812e4d35bb8798\"}}]}";
      HttpResponse<String> res = s.send("POST", "/v1/findings", admin, upload("acme/p", C1,
          leaky));
      assertThat(res.statusCode()).isEqualTo(400);
      assertThat(res.body()).contains("finding.secret_not_redacted").doesNotContain(SECRET);
      assertThat(dump(s)).doesNotContain(SECRET);
      assertThat(s.send("POST", "/v1/findings", admin, upload("acme/p", "main", "{}")).body())
          .contains("finding.commit_invalid");
      assertThat(s.send("POST", "/v1/findings", admin, upload("acme/p", C1,
          "{\"schemaVersion\":2,\"findings\":[]}")).body()).contains("finding.report_invalid");
      assertThat(s.send("GET", "/v1/findings?repository=acme/none", admin, null).statusCode())
          .isEqualTo(404);
      assertThat(s.send("GET", "/v1/findings", admin, null).body())
          .contains("finding.repository_missing");
      // the server-wide limit is 64 KiB here; this route takes up to 16 times more
      String padding = "x".repeat(200 * 1024);
      String big = "{\"schemaVersion\":1,\"tool\":{\"name\":\"imprint\",\"version\":\"0.1.0\","
          + "\"pad\":\"" + padding + "\"},\"findings\":[]}";
      assertThat(s.send("POST", "/v1/findings", admin, upload("acme/p", C1, big)).statusCode())
          .isEqualTo(201);
      String huge = big.replace(padding, padding.repeat(6));
      HttpResponse<String> tooLarge = s.send("POST", "/v1/findings", admin, upload("acme/p", C1,
          huge));
      assertThat(tooLarge.statusCode()).isEqualTo(413);
      assertThat(tooLarge.body()).contains("this route's limit of 1048576 bytes");
      assertThat(s.send("POST", "/v1/tokens", admin, "{\"role\":\"admin\",\"description\":\""
          + padding + "\"}").statusCode()).isEqualTo(413);
    }
  }

  private static String dump(TestServer s) {
    return s.server().database().read(c -> {
      StringBuilder all = new StringBuilder();
      for (String table : List.of("findings", "finding_reports", "audit_entries")) {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM " + table);
            ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
              all.append(rs.getString(i)).append('|');
            }
          }
        }
      }
      return all.toString();
    });
  }
}
