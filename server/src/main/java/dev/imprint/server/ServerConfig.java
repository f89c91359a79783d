package dev.imprint.server;

import dev.imprint.server.store.StoreSettings;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * How one server process runs: where it listens, where it stores, its SPIFFE trust domain,
 * TLS, logging, the image policy file (null for the default policy) and how often the audit
 * log's tree head is signed ({@link Duration#ZERO}: none on a timer; still on request and at
 * shutdown), whether to mint an admin token on a later start ({@code bootstrapAdmin}) and
 * whether to start despite loose file permissions ({@code allowInsecurePermissions}, loudly),
 * the workload identity settings ({@code svid}), how long requests may wait for the store
 * ({@code store}) and where the audit log's last signed checkpoint is kept outside the store
 * ({@code auditCheckpointFile}; null: under the data directory). {@link #validate()} enforces
 * the secure defaults.
 */
public record ServerConfig(String host, int port, Path dataDir, String jdbcUrl,
    String trustDomain, Path tlsCert, Path tlsKey, boolean insecureNoTls, LogFormat logFormat,
    long maxBodyBytes, Path imagePolicy, Path kekFile, Duration checkpointInterval,
    boolean bootstrapAdmin, boolean allowInsecurePermissions,
    dev.imprint.server.svid.SvidConfig svid, StoreSettings store, Path auditCheckpointFile) {
  /** Log line format. */
  public enum LogFormat { TEXT, JSON }

  /** How often a grown audit log gets a signed checkpoint unless configured otherwise. */
  public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(10);
  /** The file under the data directory that keeps the last signed audit checkpoint. */
  public static final String DEFAULT_AUDIT_CHECKPOINT_FILE = "audit-checkpoint";
  /** The shortest checkpoint interval other than zero (a shorter one only loads the store). */
  public static final Duration MIN_CHECKPOINT_INTERVAL = Duration.ofMillis(100);

  private static final Pattern TRUST_DOMAIN = Pattern.compile("[a-z0-9._-]{1,255}");

  /** A configuration with the default image policy and the default key-encryption key. */
  public ServerConfig(String host, int port, Path dataDir, String jdbcUrl, String trustDomain,
      Path tlsCert, Path tlsKey, boolean insecureNoTls, LogFormat logFormat, long maxBodyBytes) {
    this(host, port, dataDir, jdbcUrl, trustDomain, tlsCert, tlsKey, insecureNoTls, logFormat,
        maxBodyBytes, null, null);
  }

  /** A configuration with the default checkpoint interval. */
  public ServerConfig(String host, int port, Path dataDir, String jdbcUrl, String trustDomain,
      Path tlsCert, Path tlsKey, boolean insecureNoTls, LogFormat logFormat, long maxBodyBytes,
      Path imagePolicy, Path kekFile) {
    this(host, port, dataDir, jdbcUrl, trustDomain, tlsCert, tlsKey, insecureNoTls, logFormat,
        maxBodyBytes, imagePolicy, kekFile, DEFAULT_CHECKPOINT_INTERVAL, false, false);
  }

  /** A configuration with the default workload identity settings. */
  public ServerConfig(String host, int port, Path dataDir, String jdbcUrl, String trustDomain,
      Path tlsCert, Path tlsKey, boolean insecureNoTls, LogFormat logFormat, long maxBodyBytes,
      Path imagePolicy, Path kekFile, Duration checkpointInterval, boolean bootstrapAdmin,
      boolean allowInsecurePermissions) {
    this(host, port, dataDir, jdbcUrl, trustDomain, tlsCert, tlsKey, insecureNoTls, logFormat,
        maxBodyBytes, imagePolicy, kekFile, checkpointInterval, bootstrapAdmin,
        allowInsecurePermissions, dev.imprint.server.svid.SvidConfig.defaults(),
        StoreSettings.DEFAULTS, null);
  }

  /** A configuration with the default store timeouts. */
  public ServerConfig(String host, int port, Path dataDir, String jdbcUrl, String trustDomain,
      Path tlsCert, Path tlsKey, boolean insecureNoTls, LogFormat logFormat, long maxBodyBytes,
      Path imagePolicy, Path kekFile, Duration checkpointInterval, boolean bootstrapAdmin,
      boolean allowInsecurePermissions, dev.imprint.server.svid.SvidConfig svid) {
    this(host, port, dataDir, jdbcUrl, trustDomain, tlsCert, tlsKey, insecureNoTls, logFormat,
        maxBodyBytes, imagePolicy, kekFile, checkpointInterval, bootstrapAdmin,
        allowInsecurePermissions, svid, StoreSettings.DEFAULTS, null);
  }

  /**
   * The same configuration keeping the audit log's last signed checkpoint in {@code file}
   * (null: {@code <data-dir>/audit-checkpoint}).
   */
  public ServerConfig withAuditCheckpointFile(Path file) {
    return new ServerConfig(host, port, dataDir, jdbcUrl, trustDomain, tlsCert, tlsKey,
        insecureNoTls, logFormat, maxBodyBytes, imagePolicy, kekFile, checkpointInterval,
        bootstrapAdmin, allowInsecurePermissions, svid, store, file);
  }

  /** Where the audit log's last signed checkpoint is kept outside the store. */
  public Path auditCheckpointPath() {
    return auditCheckpointFile != null ? auditCheckpointFile
        : dataDir.resolve(DEFAULT_AUDIT_CHECKPOINT_FILE);
  }

  /** The same configuration with the workload identity settings {@code s}. */
  public ServerConfig withSvid(dev.imprint.server.svid.SvidConfig s) {
    return new ServerConfig(host, port, dataDir, jdbcUrl, trustDomain, tlsCert, tlsKey,
        insecureNoTls, logFormat, maxBodyBytes, imagePolicy, kekFile, checkpointInterval,
        bootstrapAdmin, allowInsecurePermissions, s, store, auditCheckpointFile);
  }

  /** A configuration with the default store timeouts. */
  public ServerConfig(String host, int port, Path dataDir, String jdbcUrl, String trustDomain,
      Path tlsCert, Path tlsKey, boolean insecureNoTls, LogFormat logFormat, long maxBodyBytes,
      Path imagePolicy, Path kekFile, Duration checkpointInterval) {
    this(host, port, dataDir, jdbcUrl, trustDomain, tlsCert, tlsKey, insecureNoTls, logFormat,
        maxBodyBytes, imagePolicy, kekFile, checkpointInterval, false, false);
  }

  /**
   * The same configuration with {@code store}: how long a request may wait for the store and
   * how many may wait at once ({@code --store-timeout}, {@code --store-max-waiting}).
   */
  public ServerConfig withStore(StoreSettings store) {
    return new ServerConfig(host, port, dataDir, jdbcUrl, trustDomain, tlsCert, tlsKey,
        insecureNoTls, logFormat, maxBodyBytes, imagePolicy, kekFile, checkpointInterval,
        bootstrapAdmin, allowInsecurePermissions, svid, store, auditCheckpointFile);
  }

  /** The same configuration with the image policy read from {@code file} (null: default). */
  public ServerConfig withImagePolicy(Path file) {
    return new ServerConfig(host, port, dataDir, jdbcUrl, trustDomain, tlsCert, tlsKey,
        insecureNoTls, logFormat, maxBodyBytes, file, kekFile, checkpointInterval, bootstrapAdmin,
        allowInsecurePermissions, svid, store, auditCheckpointFile);
  }

  /**
   * The same configuration with the key-encryption key read from {@code file} (null: from
   * {@code IMPRINT_KEK} or {@code <data-dir>/kek}).
   */
  public ServerConfig withKekFile(Path file) {
    return new ServerConfig(host, port, dataDir, jdbcUrl, trustDomain, tlsCert, tlsKey,
        insecureNoTls, logFormat, maxBodyBytes, imagePolicy, file, checkpointInterval,
        bootstrapAdmin, allowInsecurePermissions, svid, store, auditCheckpointFile);
  }

  /**
   * The same configuration signing a checkpoint every {@code interval} when the audit log has
   * grown ({@link Duration#ZERO}: none on a timer; still on request and at shutdown).
   */
  public ServerConfig withCheckpointInterval(Duration interval) {
    return new ServerConfig(host, port, dataDir, jdbcUrl, trustDomain, tlsCert, tlsKey,
        insecureNoTls, logFormat, maxBodyBytes, imagePolicy, kekFile, interval, bootstrapAdmin,
        allowInsecurePermissions, svid, store, auditCheckpointFile);
  }

  /**
   * The same configuration minting a new admin token at start even when the store already has
   * one ({@code imprint server --bootstrap-admin}); without it only a first start mints one.
   */
  public ServerConfig withBootstrapAdmin(boolean mint) {
    return new ServerConfig(host, port, dataDir, jdbcUrl, trustDomain, tlsCert, tlsKey,
        insecureNoTls, logFormat, maxBodyBytes, imagePolicy, kekFile, checkpointInterval, mint,
        allowInsecurePermissions, svid, store, auditCheckpointFile);
  }

  /**
   * The same configuration starting, with a loud warning, when the store or the key-encryption
   * key can be read or written by other users ({@code --allow-insecure-permissions}); without
   * it the server refuses to start.
   */
  public ServerConfig withAllowInsecurePermissions(boolean allow) {
    return new ServerConfig(host, port, dataDir, jdbcUrl, trustDomain, tlsCert, tlsKey,
        insecureNoTls, logFormat, maxBodyBytes, imagePolicy, kekFile, checkpointInterval,
        bootstrapAdmin, allow, svid, store, auditCheckpointFile);
  }

  /**
   * The defaults: loopback, port 7878, ./imprint-data, trust domain imprint.local, a checkpoint
   * every 10 s.
   */
  public static ServerConfig defaults() {
    return new ServerConfig("127.0.0.1", 7878, Path.of("imprint-data"), null, "imprint.local",
        null, null, false, LogFormat.TEXT, 1 << 20);
  }

  /** Parses {@code HOST:PORT} (IPv6 as {@code [::1]:7878}). */
  public ServerConfig withListen(String listen) {
    int colon = listen.lastIndexOf(':');
    if (colon <= 0 || colon == listen.length() - 1) {
      throw new IllegalArgumentException("expected --listen HOST:PORT, got '" + listen + "'");
    }
    String h = listen.substring(0, colon);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    int p;
    try {
      p = Integer.parseInt(listen.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected a port number in --listen, got '" + listen + "'");
    }
    if (p < 0 || p > 65535) {
      throw new IllegalArgumentException("expected a port from 0 to 65535, got " + p);
    }
    return new ServerConfig(h, p, dataDir, jdbcUrl, trustDomain, tlsCert, tlsKey,
        insecureNoTls, logFormat, maxBodyBytes, imagePolicy, kekFile, checkpointInterval,
        bootstrapAdmin, allowInsecurePermissions, svid, store, auditCheckpointFile);
  }

  /** True when the listen address is a loopback address. */
  public boolean loopback() {
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** True when TLS material is configured. */
  public boolean tls() {
    return tlsCert != null && tlsKey != null;
  }

  /**
   * Checks the configuration.
   *
   * @throws IllegalArgumentException with what was expected and what was got
   */
  public ServerConfig validate() {
    if (!TRUST_DOMAIN.matcher(trustDomain).matches()) {
      throw new IllegalArgumentException("expected a SPIFFE trust domain of lower-case letters,"
          + " digits, '.', '-' and '_', got '" + trustDomain + "'");
    }
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new IllegalArgumentException("--tls-cert and --tls-key go together; got only "
          + (tlsCert == null ? "--tls-key" : "--tls-cert"));
    }
    if (!loopback() && !tls() && !insecureNoTls) {
      throw new IllegalArgumentException("refusing plain HTTP on non-loopback address '" + host
          + "': give --tls-cert and --tls-key (PEM), or --insecure-no-tls to accept the risk");
    }
    if (jdbcUrl != null && !jdbcUrl.toLowerCase(Locale.ROOT).startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException("expected --db jdbc:postgresql://HOST/DB, got a "
          + "different URL scheme");
    }
    if (checkpointInterval == null || checkpointInterval.isNegative()
        || !checkpointInterval.isZero()
        && checkpointInterval.compareTo(MIN_CHECKPOINT_INTERVAL) < 0) {
      throw new IllegalArgumentException("expected --checkpoint-interval 0 (off) or at least "
          + MIN_CHECKPOINT_INTERVAL.toMillis() + "ms, got "
          + (checkpointInterval == null ? "none" : checkpointInterval.toMillis() + "ms"));
    }
    (svid == null ? dev.imprint.server.svid.SvidConfig.defaults() : svid).validate();
    if (store == null) {
      throw new IllegalArgumentException("expected store settings, got none");
    }
    return this;
  }
}
