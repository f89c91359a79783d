package dev.imprint.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imprint.cli.remote.RemoteOptions;
import dev.imprint.server.ImprintServer;
import dev.imprint.server.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code grants plan/apply} and {@code authz explain/unused/replay} against a real server. */
class AuthzCommandTest {
  static final String API = "spiffe://imprint.local/payments/api";
  static final String HEADER = "apiVersion: imprint.dev/v1\nkind: Grants\ngrants:\n";
  static final String READS = "  - id: api-reads-orders\n    subject: " + API
      + "\n    resource: topic:orders/*\n    actions: [read]\n";
  static final String DENY = "  - id: no-secrets\n    subject: " + API
      + "\n    effect: deny\n    resource: topic:orders/secret\n    actions: [read]\n";

  @TempDir Path dir;
  ImprintServer server;
  Supplier<String> previous;
  String admin;

  @BeforeEach
  void start() throws Exception {
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    ServerConfig d = ServerConfig.defaults();
    Path data = Files.createDirectories(dir.resolve("data"));
    server = ImprintServer.start(new ServerConfig("127.0.0.1", 0, data, null, d.trustDomain(),
        null, null, false, d.logFormat(), d.maxBodyBytes()),
        new PrintStream(console, true, StandardCharsets.UTF_8));
    admin = console.toString(StandardCharsets.UTF_8)
        .replaceAll("(?s).*admin token: (\\S+).*", "$1");
    previous = RemoteOptions.useTokenSource(() -> admin);
    assertThat(Cli.run("identity", "create", API, "--kind", "workload", "--owner", "team",
        "--env", "prod", "--server", server.url()).code()).isZero();
  }

  @AfterEach
  void stop() {
    RemoteOptions.useTokenSource(previous);
    server.close();
  }

  private Path grants(String name, String yaml) throws Exception {
    Path d = Files.createDirectories(dir.resolve(name));
    Files.writeString(d.resolve("main.yaml"), yaml);
    return d;
  }

  @Test
  void planShowsTheDifferenceApplyMakesAVersionAndErrorsExitThreeWithFileAndLine()
      throws Exception {
    Path g = grants("grants", HEADER + READS + DENY);
    Cli plan = Cli.run("grants", "plan", "-f", g.toString(), "--server", server.url());
    assertThat(plan.code()).as(plan.err()).isZero();
    assertThat(plan.out()).contains("+ api-reads-orders").contains("+ no-secrets")
        .contains("2 to add, 0 to remove, 0 to change, 0 unchanged (against policy version 0)")
        .contains("warning grant.wildcard [api-reads-orders]");
    Cli apply = Cli.run("grants", "apply", "-f", g.toString(), "--server", server.url());
    assertThat(apply.code()).as(apply.err()).isZero();
    assertThat(apply.out()).contains("applied: policy version 1");
    Cli again = Cli.run("grants", "apply", "-f", g.toString(), "--expected-version", "1",
        "--server", server.url());
    assertThat(again.out()).contains("nothing to apply: policy version 1 stays current");

    Path bad = grants("bad", HEADER + "  - {id: ghost, subject: spiffe://imprint.local/ghost,"
        + " resource: \"topic:x\", actions: [read]}\n");
    Cli refused = Cli.run("grants", "apply", "-f", bad.toString(), "--server", server.url());
    assertThat(refused.code()).isEqualTo(3);
    assertThat(refused.err()).contains("main.yaml:4:").contains("grant.identity_unknown [ghost]");
    Cli planned = Cli.run("grants", "plan", "-f", bad.toString(), "--server", server.url());
    assertThat(planned.code()).isEqualTo(3);
    assertThat(planned.err()).contains("grant.identity_unknown");
    Cli missing = Cli.run("grants", "plan", "-f", dir.resolve("nowhere").toString(),
        "--server", server.url());
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("does not exist");
  }

  @Test
  void explainSaysWhyLocallyAndAgainstTheServer() throws Exception {
    Path g = grants("grants", HEADER + READS + DENY);
    Cli local = Cli.run("authz", "explain", "-f", g.toString(), "--subject", API, "--action",
        "read", "--resource", "topic:orders/secret");
    assertThat(local.code()).as(local.err()).isZero();
    assertThat(local.out()).startsWith("DENY (denied, policy version 0)")
        .contains("no-secrets").contains("api-reads-orders").contains("main.yaml:");
    Cli json = Cli.run("authz", "explain", "-f", g.toString(), "--subject", API, "--action",
        "read", "--resource", "topic:orders/daily", "--output", "json");
    JsonNode e = new ObjectMapper().readTree(json.out());
    assertThat(e.get("decision").asText()).isEqualTo("allow");
    assertThat(e.get("grants").get(0).asText()).isEqualTo("api-reads-orders");
    assertThat(Cli.run("authz", "explain", "-f", g.toString(), "--subject", API, "--action",
        "read", "--resource", "topic:orders/daily", "--context", "nokey").code()).isEqualTo(2);

    assertThat(Cli.run("grants", "apply", "-f", g.toString(), "--server", server.url()).code())
        .isZero();
    Cli remote = Cli.run("authz", "explain", "--subject", API, "--action", "read",
        "--resource", "topic:orders/daily", "--server", server.url());
    assertThat(remote.code()).as(remote.err()).isZero();
    assertThat(remote.out()).startsWith("ALLOW (allowed, policy version 1)");
  }

  @Test
  void unusedListsGrantsAndDormantIdentitiesAndReplayExitsOneWhenADecisionFlips()
      throws Exception {
    Path g = grants("grants", HEADER + READS + DENY);
    assertThat(Cli.run("grants", "apply", "-f", g.toString(), "--server", server.url()).code())
        .isZero();
    Cli unused = Cli.run("authz", "unused", "--since", "30d", "--server", server.url());
    assertThat(unused.code()).as(unused.err()).isZero();
    assertThat(unused.out()).contains("api-reads-orders").contains("never").contains(API);
    Cli json = Cli.run("authz", "unused", "--format", "json", "--server", server.url());
    JsonNode u = new ObjectMapper().readTree(json.out());
    assertThat(u.get("grants").get(0).get("id").asText()).isEqualTo("api-reads-orders");
    assertThat(u.get("identities").get(0).get("spiffeId").asText()).isEqualTo(API);

    Cli none = Cli.run("authz", "replay", "--candidate", g.toString(), "--server", server.url());
    assertThat(none.code()).as(none.err()).isZero();
    assertThat(none.out()).contains("0 of 0 recorded decision shape(s)");
    Cli bad = Cli.run("authz", "replay", "--candidate", grants("bad", "grants: 7\n").toString(),
        "--server", server.url());
    assertThat(bad.code()).isEqualTo(3);
    assertThat(bad.err()).contains("grants.invalid");

    // one recorded decision, allowed by api-reads-orders: a candidate without it flips it
    String svid = svid();
    assertThat(server.decisions().authorize(svid, "imprint:authorize", "svid", "read",
        "topic:orders/daily", java.util.Map.of()).decision().allowed()).isTrue();
    server.decisions().flush();
    Cli kept = Cli.run("authz", "replay", "--candidate", g.toString(), "--server", server.url());
    assertThat(kept.code()).as(kept.err()).isZero();
    assertThat(kept.out()).contains("0 of 1 recorded decision shape(s)");
    Cli flips = Cli.run("authz", "replay", "--candidate", grants("narrow", HEADER + DENY)
        .toString(), "--server", server.url());
    assertThat(flips.code()).as(flips.err()).isEqualTo(1);
    assertThat(flips.out()).contains("topic:orders/daily").contains("allow")
        .contains("1 of 1 recorded decision shape(s)");
  }

  /** A JWT-SVID (audience imprint:authorize) of an approved image of {@link #API}. */
  private String svid() throws Exception {
    String pipeline = post("/v1/tokens", admin, "{\"role\":\"pipeline\",\"identity\":\"" + API
        + "\"}").get("token").asText();
    String digest = "sha256:" + "ab".repeat(32);
    post("/v1/images", pipeline, "{\"repository\":\"registry.example/pay\",\"digest\":\""
        + digest + "\",\"identity\":\"" + API + "\",\"provenance\":{\"sourceRepository\":"
        + "\"github.com/acme/pay\",\"commit\":\"3f9a1c2\"}}");
    post("/v1/images/" + digest + "/approve", admin, "{\"reason\":\"passed policy\"}");
    String join = post("/v1/join-tokens", admin, "{\"image\":\"" + digest
        + "\",\"identity\":\"" + API + "\"}").get("token").asText();
    return post("/v1/attest/join-token", null, "{\"join_token\":\"" + join
        + "\",\"audience\":\"imprint:authorize\"}").at("/jwt_svid/token").asText();
  }

  private JsonNode post(String path, String token, String body) throws Exception {
    java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(
        java.net.URI.create(server.url() + path)).header("Content-Type", "application/json")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
        b.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path + ": " + r.body()).isBetween(200, 201);
    return new ObjectMapper().readTree(r.body());
  }
}
