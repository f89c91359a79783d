package dev.imprint.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imprint.cli.remote.RemoteOptions;
import dev.imprint.server.ImprintServer;
import dev.imprint.server.ServerConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Properties;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code imprint db}: registering a server, a workload's login written as pgpass and env files
 * (0600) or printed as a DSN, listing and revoking leases, removing the server (refused while a
 * lease is live, then with --revoke), against a real server and a genuine
 * PostgreSQL that needs passwords.
 */
class DbCommandTest {
  static final String API = "spiffe://imprint.local/payments/api";
  static final String RESOURCE = "db:postgres://shop-db/shop/app";
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static EmbeddedPostgres pg;

  @TempDir Path dir;
  ImprintServer server;
  String admin;
  Supplier<String> previous;

  @BeforeAll
  static void target() throws Exception {
    pg = EmbeddedPostgres.builder().setDataDirectoryCustomizer(d -> {
      try {
        Files.writeString(d.toPath().resolve("pg_hba.conf"), "local all all trust\n"
            + "host all postgres 127.0.0.1/32 trust\nhost all postgres ::1/128 trust\n"
            + "host all all 127.0.0.1/32 scram-sha-256\nhost all all ::1/128 scram-sha-256\n");
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }).start();
    try (Connection c = pg.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE shop");
      s.execute("CREATE ROLE imprint_admin LOGIN CREATEROLE PASSWORD 'cli-admin-pw'");
      s.execute("GRANT pg_signal_backend TO imprint_admin");
      s.execute("GRANT CONNECT ON DATABASE shop TO imprint_admin WITH GRANT OPTION");
    }
    try (Connection c = pg.getDatabase("postgres", "shop").getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA app");
      s.execute("CREATE TABLE app.orders (id int)");
      s.execute("INSERT INTO app.orders VALUES (1), (2), (3)");
      s.execute("GRANT USAGE ON SCHEMA app TO imprint_admin WITH GRANT OPTION");
      s.execute("GRANT SELECT ON ALL TABLES IN SCHEMA app TO imprint_admin WITH GRANT OPTION");
      s.execute("GRANT SELECT ON ALL SEQUENCES IN SCHEMA app TO imprint_admin WITH GRANT"
          + " OPTION");
    }
  }

  @AfterAll
  static void stopTarget() throws Exception {
    pg.close();
  }

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
  }

  @AfterEach
  void stop() {
    RemoteOptions.useTokenSource(previous);
    server.close();
  }

  @Test
  void anOperatorRegistersAWorkloadGetsALoginAndTheOperatorRevokesIt() throws Exception {
    Path pw = dir.resolve("admin.pw");
    Files.writeString(pw, "cli-admin-pw\n");
    Cli add = Cli.run("db", "add", "shop-db", "--url", "postgres://127.0.0.1:" + pg.getPort()
        + "/shop?sslmode=disable", "--admin-user", "imprint_admin", "--password-file",
        pw.toString(), "--server", server.url());
    assertThat(add.code()).as(add.err()).isZero();
    assertThat(add.out()).contains("added database server shop-db").doesNotContain("cli-admin");
    Cli servers = Cli.run("db", "servers", "--server", server.url());
    assertThat(servers.out()).contains("shop-db").contains("imprint_admin")
        .doesNotContain("cli-admin-pw");

    Path svid = dir.resolve("jwt_svid.token");
    Files.writeString(svid, workloadSvid());
    Path out = dir.resolve("creds");
    Cli files = Cli.run("db", "credentials", "--svid-file", svid.toString(), "--resource",
        RESOURCE, "--ttl", "10m", "--out", out.toString(), "--server", server.url());
    assertThat(files.code()).as(files.err()).isZero();
    assertThat(files.out()).contains("login imprint_l_").contains("with read")
        .doesNotContain("PGPASSWORD");
    for (String f : new String[] {"pgpass", "db.env"}) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve(f))))
          .as(f).isEqualTo("rw-------");
    }
    String[] pgpass = Files.readString(out.resolve("pgpass")).strip().split(":");
    assertThat(pgpass).hasSize(5);
    assertThat(pgpass[0]).isEqualTo("127.0.0.1");
    assertThat(Files.readString(out.resolve("db.env"))).contains("PGUSER=" + pgpass[3])
        .contains("PGPASSWORD=" + pgpass[4]).contains("PGSSLMODE=disable");
    assertThat(rows(pgpass[3], pgpass[4])).isEqualTo(3);

    Cli dsn = Cli.run("db", "credentials", "--svid-file", svid.toString(), "--resource",
        RESOURCE, "--privilege", "read", "--server", server.url());
    assertThat(dsn.code()).as(dsn.err()).isZero();
    URI u = URI.create(dsn.out().strip());
    assertThat(u.getScheme()).isEqualTo("postgresql");
    String[] userInfo = u.getUserInfo().split(":", 2);
    assertThat(rows(userInfo[0], userInfo[1])).isEqualTo(3);

    Cli denied = Cli.run("db", "credentials", "--svid-file", svid.toString(), "--resource",
        RESOURCE, "--privilege", "write", "--server", server.url());
    assertThat(denied.code()).isEqualTo(3);
    assertThat(denied.err()).contains("db.access_denied");

    Cli leases = Cli.run("db", "leases", "--state", "active", "--server", server.url(), "-o",
        "json");
    JsonNode list = JSON.readTree(leases.out()).get("leases");
    assertThat(list).hasSize(2);
    assertThat(leases.out()).doesNotContain(pgpass[4]);
    String id = list.get(0).get("id").asText();
    Cli revoke = Cli.run("db", "revoke", id, "--reason", "test", "--server", server.url());
    assertThat(revoke.code()).as(revoke.err()).isZero();
    assertThat(revoke.out()).contains("revoked lease " + id).contains("dropped");
    Cli table = Cli.run("db", "leases", "--server", server.url());
    assertThat(table.out()).contains("ended (revoked)");

    Cli inUse = Cli.run("db", "remove", "shop-db", "--server", server.url());
    assertThat(inUse.code()).isEqualTo(3);
    assertThat(inUse.err()).contains("db.server_in_use").contains("1 lease(s)");
    String left = list.get(1).get("username").asText();
    Cli remove = Cli.run("db", "remove", "shop-db", "--revoke", "--server", server.url());
    assertThat(remove.code()).as(remove.err()).isZero();
    assertThat(remove.out()).contains("removed database server shop-db (1 lease(s) revoked,"
        + " 2 lease record(s) deleted)");
    assertThat(roleExists(left)).as("the last login was dropped").isFalse();
    assertThat(Cli.run("db", "servers", "--server", server.url()).out())
        .doesNotContain("shop-db");
  }

  private static boolean roleExists(String role) throws Exception {
    try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s =
        c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1 FROM pg_roles WHERE"
            + " rolname = '" + role + "'")) {
      return rs.next();
    }
  }

  private static long rows(String user, String password) throws Exception {
    Properties p = new Properties();
    p.setProperty("user", user);
    p.setProperty("password", password);
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:"
        + pg.getPort() + "/shop", p); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM app.orders")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** An identity with an approved image, a read grant on the schema, and its JWT-SVID. */
  private String workloadSvid() throws Exception {
    post("/v1/identities", admin, "{\"spiffeId\":\"" + API + "\",\"kind\":\"workload\","
        + "\"owner\":\"team\",\"environment\":\"prod\"}");
    String pipeline = post("/v1/tokens", admin, "{\"role\":\"pipeline\",\"identity\":\"" + API
        + "\"}").get("token").asText();
    String digest = "sha256:" + "ab".repeat(32);
    post("/v1/images", pipeline, "{\"repository\":\"registry.example/api\",\"digest\":\""
        + digest + "\",\"identity\":\"" + API + "\",\"provenance\":{\"sourceRepository\":"
        + "\"github.com/acme/pay\",\"commit\":\"3f9a1c2\",\"pipelineRun\":\"run-7\","
        + "\"builder\":\"github-actions\"}}");
    post("/v1/images/" + digest + "/approve", admin, "{\"reason\":\"ok\"}");
    send("PUT", "/v1/grants", admin, "{\"files\":[{\"name\":\"g.yaml\",\"content\":"
        + JSON.writeValueAsString("apiVersion: imprint.dev/v1\nkind: Grants\ngrants:\n"
            + "  - id: api-reads-orders\n    subject: " + API + "\n    resource: " + RESOURCE
            + "\n    privileges: [read]\n") + "}]}");
    String jt = post("/v1/join-tokens", admin, "{\"image\":\"" + digest + "\",\"identity\":\""
        + API + "\"}").get("token").asText();
    return post("/v1/attest/join-token", null, "{\"join_token\":\"" + jt + "\",\"audience\":"
        + "\"imprint:db\"}").at("/jwt_svid/token").asText();
  }

  private JsonNode post(String path, String token, String body) throws Exception {
    return send("POST", path, token, body);
  }

  private JsonNode send(String method, String path, String token, String body)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path))
        .method(method, HttpRequest.BodyPublishers.ofString(body))
        .header("Content-Type", "application/json");
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path + " " + r.body()).isBetween(200, 201);
    return JSON.readTree(r.body());
  }
}
