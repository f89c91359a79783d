package dev.imprint.server.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imprint.server.ServerConfig;
import dev.imprint.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * {@code deploy/prometheus/imprint-rules.yaml} and {@code deploy/grafana/imprint-dashboard.json}
 * against a real server: every expression parses, and every metric it reads is one that the
 * server's {@code /metrics} exposes (scraped, with the _total, _count, _sum and _max suffixes
 * it really writes).
 */
class DeployFilesTest {
  static final Path DEPLOY = Path.of("..", "deploy");
  static Set<String> exposed;

  @BeforeAll
  static void scrape(@TempDir Path dir) throws Exception {
    Path secret = Files.writeString(dir.resolve("hook-secret"), "0123456789abcdef0123456789");
    Path alerts = Files.writeString(dir.resolve("alerts.json"), "{\"webhook\":{\"url\":"
        + "\"http://127.0.0.1:9/hook\",\"secretFile\":\"" + secret.toString().replace("\\",
        "\\\\") + "\"},\"alertmanager\":{\"url\":\"http://127.0.0.1:9\"}}");
    ServerConfig c = TestServer.config(dir.resolve("data"), null)
        .withCheckpointInterval(Duration.ZERO).withAlertsConfig(alerts);
    try (TestServer s = TestServer.start(c)) {
      s.send("GET", "/healthz", null, null);
      s.send("GET", "/v1/alerts", s.adminToken(), null);
      String text = s.awaitMetrics("imprint_signing_key_age_seconds{purpose=\"jwt_es256\"} ");
      exposed = new TreeSet<>();
      for (String line : text.split("\n")) {
        if (!line.isBlank() && !line.startsWith("#")) {
          int end = line.indexOf('{');
          exposed.add(line.substring(0, end >= 0 ? end : line.indexOf(' ')));
        }
      }
    }
    assertThat(exposed).contains("imprint_alerts_total", "imprint_http_requests_seconds_count");
  }

  @Test
  void everyPrometheusRuleParsesAndReadsOnlyExposedMetrics() throws Exception {
    Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
    Map<String, Object> doc = yaml.load(Files.readString(
        DEPLOY.resolve("prometheus/imprint-rules.yaml")));
    List<Map<String, Object>> rules = new ArrayList<>();
    for (Object g : (List<?>) doc.get("groups")) {
      for (Object r : (List<?>) ((Map<?, ?>) g).get("rules")) {
        @SuppressWarnings("unchecked")
        Map<String, Object> rule = (Map<String, Object>) r;
        rules.add(rule);
      }
    }
    assertThat(rules).hasSizeGreaterThanOrEqualTo(10);
    Map<String, Set<String>> unknown = new LinkedHashMap<>();
    for (Map<String, Object> r : rules) {
      assertThat(r.get("alert")).as("each rule is an alerting rule").isNotNull();
      assertThat(String.valueOf(((Map<?, ?>) r.get("labels")).get("severity")))
          .isIn("critical", "warning");
      assertThat(((Map<?, ?>) r.get("annotations")).containsKey("summary")).isTrue();
      PromQl.Parsed p = PromQl.parse(r.get("expr").toString());
      assertThat(p.type()).as(r.get("alert").toString()).isEqualTo(PromQl.Type.VECTOR);
      assertThat(p.metrics()).as(r.get("alert").toString()).isNotEmpty();
      Set<String> missing = new TreeSet<>(p.metrics());
      missing.removeAll(exposed);
      if (!missing.isEmpty()) {
        unknown.put(r.get("alert").toString(), missing);
      }
    }
    assertThat(unknown).as("metrics the rules read that /metrics does not expose").isEmpty();
  }

  @Test
  void everyDashboardQueryParsesAndReadsOnlyExposedMetrics() throws Exception {
    JsonNode d = new ObjectMapper().readTree(Files.readString(
        DEPLOY.resolve("grafana/imprint-dashboard.json")));
    assertThat(d.get("uid").asText()).isEqualTo("imprint-overview");
    List<String> queries = new ArrayList<>();
    for (JsonNode panel : d.get("panels")) {
      for (JsonNode t : panel.get("targets")) {
        queries.add(t.get("expr").asText());
      }
    }
    assertThat(queries).hasSizeGreaterThanOrEqualTo(10);
    String variable = d.at("/templating/list/1/query/query").asText();
    assertThat(variable).startsWith("label_values(");
    queries.add(variable.substring("label_values(".length(), variable.indexOf(',')));
    Map<String, Set<String>> unknown = new LinkedHashMap<>();
    for (String q : queries) {
      String expr = q.replace("$__rate_interval", "5m").replace("$instance", ".*");
      PromQl.Parsed p = PromQl.parse(expr);
      Set<String> missing = new TreeSet<>(p.metrics());
      missing.removeAll(exposed);
      if (!missing.isEmpty()) {
        unknown.put(q, missing);
      }
    }
    assertThat(unknown).as("metrics the dashboard reads that /metrics does not expose")
        .isEmpty();
  }
}
