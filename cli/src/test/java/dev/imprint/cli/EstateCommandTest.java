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
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code imprint identity} and {@code imprint image} end to end against a real server. */
class EstateCommandTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String DIGEST = "sha256:" + "4e".repeat(32);
  static final Map<String, String> GITHUB = Map.of("GITHUB_ACTIONS", "true",
      "GITHUB_SERVER_URL", "https://github.com", "GITHUB_REPOSITORY", "acme/payments",
      "GITHUB_SHA", "3f9a1c2e4b5d6f708192a3b4c5d6e7f809a1b2c3", "GITHUB_RUN_ID", "4711");
  @TempDir Path dir;
  ImprintServer server;
  String admin;
  Supplier<String> previousToken;
  java.util.function.Function<java.util.List<String>, String> previousGit;
  UnaryOperator<String> previousEnv;

  @BeforeEach
  void start() {
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    ServerConfig d = ServerConfig.defaults();
    server = ImprintServer.start(new ServerConfig("127.0.0.1", 0, dir.resolve("data"), null,
        d.trustDomain(), null, null, false, d.logFormat(), d.maxBodyBytes()),
        new PrintStream(console, true, StandardCharsets.UTF_8));
    admin = console.toString(StandardCharsets.UTF_8).replaceAll("(?s).*admin token: (\\S+).*",
        "$1");
    previousToken = RemoteOptions.useTokenSource(() -> admin);
    previousEnv = CiEnvironment.source;
    previousGit = CiEnvironment.git;
    CiEnvironment.source = GITHUB::get;
    CiEnvironment.git = args -> null;
  }

  @AfterEach
  void stop() {
    RemoteOptions.useTokenSource(previousToken);
    CiEnvironment.source = previousEnv;
    CiEnvironment.git = previousGit;
    server.close();
  }

  private Cli imprint(String... args) {
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--server";
    all[args.length + 1] = server.url();
    return Cli.run(all);
  }

  /** A pipeline token bound to {@code spiffeId}, as the identity's CI would hold. */
  private String pipelineToken(String spiffeId) throws Exception {
    return json(imprint("token", "create", "--role", "pipeline", "--identity", spiffeId, "-o",
        "json")).get("token").asText();
  }

  /** Runs a command with {@code token} instead of the admin token. */
  private Cli as(String token, String... args) {
    Supplier<String> before = RemoteOptions.useTokenSource(() -> token);
    try {
      return imprint(args);
    } finally {
      RemoteOptions.useTokenSource(before);
    }
  }

  private static JsonNode json(Cli r) throws Exception {
    assertThat(r.code()).as(r.err()).isZero();
    return JSON.readTree(r.out());
  }

  @Test
  void theCommandsOfTheIssueWorkAsWrittenWithJsonOutput() throws Exception {
    JsonNode identity = json(imprint("identity", "create", "spiffe://imprint.local/payments/api",
        "--kind", "workload", "--owner", "team-payments", "--env", "prod", "--output", "json"));
    assertThat(identity.get("status").asText()).isEqualTo("active");
    assertThat(identity.get("owner").asText()).isEqualTo("team-payments");

    String pipeline = pipelineToken("spiffe://imprint.local/payments/api");
    JsonNode image = json(as(pipeline, "image", "register", "--repository",
        "registry.example/payments/api", "--tag", "1.4.2", "--digest", DIGEST, "--identity",
        "spiffe://imprint.local/payments/api", "--output", "json"));
    assertThat(image.get("suppliers").get("provenance").get("role").asText())
        .isEqualTo("pipeline");
    assertThat(image.get("status").asText()).isEqualTo("registered");
    assertThat(image.get("created").asBoolean()).isTrue();
    assertThat(image.get("provenance").get("pipelineRun").asText())
        .isEqualTo("https://github.com/acme/payments/actions/runs/4711");
    assertThat(image.get("provenance").get("builder").asText()).isEqualTo("github-actions");

    JsonNode approved = json(imprint("image", "approve", DIGEST, "--reason", "passed policy",
        "--output", "json"));
    assertThat(approved.get("status").asText()).isEqualTo("approved");

    JsonNode retired = json(imprint("image", "retire", DIGEST, "--reason", "CVE-2026-1234",
        "--output", "json"));
    assertThat(retired.get("status").asText()).isEqualTo("retired");

    JsonNode shown = json(imprint("image", "show", DIGEST, "-o", "json"));
    assertThat(shown.get("history")).extracting(e -> e.get("to").asText() + ":"
        + e.get("reason").asText()).containsExactly("registered:", "approved:passed policy",
            "retired:CVE-2026-1234");
    assertThat(imprint("image", "show", DIGEST).out()).contains("supplied by: provenance token:"
        + pipeline.substring(4, 20) + " (pipeline, spiffe://imprint.local/payments/api); scan -;"
        + " vulns -");
    JsonNode listed = json(imprint("identity", "list", "--owner", "team-payments", "-o",
        "json"));
    assertThat(listed.get("items")).hasSize(1);
  }

  @Test
  void outsideCiTheLocalCheckoutSuppliesProvenanceWithoutCredentialsSoTheIssueLinesWorkAsWritten()
      throws Exception {
    CiEnvironment.source = name -> null;
    String sha = "0123456789abcdef0123456789abcdef01234567";
    CiEnvironment.git = args -> args.get(0).equals("rev-parse") ? sha
        : "https://ci-bot:ghp_notarealtoken@git.example/acme/payments.git";
    assertThat(imprint("identity", "create", "spiffe://imprint.local/payments/api", "--kind",
        "workload", "--owner", "team-payments", "--env", "prod").code()).isZero();
    Cli registered = as(pipelineToken("spiffe://imprint.local/payments/api"), "image",
        "register", "--repository", "registry.example/payments/api", "--tag", "1.4.2", "--digest",
        DIGEST, "--identity", "spiffe://imprint.local/payments/api");
    assertThat(registered.code()).as(registered.err()).isZero();
    assertThat(registered.out()).contains("policy: passes").doesNotContain("hint:");
    Cli approved = imprint("image", "approve", DIGEST, "--reason", "passed policy");
    assertThat(approved.code()).as(approved.err()).isZero();
    Cli shown = imprint("image", "show", DIGEST, "--output", "json");
    JsonNode prov = new ObjectMapper().readTree(shown.out()).get("provenance");
    assertThat(prov.get("commit").asText()).isEqualTo(sha);
    assertThat(prov.get("sourceRepository").asText())
        .isEqualTo("https://git.example/acme/payments.git");
    assertThat(prov.get("builder").asText()).isEqualTo("local-checkout");
    assertThat(shown.out()).doesNotContain("ghp_notarealtoken");
  }

  @Test
  void tablesAreTheDefaultAndRefusalsExitWith3NamingTheProblem() throws Exception {
    CiEnvironment.source = name -> null;
    assertThat(imprint("identity", "create", "spiffe://imprint.local/payments/api", "--kind",
        "workload", "--owner", "team-payments", "--env", "prod", "--label", "tier=1",
        "--repository", "acme/payments").code()).isZero();
    Cli list = imprint("identity", "list");
    assertThat(list.out()).contains("SPIFFE ID").contains("spiffe://imprint.local/payments/api")
        .contains("team-payments").contains("active").contains("LAST SEEN").contains("never");
    Cli show = imprint("identity", "show", "spiffe://imprint.local/payments/api");
    assertThat(show.out()).contains("labels:      tier=1").contains("last seen:   never")
        .contains("repositories: acme/payments");
    Cli updated = imprint("identity", "update", "spiffe://imprint.local/payments/api",
        "--owner", "team-billing");
    assertThat(updated.out()).contains("owner:       team-billing")
        .contains("repositories: acme/payments");
    Cli linked = imprint("identity", "update", "spiffe://imprint.local/payments/api",
        "--repository", "acme/payments", "--repository", "acme/billing");
    assertThat(linked.out()).contains("repositories: acme/billing, acme/payments");
    Cli unlinked = imprint("identity", "update", "spiffe://imprint.local/payments/api",
        "--clear-repositories");
    assertThat(unlinked.out()).contains("repositories: - (its pipeline tokens upload no"
        + " findings)");
    assertThat(imprint("identity", "update", "spiffe://imprint.local/payments/api",
        "--repository", "acme/x", "--clear-repositories").code()).isEqualTo(2);

    Cli other = imprint("identity", "create", "spiffe://other.example/x", "--kind", "bot",
        "--owner", "o");
    assertThat(other.code()).isEqualTo(3);
    assertThat(other.err()).contains("identity.trust_domain_mismatch").contains("other.example");

    Cli reg = imprint("image", "register", "--repository", "registry.example/payments/api",
        "--tag", "1.4.2", "--digest", DIGEST, "--identity",
        "spiffe://imprint.local/payments/api");
    assertThat(reg.code()).as(reg.err()).isZero();
    assertThat(reg.out()).contains("registered " + DIGEST).contains("policy: fails")
        .contains("provenance.require: missing sourceRepository, commit")
        .contains("hint: give --source-repository URL and --commit SHA");
    Cli refused = imprint("image", "approve", DIGEST, "--reason", "passed policy");
    assertThat(refused.code()).isEqualTo(3);
    assertThat(refused.err()).contains("image.policy_violation").contains("provenance.require");

    Cli tagOnly = imprint("image", "register", "--repository", "registry.example/payments/api",
        "--tag", "1.4.2", "--digest", "1.4.2", "--identity", "spiffe://imprint.local/payments/api");
    assertThat(tagOnly.code()).isEqualTo(3);
    assertThat(tagOnly.err()).contains("image.digest_invalid");
    assertThat(imprint("image", "show", "latest").code()).isEqualTo(2);

    Cli images = imprint("image", "list", "--status", "registered");
    assertThat(images.out()).contains("DIGEST").contains(DIGEST.substring(0, 19))
        .contains("fails");
    Cli off = imprint("identity", "offboard", "spiffe://imprint.local/payments/api", "--reason",
        "gone");
    assertThat(off.out()).contains("is now offboarded");
    assertThat(imprint("image", "show", DIGEST).out()).contains("status:      rejected")
        .contains("offboard");
  }

  @Test
  void registerSendsScanAndVulnerabilityReportsAndRollbackRedeploysThePredecessor()
      throws Exception {
    imprint("identity", "create", "spiffe://imprint.local/payments/api", "--kind", "workload",
        "--owner", "team-payments");
    Path trivy = dir.resolve("trivy.json");
    Files.writeString(trivy, "{\"SchemaVersion\":2,\"ArtifactName\":"
        + "\"registry.example/payments/api:1.0\",\"Results\":[{"
        + "\"Target\":\"x\",\"Vulnerabilities\":[{\"VulnerabilityID\":\"CVE-2026-1\","
        + "\"Severity\":\"HIGH\"}]}]}");
    String v1 = "sha256:" + "01".repeat(32);
    String v2 = "sha256:" + "02".repeat(32);
    String pipeline = pipelineToken("spiffe://imprint.local/payments/api");
    for (String d : new String[] {v1, v2}) {
      JsonNode reg = json(as(pipeline, "image", "register", "--repository",
          "registry.example/payments/api", "--digest", d, "--identity",
          "spiffe://imprint.local/payments/api", "--vuln-report", trivy.toString(),
          "--commit", "abcdef1", "-o", "json"));
      assertThat(reg.get("vulnerabilities").get("counts").get("high").asInt()).isEqualTo(1);
      assertThat(reg.get("provenance").get("commit").asText()).isEqualTo("abcdef1");
      assertThat(imprint("image", "approve", d).code()).isZero();
      assertThat(imprint("image", "deploy", d).code()).isZero();
    }
    Cli rb = imprint("image", "rollback", v2, "--reason", "v2 crashes");
    assertThat(rb.code()).as(rb.err()).isZero();
    assertThat(rb.out()).contains("rolled back " + v2).contains("deployed    " + v1)
        .contains("go back to  registry.example/payments/api@" + v1);
    Path notJson = dir.resolve("bad.json");
    Files.writeString(notJson, "not json");
    Cli bad = imprint("image", "register", "--repository", "registry.example/payments/api",
        "--digest", v1, "--identity", "spiffe://imprint.local/payments/api", "--scan-report",
        notJson.toString());
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("--scan-report").contains("is not JSON");
  }
}
