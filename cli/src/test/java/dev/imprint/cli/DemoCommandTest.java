package dev.imprint.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;

  private DemoCommand.Serving previous;

  @BeforeEach
  void neverWaitForCtrlC() {
    previous = DemoCommand.serving;
    DemoCommand.serving = (server, admin) -> { };
  }

  @AfterEach
  void restore() throws Exception {
    DemoCommand.serving = previous;
    // the demo configures the process's logging as the server does; give the tests theirs back
    var ctx = (ch.qos.logback.classic.LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
    ctx.reset();
    new ch.qos.logback.classic.util.ContextInitializer(ctx).autoConfig();
  }

  private static HttpResponse<String> get(String url, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theExamplesAreScannedRelativeToTheWorkingDirectoryWhenTheyLieBelowIt() {
    Path cwd = Path.of("").toAbsolutePath();
    assertThat(DemoCommand.relativeToWorkingDirectory(cwd.resolve("src/test")))
        .isEqualTo(Path.of("src/test"));
    assertThat(DemoCommand.relativeToWorkingDirectory(dir)).as("elsewhere: kept").isEqualTo(dir);
    assertThat(DemoCommand.relativeToWorkingDirectory(cwd)).isEqualTo(cwd);
  }

  /** The demo's output from the line starting with {@code from} to the one before {@code to}. */
  private static String block(String out, String from, String to) {
    int start = out.indexOf("\n" + from);
    assertThat(start).as("block " + from).isNotNegative();
    int end = to == null ? out.length() : out.indexOf("\n" + to, start);
    assertThat(end).as("block after " + from).isGreaterThan(start);
    return out.substring(start, end);
  }

  @Test
  void demoWalksTheWholeChainInOrderThenServesTheEstate() throws Exception {
    List<String> seen = new ArrayList<>();
    DemoCommand.serving = (server, admin) -> {
      seen.add(get(server.url() + "/readyz", null).statusCode() + "");
      HttpResponse<String> tokens = get(server.url() + "/v1/tokens", admin);
      seen.add(tokens.statusCode() + " " + tokens.body());
      seen.add(get(server.url() + "/metrics", null).body());
      seen.add(get(server.url() + "/v1/images", admin).body());
      seen.add(get(server.url() + "/v1/identities", admin).body());
      seen.add(get(server.url() + "/v1/inventory?kind=aws-iam-user", admin).body());
    };

    Cli run = Cli.run("demo", "--listen", "127.0.0.1:0", "--examples", "../examples");

    assertThat(run.code()).as(run.err()).isZero();
    assertThat(seen.get(0)).isEqualTo("200");
    assertThat(seen.get(1)).startsWith("200").contains("demo pipeline").contains("demo auditor")
        .contains("orders pipeline");
    assertThat(seen.get(2)).contains("imprint_http_requests");
    assertThat(seen.get(3)).contains("registry.example/orders/api").contains("\"retired\"")
        .contains("\"rejected\"");
    assertThat(seen.get(4)).contains("spiffe://imprint.local/payments/api")
        .contains("spiffe://imprint.local/ci/payments-deploy")
        .contains("spiffe://imprint.local/orders/api");
    assertThat(seen.get(5)).contains("ci-deployer").contains("imprint-demo/payments")
        .contains("\"findings\"");
    String out = run.out();
    assertThat(out).containsPattern("upload findings and inventory: stored for \\S+ at"
        + " commit \\w+ with \\d+ identities")
        .contains("scan examples/: ").containsPattern("\\d+ findings in \\d+ files");
    assertThat(out).as("the article's password is never printed").doesNotContain("ComplexPassword");
    assertThat(run.err()).doesNotContain("ComplexPassword");

    // 1. the article's Dockerfile: the critical finding with its line, redacted value and fix
    String scan = block(out, "1. ", "2. ");
    assertThat(scan).contains("$ ./imprint scan ../examples/database/before")
        .containsPattern("CRITICAL IMP-DOCKER-005 \\S*Dockerfile:7 ")
        .containsPattern("value: \\*+\\(18\\) \\(redacted")
        .contains("fix: Never put a secret in the image.")
        .containsPattern("and \\d+ more \\(\\d+ [a-z]+.*\\): exit 1, findings at or above high")
        .contains("$ ./imprint scan ../examples/database/after")
        .containsPattern("\\b0 findings in \\d+ files: exit 0");

    // 2. the rebuild registered by digest and approved; the article's rejected by policy
    String images = block(out, "2. ", "3. ");
    assertThat(images).containsPattern("\\$ ./imprint image register --repository"
            + " registry.example/orders/api --tag 2.0.0 --digest sha256:[0-9a-f]{64}")
        .containsPattern("\\$ ./imprint image approve sha256:[0-9a-f]{64}")
        .contains("approved: the image policy passed")
        .contains("refused (exit 3): image.policy_violation: ")
        .contains("findings.denyAtOrAbove")
        .contains("rejected: no workload of it")
        .as("the article's rejected image gets no join token, so no SVID")
        .containsPattern("\\$ ./imprint join-token create --image sha256:[0-9a-f]{64}"
            + " --identity spiffe://imprint\\.local/orders/api\\s+refused \\(exit 3\\):"
            + " join_token\\.image_not_approved: image sha256:[0-9a-f]{64} is rejected");

    // 3. attested, SVIDs, the grant applied, allow for it and deny (no_grant) for the rest
    String attest = block(out, "3. ", "4. ");
    assertThat(attest).contains("$ ./imprint join-token create --image sha256:")
        .containsPattern("spiffe://imprint\\.local/orders/api: an X\\.509-SVID until \\S+ and a"
            + " JWT-SVID for imprint:authorize until \\S+")
        .contains("$ ./imprint grants apply -f ../examples/demo/grants")
        .contains("+ orders-api-reads-orders: spiffe://imprint.local/orders/api may [\"read\"]")
        .contains("allow: allowed by [\"orders-api-reads-orders\"]")
        .contains("deny: no_grant")
        .contains("imprint db credentials --svid-file").contains("examples/database/README.md");
    assertThat(attest).doesNotContainPattern("imj_[A-Za-z0-9_-]{8,}")
        .containsPattern("\\(imj_\\.\\.\\., not shown\\)")
        .doesNotContainPattern("eyJ[A-Za-z0-9_-]{20,}");

    // 4. retired: the SVID revoked, authorization refused, no new join token
    String retired = block(out, "4. ", "5. ");
    assertThat(retired).containsPattern("\\$ ./imprint image retire sha256:[0-9a-f]{64}")
        .contains("retired: revocation is by retirement")
        .contains("valid=false, reason svid.revoked_image_retired")
        .containsPattern("deny: no_grant \\(the grant's imageApproved")
        .contains("refused (exit 3): join_token.image_not_approved");

    // 5. the audit log verified with the pinned key, every step in it, the console's page
    String audit = block(out, "5. ", "Imprint control plane ready");
    assertThat(audit).containsPattern("audit verify audit.jsonl --key '\\S+\\+[0-9a-f]{8}\\+\\S+'")
        .containsPattern("verified: (\\d+) entries, \\d+ signed checkpoint\\(s\\), with the"
            + " pinned key")
        .containsPattern("latest checkpoint: size \\d+, root \\S+")
        .containsPattern("image.approved x1, image.rejected x1, join_token.created x1,"
            + " attestation.accepted x1, svid.issued x1, grants.applied x1, authz.decided x\\d+,"
            + " image.retired x1")
        .containsPattern("In the console: http://127\\.0\\.0\\.1:\\d+/audit ");
    Matcher verified = Pattern.compile("verified: (\\d+) entries").matcher(audit);
    Matcher size = Pattern.compile("checkpoint: size (\\d+)").matcher(audit);
    assertThat(verified.find() && size.find()).isTrue();
    assertThat(verified.group(1)).as("the checkpoint covers every entry").isEqualTo(size.group(1));

    assertThat(out.indexOf("\n1. ")).isLessThan(out.indexOf("\n2. "));
    assertThat(out).contains("Imprint control plane ready at http://127.0.0.1:")
        .contains("Look in the console: http://127.0.0.1:")
        .containsPattern("admin token: imp_\\S+")
        .containsPattern("export IMPRINT_SERVER=http://127\\.0\\.0\\.1:\\d+")
        .containsPattern("export IMPRINT_TOKEN=imp_\\S+")
        .contains("imprint audit export audit.jsonl && ./imprint audit verify audit.jsonl")
        .contains("/metrics").contains("Serving until Ctrl-C.");
    Matcher store = Pattern.compile("store: (\\S+) \\(deleted on exit\\)").matcher(out);
    assertThat(store.find()).isTrue();
    assertThat(Path.of(store.group(1))).doesNotExist();
  }

  @Test
  void aStepThatDoesNotEndAsItShouldStopsTheDemoNamingIt() throws Exception {
    // examples whose "rebuild" still bakes the password: the demo must not call it clean
    Path examples = dir.resolve("examples");
    try (var walk = Files.walk(Path.of("../examples"))) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        Path target = examples.resolve(Path.of("../examples").relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
    Files.copy(examples.resolve("database/before/Dockerfile"),
        examples.resolve("database/after/Dockerfile"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);

    Cli run = Cli.run("demo", "--listen", "127.0.0.1:0", "--examples", examples.toString());

    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("imprint demo: the demo went wrong: the rebuilt Dockerfile")
        .contains("IMP-DOCKER");
    assertThat(run.out()).doesNotContain("\n2. ").doesNotContain("ComplexPassword");
  }

  @Test
  void aGivenDataDirIsKeptAndAMissingExamplesDirectoryIsAUsageError() {
    Cli kept = Cli.run("demo", "--listen", "127.0.0.1:0", "--examples", "../examples",
        "--data-dir", dir.resolve("data").toString());
    assertThat(kept.code()).as(kept.err()).isZero();
    assertThat(Files.exists(dir.resolve("data").resolve("imprint.db"))).isTrue();

    Cli again = Cli.run("demo", "--listen", "127.0.0.1:0", "--examples", "../examples",
        "--data-dir", dir.resolve("data").toString());
    assertThat(again.code()).isEqualTo(2);
    assertThat(again.err()).contains("already holds a store");

    Cli missing = Cli.run("demo", "--listen", "127.0.0.1:0", "--examples",
        dir.resolve("nope").toString());
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("expected the examples directory");
  }
}
