package dev.imprint.server.finding;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imprint.scan.ScanReport;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.Scanner;
import dev.imprint.scan.inventory.InventoryBuilder;
import dev.imprint.scan.inventory.InventoryFormat;
import dev.imprint.scan.report.ReportOptions;
import dev.imprint.scan.report.Reporters;
import dev.imprint.server.testing.AuditActions;
import dev.imprint.server.testing.Stores;
import dev.imprint.server.testing.TestServer;
import java.io.StringWriter;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class InventoryApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** A fake AWS secret access key: 40 characters, never leaves this test in clear. */
  private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ9mExAmPl";
  private static final String C1 = "3f9a1c2e4b5d6f708192a3b4c5d6e7f809a1b2c3";
  private static final String C2 = "aa9a1c2e4b5d6f708192a3b4c5d6e7f809a1b2c3";
  private static final String C3 = "bb9a1c2e4b5d6f708192a3b4c5d6e7f809a1b2c3";
  @TempDir Path dir;
  String report;
  ObjectNode inventory;

  /** Scans a small tree with the real scanner: its JSON report and its inventory document. */
  @BeforeEach
  void scan() throws Exception {
    Path root = Files.createDirectories(dir.resolve("src"));
    Files.writeString(root.resolve("Dockerfile"), "FROM python:3.12\n"
        + "ENV AWS_SECRET_ACCESS_KEY=" + SECRET + "\nCMD [\"python\", \"app.py\"]\n");
    Files.createDirectories(root.resolve("infra"));
    Files.writeString(root.resolve("infra/main.tf"), "resource \"aws_iam_user\" \"deployer\" {\n"
        + "  name = \"ci-deployer\"\n}\n\n"
        + "resource \"aws_iam_access_key\" \"deployer\" {\n"
        + "  user = aws_iam_user.deployer.name\n}\n\n"
        + "resource \"aws_iam_user_policy\" \"deployer\" {\n"
        + "  name = \"deploy-everything\"\n  user = aws_iam_user.deployer.name\n"
        + "  policy = jsonencode({\n    Version = \"2012-10-17\"\n"
        + "    Statement = [{ Effect = \"Allow\", Action = \"*\", Resource = \"*\" }]\n  })\n}\n");
    ScanReport scanned = Scanner.create(ScanSettings.defaults()).scan(List.of(root));
    StringWriter out = new StringWriter();
    Reporters.forFormat("json", ReportOptions.defaults()).write(scanned, out);
    report = out.toString();
    inventory = (ObjectNode) JSON.readTree(InventoryFormat.json(
        InventoryBuilder.build(List.of(root), ScanSettings.defaults(), "acme/payments")));
    assertThat(report).doesNotContain(SECRET);
    assertThat(inventory.toString()).doesNotContain(SECRET).contains("embedded-credential")
        .contains("aws-iam-user").contains("key-of");
  }

  private static String upload(String repo, String commit, String report, JsonNode inventory) {
    return "{\"repository\":\"" + repo + "\",\"commit\":\"" + commit + "\",\"report\":" + report
        + (inventory == null ? "" : ",\"inventory\":" + inventory) + "}";
  }

  /** An admin's replacement of the upload of {@code repo} at {@code commit}. */
  private static String replace(String repo, String commit, String report, JsonNode inventory) {
    String plain = upload(repo, commit, report, inventory);
    return plain.substring(0, plain.length() - 1)
        + ",\"replace\":true,\"reason\":\"rescanned\"}";
  }

  private static JsonNode get(TestServer s, String query) throws Exception {
    HttpResponse<String> res = s.send("GET", "/v1/inventory" + query, s.adminToken(), null);
    assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
    return JSON.readTree(res.body());
  }

  private static JsonNode item(JsonNode page, String kind) {
    for (JsonNode i : page.get("items")) {
      if (i.get("kind").asText().equals(kind)) {
        return i;
      }
    }
    throw new AssertionError("no " + kind + " in " + page);
  }

  /** Findings of the report matching a predicate, counted by severity (plus total). */
  private int count(java.util.function.Predicate<JsonNode> which) throws Exception {
    int n = 0;
    for (JsonNode f : JSON.readTree(report).get("findings")) {
      if (which.test(f)) {
        n++;
      }
    }
    return n;
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void anUploadWithItsInventoryListsTheIdentitiesWithTheirFindingsAndLinks(Stores.Kind kind)
      throws Exception {
    try (TestServer s = TestServer.start(kind, dir.resolve("store"))) {
      HttpResponse<String> res = s.send("POST", "/v1/findings", s.adminToken(),
          upload("acme/payments", C1, report, inventory));
      assertThat(res.statusCode()).as(res.body()).isEqualTo(201);
      int identities = inventory.get("identities").size();
      assertThat(JSON.readTree(res.body()).get("identities").asInt()).isEqualTo(identities);

      JsonNode page = get(s, "");
      assertThat(page.get("items")).hasSize(identities);
      assertThat(page.get("next").isNull()).isTrue();
      JsonNode user = item(page, "aws-iam-user");
      assertThat(user.get("repository").asText()).isEqualTo("acme/payments");
      assertThat(user.get("commit").asText()).isEqualTo(C1);
      assertThat(user.get("name").asText()).isEqualTo("ci-deployer");
      assertThat(user.get("location").get("path").asText()).endsWith("infra/main.tf");
      assertThat(user.get("access").asText()).isEqualTo("admin");
      assertThat(user.get("flags").toString()).contains("long-lived-access-key");
      String tf = user.get("location").get("path").asText();
      int inTf = count(f -> f.get("path").asText().equals(tf));
      int criticalInTf = count(f -> f.get("path").asText().equals(tf)
          && f.get("severity").asText().equals("critical"));
      assertThat(inTf).isPositive();
      assertThat(user.get("findings").get("total").asInt()).isEqualTo(inTf);
      assertThat(user.get("findings").get("critical").asInt()).isEqualTo(criticalInTf);
      assertThat(user.get("links").toString()).contains("key-of");

      JsonNode secret = item(page, "embedded-credential");
      String fp = secret.get("id").asText().substring("secret:".length());
      int withSecret = count(f -> f.path("secret").path("fingerprint").asText().equals(fp));
      assertThat(withSecret).isPositive();
      assertThat(secret.get("findings").get("total").asInt()).isEqualTo(withSecret);
      assertThat(secret.get("name").asText()).contains("wJal").endsWith("(40)");
      assertThat(secret.get("flags").toString()).contains("baked-into-image");

      assertThat(AuditActions.entries(s.server().database()).stream()
          .filter(e -> e.get("action").asText().equals("findings.uploaded"))
          .map(e -> e.get("details").get("identities").asInt())).containsExactly(identities);
      assertThat(dump(s)).doesNotContain(SECRET.substring(4));
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void theLatestUploadOfEachRepositoryIsListedAndFiltersAndPagesApply(Stores.Kind kind)
      throws Exception {
    try (TestServer s = TestServer.start(kind, dir.resolve("store"))) {
      String admin = s.adminToken();
      int all = inventory.get("identities").size();
      s.send("POST", "/v1/findings", admin, upload("acme/payments", C1, report, inventory));
      s.send("POST", "/v1/findings", admin, upload("acme/billing", C1, report, inventory));
      ObjectNode smaller = inventory.deepCopy();
      ((ArrayNode) smaller.get("identities")).remove(0);
      Thread.sleep(5);
      assertThat(s.send("POST", "/v1/findings", admin, upload("acme/payments", C2, report,
          smaller)).statusCode()).isEqualTo(201);

      JsonNode payments = get(s, "?repository=acme/payments");
      assertThat(payments.get("items")).hasSize(all - 1);
      payments.get("items").forEach(i -> assertThat(i.get("commit").asText()).isEqualTo(C2));
      assertThat(get(s, "").get("items")).hasSize(2 * all - 1);

      ObjectNode smallest = smaller.deepCopy();
      ((ArrayNode) smallest.get("identities")).remove(0);
      assertThat(s.send("POST", "/v1/findings", admin, replace("acme/payments", C2, report,
          smallest)).statusCode()).isEqualTo(201);
      assertThat(get(s, "?repository=acme/payments").get("items")).hasSize(all - 2);

      JsonNode users = get(s, "?kind=aws-iam-user");
      assertThat(users.get("items")).isNotEmpty();
      users.get("items").forEach(i -> assertThat(i.get("kind").asText())
          .isEqualTo("aws-iam-user"));
      JsonNode baked = get(s, "?flag=baked-into-image&repository=acme/billing");
      assertThat(baked.get("items")).hasSize(1);
      assertThat(baked.get("items").get(0).get("kind").asText()).isEqualTo("embedded-credential");
      assertThat(get(s, "?flag=no-such-flag").get("items")).isEmpty();
      assertThat(s.send("GET", "/v1/inventory?kind=AWS%20user", admin, null).body())
          .contains("inventory.filter_invalid");

      List<String> seen = new ArrayList<>();
      String cursor = null;
      do {
        JsonNode page = get(s, "?limit=2" + (cursor == null ? ""
            : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)));
        assertThat(page.get("items").size()).isLessThanOrEqualTo(2);
        page.get("items").forEach(i -> seen.add(i.get("repository").asText() + " "
            + i.get("id").asText()));
        cursor = page.get("next").isNull() ? null : page.get("next").asText();
      } while (cursor != null);
      assertThat(seen).hasSize(2 * all - 2).doesNotHaveDuplicates();
      assertThat(s.send("GET", "/v1/inventory?cursor=bogus", admin, null).body())
          .contains("request.cursor_invalid");

      // an older client's upload carries no inventory: 201, and the repository has none now
      Thread.sleep(5);
      HttpResponse<String> old = s.send("POST", "/v1/findings", admin, upload("acme/payments",
          C3, report, null));
      assertThat(old.statusCode()).as(old.body()).isEqualTo(201);
      assertThat(JSON.readTree(old.body()).get("identities").isNull()).isTrue();
      assertThat(get(s, "?repository=acme/payments").get("items")).isEmpty();
      assertThat(get(s, "").get("items")).hasSize(all);
      // replacing an upload without an inventory removes the one it had
      assertThat(s.send("POST", "/v1/findings", admin, replace("acme/billing", C1, report, null))
          .statusCode()).isEqualTo(201);
      assertThat(get(s, "").get("items")).isEmpty();
      assertThat(rows(s, "inventory_identities")).as("C1 and C2 of acme/payments")
          .isEqualTo(2L * all - 2);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void badInventoriesAreRefusedWithStableCodesAndNothingIsStored(Stores.Kind kind)
      throws Exception {
    try (TestServer s = TestServer.start(kind, dir.resolve("store"))) {
      String admin = s.adminToken();
      ObjectNode v2 = inventory.deepCopy().put("schemaVersion", 2);
      assertRefused(s, v2, "inventory.schema_unsupported");

      ObjectNode many = inventory.deepCopy();
      ArrayNode ids = JSON.createArrayNode();
      for (int i = 0; i <= UploadedInventory.MAX_IDENTITIES; i++) {
        ids.add(JSON.createObjectNode()); // counted before any entry is read
      }
      many.set("identities", ids);
      assertRefused(s, many, "inventory.too_large");

      ObjectNode leaky = inventory.deepCopy();
      for (JsonNode i : leaky.get("identities")) {
        if (i.get("kind").asText().equals("embedded-credential")) {
          ((ObjectNode) i).put("name", "AWS secret access key " + SECRET);
        }
      }
      HttpResponse<String> res = assertRefused(s, leaky, "inventory.secret_not_redacted");
      assertThat(res.body()).doesNotContain(SECRET);

      // a credential in free text (a buggy or tampered client) is found by the detectors
      String gitlabToken = "glpat-" + "Zq3Xw9Lm2Rt7Vb4Nc8Kd";
      ObjectNode inDetails = inventory.deepCopy();
      ((ArrayNode) inDetails.get("identities").get(0).withArray("details"))
          .add("token used by the deploy job: " + gitlabToken);
      res = assertRefused(s, inDetails, "inventory.secret_not_redacted");
      assertThat(res.body()).doesNotContain(gitlabToken).contains("identities[0].details");
      ObjectNode inReason = inventory.deepCopy();
      ((ObjectNode) inReason.get("links").get(0)).put("reason", "holds " + gitlabToken);
      assertRefused(s, inReason, "inventory.secret_not_redacted");

      assertRefused(s, inventory.deepCopy().put("extra", true), "request.unknown_field");
      ObjectNode noLinks = inventory.deepCopy();
      noLinks.remove("links");
      assertRefused(s, noLinks, "inventory.invalid");

      assertThat(s.send("GET", "/v1/findings?repository=acme/bad", admin, null).statusCode())
          .isEqualTo(404);
      assertThat(get(s, "").get("items")).isEmpty();
      assertThat(rows(s, "inventory_identities") + rows(s, "inventories")).isZero();
      assertThat(dump(s)).doesNotContain(SECRET.substring(4)).doesNotContain("Zq3Xw9Lm2Rt7");
    }
  }

  private HttpResponse<String> assertRefused(TestServer s, JsonNode inv, String code)
      throws Exception {
    HttpResponse<String> res = s.send("POST", "/v1/findings", s.adminToken(),
        upload("acme/bad", C1, report, inv));
    assertThat(res.statusCode()).as(res.body()).isEqualTo(400);
    assertThat(JSON.readTree(res.body()).get("code").asText()).isEqualTo(code);
    return res;
  }

  private static long rows(TestServer s, String table) {
    return s.server().database().read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + table);
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    });
  }

  private static String dump(TestServer s) {
    return s.server().database().read(c -> {
      StringBuilder all = new StringBuilder();
      for (String table : List.of("inventories", "inventory_identities", "inventory_links",
          "audit_entries")) {
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
