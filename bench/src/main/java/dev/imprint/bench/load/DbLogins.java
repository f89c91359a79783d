package dev.imprint.bench.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imprint.server.ImprintServer;
import dev.imprint.server.ServerConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.util.PasswordUtil;

/**
 * Database logins issued per second over HTTP ({@code POST /v1/db/credentials}: SVID checked,
 * each privilege decided and recorded, lease recorded pending then active and audited, role
 * created with its grants on PostgreSQL), beside plain loops on the same PostgreSQL in the same
 * run: {@code CREATE ROLE ... VALID UNTIL} alone, and the same with the grants Imprint gives a
 * {@code read} login, in one transaction (like for like on the database side).
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.imprint.bench.load.DbLogins [seconds] [clients]</pre>
 */
public final class DbLogins {
  private static final Pattern ADMIN = Pattern.compile("admin token: (\\S+)");
  private static final String RESOURCE = "db:postgres://bench-db/shop/app";
  private static final String ADMIN_PW = "bench-admin-pw";
  private static final DateTimeFormatter UNTIL = DateTimeFormatter
      .ofPattern("yyyy-MM-dd HH:mm:ss xxx", Locale.ROOT).withZone(ZoneOffset.UTC);

  private DbLogins() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int clients = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    // before anything logs: the log of the server and of PostgreSQL goes to a file, not into
    // the table
    Path log = Files.createTempFile("imprint-dblogins-", ".log");
    System.setProperty("imprint.bench.log", log.toString());
    System.setProperty("logback.configurationFile", "dblogins-logback.xml");
    try (EmbeddedPostgres pg = target()) {
      System.out.println("| loop | clients | logins | logins/s | p50 ms | p99 ms | errors |");
      System.out.println("|---|---|---|---|---|---|---|");
      System.out.println(row(baseline(pg, "CREATE ROLE ... VALID UNTIL", seconds, false)));
      System.out.println(row(baseline(pg, "CREATE ROLE ... VALID UNTIL + read grants (1 tx)",
          seconds, true)));
      for (int c : clients == 1 ? new int[] {1} : new int[] {1, clients}) {
        System.out.println(row(imprint(pg, seconds, c)));
      }
    }
    System.out.println();
    System.out.println("server and PostgreSQL log: " + log);
  }

  private static String row(LoadGenerator.Result r) {
    return String.format(Locale.ROOT, "| %s | %d | %d | %.0f | %.1f | %.1f | %d |", r.scenario(),
        r.clients(), r.requests(), r.perSecond(), r.percentileMillis(50), r.percentileMillis(99),
        r.errors());
  }

  private static EmbeddedPostgres target() throws Exception {
    EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectoryCustomizer(d -> {
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
      s.execute("CREATE ROLE bench_admin LOGIN CREATEROLE PASSWORD '" + ADMIN_PW + "'");
      s.execute("GRANT pg_signal_backend TO bench_admin");
      s.execute("GRANT CONNECT ON DATABASE shop TO bench_admin WITH GRANT OPTION");
    }
    try (Connection c = pg.getDatabase("postgres", "shop").getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA app");
      for (int i = 0; i < 10; i++) {
        s.execute("CREATE TABLE app.t" + i + " (id serial PRIMARY KEY, v text)");
      }
      s.execute("GRANT USAGE ON SCHEMA app TO bench_admin WITH GRANT OPTION");
      s.execute("GRANT SELECT ON ALL TABLES IN SCHEMA app TO bench_admin WITH GRANT OPTION");
      s.execute("GRANT SELECT ON ALL SEQUENCES IN SCHEMA app TO bench_admin WITH GRANT OPTION");
    }
    return pg;
  }

  /** One connection as the admin role, one login after the other, each with a fresh verifier. */
  private static LoadGenerator.Result baseline(EmbeddedPostgres pg, String name, int seconds,
      boolean grants) throws Exception {
    Properties p = new Properties();
    p.setProperty("user", "bench_admin");
    p.setProperty("password", ADMIN_PW);
    AtomicLong n = new AtomicLong();
    String prefix = grants ? "bench_g_" : "bench_r_";
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:"
        + pg.getPort() + "/shop", p)) {
      c.setAutoCommit(false);
      return LoadGenerator.drive(name, 1, seconds, (client, i) -> {
        String role = prefix + n.incrementAndGet();
        char[] pw = java.util.UUID.randomUUID().toString().toCharArray();
        try (Statement s = c.createStatement()) {
          s.execute("CREATE ROLE " + role + " LOGIN PASSWORD '"
              + PasswordUtil.encodeScramSha256(pw) + "' VALID UNTIL '"
              + UNTIL.format(Instant.now().plusSeconds(900)) + "'");
          if (grants) {
            s.execute("GRANT CONNECT ON DATABASE shop TO " + role);
            s.execute("GRANT USAGE ON SCHEMA app TO " + role);
            s.execute("GRANT SELECT ON ALL TABLES IN SCHEMA app TO " + role);
            s.execute("GRANT SELECT ON ALL SEQUENCES IN SCHEMA app TO " + role);
          }
          c.commit();
        }
        return true;
      });
    }
  }

  private static LoadGenerator.Result imprint(EmbeddedPostgres pg, int seconds, int clients)
      throws Exception {
    Path dir = Files.createTempDirectory("imprint-dblogins-");
    ServerConfig d = ServerConfig.defaults();
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    // the key-encryption key outside the data directory, as in production (no warning about it)
    Path kek = dir.resolve("kek");
    byte[] key = new byte[32];
    new java.security.SecureRandom().nextBytes(key);
    Files.writeString(kek, java.util.Base64.getEncoder().encodeToString(key));
    Files.setPosixFilePermissions(kek, java.nio.file.attribute.PosixFilePermissions
        .fromString("rw-------"));
    try (ImprintServer server = ImprintServer.start(new ServerConfig("127.0.0.1", 0,
        dir.resolve("data"), null, d.trustDomain(), null, null, false, d.logFormat(),
        d.maxBodyBytes(), null, kek), new PrintStream(console, true, StandardCharsets.UTF_8))) {
      Matcher m = ADMIN.matcher(console.toString(StandardCharsets.UTF_8));
      if (!m.find()) {
        throw new IllegalStateException("no admin token printed");
      }
      Target t = new Target(server.url(), m.group(1));
      SvidScenarios.send(t.postJson("/v1/db/servers", t.adminToken(), "{\"name\":\"bench-db\","
          + "\"url\":\"postgres://127.0.0.1:" + pg.getPort() + "/shop?sslmode=disable\","
          + "\"adminUser\":\"bench_admin\",\"password\":\"" + ADMIN_PW + "\"}"), 201);
      String svid = SvidScenarios.attested(t, "imprint:db").at("/jwt_svid/token").asText();
      String yaml = "apiVersion: imprint.dev/v1\nkind: Grants\ngrants:\n  - id: bench-reads\n"
          + "    subject: " + SvidScenarios.SPIFFE_ID + "\n    resource: " + RESOURCE
          + "\n    privileges: [read]\n";
      SvidScenarios.send(HttpRequest.newBuilder(URI.create(t.url() + "/v1/grants"))
          .header("Authorization", "Bearer " + t.adminToken())
          .header("Content-Type", "application/json")
          .PUT(HttpRequest.BodyPublishers.ofString("{\"files\":[{\"name\":\"b.yaml\","
              + "\"content\":" + new ObjectMapper().writeValueAsString(yaml) + "}]}")).build(),
          200);
      HttpRequest ask = HttpRequest.newBuilder(URI.create(t.url() + "/v1/db/credentials"))
          .header("Authorization", "Bearer " + svid).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"resource\":\"" + RESOURCE + "\","
              + "\"privileges\":[\"read\"]}")).build();
      LoadGenerator.drive("warm-up", clients, 2, (client, i) -> LoadGenerator.HTTP.send(ask,
          HttpResponse.BodyHandlers.discarding()).statusCode() == 201);
      return LoadGenerator.drive("Imprint POST /v1/db/credentials (HTTP, SQLite store)",
          clients, seconds, (client, i) -> LoadGenerator.HTTP.send(ask,
              HttpResponse.BodyHandlers.discarding()).statusCode() == 201);
    } finally {
      LoadGenerator.deleteTree(dir);
    }
  }
}
