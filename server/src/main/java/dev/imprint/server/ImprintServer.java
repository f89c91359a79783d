package dev.imprint.server;

import dev.imprint.server.alert.Alerts;
import dev.imprint.server.alert.AlertsConfig;
import dev.imprint.server.audit.AuditLog;
import dev.imprint.server.audit.AuditRoutes;
import dev.imprint.server.audit.CheckpointFile;
import dev.imprint.server.audit.CheckpointSchedule;
import dev.imprint.server.audit.KeyEncryptionKey;
import dev.imprint.server.audit.StoreAcceptance;
import dev.imprint.server.auth.IssuedToken;
import dev.imprint.server.authz.AuthzRoutes;
import dev.imprint.server.authz.DecisionService;
import dev.imprint.server.authz.PolicyService;
import dev.imprint.server.console.AlertFeed;
import dev.imprint.server.console.ConsoleRoutes;
import dev.imprint.server.auth.TokenRoutes;
import dev.imprint.server.auth.TokenService;
import dev.imprint.server.dbcreds.DbRoutes;
import dev.imprint.server.dbcreds.DbServers;
import dev.imprint.server.dbcreds.LeaseReaper;
import dev.imprint.server.dbcreds.LeaseService;
import dev.imprint.server.finding.FindingRoutes;
import dev.imprint.server.finding.FindingService;
import dev.imprint.server.finding.InventoryRoutes;
import dev.imprint.server.finding.InventoryService;
import dev.imprint.server.http.ApiModule;
import dev.imprint.server.http.ApiServer;
import dev.imprint.server.http.Readiness;
import dev.imprint.server.idempotency.IdempotencyKeys;
import dev.imprint.server.idempotency.Idempotent;
import dev.imprint.server.identity.Identity;
import dev.imprint.server.identity.IdentityRoutes;
import dev.imprint.server.identity.IdentityService;
import dev.imprint.server.image.ImagePolicy;
import dev.imprint.server.image.ImageRoutes;
import dev.imprint.server.image.ImageService;
import dev.imprint.server.kubernetes.AdmissionService;
import dev.imprint.server.kubernetes.ClusterService;
import dev.imprint.server.kubernetes.KubernetesAttestor;
import dev.imprint.server.kubernetes.KubernetesRoutes;
import dev.imprint.server.store.Database;
import dev.imprint.server.store.StateChanges;
import dev.imprint.server.svid.JwtSvidValidator;
import dev.imprint.server.svid.SvidConfig;
import dev.imprint.server.nodeagent.NodeAgentRoutes;
import dev.imprint.server.nodeagent.NodeAgentService;
import dev.imprint.server.svid.SvidRoutes;
import dev.imprint.server.svid.SvidService;
import dev.imprint.server.svid.WorkloadStates;
import dev.imprint.server.svid.X509SvidValidator;
import dev.imprint.server.attestation.JoinTokenRoutes;
import dev.imprint.server.attestation.JoinTokenService;
import dev.imprint.server.bundle.BundleRoutes;
import dev.imprint.server.bundle.TrustBundle;
import dev.imprint.server.keys.KeyRing;
import dev.imprint.server.keys.SigningKey;
import dev.imprint.server.keys.KeyPurpose;
import java.util.function.Supplier;
import java.security.cert.X509Certificate;
import dev.imprint.server.keys.KeyRoutes;
import dev.imprint.server.tls.HttpsConnector;
import dev.imprint.server.tls.ServerCertificate;
import io.javalin.config.JavalinConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.component.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane's composition root: opens the store, wires the capabilities by hand and
 * starts the HTTP API and the audit checkpoint schedule. {@link #close()} stops accepting
 * requests, lets in-flight ones finish, flushes pending writes, signs the audit log's final
 * tree head and closes the store.
 */
public final class ImprintServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ImprintServer.class);
  /** How long {@link #close()} lets in-flight requests run before cutting them off. */
  static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(20);
  /**
   * How long {@link #close()} leaves a connection open once it is idle: a keep-alive connection
   * with no request in flight has nothing to finish (Jetty's default kept each for 1 s).
   */
  static final Duration SHUTDOWN_IDLE = Duration.ofMillis(100);

  private final ServerConfig config;
  private final Database db;
  private final DataDirectory data;
  private final TokenService tokens;
  private final ApiServer http;
  private final AtomicBoolean closing;
  private final CheckpointSchedule checkpoints;
  private final WorkloadIdentity identity;
  private final Authorization authz;
  private final Alerts alerts;

  private ImprintServer(ServerConfig config, Database db, DataDirectory data,
      TokenService tokens, ApiServer http, AtomicBoolean closing,
      CheckpointSchedule checkpoints, WorkloadIdentity identity, Authorization authz,
      Alerts alerts) {
    this.config = config;
    this.db = db;
    this.data = data;
    this.tokens = tokens;
    this.http = http;
    this.closing = closing;
    this.checkpoints = checkpoints;
    this.identity = identity;
    this.authz = authz;
    this.alerts = alerts;
  }

  /**
   * Workload identity's parts that hold threads or pending records: the issuer (batched
   * issuance records, written before the store closes), the key ring's rotation schedule and
   * the revocation cache and the listener of the state changes every cache follows (tokens'
   * included).
   */
  private record WorkloadIdentity(SvidService svids, KeyRing keys, WorkloadStates states,
      JwtSvidValidator validator, AtomicReference<String> issuerUrl) implements AutoCloseable {
    @Override
    public void close() {
      svids.close();
      keys.close();
      states.close();
      states.changes().close();
    }
  }

  /**
   * Starts a server. On first start the admin token is printed once to {@code console} as
   * {@code admin token: <token>}.
   *
   * @throws IllegalArgumentException for an invalid configuration
   * @throws StartupException when another server holds the data directory, or the store's or
   *     the key-encryption key's files are readable or writable by other users
   * @throws dev.imprint.server.store.StoreException when the store cannot be opened
   */
  public static ImprintServer start(ServerConfig config, PrintStream console) {
    return start(config, console, Clock.systemUTC());
  }

  static ImprintServer start(ServerConfig config, PrintStream console, Clock clock) {
    return start(config, console, clock, List.of());
  }

  /** Starts a server with {@code extra} modules wired after the product's (tests). */
  static ImprintServer start(ServerConfig config, PrintStream console, Clock clock,
      List<ApiModule> extra) {
    return start(config, console, clock, extra, true, SHUTDOWN_GRACE);
  }

  /**
   * Starts a server with {@code extra} modules whose {@link #close()} lets in-flight requests run
   * for {@code shutdownGrace} (tests that hold a request for as long as they need).
   */
  static ImprintServer start(ServerConfig config, PrintStream console, List<ApiModule> extra,
      Duration shutdownGrace) {
    return start(config, console, Clock.systemUTC(), extra, true, shutdownGrace);
  }

  /**
   * Starts a server WITHOUT the shared request-body budget and the minimum request data rate,
   * for the input-limits benchmark A/B only (bench/limits-ab.sh): such a server can be starved
   * by slow bodies and exhausted by concurrent large ones. No command-line option reaches it;
   * it logs a warning when used.
   */
  public static ImprintServer startWithoutInputLimitsForBenchmark(ServerConfig config,
      PrintStream console) {
    LOG.warn("BENCHMARK ONLY: this server runs without the request-body budget and the minimum"
        + " request data rate; never serve real traffic with it");
    return start(config, console, Clock.systemUTC(), List.of(), false, SHUTDOWN_GRACE);
  }

  private static ImprintServer start(ServerConfig config, PrintStream console, Clock clock,
      List<ApiModule> extra, boolean inputLimits, Duration shutdownGrace) {
    long t0 = System.nanoTime();
    config.validate();
    ServerCertificate certificate = config.tls()
        ? ServerCertificate.load(config.tlsCert(), config.tlsKey()) : null;
    if (certificate != null) {
      certificate.warnings(clock.instant()).forEach(w -> LOG.warn("TLS: {}", w));
    }
    warmUpHttpInBackground();
    String kekEnv = System.getenv(KeyEncryptionKey.ENV);
    boolean kekFromEnv = kekEnv != null && !kekEnv.isBlank();
    DataDirectory data = DataDirectory.open(config, kekFromEnv);
    Database db;
    try {
      db = Database.open(config.jdbcUrl(), config.dataDir(), config.store());
    } catch (RuntimeException e) {
      data.close();
      throw e;
    }
    long tStore = System.nanoTime();
    TokenService tokens = null;
    WorkloadIdentity identity = null;
    // one invalidation for every cache of state (tokens, images' and identities' states)
    StateChanges changes = new StateChanges(db);
    Authorization authz = null;
    Alerts alerts = null;
    try {
      AuditLog audit = new AuditLog(db, clock);
      tokens = new TokenService(db, audit, clock, TokenService.USAGE_FLUSH_INTERVAL, changes);
      PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      storeGauges(db, metrics);
      List<ApiModule> modules = new ArrayList<>();
      Idempotent idempotent = new Idempotent(new IdempotencyKeys(db, clock));
      modules.add(new TokenRoutes(tokens, idempotent));
      KeyEncryptionKey kek = KeyEncryptionKey.resolve(config.kekFile(), kekEnv,
          config.dataDir(), LOG::warn);
      logKekPlacement(config, kekFromEnv, kek);
      Readiness readiness = new Readiness();
      AuditRoutes auditRoutes = AuditRoutes.wire(db, config.trustDomain(), kek, clock, metrics,
          readiness, new CheckpointFile(config.auditCheckpointPath()));
      modules.add(auditRoutes);
      identity = workloadIdentity(config, db, audit, clock, kek, idempotent, modules, changes);
      Estate estate = estate(config, db, audit, clock, tokens, idempotent, modules,
          identity.states(), identity.svids());
      authz = authorization(config, db, audit, clock, tokens, identity);
      modules.add(authz.routes());
      AtomicReference<String> url = new AtomicReference<>("");
      alerts = Alerts.wire(config.alertsConfig() == null ? AlertsConfig.defaults()
          : AlertsConfig.load(config.alertsConfig()), db, audit, clock, metrics,
          new Alerts.Sources(authz.decisions(), identity.keys().lifetime(),
              auditRoutes.service()::integrityFailure), url::get, System.getenv());
      modules.add(alerts.routes());
      PolicyService policies = authz.policies();
      modules.add(new ConsoleRoutes(db, clock, new ConsoleRoutes.Services(tokens,
          estate.identities(), estate.images(), auditRoutes.service(), () -> policies,
          alertFeed(alerts.service())), config.tls()));
      modules.add(new NodeAgentRoutes(new NodeAgentService(identity.svids(),
          authz.decisions())));
      authz = authz.withLogins(databaseLogins(db, audit, clock, kek, identity, authz, estate,
          idempotent));
      modules.add(authz.logins().routes());
      modules.addAll(extra);
      AtomicBoolean closing = new AtomicBoolean();
      readiness.addCheck(() -> closing.get()
          ? Optional.of(new Readiness.Failure("server.stopping", "the server is shutting down"))
          : Optional.empty());
      readiness.addCheck(() -> {
        Database.Health h = db.health(); // from memory: a probe never waits for the store
        return h.up() ? Optional.empty()
            : Optional.of(new Readiness.Failure("store.unavailable", h.detail()));
      });
      ApiServer http = ApiServer.start(new ApiServer.Settings(config.host(), config.port(),
          config.maxBodyBytes(), jetty(config, certificate, x509Authorities(identity.keys()),
              shutdownGrace),
          inputLimits, HOOKS),
          tokens, metrics, readiness,
          modules);
      long tHttp = System.nanoTime();
      if (!config.loopback() && !config.tls()) {
        LOG.warn("INSECURE: serving plain HTTP on non-loopback address {} (--insecure-no-tls);"
            + " tokens and credentials cross the network unencrypted", config.host());
      }
      bootstrapAdmin(config, tokens, console);
      ImprintServer server = new ImprintServer(config, db, data, tokens, http, closing,
          CheckpointSchedule.start(auditRoutes.service(), config.checkpointInterval()), identity,
          authz, alerts);
      identity.issuerUrl().compareAndSet(null, server.url());
      url.set(server.url());
      alerts.start();
      LOG.info("imprint server listening on {} (store: {}, trust domain: {}); started in {} ms:"
          + " store and migrations {} ms, HTTP {} ms", server.url(),
          db.dialect().name().toLowerCase(java.util.Locale.ROOT), config.trustDomain(),
          millis(t0, System.nanoTime()), millis(t0, tStore), millis(tStore, tHttp));
      return server;
    } catch (RuntimeException e) {
      if (alerts != null) {
        alerts.close();
      }
      if (authz != null) {
        authz.close();
      }
      if (tokens != null) {
        tokens.close();
      }
      if (identity != null) {
        identity.close();
      } else {
        changes.close();
      }
      db.close();
      data.close();
      throw e;
    }
  }

  /**
   * {@code imprint audit accept-store}: with the server stopped, opens its store the way
   * {@link #start} does (the data directory's lock and permission checks, the same
   * key-encryption key) and accepts the stored audit log as it is, on the record
   * ({@link StoreAcceptance}); with {@code dryRun} only says what that would do.
   *
   * @throws StartupException when the data directory is in use or unsafe
   * @throws dev.imprint.server.store.StoreException when the store cannot be opened
   * @throws IllegalStateException when the stored entries themselves are broken
   */
  public static StoreAcceptance.Outcome acceptAuditStore(ServerConfig config, String reason,
      boolean dryRun) {
    config.validate();
    String kekEnv = System.getenv(KeyEncryptionKey.ENV);
    try (DataDirectory data = DataDirectory.open(config, kekEnv != null && !kekEnv.isBlank());
        Database db = Database.open(config.jdbcUrl(), config.dataDir())) {
      KeyEncryptionKey kek = KeyEncryptionKey.resolve(config.kekFile(), kekEnv,
          config.dataDir(), LOG::warn);
      return StoreAcceptance.accept(db, config.trustDomain(), kek, Clock.systemUTC(),
          new CheckpointFile(config.auditCheckpointPath()), reason, dryRun);
    }
  }

  /**
   * The console's view of the alerts service: the unresolved alerts, newest first, and those
   * resolved lately, the latest first.
   */
  private static AlertFeed alertFeed(dev.imprint.server.alert.AlertService service) {
    int max = dev.imprint.server.alert.AlertService.MAX_PAGE;
    return new AlertFeed() {
      @Override
      public List<AlertFeed.Alert> unresolved(String severity, int limit) {
        return service.unresolved(severity(severity), Math.min(limit, max)).stream()
            .map(ImprintServer::fed).toList();
      }

      @Override
      public List<AlertFeed.Alert> resolvedSince(java.time.Instant since, String severity,
          int limit) {
        return service.resolvedSince(since, severity(severity), Math.min(limit, max)).stream()
            .map(ImprintServer::fed).toList();
      }

      @Override
      public Map<String, Long> unresolvedCounts() {
        Map<String, Long> out = new java.util.LinkedHashMap<>();
        service.unresolvedCounts().forEach((k, v) -> out.put(k.wire(), v));
        return out;
      }

      @Override
      public boolean wired() {
        return true;
      }
    };
  }

  private static dev.imprint.server.alert.Severity severity(String wire) {
    return wire == null ? null : dev.imprint.server.alert.Severity.parse(wire);
  }

  private static AlertFeed.Alert fed(dev.imprint.server.alert.Alert a) {
    return new AlertFeed.Alert(a.id(), a.rule(), a.severity().wire(), a.subject(),
        a.summary() + " " + a.evidence(), a.link(), a.raisedAt(), a.state().wire(),
        a.resolvedAt(), a.resolvedBy());
  }

  /** The current X.509 authorities, whose SVIDs a TLS client may present. */
  private static Supplier<List<X509Certificate>> x509Authorities(KeyRing keys) {
    return () -> keys.published(KeyPurpose.X509_CA).stream().map(SigningKey::certificate)
        .toList();
  }

  /**
   * For every API call: request threads wait for the store in bounded numbers
   * ({@code --store-max-waiting}), and each answered call has its request log line.
   */
  private static final ApiServer.Hooks HOOKS = new ApiServer.Hooks() {
    @Override
    public void before() {
      Database.servingRequests();
    }

    @Override
    public void log(String method, String route, int status, float millis, String tokenId) {
      RequestLog.log(method, route, status, millis, tokenId);
    }
  };

  /**
   * Jetty settings: graceful stop (in-flight requests finish within {@code shutdownGrace}),
   * the HTTPS connector instead of the plain one when TLS is configured (asking for, not
   * requiring, a client certificate: an X.509-SVID for {@code POST /v1/authorize}), and the
   * request log.
   */
  private static Consumer<JavalinConfig> jetty(ServerConfig config, ServerCertificate cert,
      Supplier<List<X509Certificate>> clientAuthorities, Duration shutdownGrace) {
    return cfg -> {
      cfg.jetty.modifyServer(server -> {
        server.setStopTimeout(shutdownGrace.toMillis());
        server.setHandler(new GracefulHandler());
        server.addEventListener(new LifeCycle.Listener() {
          @Override
          public void lifeCycleStopping(LifeCycle event) {
            for (Connector c : server.getConnectors()) {
              if (c instanceof AbstractConnector a) {
                a.setShutdownIdleTimeout(SHUTDOWN_IDLE.toMillis());
              }
            }
          }
        });
      });
      if (cert != null) {
        cfg.jetty.addConnector(HttpsConnector.on(config.host(), config.port(), cert,
            clientAuthorities));
      }
    };
  }

  /**
   * Loads and initialises the HTTP stack's classes (Javalin, Jetty, Jackson) on another core
   * while this thread opens and migrates the store: start-up is then the longer of the two
   * rather than their sum. Nothing is started or bound; a failure here is harmless.
   */
  private static void warmUpHttpInBackground() {
    Thread warm = new Thread(() -> {
      try {
        io.javalin.Javalin.create(cfg -> cfg.startup.showJavalinBanner = false);
        org.eclipse.jetty.server.Server jetty = new org.eclipse.jetty.server.Server();
        new org.eclipse.jetty.server.ServerConnector(jetty).getProtocols();
        new GracefulHandler();
        dev.imprint.server.http.Json.MAPPER.writeValueAsString(java.util.Map.of("a", 1));
      } catch (Throwable ignored) {
        // only a warm-up: the real start reports any problem
      }
    }, "imprint-warm-up");
    warm.setDaemon(true);
    warm.start();
  }

  private static long millis(long from, long to) {
    return (to - from) / 1_000_000;
  }

  /**
   * Identities (whose offboarding revokes the tokens bound to them), images (with the operator's
   * image policy), findings and the inventory uploads carry with them.
   */
  private static Estate estate(ServerConfig config, Database db, AuditLog audit, Clock clock,
      TokenService tokens, Idempotent idempotent, List<ApiModule> modules,
      WorkloadStates states, SvidService svids) {
    ImagePolicy policy = config.imagePolicy() == null ? ImagePolicy.defaults()
        : ImagePolicy.load(config.imagePolicy());
    IdentityService identities = new IdentityService(db, audit, clock, config.trustDomain());
    identities.onOffboard((tx, identity, actor, reason) ->
        tokens.revokeBoundTo(tx, identity.id(), identity.spiffeId(), actor, reason));
    // the tokens bound to it follow the same changes as the states
    identities.onStatusChange((tx, identity, from) -> states.changed(tx));
    modules.add(new IdentityRoutes(identities, tokens::pendingLastSeen, idempotent));
    ImageService images = new ImageService(db, audit, clock, identities, policy);
    images.onRetire((tx, image, actor, reason) -> states.changed(tx));
    modules.add(new ImageRoutes(images, config.maxBodyBytes(), idempotent));
    modules.add(new FindingRoutes(new FindingService(db, audit, clock, IdentityService::linked),
        config.maxBodyBytes(), idempotent));
    modules.add(new InventoryRoutes(new InventoryService(db)));
    ClusterService clusters = new ClusterService(db, audit, clock, tokens, identities);
    modules.add(new KubernetesRoutes(db, clusters, new AdmissionService(db, audit, clock,
        clusters), new KubernetesAttestor(db, audit, clock, clusters, svids), svids,
        config.maxBodyBytes(), idempotent));
    return new Estate(identities, images);
  }

  /** The lifecycle services later capabilities hook into. */
  private record Estate(IdentityService identities, ImageService images) {}

  /**
   * Database logins: registered servers, leases and their reaper. Disabling or offboarding an
   * identity and retiring an image revoke their leases in the same transaction; the reaper then
   * drops the roles once it has committed.
   */
  private record DatabaseLogins(DbServers servers, LeaseService leases, LeaseReaper reaper,
      DbRoutes routes) implements AutoCloseable {
    @Override
    public void close() {
      reaper.close();
      servers.close();
    }
  }

  private static DatabaseLogins databaseLogins(Database db, AuditLog audit, Clock clock,
      KeyEncryptionKey kek, WorkloadIdentity identity, Authorization authz, Estate estate,
      Idempotent idempotent) {
    DbServers servers = new DbServers(db, audit, kek, clock);
    LeaseService leases = new LeaseService(db, audit, clock, servers, authz.policies(),
        authz.decisions(), identity.validator());
    LeaseReaper reaper = new LeaseReaper(db, leases, LeaseReaper.INTERVAL);
    estate.identities().onStatusChange((tx, id, from) -> {
      if (id.status() != Identity.Status.ACTIVE && leases.revokeAll(tx, "subject",
          id.spiffeId(), "system:identity-" + id.status().wire(), "identity "
              + id.status().wire()) > 0) {
        reaper.wake();
      }
    });
    estate.images().onRetire((tx, image, actor, reason) -> {
      if (leases.revokeAll(tx, "image_digest", image.digest(), actor, "image retired: "
          + reason) > 0) {
        reaper.wake();
      }
    });
    return new DatabaseLogins(servers, leases, reaper, new DbRoutes(servers, leases,
        idempotent));
  }

  /**
   * Signing keys (rotated on a schedule), the trust bundle and OIDC discovery, join tokens, the
   * issuer and the validator. The issuer URL is the configured one, else the server's own URL
   * once it listens.
   */
  private static WorkloadIdentity workloadIdentity(ServerConfig config, Database db,
      AuditLog audit, Clock clock, KeyEncryptionKey kek, Idempotent idempotent,
      List<ApiModule> modules, StateChanges changes) {
    SvidConfig sc = config.svid() == null ? SvidConfig.defaults() : config.svid();
    AtomicReference<String> issuerUrl = new AtomicReference<>(sc.issuerUrl());
    KeyRing keys = new KeyRing(db, audit, kek, clock, config.trustDomain(), sc.keyLifetime(),
        !sc.rs256Audiences().isEmpty());
    WorkloadStates states = new WorkloadStates(db, changes);
    try {
      keys.start();
    } catch (RuntimeException e) {
      keys.close();
      states.close();
      throw e;
    }
    SvidService svids = new SvidService(db, audit, clock, config.trustDomain(), keys, states,
        issuerUrl::get, sc);
    modules.add(new BundleRoutes(new TrustBundle(keys, issuerUrl::get, sc.refreshHint())));
    modules.add(new KeyRoutes(keys, sc.refreshHint().plus(KeyRing.PROPAGATION), idempotent));
    JwtSvidValidator validator = new JwtSvidValidator(keys, states, clock, config.trustDomain());
    modules.add(new SvidRoutes(svids, validator));
    modules.add(new JoinTokenRoutes(new JoinTokenService(db, audit, clock), svids,
        idempotent));
    return new WorkloadIdentity(svids, keys, states, validator, issuerUrl);
  }

  /**
   * Authorization: the grant policy versions, the decision point and its batched decision
   * records (written at close, before the store's last writes).
   */
  private record Authorization(PolicyService policies, DecisionService decisions,
      AuthzRoutes routes, DatabaseLogins logins) implements AutoCloseable {
    Authorization withLogins(DatabaseLogins l) {
      return new Authorization(policies, decisions, routes, l);
    }

    @Override
    public void close() {
      if (logins != null) {
        logins.close();
      }
      decisions.close();
      policies.close();
    }
  }

  private static Authorization authorization(ServerConfig config, Database db, AuditLog audit,
      Clock clock, TokenService tokens, WorkloadIdentity identity) {
    PolicyService policies = new PolicyService(db, audit, clock, config.trustDomain());
    DecisionService decisions = new DecisionService(db, audit, clock, policies,
        identity.validator(), new X509SvidValidator(identity.keys(), identity.states(), clock,
            config.trustDomain()), identity.states());
    return new Authorization(policies, decisions, new AuthzRoutes(policies, decisions, tokens,
        clock, config.maxBodyBytes()), null);
  }

  /** The decision point (tests and benchmarks). */
  public DecisionService decisions() {
    return authz.decisions();
  }

  /** The alerts capability (the console, tests). */
  public Alerts alerts() {
    return alerts;
  }

  /** Database logins' leases and reaper (tests and benchmarks). */
  public LeaseService dbLeases() {
    return authz.logins().leases();
  }

  /** The registered database servers and their admin pools (tests). */
  public DbServers dbServers() {
    return authz.logins().servers();
  }

  /** The issuer of workload identity (tests and benchmarks). */
  public SvidService svids() {
    return identity.svids();
  }

  /**
   * Says where the key-encryption key comes from; the default file inside the data directory is
   * a WARN at every start, since a copy of the directory then carries its own key.
   */
  private static void logKekPlacement(ServerConfig config, boolean fromEnv,
      KeyEncryptionKey kek) {
    if (config.kekFile() == null && !fromEnv) {
      LOG.warn("the key-encryption key is {}, inside the data directory whose signing keys it"
          + " protects: a copy of the directory (a backup, a volume snapshot) carries the key"
          + " that unwraps them. In production keep it elsewhere: --kek-file on another volume,"
          + " or {} from a secret manager (see docs/server.md)", kek.source(),
          KeyEncryptionKey.ENV);
    } else {
      LOG.info("key-encryption key from {}", fromEnv && config.kekFile() == null
          ? KeyEncryptionKey.ENV : "--kek-file " + config.kekFile());
    }
  }

  /**
   * A first start prints the first admin token; a later start mints one only when asked with
   * {@code --bootstrap-admin}, and otherwise says so when no admin token is active.
   */
  private static void bootstrapAdmin(ServerConfig config, TokenService tokens,
      PrintStream console) {
    Optional<IssuedToken> first = tokens.bootstrapAdmin();
    if (first.isPresent()) {
      printOnce(console, first.get());
      return;
    }
    if (config.bootstrapAdmin()) {
      IssuedToken minted = tokens.mintBootstrapAdmin();
      LOG.warn("--bootstrap-admin: minted admin token {} (audited as token.created by"
          + " system:bootstrap-admin); drop the option from later starts", minted.token().id());
      printOnce(console, minted);
    } else if (tokens.activeAdminCount() == 0) {
      LOG.warn("no admin token is active: restart with --bootstrap-admin to mint one");
    }
  }

  private static void printOnce(PrintStream console, IssuedToken t) {
    console.println("admin token: " + t.secret());
    console.println("(shown once; store it in a secret manager. Only its hash is kept.)");
    console.flush();
  }

  /**
   * The {@code imprint_store_*} gauges, all from memory (a scrape never touches the store): the
   * group-commit writer's counters, the units waiting for it, and whether the store answers.
   */
  private static void storeGauges(Database db, PrometheusMeterRegistry metrics) {
    Gauge.builder("imprint.store.commits", db, d -> d.writeStats().commits())
        .description("store transactions committed by the group-commit writer")
        .register(metrics);
    Gauge.builder("imprint.store.writes", db, d -> d.writeStats().units())
        .description("units of work written").register(metrics);
    Gauge.builder("imprint.store.rolled.back", db, d -> d.writeStats().rolledBack())
        .description("units of work rolled back inside a batch that committed (their request"
            + " was refused)").register(metrics);
    Gauge.builder("imprint.store.failed.batches", db, d -> d.writeStats().failedBatches())
        .description("group-commit transactions that did not commit (their requests got 503)")
        .register(metrics);
    Gauge.builder("imprint.store.reruns", db, d -> d.writeStats().reruns())
        .description("PostgreSQL batches run again with a savepoint per unit because a unit"
            + " failed in their first run without savepoints").register(metrics);
    Gauge.builder("imprint.store.queued", db, d -> d.writeStats().queued())
        .description("units of work waiting for the group-commit writer").register(metrics);
    Gauge.builder("imprint.store.up", db, d -> d.health().up() ? 1 : 0)
        .description("1 while the store answers its health probe, 0 while it does not")
        .register(metrics);
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

  /** The HTTP front (tests). */
  public ApiServer http() {
    return http;
  }

  /** The declared routes (tests). */
  public List<dev.imprint.server.http.Api.Route> routes() {
    return http.routes();
  }

  /** Every web console page (tests). */
  public List<dev.imprint.server.http.Api.Route> pages() {
    return http.pages();
  }

  /** The store (tests and benchmarks). */
  public Database database() {
    return db;
  }

  /** True once {@link #close()} has begun; {@code /readyz} then answers 503. */
  public boolean closing() {
    return closing.get();
  }

  private void flushWrites() {
    try {
      db.write(c -> null);
    } catch (RuntimeException e) {
      LOG.warn("pending writes could not be flushed before shutdown: {}", e.toString());
    }
  }

  /** Sets up process logging before {@link #start}. */
  public static void configureLogging(ServerConfig.LogFormat format) {
    ServerLogging.configure(format);
  }

  /**
   * Sets up process logging as {@link #configureLogging(ServerConfig.LogFormat)} does, into
   * {@code sink} instead of standard error (the load generator measures the server with the
   * request log it always writes).
   */
  public static void configureLogging(ServerConfig.LogFormat format, java.io.OutputStream sink) {
    ServerLogging.configure(format, sink);
  }

  @Override
  public void close() {
    if (closing.compareAndSet(false, true)) {
      // Order matters: stop accepting and drain in-flight requests first, so every write they
      // started is queued; then write when tokens were last used (no request adds to it any
      // more); an empty write then returns once the group commit has committed everything
      // queued before it (the queue is FIFO), so the final checkpoint signs every entry;
      // closing the store last lets the writer commit anything still queued.
      LOG.info("imprint server stopping: finishing in-flight requests");
      http.stop();
      alerts.close();
      authz.close();
      tokens.close();
      identity.close();
      flushWrites();
      checkpoints.close();
      db.close();
      data.close();
      LOG.info("imprint server stopped");
      ServerLogging.flush();
    }
  }
}
