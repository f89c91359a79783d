package dev.imprint.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imprint.cli.remote.RemoteOptions;
import dev.imprint.server.ImprintServer;
import dev.imprint.server.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenCommandTest {
  @TempDir Path dir;
  ImprintServer server;
  String admin;
  Supplier<String> previous;
  String token;

  @BeforeEach
  void start() {
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    ServerConfig d = ServerConfig.defaults();
    server = ImprintServer.start(new ServerConfig("127.0.0.1", 0, dir, null, d.trustDomain(),
        null, null, false, d.logFormat(), d.maxBodyBytes()),
        new PrintStream(console, true, StandardCharsets.UTF_8));
    admin = console.toString(StandardCharsets.UTF_8).replaceAll("(?s).*admin token: (\\S+).*", "$1");
    token = admin;
    previous = RemoteOptions.useTokenSource(() -> token);
  }

  @AfterEach
  void stop() {
    RemoteOptions.useTokenSource(previous);
    server.close();
  }

  @Test
  void createListAndRevokeRoundTripWithJsonOutput() throws Exception {
    Result created = run("token", "create", "--role", "workload", "--description", "ci",
        "--output", "json", "--server", server.url());
    assertThat(created.code).isZero();
    JsonNode tok = new ObjectMapper().readTree(created.out);
    assertThat(tok.get("token").asText()).startsWith("imp_");
    String id = tok.get("id").asText();

    Result listed = run("token", "list", "--server", server.url());
    assertThat(listed.code).isZero();
    assertThat(listed.out).contains("ID").contains(id).contains("workload")
        .doesNotContain(tok.get("token").asText());

    assertThat(run("token", "revoke", id, "--server", server.url()).code).isZero();
    assertThat(run("token", "list", "-o", "json", "--server", server.url()).out)
        .contains("\"revokedAt\" : \"");
  }

  @Test
  void aTokenBoundToAnIdentityShowsItAndItsLastUseAppearsAfterTheServerWritesIt()
      throws Exception {
    String spiffe = "spiffe://imprint.local/payments/api";
    assertThat(run("identity", "create", spiffe, "--kind", "workload", "--owner", "team",
        "--server", server.url()).code).isZero();
    Result created = run("token", "create", "--role", "workload", "--identity", spiffe,
        "--server", server.url());
    assertThat(created.code).as(created.err).isZero();
    assertThat(created.out).contains("identity: " + spiffe);
    String id = created.out.replaceAll("(?s).*\\bid: ([0-9a-f]{16}).*", "$1");

    Result listed = run("token", "list", "--server", server.url());
    assertThat(listed.out).contains("IDENTITY").contains("LAST USED").contains(spiffe)
        .contains("never");
    JsonNode shown = new ObjectMapper().readTree(run("token", "show", id, "-o", "json",
        "--server", server.url()).out);
    assertThat(shown.get("identity").asText()).isEqualTo(spiffe);
    assertThat(shown.get("lastUsedAt").isNull()).isTrue();
    assertThat(run("token", "show", id, "--server", server.url()).out)
        .contains("identity:    " + spiffe).contains("last used:   never");

    Result admin = run("token", "create", "--role", "admin", "--identity", spiffe, "--server",
        server.url());
    assertThat(admin.code).isEqualTo(3);
    assertThat(admin.err).contains("token.identity_not_allowed");
    Result unknown = run("token", "create", "--role", "workload", "--identity",
        "spiffe://imprint.local/nobody", "--server", server.url());
    assertThat(unknown.code).isEqualTo(3);
    assertThat(unknown.err).contains("token.identity_unknown");

    // stopping writes what was used (this admin token), a restart shows it
    server.close();
    ServerConfig d = ServerConfig.defaults();
    server = ImprintServer.start(new ServerConfig("127.0.0.1", 0, dir, null, d.trustDomain(),
        null, null, false, d.logFormat(), d.maxBodyBytes()),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    JsonNode all = new ObjectMapper().readTree(run("token", "list", "-o", "json", "--server",
        server.url()).out);
    for (JsonNode t : all.get("items")) {
      boolean isAdmin = t.get("role").asText().equals("admin");
      assertThat(t.get("lastUsedAt").isNull()).as(t.toString()).isEqualTo(!isAdmin);
    }
  }

  @Test
  void refusalsAndUnreachableServersHaveTheirOwnExitCodes() {
    Result bad = run("token", "create", "--role", "root", "--server", server.url());
    assertThat(bad.code).isEqualTo(3);
    assertThat(bad.err).contains("unknown role 'root'").contains("token.role_unknown");

    token = null;
    Result none = run("token", "list", "--server", server.url());
    assertThat(none.code).isEqualTo(2);
    assertThat(none.err).contains("IMPRINT_TOKEN");

    token = admin;
    Result down = run("token", "list", "--server", "http://127.0.0.1:1");
    assertThat(down.code).isEqualTo(4);
    assertThat(down.err).contains("cannot reach");

    Result url = run("token", "list", "--server", "ftp://x");
    assertThat(url.code).isEqualTo(2);
  }

  @Test
  void listFollowsEveryPageOfTheServersList() throws Exception {
    java.util.Set<String> created = new java.util.HashSet<>();
    for (int i = 0; i < 230; i++) {
      Result r = run("token", "create", "--role", "auditor", "--output", "json", "--server",
          server.url());
      assertThat(r.code).as(r.err).isZero();
      created.add(new ObjectMapper().readTree(r.out).get("id").asText());
    }
    Result listed = run("token", "list", "-o", "json", "--server", server.url());
    assertThat(listed.code).as(listed.err).isZero();
    JsonNode items = new ObjectMapper().readTree(listed.out).get("items");
    assertThat(items).hasSize(231);
    java.util.Set<String> ids = new java.util.HashSet<>();
    items.forEach(t -> ids.add(t.get("id").asText()));
    assertThat(ids).hasSize(231).containsAll(created);
  }

  private record Result(int code, String out, String err) {}

  private static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
    return new Result(code, out.toString(), err.toString());
  }
}
