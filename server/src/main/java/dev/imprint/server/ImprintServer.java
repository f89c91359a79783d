package dev.imprint.server;

import dev.imprint.server.audit.AuditLog;
import dev.imprint.server.audit.AuditRoutes;
import dev.imprint.server.audit.KeyEncryptionKey;
import dev.imprint.server.auth.IssuedToken;
import dev.imprint.server.auth.TokenRoutes;
import dev.imprint.server.auth.TokenService;
import dev.imprint.server.finding.FindingRoutes;
import dev.imprint.server.finding.FindingService;
import dev.imprint.server.http.ApiModule;
import dev.imprint.server.http.ApiServer;
import dev.imprint.server.identity.IdentityRoutes;
import dev.imprint.server.identity.IdentityService;
import dev.imprint.server.image.ImagePolicy;
import dev.imprint.server.image.ImageRoutes;
import dev.imprint.server.image.ImageService;
import dev.imprint.server.store.Database;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane's composition root: opens the store, wires the capabilities by hand and
 * starts the HTTP API. {@link #close()} stops accepting requests, lets in-flight ones finish,
 * flushes pending writes and closes the store.
 */
public final class ImprintServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ImprintServer.class);

  private final ServerConfig config;
  private final Database db;
  private final ApiServer http;
  private final AtomicBoolean closing = new AtomicBoolean();

  private ImprintServer(ServerConfig config, Database db, ApiServer http) {
    this.config = config;
    this.db = db;
    this.http = http;
  }

  /**
   * Starts a server. On first start the admin token is printed once to {@code console} as
   * {@code admin token: <token>}.
   *
   * @throws IllegalArgumentException for an invalid configuration
   * @throws dev.imprint.server.store.StoreException when the store cannot be opened
   */
  public static ImprintServer start(ServerConfig config, PrintStream console) {
    return start(config, console, Clock.systemUTC());
  }

  static ImprintServer start(ServerConfig config, PrintStream console, Clock clock) {
    config.validate();
    Database db = Database.open(config.jdbcUrl(), config.dataDir());
    try {
      AuditLog audit = new AuditLog(db, clock);
      TokenService tokens = new TokenService(db, audit, clock);
      PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      Gauge.builder("imprint.store.commits", db, d -> d.writeStats().commits())
          .description("store transactions committed by the group-commit writer")
          .register(metrics);
      Gauge.builder("imprint.store.writes", db, d -> d.writeStats().units())
          .description("units of work written").register(metrics);
      List<ApiModule> modules = new ArrayList<>();
      modules.add(new TokenRoutes(tokens));
      KeyEncryptionKey kek = KeyEncryptionKey.resolve(config.kekFile(),
          System.getenv(KeyEncryptionKey.ENV), config.dataDir(), LOG::warn);
      modules.add(AuditRoutes.wire(db, config.trustDomain(), kek, clock, metrics));
      estate(config, db, audit, clock, modules);
      AtomicBoolean closing = new AtomicBoolean();
      ApiServer http = ApiServer.start(new ApiServer.Settings(config.host(), config.port(),
          config.maxBodyBytes(), null), tokens, metrics, () -> !closing.get() && ping(db), modules);
      if (!config.loopback() && !config.tls()) {
        LOG.warn("INSECURE: serving plain HTTP on non-loopback address {} (--insecure-no-tls);"
            + " tokens and credentials cross the network unencrypted", config.host());
      }
      ImprintServer server = new ImprintServer(config, db, http);
      tokens.bootstrapAdmin().ifPresent(t -> printOnce(console, t));
      LOG.info("imprint server listening on {} (store: {}, trust domain: {})", server.url(),
          db.dialect().name().toLowerCase(java.util.Locale.ROOT), config.trustDomain());
      return server;
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
  }

  /** Identities, images (with the operator's image policy) and findings. */
  private static void estate(ServerConfig config, Database db, AuditLog audit, Clock clock,
      List<ApiModule> modules) {
    ImagePolicy policy = config.imagePolicy() == null ? ImagePolicy.defaults()
        : ImagePolicy.load(config.imagePolicy());
    IdentityService identities = new IdentityService(db, audit, clock, config.trustDomain());
    modules.add(new IdentityRoutes(identities));
    modules.add(new ImageRoutes(new ImageService(db, audit, clock, identities, policy),
        config.maxBodyBytes()));
    modules.add(new FindingRoutes(new FindingService(db, audit, clock), config.maxBodyBytes()));
  }

  private static void printOnce(PrintStream console, IssuedToken t) {
    console.println("admin token: " + t.secret());
    console.println("(shown once; store it in a secret manager. Only its hash is kept.)");
    console.flush();
  }

  private static boolean ping(Database db) {
    try {
      return db.read(c -> c.isValid(2));
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** The base URL clients use. */
  public String url() {
    String h = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
    return (config.tls() ? "https://" : "http://") + h + ":" + http.port();
  }

  /** The bound port. */
  public int port() {
    return http.port();
  }

  /** The declared routes (tests). */
  public List<dev.imprint.server.http.Api.Route> routes() {
    return http.routes();
  }

  /** The store (tests and benchmarks). */
  public Database database() {
    return db;
  }

  /** Sets up process logging before {@link #start}. */
  public static void configureLogging(ServerConfig.LogFormat format) {
    ServerLogging.configure(format);
  }

  @Override
  public void close() {
    if (closing.compareAndSet(false, true)) {
      LOG.info("imprint server stopping: finishing in-flight requests");
      http.stop();
      db.close();
      LOG.info("imprint server stopped");
    }
  }
}
