package dev.imprint.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imprint.server.testing.ServerProcess;
import dev.imprint.server.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data directory as an operator finds it: owner-only whatever the umask, refused when its
 * store or key files are open to other users, and held by one server at a time.
 */
class DataDirectoryTest {
  private static final List<String> FILES = List.of("imprint.db", "imprint.db-wal",
      "imprint.db-shm", "kek", "imprint.lock");
  @TempDir Path dir;

  private ServerConfig config(Path data) {
    return TestServer.config(data, null).withCheckpointInterval(Duration.ZERO);
  }

  private static ImprintServer start(ServerConfig c) {
    return ImprintServer.start(c, new PrintStream(new ByteArrayOutputStream(), true,
        StandardCharsets.UTF_8));
  }

  private static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  private static void chmod(Path p, String mode) throws Exception {
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
  }

  @Test
  void withUmask000ANewDataDirectoryAndEveryFileInItAreOwnerOnly() throws Exception {
    Path data = dir.resolve("fresh").resolve("data");
    try (ServerProcess p = ServerProcess.start(data, null, Map.of(), "000")) {
      HttpResponse<String> created = p.send("POST", "/v1/tokens", p.adminToken(),
          "{\"role\":\"auditor\"}");
      assertThat(created.statusCode()).isEqualTo(201);
      assertThat(mode(data)).isEqualTo("rwx------");
      assertThat(mode(data.getParent())).as("a parent the server had to create").isEqualTo(
          "rwx------");
      for (String f : FILES) {
        assertThat(data.resolve(f)).exists();
        assertThat(mode(data.resolve(f))).as(f).isEqualTo("rw-------");
      }
    }
  }

  @Test
  void inAnExistingDirectoryOpenToOthersTheFilesTheServerCreatesAreOwnerOnly() throws Exception {
    Path data = Files.createDirectory(dir.resolve("data"));
    chmod(data, "rwxr-xr-x");
    try (ServerProcess p = ServerProcess.start(data, null, Map.of(), "000")) {
      assertThat(p.send("POST", "/v1/tokens", p.adminToken(), "{\"role\":\"auditor\"}")
          .statusCode()).isEqualTo(201);
      for (String f : FILES) {
        assertThat(mode(data.resolve(f))).as(f).isEqualTo("rw-------");
      }
      assertThat(mode(data)).as("the operator's own directory is left as it was")
          .isEqualTo("rwxr-xr-x");
    }
  }

  @Test
  void aStoreOrKeyFileOpenToOthersStopsTheStartNamingTheFileAndTheFix() throws Exception {
    Path data = dir.resolve("data");
    start(config(data)).close();
    for (String f : List.of("imprint.db", "kek")) {
      Path file = data.resolve(f);
      chmod(file, "rw-r--r--");
      assertThatThrownBy(() -> start(config(data)))
          .isInstanceOfSatisfying(StartupException.class, e -> assertThat(e.code())
              .isEqualTo("server.insecure_permissions"))
          .hasMessageContaining(file.toString())
          .hasMessageContaining("mode 0644 (readable by its group, readable by other users)")
          .hasMessageContaining("chmod 600 " + file)
          .hasMessageContaining("--allow-insecure-permissions");
      chmod(file, "rw-------");
    }
    chmod(data, "rwxrwxrwx");
    assertThatThrownBy(() -> start(config(data))).isInstanceOf(StartupException.class)
        .hasMessageContaining("the data directory " + data + " has mode 0777")
        .hasMessageContaining("chmod 700 " + data);
    chmod(data, "rwx------");
    start(config(data)).close();

    Path kek = dir.resolve("elsewhere.kek");
    Files.writeString(kek, Base64.getEncoder().encodeToString(new byte[32]) + "\n");
    chmod(kek, "rw-rw----");
    assertThatThrownBy(() -> start(config(dir.resolve("other")).withKekFile(kek)))
        .isInstanceOf(StartupException.class)
        .hasMessageContaining(kek + " has mode 0660 (readable and writable by its group)");
  }

  @Test
  void allowInsecurePermissionsStartsAndWarnsAtEveryStart() throws Exception {
    Path data = dir.resolve("data");
    start(config(data)).close();
    chmod(data.resolve("imprint.db"), "rw-rw-rw-");
    try (LogCapture log = LogCapture.start(ServerConfig.LogFormat.TEXT)) {
      start(config(data).withAllowInsecurePermissions(true)).close();
      assertThat(log.lines()).anySatisfy(l -> assertThat(l).contains("WARN").contains("INSECURE")
          .contains(data.resolve("imprint.db").toString()).contains("0666")
          .contains("--allow-insecure-permissions"));
    }
  }

  @Test
  void aSecondServerOnTheDataDirectoryRefusesToStartWhileTheFirstRuns() throws Exception {
    Path data = dir.resolve("data");
    try (TestServer first = TestServer.start(config(data))) {
      assertThatThrownBy(() -> start(config(data)))
          .isInstanceOfSatisfying(StartupException.class, e -> assertThat(e.code())
              .isEqualTo("server.data_dir_in_use"))
          .hasMessageContaining("another imprint server")
          .hasMessageContaining(data.resolve("imprint.lock").toString())
          .hasMessageContaining("--data-dir");
      // the refused start must not have freed the first server's lock for another process
      assertThatThrownBy(() -> ServerProcess.start(data, null, Map.of()))
          .hasMessageContaining("StartupException: another imprint server (pid "
              + ProcessHandle.current().pid() + ")");
      assertThat(first.send("GET", "/v1/tokens", first.adminToken(), null).statusCode())
          .isEqualTo(200);
    }
    start(config(data)).close();
  }

  @Test
  void aServerKilledWithSigkillLeavesNoStaleLock() throws Exception {
    Path data = dir.resolve("data");
    ServerProcess other = ServerProcess.start(data, null, Map.of());
    try {
      assertThatThrownBy(() -> start(config(data))).isInstanceOf(StartupException.class)
          .hasMessageContaining("(pid " + other.process().pid() + ")");
    } finally {
      other.kill();
    }
    try (ImprintServer after = start(config(data))) {
      assertThat(after.url()).startsWith("http://127.0.0.1:");
    }
  }

  @Test
  void theDefaultKekInsideTheDataDirectoryIsAWarningAndAKekFileElsewhereIsNot()
      throws Exception {
    Path kek = dir.resolve("kek.b64");
    Files.writeString(kek, Base64.getEncoder().encodeToString(new byte[32]) + "\n");
    chmod(kek, "rw-------");
    try (LogCapture log = LogCapture.start(ServerConfig.LogFormat.TEXT)) {
      start(config(dir.resolve("a"))).close();
      start(config(dir.resolve("a"))).close();
      assertThat(log.lines().stream().filter(l -> l.contains("WARN")
          && l.contains("inside the data directory") && l.contains("--kek-file")
          && l.contains("IMPRINT_KEK"))).hasSize(2);
    }
    try (LogCapture log = LogCapture.start(ServerConfig.LogFormat.TEXT)) {
      start(config(dir.resolve("b")).withKekFile(kek)).close();
      assertThat(log.text()).doesNotContain("inside the data directory")
          .contains("key-encryption key from --kek-file " + kek);
      assertThat(dir.resolve("b").resolve("kek")).doesNotExist();
    }
  }
}
