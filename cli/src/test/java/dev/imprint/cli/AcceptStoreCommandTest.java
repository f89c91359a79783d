package dev.imprint.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imprint.cli.remote.RemoteOptions;
import dev.imprint.server.ImprintServer;
import dev.imprint.server.audit.AuditLog;
import java.io.ByteArrayOutputStream;
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
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code imprint audit accept-store}: after a store was rewritten (entry 2 with its leaf hash)
 * the server refuses to sign; an operator's accept-store, on the record, lets it sign again
 * over the store as it is, and the witness that kept the old history reports the change.
 */
class AcceptStoreCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  Path data;
  ImprintServer server;
  Supplier<String> previousToken;

  @BeforeEach
  void start() {
    data = dir.resolve("data");
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    server = AuditServers.start(data, 0, console);
    String admin = AuditServers.adminToken(console);
    previousToken = RemoteOptions.useTokenSource(() -> admin);
  }

  @AfterEach
  void stop() {
    RemoteOptions.useTokenSource(previousToken);
    if (server != null) {
      server.close();
    }
  }

  @Test
  void anInvestigatedRewriteIsAcceptedOnTheRecordAndTheServerSignsAgain() throws Exception {
    long size = AuditServers.grow(server, 4);
    Cli whileRunning = acceptStore("--dry-run", "--reason", "the server still runs");
    assertThat(whileRunning.code()).isEqualTo(2);
    assertThat(whileRunning.err()).contains("is running on the data directory");
    Path state = dir.resolve("witness");
    assertThat(Cli.run("audit", "witness", "--server", server.url(), "--state",
        state.toString(), "--trust-on-first-use").code()).isZero();
    server.close();
    server = null;
    Cli nothing = acceptStore("--reason", "checked");
    assertThat(nothing.code()).as(nothing.err()).isZero();
    assertThat(nothing.out()).contains("the store agrees with the checkpoint in "
        + data.resolve("audit-checkpoint") + " (" + size + " entries): nothing to accept");
    assertThat(files("audit-checkpoint.")).isEmpty();

    rewriteEntry2();
    server = AuditServers.start(data, 0, new ByteArrayOutputStream());
    assertThat(ready(server)).isEqualTo(503);
    server.close();
    server = null;

    Cli noReason = acceptStore();
    assertThat(noReason.code()).isEqualTo(2);
    Cli dry = acceptStore("--dry-run", "--reason", "restored row 2 from the DBA's change log");
    assertThat(dry.code()).as(dry.err()).isZero();
    assertThat(dry.out()).contains("integrity failure: the stored entries 0 to " + (size - 1))
        .contains("would accept " + size + " stored entries, superseding the checkpoint for size "
            + size)
        .contains("would remove checkpoint row for size " + size);
    assertThat(Files.readString(data.resolve("audit-checkpoint")))
        .as("a dry run changes nothing").startsWith("imprint.local/imprint-audit\n" + size);

    Cli accepted = acceptStore("--reason", "the DBA's change to entry 2 was approved");
    assertThat(accepted.code()).as(accepted.err()).isZero();
    assertThat(accepted.out()).contains("accepted " + size + " stored entries")
        .contains("removed checkpoint row for size " + size)
        .contains("recorded as audit.store_accepted; new checkpoint for size " + (size + 1));
    List<Path> evidence = files("audit-checkpoint.accepted-");
    assertThat(evidence).singleElement().satisfies(e -> {
      assertThat(Files.readString(e)).contains("the DBA's change to entry 2 was approved")
          .contains("# removed checkpoint row for size " + size);
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(e)))
          .isEqualTo("rw-------");
    });
    assertThat(files("audit-checkpoint.superseded-")).hasSize(1);

    server = AuditServers.start(data, 0, new ByteArrayOutputStream());
    assertThat(ready(server)).isEqualTo(200);
    JsonNode last = JSON.readTree(Cli.run("audit", "tail", "-n", "1", "-o", "json", "--server",
        server.url()).out()).get("items").get(0);
    JsonNode entry = JSON.readTree(last.get("entry").asText());
    assertThat(entry.get("action").asText()).isEqualTo("audit.store_accepted");
    assertThat(entry.get("details").get("reason").asText())
        .isEqualTo("the DBA's change to entry 2 was approved");
    assertThat(entry.get("details").get("supersededSize").asLong()).isEqualTo(size);
    Path export = dir.resolve("audit.jsonl");
    assertThat(Cli.run("audit", "export", export.toString(), "--server", server.url()).code())
        .isZero();
    assertThat(Cli.run("audit", "verify", export.toString()).code()).isZero();

    Cli witnessed = Cli.run("audit", "witness", "--server", server.url(), "--state",
        state.toString());
    assertThat(witnessed.code()).as("the old history's witness sees the change").isEqualTo(1);
    assertThat(witnessed.err()).contains("ALERT fork");
  }

  @Test
  void brokenEntriesCannotBeAccepted() throws Exception {
    AuditServers.grow(server, 3);
    server.close();
    server = null;
    try (Connection c = connect(); Statement st = c.createStatement()) {
      assertThat(st.executeUpdate("DELETE FROM audit_entries WHERE seq = 1")).isEqualTo(1);
    }
    Cli r = acceptStore("--reason", "try");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("the stored entries themselves are broken")
        .contains("entry 1 is missing from the store");
  }

  private void rewriteEntry2() throws Exception {
    try (Connection c = connect()) {
      String entry;
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT entry FROM audit_entries WHERE seq = 2"); ResultSet rs = ps.executeQuery()) {
        rs.next();
        entry = rs.getString(1);
      }
      String forged = entry.replace("\"role\":\"auditor\"", "\"role\":\"admin\"");
      assertThat(forged).isNotEqualTo(entry);
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE audit_entries SET entry = ?, leaf_hash = ? WHERE seq = 2")) {
        ps.setString(1, forged);
        ps.setString(2, HexFormat.of().formatHex(AuditLog.leafHash(
            forged.getBytes(StandardCharsets.UTF_8))));
        assertThat(ps.executeUpdate()).isEqualTo(1);
      }
    }
  }

  private Connection connect() throws Exception {
    return DriverManager.getConnection("jdbc:sqlite:" + data.resolve("imprint.db"));
  }

  private Cli acceptStore(String... more) {
    List<String> args = new java.util.ArrayList<>(List.of("audit", "accept-store",
        "--data-dir", data.toString()));
    args.addAll(List.of(more));
    return Cli.run(args.toArray(String[]::new));
  }

  private List<Path> files(String prefix) throws Exception {
    try (Stream<Path> f = Files.list(data)) {
      return f.filter(p -> p.getFileName().toString().startsWith(prefix)).toList();
    }
  }

  /** /readyz once the start-up check has finished (a proof request waits for it). */
  private static int ready(ImprintServer s) throws Exception {
    Cli.run("audit", "proof", "--index", "0", "--server", s.url());
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(s.url()
        + "/readyz")).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
