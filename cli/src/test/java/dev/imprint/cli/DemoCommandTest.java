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

  @Test
  void demoLoadsTheExampleEstateServesItAndPrintsTheNextCommands() throws Exception {
    List<String> seen = new ArrayList<>();
    DemoCommand.serving = (server, admin) -> {
      seen.add(get(server.url() + "/readyz", null).statusCode() + "");
      HttpResponse<String> tokens = get(server.url() + "/v1/tokens", admin);
      seen.add(tokens.statusCode() + " " + tokens.body());
      seen.add(get(server.url() + "/metrics", null).body());
      boolean images = server.routes().stream().anyMatch(r -> r.path().equals("/v1/images"));
      seen.add(images ? get(server.url() + "/v1/images", admin).body() : "no image API");
      boolean ids = server.routes().stream().anyMatch(r -> r.path().equals("/v1/identities"));
      seen.add(ids ? get(server.url() + "/v1/identities", admin).body() : "no identity API");
      seen.add(get(server.url() + "/v1/inventory?kind=aws-iam-user", admin).body());
    };

    Cli run = Cli.run("demo", "--listen", "127.0.0.1:0", "--examples", "../examples");

    assertThat(run.code()).as(run.err()).isZero();
    assertThat(seen.get(0)).isEqualTo("200");
    assertThat(seen.get(1)).startsWith("200").contains("demo pipeline").contains("demo auditor");
    assertThat(seen.get(2)).contains("imprint_http_requests");
    // Each capability's step runs once its API is in the build, and is skipped before.
    if (!seen.get(3).equals("no image API")) {
      assertThat(seen.get(3)).contains("registry.example/payments/api").contains("\"deployed\"")
          .contains("\"rejected\"");
      assertThat(run.out()).contains("register images: registry.example/payments/api:1.4.2");
      assertThat(run.out()).containsPattern("attest workloads: spiffe://imprint\\.local/"
          + "payments/api \\(approved image\\) got an X\\.509-SVID until \\S+ and a JWT-SVID"
          + " until \\S+")
          .contains("the article's rejected image was refused: join_token.image_not_approved")
          .contains("./imprint keys list");
    } else {
      assertThat(run.out()).contains("register images: skipped");
    }
    if (!seen.get(4).equals("no identity API")) {
      assertThat(seen.get(4)).contains("spiffe://imprint.local/payments/api")
          .contains("spiffe://imprint.local/ci/payments-deploy");
    }
    assertThat(seen.get(5)).contains("ci-deployer").contains("imprint-demo/payments")
        .contains("\"findings\"");
    assertThat(run.out()).containsPattern("upload findings and inventory: stored for \\S+ at"
        + " commit \\w+ with \\d+ identities").contains("./imprint inventory --remote");
    assertThat(run.out()).contains("scan examples/: ").containsPattern("\\d+ findings in \\d+ files")
        .contains("Imprint control plane ready at http://127.0.0.1:")
        .contains("Look in the console: http://127.0.0.1:")
        .containsPattern("admin token: imp_\\S+")
        .containsPattern("export IMPRINT_SERVER=http://127\\.0\\.0\\.1:\\d+")
        .containsPattern("export IMPRINT_TOKEN=imp_\\S+")
        .contains("imprint audit export audit.jsonl && ./imprint audit verify audit.jsonl")
        .contains("/metrics").contains("Serving until Ctrl-C.");
    Matcher store = Pattern.compile("store: (\\S+) \\(deleted on exit\\)").matcher(run.out());
    assertThat(store.find()).isTrue();
    assertThat(Path.of(store.group(1))).doesNotExist();
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
