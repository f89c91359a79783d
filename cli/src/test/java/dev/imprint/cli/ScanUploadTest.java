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

/** {@code imprint scan --upload} against a real in-process server. */
class ScanUploadTest {
  private static final String SECRET = "Zx81kLq0PmW92vTr";
  private static final String SHA = "0123456789abcdef0123456789abcdef01234567";
  @TempDir Path tmp;
  ImprintServer server;
  String token;
  Supplier<String> previousToken;
  UnaryOperator<String> previousEnv;
  Path repo;

  @BeforeEach
  void start() throws Exception {
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    ServerConfig d = ServerConfig.defaults();
    server = ImprintServer.start(new ServerConfig("127.0.0.1", 0, tmp.resolve("data"), null,
        d.trustDomain(), null, null, false, d.logFormat(), d.maxBodyBytes()),
        new PrintStream(console, true, StandardCharsets.UTF_8));
    token = console.toString(StandardCharsets.UTF_8).replaceAll("(?s).*admin token: (\\S+).*",
        "$1");
    previousToken = RemoteOptions.useTokenSource(() -> token);
    previousEnv = CiEnvironment.source;
    CiEnvironment.source = Map.of("CI_PROJECT_PATH", "acme/payments", "CI_COMMIT_SHA", SHA)::get;
    repo = Files.createDirectories(tmp.resolve("repo"));
    Files.writeString(repo.resolve("Dockerfile"),
        "FROM ubuntu:latest\nENV DB_PASSWORD=" + SECRET + "\n");
  }

  @AfterEach
  void stop() {
    RemoteOptions.useTokenSource(previousToken);
    CiEnvironment.source = previousEnv;
    server.close();
  }

  @Test
  void uploadTakesRepositoryAndCommitFromCiAndStoresRedactedFindings() throws Exception {
    Cli r = Cli.run("scan", repo.toString(), "--upload", "--server", server.url());
    assertThat(r.code()).as(r.err()).isEqualTo(1);
    assertThat(r.err()).contains("uploaded").contains("acme/payments@" + SHA);
    JsonNode stored = new ObjectMapper().readTree(
        dev.imprint.cli.remote.RemoteOptions.client(server.url(), false)
            .get("/v1/findings", Map.of("repository", "acme/payments", "commit", SHA)).toString());
    assertThat(stored.get("items").size()).isGreaterThanOrEqualTo(2);
    assertThat(stored.toString()).doesNotContain(SECRET).doesNotContain("Zx81")
        .contains("\"secretRedacted\":\"********(16)\"");
    assertThat(stored.get("uploadedBy").asText()).startsWith("token:");
  }

  @Test
  void aRepeatedUploadChangesNothingAndADifferentOneNeedsAnAdminsReplaceWithAReason()
      throws Exception {
    Cli first = Cli.run("scan", repo.toString(), "--upload", "--server", server.url());
    assertThat(first.code()).as(first.err()).isEqualTo(1);
    Cli again = Cli.run("scan", repo.toString(), "--upload", "--server", server.url());
    assertThat(again.code()).as(again.err()).isEqualTo(1);
    assertThat(again.err()).contains("the same findings were already uploaded for acme/payments@"
        + SHA + "; nothing changed");

    Files.writeString(repo.resolve("Dockerfile"), "FROM ubuntu:latest\n");
    Cli rewrite = Cli.run("scan", repo.toString(), "--upload", "--server", server.url());
    assertThat(rewrite.code()).isEqualTo(3);
    assertThat(rewrite.err()).contains("finding.exists").contains("HTTP 409");
    Cli noReason = Cli.run("scan", repo.toString(), "--upload", "--replace", "--server",
        server.url());
    assertThat(noReason.code()).isEqualTo(2);
    assertThat(noReason.err()).contains("--replace needs --reason");
    Cli replaced = Cli.run("scan", repo.toString(), "--upload", "--replace", "--reason",
        "rescan after the base image fix", "--server", server.url());
    assertThat(replaced.code()).as(replaced.err()).isIn(0, 1);
    assertThat(replaced.err()).contains("replaced the stored findings with");
    JsonNode stored = new ObjectMapper().readTree(RemoteOptions.client(server.url(), false)
        .get("/v1/findings", Map.of("repository", "acme/payments", "commit", SHA)).toString());
    assertThat(stored.toString()).doesNotContain("Zx81");
  }

  @Test
  void explicitOptionsWinAndMissingSourceOrRefusalHaveTheirExitCodes() {
    Cli r = Cli.run("scan", repo.toString(), "--format", "sarif", "-q", "--upload",
        "--repository", "acme/other", "--commit", "abcdef1", "--server", server.url());
    assertThat(r.code()).as(r.err()).isEqualTo(1);
    assertThat(r.out()).contains("\"version\" : \"2.1.0\"");
    CiEnvironment.source = name -> null;
    Cli missing = Cli.run("scan", repo.toString(), "--upload", "--server", server.url());
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("GITHUB_REPOSITORY").contains("missing --repository");
    Cli lone = Cli.run("scan", repo.toString(), "--commit", "abcdef1");
    assertThat(lone.code()).isEqualTo(2);
    Cli bad = Cli.run("scan", repo.toString(), "--upload", "--repository", "acme/x", "--commit",
        "HEAD", "--server", server.url());
    assertThat(bad.code()).isEqualTo(3);
    assertThat(bad.err()).contains("finding.commit_invalid");
    Cli down = Cli.run("scan", repo.toString(), "--upload", "--repository", "acme/x",
        "--commit", "abcdef1", "--server", "http://127.0.0.1:1");
    assertThat(down.code()).isEqualTo(4);
  }

  @Test
  void uploadSendsTheInventoryOfTheSameScanAndInventoryRemotePrintsIt() throws Exception {
    Files.writeString(repo.resolve("main.tf"), "resource \"aws_iam_user\" \"deployer\" {\n"
        + "  name = \"ci-deployer\"\n}\n\nresource \"aws_iam_access_key\" \"deployer\" {\n"
        + "  user = aws_iam_user.deployer.name\n}\n");
    Cli r = Cli.run("scan", repo.toString(), "--upload", "--server", server.url());
    assertThat(r.code()).as(r.err()).isEqualTo(1);
    assertThat(r.err()).containsPattern("uploaded \\d+ findings and 3 identities");

    Cli json = Cli.run("inventory", "--remote", "--format", "json", "--server", server.url());
    assertThat(json.code()).as(json.err()).isZero();
    JsonNode items = new ObjectMapper().readTree(json.out()).get("items");
    assertThat(items).hasSize(3);
    JsonNode secret = null;
    for (JsonNode i : items) {
      assertThat(i.get("repository").asText()).isEqualTo("acme/payments");
      assertThat(i.get("commit").asText()).isEqualTo(SHA);
      if (i.get("kind").asText().equals("embedded-credential")) {
        secret = i;
      }
    }
    assertThat(secret).isNotNull();
    assertThat(secret.get("findings").get("total").asInt()).isPositive();
    assertThat(json.out()).doesNotContain(SECRET);

    Cli text = Cli.run("inventory", "--remote", "--repository", "acme/payments", "--server",
        server.url());
    assertThat(text.code()).as(text.err()).isZero();
    assertThat(text.out()).contains("== acme/payments @ " + SHA.substring(0, 12))
        .contains("3 identities").contains("aws-iam-user (1)").contains("ci-deployer")
        .contains("embedded-credential (1)").containsPattern("findings +\\d+ \\(\\d+ \\w+")
        .contains("-> key-of").doesNotContain(SECRET);
    Cli kind = Cli.run("inventory", "--remote", "--kind", "aws-access-key", "--format", "json",
        "--server", server.url());
    assertThat(new ObjectMapper().readTree(kind.out()).get("items")).hasSize(1);

    Cli refused = Cli.run("inventory", "--remote", "--kind", "Not A Kind", "--server",
        server.url());
    assertThat(refused.code()).isEqualTo(3);
    assertThat(refused.err()).contains("inventory.filter_invalid");
    Cli down = Cli.run("inventory", "--remote", "--server", "http://127.0.0.1:1");
    assertThat(down.code()).isEqualTo(4);
    Cli mixed = Cli.run("inventory", "--remote", repo.toString());
    assertThat(mixed.code()).isEqualTo(2);
    Cli localKind = Cli.run("inventory", repo.toString(), "--kind", "aws-iam-user");
    assertThat(localKind.code()).isEqualTo(2);
  }
}
