package dev.imprint.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imprint.cli.remote.RemoteOptions;
import dev.imprint.server.ImprintServer;
import dev.imprint.server.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code imprint pin} against a real server: golden files for Kubernetes manifests (YAML and
 * JSON, multi-document, quoted and flow scalars), a compose file and a Dockerfile, CRLF line
 * endings, already-pinned references, tags nobody approved and {@code --check}.
 */
class PinCommandTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Path GOLDEN = Path.of("src/test/resources/pin");
  @TempDir Path dir;
  ImprintServer server;
  String admin;
  String pipeline;
  Supplier<String> previousToken;
  Path work;

  static String digest(String name) {
    try {
      return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(name.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @BeforeEach
  void start() throws Exception {
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    ServerConfig d = ServerConfig.defaults();
    server = ImprintServer.start(new ServerConfig("127.0.0.1", 0, dir.resolve("data"), null,
        d.trustDomain(), null, null, false, d.logFormat(), d.maxBodyBytes()),
        new PrintStream(console, true, StandardCharsets.UTF_8));
    admin = console.toString(StandardCharsets.UTF_8).replaceAll("(?s).*admin token: (\\S+).*",
        "$1");
    previousToken = RemoteOptions.useTokenSource(() -> admin);
    send(admin, "POST", "/v1/identities", "{\"spiffeId\":\"spiffe://imprint.local/payments/api\","
        + "\"kind\":\"workload\",\"owner\":\"team\",\"environment\":\"prod\"}");
    image("registry.example/payments/api", "1.4.2", "api 1.4.2", "approve", "deploy");
    image("registry.example/payments/migrate", "1.4.2", "migrate 1.4.2", "approve");
    image("registry.example/platform/proxy", "2.0", "proxy 2.0", "approve");
    image("busybox", "1.36", "busybox 1.36", "approve");
    image("registry.example/build/golang", "1.22", "golang 1.22", "approve");
    image("registry.example/payments/api", "2.0.0-rc1", "api 2.0.0-rc1", "reject");
    work = dir.resolve("work");
    copy(GOLDEN.resolve("input"), work);
  }

  @AfterEach
  void stop() {
    RemoteOptions.useTokenSource(previousToken);
    server.close();
  }

  void image(String repo, String tag, String name, String... moves) throws Exception {
    if (pipeline == null) {
      pipeline = JSON.readTree(send(admin, "POST", "/v1/tokens", "{\"role\":\"pipeline\","
          + "\"identity\":\"spiffe://imprint.local/payments/api\"}")).get("token").asText();
    }
    send(pipeline, "POST", "/v1/images", "{\"repository\":\"" + repo + "\",\"tag\":\"" + tag
        + "\",\"digest\":\"" + digest(name) + "\",\"identity\":"
        + "\"spiffe://imprint.local/payments/api\",\"provenance\":{\"sourceRepository\":"
        + "\"github.com/acme/pay\",\"commit\":\"3f9a1c2\"}}");
    for (String m : moves) {
      send(admin, "POST", "/v1/images/" + digest(name) + "/" + m, "{\"reason\":\"test\"}");
    }
  }

  String send(String token, String method, String path, String body) throws Exception {
    HttpResponse<String> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create(server.url() + path)).header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(res.statusCode()).as(res.body()).isBetween(200, 201);
    return res.body();
  }

  static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
  }

  Cli pin(String... args) {
    String[] all = new String[args.length + 3];
    all[0] = "pin";
    System.arraycopy(args, 0, all, 1, args.length);
    all[args.length + 1] = "--server";
    all[args.length + 2] = server.url();
    return Cli.run(all);
  }

  static byte[] bytes(Path p) throws IOException {
    return Files.readAllBytes(p);
  }

  @Test
  void everyTagWithAnApprovedImageIsPinnedAndEveryOtherByteIsKept() throws Exception {
    long forced = OutputFile.filesForced();
    long directories = OutputFile.directoriesForced();
    Cli r = pin(work.resolve("deploy").toString());
    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1); // 9.9.9 has no approved image
    assertThat(OutputFile.filesForced() - forced).as("each rewritten file forced before its"
        + " rename").isGreaterThanOrEqualTo(4);
    assertThat(OutputFile.directoriesForced() - directories).as("and its directory after")
        .isGreaterThanOrEqualTo(4);
    for (String f : List.of("app.yaml", "compose.yaml", "Dockerfile", "pod.json")) {
      assertThat(new String(bytes(work.resolve("deploy").resolve(f)), StandardCharsets.UTF_8))
          .as(f).isEqualTo(Files.readString(GOLDEN.resolve("expected/deploy").resolve(f)));
    }
    assertThat(bytes(work.resolve("deploy/README.md")))
        .isEqualTo(bytes(GOLDEN.resolve("input/deploy/README.md")));
    assertThat(r.out()).contains("app.yaml:16:18  registry.example/payments/api:1.4.2 -> "
        + "registry.example/payments/api:1.4.2@" + digest("api 1.4.2"))
        .contains("registry.example/payments/api:9.9.9: not pinned: no image is registered as"
            + " registry.example/payments/api:9.9.9 (image_ref.unknown)")
        .contains("pinned 10 references in 4 files; 2 already pinned; 1 without an approved"
            + " image; 2 built from variables (left as written)");
    try (Stream<Path> s = Files.list(work.resolve("deploy"))) {
      assertThat(s.map(p -> p.getFileName().toString())).as("no temporary file left")
          .containsExactlyInAnyOrder("app.yaml", "compose.yaml", "Dockerfile", "pod.json",
              "README.md");
    }
  }

  @Test
  void checkWritesNothingAndFailsUntilTheFilesArePinned() throws Exception {
    Path compose = work.resolve("deploy/compose.yaml");
    Path dockerfile = work.resolve("deploy/Dockerfile");
    byte[] before = bytes(compose);
    Cli check = pin("--check", compose.toString(), dockerfile.toString());
    assertThat(check.code()).as(check.out() + check.err()).isEqualTo(1);
    assertThat(check.out()).contains("would pin 4 references in 2 files");
    assertThat(bytes(compose)).isEqualTo(before);
    assertThat(pin(compose.toString(), dockerfile.toString()).code()).isZero();
    Cli again = pin("--check", compose.toString(), dockerfile.toString());
    assertThat(again.code()).as(again.out()).isZero();
    assertThat(again.out()).contains("would pin 0 references in 0 files; 5 already pinned");
    assertThat(pin(compose.toString()).code()).as("pinning twice changes nothing").isZero();
    assertThat(Files.readString(compose)).isEqualTo(Files.readString(
        GOLDEN.resolve("expected/deploy/compose.yaml")));
  }

  @Test
  void crlfLineEndingsAreKept() throws Exception {
    Path app = work.resolve("deploy/app.yaml");
    String crlf = Files.readString(app).replace("\n", "\r\n");
    Files.writeString(app, crlf);
    assertThat(pin(app.toString()).code()).isEqualTo(1);
    assertThat(Files.readString(app)).isEqualTo(Files.readString(
        GOLDEN.resolve("expected/deploy/app.yaml")).replace("\n", "\r\n"));
    Path dockerfile = work.resolve("deploy/Dockerfile");
    Files.writeString(dockerfile, Files.readString(dockerfile).replace("\n", "\r\n"));
    assertThat(pin(dockerfile.toString()).code()).isZero();
    assertThat(Files.readString(dockerfile)).isEqualTo(Files.readString(
        GOLDEN.resolve("expected/deploy/Dockerfile")).replace("\n", "\r\n"));
  }

  @Test
  void aTagWhoseOnlyImageWasRejectedIsLeftAndSaysWhy() throws Exception {
    Path f = work.resolve("deploy/rc.yaml");
    Files.writeString(f, "apiVersion: v1\nkind: Pod\nmetadata: {name: rc}\nspec:\n"
        + "  containers:\n  - name: api\n    image: registry.example/payments/api:2.0.0-rc1\n");
    byte[] before = bytes(f);
    Cli r = pin(f.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out())
        .contains("(rejected); none is approved or deployed (image_ref.not_approved)");
    assertThat(bytes(f)).isEqualTo(before);
  }

  @Test
  void thePermissionsOfARewrittenFileAreKept() throws Exception {
    Path f = work.resolve("deploy/compose.yaml");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
    assertThat(pin(f.toString()).code()).isZero();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
        .isEqualTo("rw-r-----");
  }

  @Test
  void aFileNamedThroughASymbolicLinkIsPinnedAndTheLinkStaysALink() throws Exception {
    Path real = work.resolve("deploy/compose.yaml");
    Path link = dir.resolve("compose-link.yaml");
    Files.createSymbolicLink(link, real);
    assertThat(pin(link.toString()).code()).isZero();
    assertThat(Files.isSymbolicLink(link)).as("still a link").isTrue();
    assertThat(Files.readSymbolicLink(link)).isEqualTo(real);
    assertThat(Files.readString(real)).isEqualTo(Files.readString(
        GOLDEN.resolve("expected/deploy/compose.yaml")));
  }

  @Test
  void jsonOutputListsChangesAndUnresolvedReferences() throws Exception {
    Cli r = pin("--check", "--output", "json", work.resolve("deploy/app.yaml").toString());
    assertThat(r.code()).isEqualTo(1);
    JsonNode j = JSON.readTree(r.out());
    assertThat(j.get("check").asBoolean()).isTrue();
    assertThat(j.get("changes")).hasSize(5);
    assertThat(j.at("/changes/0/where").asText()).isEqualTo("Deployment api initContainers"
        + " 'migrate'");
    assertThat(j.at("/unresolved/0/code").asText()).isEqualTo("image_ref.unknown");
    assertThat(j.get("alreadyPinned").asInt()).isEqualTo(1);
  }

  @Test
  void usageErrorsExitWithTwo() {
    assertThat(pin(dir.resolve("missing").toString()).code()).isEqualTo(2);
    Supplier<String> none = RemoteOptions.useTokenSource(() -> null);
    try {
      Cli r = pin(work.resolve("deploy/compose.yaml").toString());
      assertThat(r.code()).isEqualTo(2);
      assertThat(r.err()).contains("IMPRINT_TOKEN");
    } finally {
      RemoteOptions.useTokenSource(none);
    }
  }
}
