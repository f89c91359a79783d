package dev.imprint.server.testing;

import dev.imprint.server.ServerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.function.UnaryOperator;

/**
 * Two replicas of the server on one new PostgreSQL database, each with a data directory of its
 * own ({@code a/} and {@code b/}) and the key-encryption key they share (a replica with another
 * key is refused at start); {@code a} starts first and so bootstraps the store.
 */
public final class Replicas implements AutoCloseable {
  private final TestServer a;
  private final TestServer b;

  private Replicas(TestServer a, TestServer b) {
    this.a = a;
    this.b = b;
  }

  /** Starts both replicas with {@link #config}'s defaults. */
  public static Replicas start(Path dir) {
    return start(dir, UnaryOperator.identity());
  }

  /** Starts both replicas, each configuration changed by {@code each} first. */
  public static Replicas start(Path dir, UnaryOperator<ServerConfig> each) {
    String jdbc = Stores.jdbcUrl(Stores.Kind.POSTGRESQL);
    Path kek = sharedKek(dir);
    TestServer a = TestServer.start(each.apply(config(jdbc, dir.resolve("a"), kek)));
    try {
      return new Replicas(a, TestServer.start(each.apply(config(jdbc, dir.resolve("b"), kek))));
    } catch (RuntimeException | Error e) {
      a.close();
      throw e;
    }
  }

  /**
   * Writes a random key-encryption key to {@code dir/shared.kek}, readable by its owner only (the
   * server refuses a key file others can read).
   */
  public static Path sharedKek(Path dir) {
    byte[] raw = new byte[32];
    new SecureRandom().nextBytes(raw);
    Path kek = dir.resolve("shared.kek");
    try {
      Files.writeString(kek, Base64.getEncoder().encodeToString(raw));
      Files.setPosixFilePermissions(kek, PosixFilePermissions.fromString("rw-------"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + kek, e);
    }
    return kek;
  }

  /**
   * A replica's configuration: loopback port 0, data under {@code data}, the store at
   * {@code jdbc}, the key-encryption key in {@code kek} (null: one of its own under
   * {@code data}), every other setting the default.
   */
  public static ServerConfig config(String jdbc, Path data, Path kek) {
    ServerConfig d = ServerConfig.defaults();
    return new ServerConfig("127.0.0.1", 0, data, jdbc, d.trustDomain(), null, null, false,
        d.logFormat(), d.maxBodyBytes(), null, kek);
  }

  /** The replica started first. */
  public TestServer a() {
    return a;
  }

  /** The replica started second, on the store {@code a} set up. */
  public TestServer b() {
    return b;
  }

  @Override
  public void close() {
    try {
      b.close();
    } finally {
      a.close();
    }
  }
}
