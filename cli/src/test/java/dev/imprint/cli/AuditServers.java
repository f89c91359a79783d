package dev.imprint.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imprint.server.ImprintServer;
import dev.imprint.server.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Real servers on one SQLite data directory for the audit CLI tests: started, stopped, copied
 * aside and restored (an older copy of the store, as a rollback or a fork would need), restarted
 * on the port the first one was given.
 */
final class AuditServers {
  private static final ObjectMapper JSON = new ObjectMapper();

  private AuditServers() {}

  /** A server on {@code data} listening on {@code port} (0: any), signing only when asked. */
  static ImprintServer start(Path data, int port, ByteArrayOutputStream console) {
    ServerConfig d = ServerConfig.defaults();
    ServerConfig c = new ServerConfig("127.0.0.1", port, data, null, d.trustDomain(), null, null,
        false, d.logFormat(), d.maxBodyBytes()).withCheckpointInterval(Duration.ZERO);
    // the port of a server just stopped can take a moment to be free again; the bound only
    // ends a wait for a port that never comes free (20 tries, 5 s, was a time on a loaded host)
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      try {
        return ImprintServer.start(c, new PrintStream(console, true, StandardCharsets.UTF_8));
      } catch (RuntimeException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        sleep(250);
      }
    }
  }

  /** The admin token a first start printed. */
  static String adminToken(ByteArrayOutputStream console) {
    return console.toString(StandardCharsets.UTF_8).replaceAll("(?s).*admin token: (\\S+).*",
        "$1");
  }

  /** Appends {@code n} entries (a token each) and returns the size of the signed checkpoint. */
  static long grow(ImprintServer s, int n) {
    for (int i = 0; i < n; i++) {
      Cli c = Cli.run("token", "create", "--role", "auditor", "--server", s.url());
      assertThat(c.code()).as(c.err()).isZero();
    }
    Cli p = Cli.run("audit", "proof", "--index", "0", "-o", "json", "--server", s.url());
    assertThat(p.code()).as(p.err()).isZero();
    try {
      return JSON.readTree(p.out()).get("checkpointSize").asLong();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Copies the directory {@code from} to {@code to} (which must not exist). */
  static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : files.toList()) {
        Files.copy(f, to.resolve(from.relativize(f).toString()),
            StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
  }

  /** Replaces the directory {@code target} with a copy of {@code backup}. */
  static void restore(Path backup, Path target) throws IOException {
    try (Stream<Path> files = Files.walk(target)) {
      for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
    copy(backup, target);
  }

  /** A well-formed verifier key of some other log. */
  static String otherLogKey() throws Exception {
    byte[] pub = new byte[32];
    pub[0] = 9;
    String name = "imprint.local/imprint-audit";
    java.security.MessageDigest d = java.security.MessageDigest.getInstance("SHA-256");
    d.update(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    d.update((byte) 0x0A);
    d.update((byte) 0x01);
    byte[] hash = d.digest(pub);
    byte[] raw = new byte[33];
    raw[0] = 0x01;
    System.arraycopy(pub, 0, raw, 1, 32);
    return name + "+" + java.util.HexFormat.of().formatHex(hash, 0, 4) + "+"
        + java.util.Base64.getEncoder().encodeToString(raw);
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
