package dev.imprint.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imprint.cli.remote.ApiClient;
import dev.imprint.cli.remote.RemoteCommand;
import dev.imprint.cli.remote.Table;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code imprint db}: expiring PostgreSQL logins instead of passwords baked into images. */
@Command(name = "db", mixinStandardHelpOptions = true,
    description = "Registers PostgreSQL servers (admin), lists and revokes the leases of the"
        + " logins Imprint created (admin; an auditor may list), and asks for a login with a"
        + " workload's JWT-SVID (docs/database.md).",
    subcommands = {DbCommand.Add.class, DbCommand.Servers.class, DbCommand.Remove.class,
        DbCommand.Leases.class, DbCommand.Revoke.class, DbCommand.Credentials.class})
final class DbCommand {
  /** Largest password or SVID file read. */
  static final long MAX_FILE = 64 * 1024;

  private DbCommand() {}

  static String read(Path file, String option) {
    try {
      if (Files.size(file) > MAX_FILE) {
        throw new IllegalArgumentException(option + ": " + file + " is larger than 64 KiB");
      }
      String text = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (text.isEmpty()) {
        throw new IllegalArgumentException(option + ": " + file + " is empty");
      }
      return text;
    } catch (IOException e) {
      throw new IllegalArgumentException(option + ": cannot read " + file + ": "
          + e.getMessage());
    }
  }

  /** {@code imprint db add NAME --url postgres://host:port/db --admin-user U --password-file F}. */
  @Command(name = "add", mixinStandardHelpOptions = true,
      description = "Registers a PostgreSQL server Imprint may create logins on. The server"
          + " connects as the admin role to check it may create roles; the password is stored"
          + " encrypted under its key-encryption key and never shown again.")
  static final class Add extends RemoteCommand {
    @Parameters(paramLabel = "NAME", description = "The <server> grants name in"
        + " db:postgres://<server>/<database>[/<schema>].")
    String name;

    @Option(names = "--url", required = true, paramLabel = "URL",
        description = "postgres://host[:port]/database[?sslmode=verify-full&sslrootcert=PATH]"
            + " (no user or password in it).")
    String url;

    @Option(names = "--admin-user", required = true, paramLabel = "ROLE",
        description = "The role Imprint creates logins with (CREATEROLE; see docs/database.md).")
    String adminUser;

    @Option(names = "--password-file", required = true, paramLabel = "FILE",
        description = "A file holding the admin role's password (never a command-line value).")
    Path passwordFile;

    @Override
    protected JsonNode call(ApiClient client) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("name", name);
      body.put("url", url);
      body.put("adminUser", adminUser);
      body.put("password", read(passwordFile, "--password-file"));
      return client.post("/v1/db/servers", body);
    }

    @Override
    protected void printTable(JsonNode r, PrintWriter out) {
      out.println("added database server " + r.path("name").asText() + " ("
          + r.path("host").asText() + ":" + r.path("port").asText() + "/"
          + r.path("database").asText() + ", sslmode " + r.path("sslmode").asText()
          + ", admin role " + r.path("adminUser").asText() + ")");
    }
  }

  /** {@code imprint db servers}. */
  @Command(name = "servers", mixinStandardHelpOptions = true,
      description = "Lists the registered PostgreSQL servers (never their passwords).")
  static final class Servers extends RemoteCommand {
    @Override
    protected JsonNode call(ApiClient client) {
      return client.get("/v1/db/servers", Map.of());
    }

    @Override
    protected void printTable(JsonNode r, PrintWriter out) {
      Table t = new Table("NAME", "HOST", "PORT", "DATABASE", "ADMIN", "SSLMODE");
      for (JsonNode s : r.path("servers")) {
        t.row(s.path("name").asText(), s.path("host").asText(), s.path("port").asText(),
            s.path("database").asText(), s.path("adminUser").asText(),
            s.path("sslmode").asText());
      }
      t.print(out);
    }
  }

  /** {@code imprint db remove NAME [--revoke]}. */
  @Command(name = "remove", mixinStandardHelpOptions = true,
      description = "Removes a registered PostgreSQL server. Refused (db.server_in_use) while a"
          + " lease still has a login on it, unless --revoke, which first revokes every lease"
          + " of the server and drops its login; if a login cannot be dropped nothing is"
          + " removed (db.revoke_failed).")
  static final class Remove extends RemoteCommand {
    @Parameters(paramLabel = "NAME", description = "The registered server's name.")
    String name;

    @Option(names = "--revoke", description = "Revoke the server's leases and drop their logins"
        + " first.")
    boolean revoke;

    @Override
    protected JsonNode call(ApiClient client) {
      return client.delete("/v1/db/servers/" + URLEncoder.encode(name, StandardCharsets.UTF_8)
          + (revoke ? "?revoke=true" : ""));
    }

    @Override
    protected void printTable(JsonNode r, PrintWriter out) {
      out.println("removed database server " + r.path("name").asText() + " ("
          + r.path("leasesRevoked").asInt() + " lease(s) revoked, "
          + r.path("leaseRecordsDeleted").asInt() + " lease record(s) deleted)");
    }
  }

  /** {@code imprint db leases [--state S] [--subject ID] [--server NAME]}. */
  @Command(name = "leases", mixinStandardHelpOptions = true,
      description = "Lists the leases of database logins, newest first.")
  static final class Leases extends RemoteCommand {
    @Option(names = "--state", paramLabel = "pending|active|ended")
    String state;

    @Option(names = "--subject", paramLabel = "SPIFFE-ID")
    String subject;

    @Option(names = "--db-server", paramLabel = "NAME", description = "Only this server's.")
    String dbServer;

    @Override
    protected JsonNode call(ApiClient client) {
      Map<String, String> q = new LinkedHashMap<>();
      if (state != null) {
        q.put("state", state);
      }
      if (subject != null) {
        q.put("subject", subject);
      }
      if (dbServer != null) {
        q.put("server", dbServer);
      }
      return client.get("/v1/db/leases", q);
    }

    @Override
    protected void printTable(JsonNode r, PrintWriter out) {
      Table t = new Table("ID", "STATE", "SUBJECT", "RESOURCE", "PRIVILEGES", "EXPIRES",
          "DROPPED");
      for (JsonNode l : r.path("leases")) {
        String state = l.path("state").asText() + (l.path("endReason").isTextual()
            ? " (" + l.path("endReason").asText() + ")" : "");
        t.row(l.path("id").asText(), state, l.path("subject").asText(),
            l.path("resource").asText(), String.join(",", ApiClient.json().convertValue(
                l.path("privileges"), String[].class)), l.path("expiresAt").asText(),
            l.path("droppedAt").isTextual() ? l.path("droppedAt").asText() : "-");
      }
      t.print(out);
    }
  }

  /** {@code imprint db revoke LEASE [--reason TEXT]}. */
  @Command(name = "revoke", mixinStandardHelpOptions = true,
      description = "Revokes a lease: its login's sessions are ended and its role dropped now.")
  static final class Revoke extends RemoteCommand {
    @Parameters(paramLabel = "LEASE", description = "The lease id.")
    String id;

    @Option(names = "--reason", paramLabel = "TEXT")
    String reason;

    @Override
    protected JsonNode call(ApiClient client) {
      Map<String, Object> body = new LinkedHashMap<>();
      if (reason != null) {
        body.put("reason", reason);
      }
      return client.post("/v1/db/leases/" + URLEncoder.encode(id, StandardCharsets.UTF_8)
          + "/revoke", body);
    }

    @Override
    protected void printTable(JsonNode r, PrintWriter out) {
      out.println("revoked lease " + r.path("id").asText() + (r.path("droppedAt").isTextual()
          ? "; role " + r.path("username").asText() + " dropped"
          : "; the reaper drops role " + r.path("username").asText()
              + " once the database answers"));
    }
  }

  /**
   * {@code imprint db credentials --svid-file F --resource R [--privilege P]... [--ttl T]
   * [--out DIR]}: the workload side.
   */
  @Command(name = "credentials", mixinStandardHelpOptions = true,
      description = "Asks for a database login with the workload's JWT-SVID (audience"
          + " imprint:db). With --out, writes DIR/pgpass (libpq password file) and DIR/db.env"
          + " (PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD, PGSSLMODE), both 0600, and"
          + " prints only the lease; without, prints a postgresql:// DSN to standard output"
          + " (nothing else, nothing logged).")
  static final class Credentials extends RemoteCommand {
    @Option(names = "--svid-file", required = true, paramLabel = "FILE",
        description = "The workload's JWT-SVID for audience imprint:db (imprint svid fetch"
            + " --audience imprint:db writes jwt_svid.token).")
    Path svidFile;

    @Option(names = "--resource", required = true, paramLabel = "RESOURCE",
        description = "db:postgres://<server>/<database>[/<schema>]")
    String resource;

    @Option(names = "--privilege", paramLabel = "P", description = "read, write or"
        + " role:<name>; repeat for several (default: every privilege the grants allow).")
    List<String> privileges;

    @Option(names = "--ttl", paramLabel = "DURATION", description = "5s..1h (default 15m).")
    String ttl;

    @Option(names = "--out", paramLabel = "DIR", description = "Write pgpass and db.env here.")
    Path out;

    private JsonNode issued;

    @Override
    protected JsonNode call(ApiClient ignored) {
      String svid = read(svidFile, "--svid-file");
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("resource", resource);
      if (privileges != null) {
        body.put("privileges", privileges);
      }
      if (ttl != null) {
        body.put("ttl", ttl);
      }
      issued = remote.client(svid).post("/v1/db/credentials", body);
      if (out != null) {
        write(issued);
        return issued.path("lease");
      }
      return issued;
    }

    private void write(JsonNode r) {
      String host = r.path("host").asText();
      String port = r.path("port").asText();
      String db = r.path("database").asText();
      String user = r.path("username").asText();
      String password = r.path("password").asText();
      try {
        Files.createDirectories(out);
        OutputFile.writeAtomically(out.resolve("pgpass"), String.join(":", pgpass(host), port,
            pgpass(db), pgpass(user), pgpass(password)) + "\n");
        OutputFile.writeAtomically(out.resolve("db.env"), "PGHOST=" + host + "\nPGPORT=" + port
            + "\nPGDATABASE=" + db + "\nPGUSER=" + user + "\nPGPASSWORD=" + password
            + "\nPGSSLMODE=" + r.path("sslmode").asText() + "\n");
      } catch (IOException e) {
        throw new IllegalArgumentException("--out: cannot write to " + out + ": "
            + e.getMessage());
      }
    }

    /** A .pgpass field: ':' and '\' escaped with '\'. */
    static String pgpass(String v) {
      return v.replace("\\", "\\\\").replace(":", "\\:");
    }

    @Override
    protected void printTable(JsonNode r, PrintWriter o) {
      if (out != null) {
        o.println("lease " + r.path("id").asText() + ": login " + r.path("username").asText()
            + " with " + String.join(",", ApiClient.json().convertValue(r.path("privileges"),
                String[].class)) + " until " + r.path("expiresAt").asText() + "; wrote "
            + out.resolve("pgpass") + " and " + out.resolve("db.env") + " (0600)");
        return;
      }
      o.println("postgresql://" + enc(r.path("username").asText()) + ":"
          + enc(r.path("password").asText()) + "@" + r.path("host").asText() + ":"
          + r.path("port").asText() + "/" + enc(r.path("database").asText()) + "?sslmode="
          + r.path("sslmode").asText());
    }

    private static String enc(String v) {
      return URLEncoder.encode(v, StandardCharsets.UTF_8).replace("+", "%20");
    }
  }
}
